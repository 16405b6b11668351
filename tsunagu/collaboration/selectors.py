"""Reads of 多機関協働 cases and assessments, through the case-record mechanism (``tsunagu.records``): the one
access rule, 404 outside it, and every record shown audited with its grounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest

from tsunagu.access.disclosure import Shown, shown_audit
from tsunagu.access.policy import decisions_for
from tsunagu.audit.models import Action
from tsunagu.collaboration import assessment_forms
from tsunagu.collaboration.models import (
    Assessment,
    AssessmentMember,
    CaseParticipant,
    CaseState,
    CollaborationCase,
)
from tsunagu.core.models import User
from tsunagu.people.models import Person
from tsunagu.records.registry import kind
from tsunagu.records.selectors import (
    AuditedRecords,
    RecordView,
    record_check_for_user,
    record_get_for_user,
    records_for_user,
    visible_records,
)

_PARTICIPANTS = Prefetch(
    "participants", queryset=CaseParticipant.objects.select_related("organization").order_by("organization__name", "id")
)


def cases_visible(user: User) -> QuerySet[CollaborationCase]:
    return visible_records(user, kind("collaboration_case"))


def case_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    """A case the user may read, with the grounds; 404 otherwise. The read is audited."""
    return record_get_for_user(user=user, kind="collaboration_case", pk=pk, request=request)


def case_check_for_user(*, user: User, pk: int) -> CollaborationCase:
    """The case a write starts from: 404 outside access; the write is audited by its service."""
    return record_check_for_user(user=user, kind="collaboration_case", pk=pk)


def case_list_for_user(*, user: User, state: str = "", request: HttpRequest | None = None) -> AuditedRecords:
    """The cases the user may read, by state and then longest in that state first; audited as shown. Each row
    brings its person, coordinator, lead agency and participating organisations (two queries a page)."""
    rows = (
        cases_visible(user)
        .select_related("person", "organization", "staff", "lead_organization")
        .prefetch_related(_PARTICIPANTS)
        .order_by("state", "state_since", "id")
    )
    if state:
        rows = rows.filter(state=state)
    return records_for_user(user=user, kind="collaboration_case", rows=rows, summary="多機関協働ケースの一覧を表示",
                            request=request)  # fmt: skip


def case_counts_for_user(*, user: User) -> dict[str, int]:
    """How many cases the user may read in each state (one query; no personal data)."""
    counts = dict(cases_visible(user).order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in CaseState.values}


def participants_of_case(*, case: CollaborationCase) -> list[CaseParticipant]:
    return list(case.participants.select_related("organization").order_by("organization__name", "id"))


def _audit_members(user: User, decisions: dict[int, Any], person_ids: list[int], request: HttpRequest | None,
                   summary: str, action: Action = Action.READ) -> None:  # fmt: skip
    shown = [Shown("person", pid, pid, decisions[pid].grounds) for pid in person_ids]
    if shown:
        shown_audit(user=user, summary=summary, request=request, shown=shown, action=action)


def focus_members_for_user(
    *, user: User, case: CollaborationCase, request: HttpRequest | None = None
) -> tuple[list[Person], int]:
    """The case's other members in focus whom the user may see (each read audited on its own grounds), and
    how many are hidden (counted, not named)."""
    members = list(case.focus_members.order_by("pk"))
    decisions = decisions_for(user, [p.pk for p in members])
    visible = [p for p in members if decisions[p.pk].allowed]
    _audit_members(user, decisions, [p.pk for p in visible], request, "多機関協働ケースの対象の世帯員を表示")
    return visible, len(members) - len(visible)


def transitions_of_case(*, user: User, case: CollaborationCase, request: HttpRequest | None = None) -> list[Any]:
    rows = (
        visible_records(user, kind("case_transition"))
        .filter(case=case)
        .select_related("staff")
        .order_by("occurred_at", "id")
    )
    shown = records_for_user(user=user, kind="case_transition", rows=rows, summary="多機関協働ケースの経過を表示",
                             request=request)  # fmt: skip
    return shown[:500]


def assessments_of_case(*, user: User, case: CollaborationCase, request: HttpRequest | None = None) -> AuditedRecords:
    rows = (
        visible_records(user, kind("assessment"))
        .filter(case=case)
        .select_related("staff")
        .order_by("-occurred_at", "-id")
    )
    return records_for_user(user=user, kind="assessment", rows=rows, summary="多機関協働ケースのアセスメントを表示",
                            request=request)  # fmt: skip


def assessment_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    return record_get_for_user(user=user, kind="assessment", pk=pk, request=request)


@dataclass(frozen=True)
class MemberSection:
    person: Person
    fields: list[assessment_forms.ShownField]
    answers: dict[str, Any]  # as stored, for the API


@dataclass(frozen=True)
class AssessmentSheet:
    """An assessment as written, shown with its own version's definition; members the reader may not see
    are counted, not shown."""

    assessment: Assessment
    form: assessment_forms.FormDefinition
    household: list[tuple[assessment_forms.SectionDefinition, list[assessment_forms.ShownField]]]
    members: list[MemberSection]
    hidden_members: int


def assessment_sheet(
    *, user: User, assessment: Assessment, request: HttpRequest | None = None, action: Action = Action.READ
) -> AssessmentSheet:
    """The sheet of an assessment the user has read (``assessment_get_for_user``); ``action`` EXPORT for a
    print, so the members' sections that leave on paper are logged as exported, not merely read."""
    form = assessment_forms.definition(assessment.form_version)
    household = [(s, assessment_forms.shown(list(s.fields), assessment.answers)) for s in form.sections_of("household")]
    rows = list(AssessmentMember.objects.filter(assessment=assessment).select_related("person").order_by("person_id"))
    decisions = decisions_for(user, [r.person_id for r in rows])
    fields = form.fields_of("member")
    visible = [r for r in rows if decisions[r.person_id].allowed]
    members = [MemberSection(r.person, assessment_forms.shown(fields, r.answers), r.answers) for r in visible]
    summary = "アセスメントの世帯員ごとの記入を" + ("印刷" if action == Action.EXPORT else "表示")
    _audit_members(user, decisions, [r.person_id for r in visible], request, summary, action)
    return AssessmentSheet(assessment, form, household, members, len(rows) - len(visible))
