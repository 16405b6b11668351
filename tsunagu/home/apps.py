from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class HomeConfig(AppConfig):
    """The home page and the demo set-up: the top layer, free to use every app and imported by none."""

    name = "tsunagu.home"
    label = "home"
    verbose_name = gettext_lazy("ホーム")
