"""The record kind of 地域づくり — a known person's participation in an activity session — registered with the
case-record mechanism: the person's timeline, print, matrix and audit come from there.

The participation is held by the organisation that linked it, which has access to the person; others read it
only on a sharing basis on the person (consent, 支援会議, emergency). Places, sessions and their anonymous
counts are not case records: the community staff read them (``tsunagu.community.staff``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tsunagu.community.models import SessionParticipation
from tsunagu.records.registry import PrintRow, RecordKind, Route, register_kind, register_routes


def participation_print_row(record: SessionParticipation) -> PrintRow:
    session = record.session
    return PrintRow(kind="地域の活動への参加", content=f"{session.place.name}「{session.title}」"
                    + (f"\n{record.note}" if record.note else ""), staff=str(record.staff))  # fmt: skip


def register() -> None:
    register_kind(RecordKind(
        key="community_participation", label=_("活動への参加"), model=SessionParticipation,
        detail_url="community:participation-detail", timeline_template="community/records/participation_row.html",
        print_row=participation_print_row, select_related=("staff", "session", "session__place"), order=60,
    ))  # fmt: skip
    register_routes(
        Route("community:participation-detail", "community_participation"),
        Route("api:community-participation-detail", "community_participation"),
    )
