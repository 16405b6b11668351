"""The home page's sections, one per role the user holds (a user with several roles sees each).

Counts only, each one query whatever the data's size, each linking to the list behind it; the caseworker's
recent consultations are the one list with names, shown (and audited) through the consultations selectors.
Overdue and due are the consultations' rule (``consultations.deadlines``), not restated here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tsunagu.access import reviews
from tsunagu.access.policy import casework_organization_ids
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.collaboration import selectors as collaboration
from tsunagu.collaboration.transitions import OPEN_STATES
from tsunagu.community.models import ActivitySession, Place
from tsunagu.community.staff import community_memberships
from tsunagu.consultations import selectors as consultations
from tsunagu.consultations.deadlines import next_step_within, referral_overdue
from tsunagu.consultations.models import CaseNote, Referral
from tsunagu.core.japanese.wareki import fiscal_year, fiscal_year_range
from tsunagu.core.models import Membership, Organization, Role, User
from tsunagu.notifications.models import SystemStatus
from tsunagu.outreach import selectors as outreach
from tsunagu.outreach.models import Stage
from tsunagu.plans.selectors import plan_current_for_user

UNUSUAL_DAYS = 7
UNUSUAL_ACTIONS = [Action.LOGIN_FAILED, Action.LOCKOUT, Action.PROBE, Action.EXPORT]


@dataclass(frozen=True)
class Tally:
    label: str
    value: int
    url: str
    alert: bool = False


@dataclass
class Section:
    role: str
    title: str
    counts: list[Tally] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # a short list (recent consultations, unusual events)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def casework_section(user: User, role: str, request: HttpRequest | None) -> Section:
    organization_ids = casework_organization_ids(user)
    # The inbox's own list, counted (its rows, not shown: a count discloses no one).
    to_answer = consultations.referrals_waiting_for_user(user=user).rows.count()
    ours = Q(to_organization_id__in=organization_ids) | Q(from_organization_id__in=organization_ids)
    overdue = (
        Referral.objects.filter(municipality_id=user.municipality_id)
        .filter(referral_overdue(timezone.localdate()))
        .filter(ours)
        .count()
    )
    today = timezone.localdate()
    steps = CaseNote.objects.filter(
        next_step_within(today, 7), municipality_id=user.municipality_id, staff=user,
        organization_id__in=organization_ids,
    ).count()  # fmt: skip
    inbox = reverse("consultations:inbox")
    recent = consultations.consultation_list_for_user(
        user=user, filters=consultations.ConsultationFilters(staff=user.pk), request=request
    )[:5]
    coordinator = role == Role.COORDINATOR
    return Section(
        role=role,
        title=_("多機関協働（コーディネーター）") if coordinator else _("相談員"),
        counts=[
            Tally(_("回答待ちのつなぎ"), to_answer, f"{inbox}#incoming-title"),
            Tally(_("今週の自分の予定"), steps, f"{inbox}#steps-title"),
            Tally(_("期限を過ぎたつなぎ"), overdue, f"{inbox}#incoming-title", alert=overdue > 0),
            *([_open_cases_tally(user)] if coordinator else []),
            _outreach_due_tally(user, today),
        ],
        rows=recent,
        extra={"recent_url": f"{inbox}?staff={user.pk}"},
    )


def _open_cases_tally(user: User) -> Tally:
    """The coordinator's 多機関協働 cases not yet closed or suspended (one query)."""
    counts = collaboration.case_counts_for_user(user=user)
    return Tally(_("進行中の多機関協働ケース"), sum(counts[state] for state in OPEN_STATES),
                 reverse("collaboration:case-list"))  # fmt: skip


def _outreach_due_tally(user: User, today: Any) -> Tally:
    """The outreach targets the user may read whose next action is due (one query; a count names no one)."""
    due = outreach.targets_visible(user).exclude(stage=Stage.ENDED).filter(next_action_on__lte=today).count()
    return Tally(_("対応日が来たアウトリーチ"), due, reverse("outreach:target-list"), alert=due > 0)


def community_section(user: User) -> Section | None:
    """地域づくり for its staff: the places open and this 年度's sessions (two queries), linking to its pages."""
    if not community_memberships(user):
        return None
    first, last = fiscal_year_range(fiscal_year(timezone.localdate()))
    places = Place.objects.filter(municipality_id=user.municipality_id, closed_on__isnull=True).count()
    sessions = ActivitySession.objects.filter(
        municipality_id=user.municipality_id, held_on__range=(first, last)
    ).count()
    index = reverse("community:index")
    return Section(
        role="community", title=_("地域づくり"),
        counts=[Tally(_("開設中の拠点・居場所"), places, reverse("community:place-list")),
                Tally(_("今年度の活動の回数"), sessions, index)],
    )  # fmt: skip


def supervisor_section(user: User) -> Section:
    grants = reviews.waiting_counts(reviews.grants_to_review_for_user(user=user))
    divisions = Membership.objects.confirmed().filter(user=user, role=Role.SUPERVISOR).values("organization__division")
    division_orgs = Organization.objects.filter(
        Q(division__in=divisions) | Q(pk__in=Membership.objects.confirmed().filter(user=user, role=Role.SUPERVISOR)
                                      .values("organization")),
        municipality_id=user.municipality_id,
    ).values("pk")  # fmt: skip
    overdue = (
        Referral.objects.filter(municipality_id=user.municipality_id)
        .filter(referral_overdue(timezone.localdate()))
        .filter(Q(to_organization__in=division_orgs) | Q(from_organization__in=division_orgs))
        .count()
    )
    review = reverse("access:emergency-review-list")
    return Section(
        role=Role.SUPERVISOR,
        title=_("監督者"),
        counts=[
            Tally(_("確認待ちの緊急時の閲覧"), grants.waiting, review),
            Tally(_("うち確認期限超過"), grants.overdue, review, alert=grants.overdue > 0),
            Tally(_("課内の期限を過ぎたつなぎ"), overdue, reverse("consultations:referrals-open"), alert=overdue > 0),
        ],
    )


def administrator_section(user: User) -> Section:
    """Users, organisations, the plan and the system's health: no personal data."""
    users = User.objects.filter(municipality_id=user.municipality_id, is_active=True).count()
    organizations = Organization.objects.filter(municipality_id=user.municipality_id).count()
    pending = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    status = {s.name: s for s in SystemStatus.objects.filter(name__in=["worker", "audit_verify", "audit_seal"])}
    plan = plan_current_for_user(user=user)
    admin = reverse("tsunagu-admin:index")
    worker = status.get("worker")
    stale = worker is None or worker.at < timezone.now() - timedelta(minutes=15)
    return Section(
        role=Role.ADMINISTRATOR,
        title=_("システム管理者"),
        counts=[
            Tally(_("利用者（有効）"), users, admin),
            Tally(pgettext("count", "機関"), organizations, reverse("plans:organization-list")),
            Tally(_("実行待ちのタスク"), pending, admin, alert=pending > 100),
        ],
        extra={
            "plan": plan,
            "worker": worker,
            "worker_stale": stale,
            "audit_verify": status.get("audit_verify"),
            "audit_seal": status.get("audit_seal"),
        },
    )


def auditor_section(user: User) -> Section:
    """The log's unusual events of the last week, by kind (one aggregate) and the latest few (one query)."""
    since = timezone.now() - timedelta(days=UNUSUAL_DAYS)
    unusual = Q(action__in=UNUSUAL_ACTIONS) | Q(action=Action.GRANT, basis="emergency")
    entries = AuditEntry.objects.filter(unusual, municipality_id=user.municipality_id, created_at__gte=since)
    by_kind = entries.aggregate(
        **{str(a): Count("pk", filter=Q(action=a)) for a in UNUSUAL_ACTIONS},
        emergency=Count("pk", filter=Q(action=Action.GRANT, basis="emergency")),
    )
    log = reverse("audit:log")
    counts = [Tally(str(Action(a).label), by_kind[str(a)], f"{log}?action={a}") for a in UNUSUAL_ACTIONS]
    counts.append(Tally(_("緊急時の閲覧"), by_kind["emergency"], f"{log}?action={Action.GRANT}"))
    latest = list(
        entries.select_related("organization").only(
            "created_at", "username", "action", "organization__name", "basis"
        ).order_by("-created_at", "-id")[:10]
    )  # fmt: skip
    return Section(role=Role.AUDITOR, title=_("監査担当"), counts=counts, rows=latest)


def sections_for_user(user: User, roles: set[str], request: HttpRequest | None = None) -> list[Section]:
    """Each role's section, in the order of ``Role``; a role waiting for confirmation gives none."""
    sections = []
    for role in (Role.CASEWORKER, Role.COORDINATOR):
        if role in roles:
            sections.append(casework_section(user, role, request))
    if roles & {Role.CASEWORKER, Role.COORDINATOR} and (community := community_section(user)) is not None:
        sections.append(community)
    if Role.SUPERVISOR in roles:
        sections.append(supervisor_section(user))
    if Role.ADMINISTRATOR in roles:
        sections.append(administrator_section(user))
    if Role.AUDITOR in roles:
        sections.append(auditor_section(user))
    return sections
