"""エコマップ: a household drawn from the data — its members in the centre, the organisations involved around
them, and a line for each involvement whose style (not colour: it must print in grey) says how strong or
current it is.

Built only from what the reader may see: the household through ``people.selectors`` (members the reader may
not see are counted, never drawn), cases and referrals through the case-record mechanism.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.collaboration.models import CaseState
from tsunagu.collaboration.selectors import cases_visible
from tsunagu.consultations.models import ReferralStatus
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import User
from tsunagu.people.selectors import HouseholdView
from tsunagu.records.registry import kind
from tsunagu.records.selectors import records_for_user, visible_records

# Edge kinds, strongest first; the renderer draws each with its own width and dash (see LINE_STYLES).
CASE = "case"
REFERRAL_OPEN = "referral_open"
REGISTERED = "registered"
CLOSED = "closed"
EDGE_KINDS = (CASE, REFERRAL_OPEN, REGISTERED, CLOSED)
LINE_STYLES = {CASE: (4, ""), REFERRAL_OPEN: (2, "8 5"), REGISTERED: (1, ""), CLOSED: (1.5, "2 4")}
EDGE_LABELS = {
    CASE: gettext_lazy("多機関協働（進行中）"), REFERRAL_OPEN: gettext_lazy("つなぎ（回答待ち・受理）"),
    REGISTERED: gettext_lazy("関わり"), CLOSED: gettext_lazy("終結・辞退"),
}  # fmt: skip


@dataclass(frozen=True)
class MemberNode:
    person_id: int
    name: str
    relationship: str
    age: int | None
    symbol: str  # "square" (male), "circle" (female), "diamond" (other or unstated), as in genograms
    is_key_person: bool


@dataclass(frozen=True)
class OrganizationNode:
    organization_id: int
    name: str


@dataclass(frozen=True)
class Edge:
    organization_id: int
    person_id: int | None  # None: the household as a whole
    kind: str
    label: str


@dataclass
class Ecomap:
    household_id: int
    members: list[MemberNode]
    organizations: list[OrganizationNode]
    edges: list[Edge]
    hidden_count: int
    legend: list[tuple[str, str | Promise]] = field(default_factory=list)


def _age(born: date | None, today: date) -> int | None:
    return age_on(born, today) if born is not None and born <= today else None


def _symbol(gender: str) -> str:
    return {"male": "square", "female": "circle"}.get(gender, "diamond")


def ecomap_for_user(*, user: User, view: HouseholdView, request: HttpRequest | None = None) -> Ecomap:
    """The ecomap of a household the user has read (``people.selectors.household_get_for_user``, which
    audited the members). Cases and referrals shown are audited as shown; three queries whatever the size."""
    today = timezone.localdate()
    members = [
        MemberNode(m.member.person_id, m.member.person.full_name,
                   m.member.get_relationship_display(), _age(m.member.person.birth_date, today),
                   _symbol(m.member.person.gender), m.member.is_key_person)
        for m in view.visible_members
    ]  # fmt: skip
    member_ids = {m.person_id for m in members}
    organizations: dict[int, OrganizationNode] = {}
    edges: dict[tuple[int, int | None], Edge] = {}

    def add(org, person_id: int | None, edge_kind: str, label: str) -> None:
        if person_id is not None and person_id not in member_ids:
            person_id = None  # about a hidden member: drawn to the household, never to them
        organizations.setdefault(org.pk, OrganizationNode(org.pk, org.name))
        key = (org.pk, person_id)
        # One line per organisation and person: the strongest involvement wins.
        if key not in edges or EDGE_KINDS.index(edge_kind) < EDGE_KINDS.index(edges[key].kind):
            edges[key] = Edge(org.pk, person_id, edge_kind, label)

    cases = (
        cases_visible(user).filter(household=view.household).select_related("organization")
        .prefetch_related("participants__organization").order_by("id")
    )  # fmt: skip
    for case in records_for_user(user=user, kind="collaboration_case", rows=cases,
                                 summary="エコマップに多機関協働ケースを表示", request=request):  # fmt: skip
        ended = case.state in (CaseState.CLOSED, CaseState.SUSPENDED)
        add(case.organization, case.person_id, CLOSED if ended else CASE, _("多機関協働（調整）"))
        for p in case.participants.all():
            add(p.organization, case.person_id, CLOSED if ended else CASE, p.role_note or _("多機関協働（参加）"))
    referrals = (
        visible_records(user, kind("referral"))
        .filter(Q(household=view.household) | Q(person_id__in=member_ids))
        .select_related("to_organization", "from_organization").order_by("id")
    )  # fmt: skip
    for r in records_for_user(user=user, kind="referral", rows=referrals, summary="エコマップにつなぎを表示",
                              request=request):  # fmt: skip
        add(r.from_organization, r.person_id, REGISTERED, _("相談受付"))
        declined = r.status == ReferralStatus.DECLINED
        add(r.to_organization, r.person_id, CLOSED if declined else REFERRAL_OPEN, _("つなぎ先"))
    return Ecomap(
        household_id=view.household.pk, members=members,
        organizations=sorted(organizations.values(), key=lambda o: (o.name, o.organization_id)),
        edges=sorted(edges.values(), key=lambda e: (e.organization_id, e.person_id or 0)),
        hidden_count=view.hidden_member_count, legend=[(k, EDGE_LABELS[k]) for k in EDGE_KINDS],
    )  # fmt: skip


def ecomap_svg(ecomap: Ecomap) -> SafeString:
    """The ecomap as inline SVG: the household block in the centre, organisations on a ring. Names go
    through the template (escaped); line styles by width and dash only."""
    width, height, cx, cy = 720, 560, 360, 250
    slot = 90
    left = cx - slot * (len(ecomap.members) - 1) / 2
    members = [(m, left + slot * i, cy) for i, m in enumerate(ecomap.members)]
    at = {m.person_id: (x, y) for m, x, y in members}
    n = max(len(ecomap.organizations), 1)
    angles = [2 * math.pi * i / n - math.pi / 2 for i in range(len(ecomap.organizations))]
    orgs = [
        (o, cx + 300 * math.cos(a), cy + 200 * math.sin(a)) for o, a in zip(ecomap.organizations, angles, strict=True)
    ]
    org_at = {o.organization_id: (x, y) for o, x, y in orgs}
    lines = []
    for e in ecomap.edges:
        x1, y1 = org_at[e.organization_id]
        x2, y2 = at.get(e.person_id, (cx, cy)) if e.person_id is not None else (cx, cy)
        w, dash = LINE_STYLES[e.kind]
        lines.append({"edge": e, "x1": x1, "y1": y1, "x2": x2, "y2": y2, "width": w, "dash": dash,
                      "kind_label": EDGE_LABELS[e.kind]})  # fmt: skip
    legend = [{"kind": k, "label": label, "width": LINE_STYLES[k][0], "dash": LINE_STYLES[k][1], "y": 500 + 14 * i}
              for i, (k, label) in enumerate(ecomap.legend)]  # fmt: skip
    block = (left - 50, cy - 45, slot * max(len(members) - 1, 0) + 100, 110)
    return render_to_string("collaboration/_ecomap.svg", {
        "ecomap": ecomap, "members": members, "orgs": orgs, "lines": lines, "legend": legend,
        "width": width, "height": height, "block": block,
    })  # fmt: skip
