"""The one error of meetings, apart so that every module of the app (services, acting, information) raises it."""

from django.core.exceptions import ValidationError


class MeetingError(ValidationError):
    """A refused meeting operation; ``messages`` are shown as they are."""
