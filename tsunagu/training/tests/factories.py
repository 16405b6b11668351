"""Sessions for the tests, through the service (as the coordinator of 福祉あんしん課)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tsunagu.core.models import Organization, User
from tsunagu.training import services
from tsunagu.training.models import TrainingSession


def org(town, name: str) -> Organization:
    return Organization.objects.get(municipality=town, name=name)


def session_of(coordinator: User, *, held_on: date, theme: str = "多機関協働の基礎",
               attendance: Sequence[tuple[Organization, int, list[User]]] = ()) -> TrainingSession:  # fmt: skip
    return services.session_create(
        user=coordinator,
        data=services.SessionInput(
            held_on=held_on, theme=theme, place="琴浦町役場 会議室",
            participations=[services.ParticipationInput(organization=o, other_attendees=n, staff=list(staff))
                            for o, n, staff in attendance],
        ),
    )  # fmt: skip
