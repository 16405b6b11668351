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
    audited the members). Cases, referrals and consultations shown are audited as
    shown; four queries whatever the size."""
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
    # An agency that took a consultation about a member (or the household) is involved even if it never
    # referred anyone on: the thin "registered" line.
    consultations = (
        visible_records(user, kind("consultation"))
        .filter(Q(household=view.household) | Q(person_id__in=member_ids))
        .select_related("organization").order_by("id")
    )  # fmt: skip
    for c in records_for_user(user=user, kind="consultation", rows=consultations, summary="エコマップに相談受付を表示",
                              request=request):  # fmt: skip
        add(c.organization, c.person_id, REGISTERED, _("相談受付"))
    return Ecomap(
        household_id=view.household.pk, members=members,
        organizations=sorted(organizations.values(), key=lambda o: (o.name, o.organization_id)),
        edges=sorted(edges.values(), key=lambda e: (e.organization_id, e.person_id or 0)),
        hidden_count=view.hidden_member_count, legend=[(k, EDGE_LABELS[k]) for k in EDGE_KINDS],
    )  # fmt: skip


# The drawing's measures (SVG user units). Members wrap in rows so that a large household stays a block,
# and the organisations' ring grows until no box touches another or the block.
MEMBER_SLOT, MEMBER_ROW, MEMBERS_PER_ROW = 90, 84, 5
ORG_W, ORG_H = 150, 32
MARGIN, GAP, LEGEND_ROW = 20, 8, 14


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.w, self.h)

    def overlaps(self, other: Box, pad: float = 0) -> bool:
        return not (self.x + self.w + pad <= other.x or other.x + other.w + pad <= self.x
                    or self.y + self.h + pad <= other.y or other.y + other.h + pad <= self.y)  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """Where everything goes: the canvas is ``width`` × ``height`` and every box lies inside it."""

    width: float
    height: float
    block: Box  # the household
    members: dict[int, tuple[float, float]]  # each member's symbol centre
    member_boxes: dict[int, Box]  # the symbol with its two lines of text
    organizations: dict[int, Box]
    legend: Box


def _member_offsets(count: int) -> list[tuple[float, float]]:
    """Symbol centres around (0, 0), row by row; a shorter last row is centred under the others."""
    rows = max(math.ceil(count / MEMBERS_PER_ROW), 1)
    offsets = []
    for i in range(count):
        row, col = divmod(i, MEMBERS_PER_ROW)
        in_row = min(MEMBERS_PER_ROW, count - row * MEMBERS_PER_ROW)
        offsets.append((MEMBER_SLOT * (col - (in_row - 1) / 2), MEMBER_ROW * (row - (rows - 1) / 2) - 10))
    return offsets


def _ring(count: int, block: Box) -> list[Box]:
    """Organisation boxes on an ellipse around the block, widened until none overlaps another or the block."""
    rx = block.w / 2 + ORG_W / 2 + 30
    ry = block.h / 2 + ORG_H / 2 + 30
    for _attempt in range(60):
        boxes = []
        for i in range(count):
            a = 2 * math.pi * i / max(count, 1) - math.pi / 2
            boxes.append(Box(rx * math.cos(a) - ORG_W / 2, ry * math.sin(a) - ORG_H / 2, ORG_W, ORG_H))
        clear = not any(b.overlaps(block, GAP) for b in boxes) and not any(
            boxes[i].overlaps(boxes[j], GAP) for i in range(count) for j in range(i + 1, count)
        )
        if clear:
            return boxes
        rx, ry = rx * 1.08, ry * 1.08
    return boxes


def ecomap_layout(ecomap: Ecomap) -> Layout:
    count = len(ecomap.members)
    offsets = _member_offsets(count)
    cols = min(max(count, 1), MEMBERS_PER_ROW)
    rows = max(math.ceil(count / MEMBERS_PER_ROW), 1)
    block = Box(-(MEMBER_SLOT * (cols - 1) + 100) / 2, -(MEMBER_ROW * (rows - 1) + 110) / 2,
                MEMBER_SLOT * (cols - 1) + 100, MEMBER_ROW * (rows - 1) + 110)  # fmt: skip
    orgs = _ring(len(ecomap.organizations), block)
    # The hidden-members note sits above the block; it counts as part of it for the extents.
    extents = [block.moved(0, -20), *orgs]
    left = min(b.x for b in extents) - MARGIN
    top = min(b.y for b in extents) - MARGIN
    dx, dy = -left, -top
    bottom = max(b.y + b.h for b in extents) + dy
    legend = Box(MARGIN, bottom + MARGIN, 260, LEGEND_ROW * len(EDGE_KINDS))
    width = max(max(b.x + b.w for b in extents) + dx + MARGIN, legend.x + legend.w + MARGIN)
    members = {m.person_id: (x + dx, y + dy) for m, (x, y) in zip(ecomap.members, offsets, strict=True)}
    return Layout(
        width=width, height=legend.y + legend.h + MARGIN, block=block.moved(dx, dy), members=members,
        member_boxes={pid: Box(x - MEMBER_SLOT / 2 + 2, y - 20, MEMBER_SLOT - 4, 72)
                      for pid, (x, y) in members.items()},
        organizations={o.organization_id: b.moved(dx, dy)
                       for o, b in zip(ecomap.organizations, orgs, strict=True)},
        legend=legend,
    )  # fmt: skip


def ecomap_svg(ecomap: Ecomap) -> SafeString:
    """The ecomap as inline SVG: the household block in the centre, organisations on a ring. Names go
    through the template (escaped); line styles by width and dash only."""
    layout = ecomap_layout(ecomap)
    block = layout.block
    centre = (block.x + block.w / 2, block.y + block.h / 2)
    members = []
    for m in ecomap.members:
        x, y = layout.members[m.person_id]
        members.append({"node": m, "x": round(x, 1), "y": round(y, 1), "stroke": 3 if m.is_key_person else 1.5,
                        "left": round(x - 18, 1), "top": round(y - 18, 1),
                        "diamond": " ".join(f"{px:.1f},{py:.1f}" for px, py in
                                            ((x, y - 20), (x + 20, y), (x, y + 20), (x - 20, y))),
                        "name_y": round(y + 34, 1), "detail_y": round(y + 48, 1)})  # fmt: skip
    orgs = []
    for o in ecomap.organizations:
        b = layout.organizations[o.organization_id]
        orgs.append({"node": o, "x": round(b.x, 1), "y": round(b.y, 1), "w": b.w, "h": b.h,
                     "text_x": round(b.x + b.w / 2, 1), "text_y": round(b.y + b.h / 2 + 4, 1)})  # fmt: skip
    lines = []
    for e in ecomap.edges:
        b = layout.organizations[e.organization_id]
        x2, y2 = layout.members.get(e.person_id, centre) if e.person_id is not None else centre
        w, dash = LINE_STYLES[e.kind]
        lines.append({"edge": e, "x1": b.x + b.w / 2, "y1": b.y + b.h / 2, "x2": x2, "y2": y2, "width": w,
                      "dash": dash, "kind_label": EDGE_LABELS[e.kind]})  # fmt: skip
    legend = [{"kind": k, "label": label, "width": LINE_STYLES[k][0], "dash": LINE_STYLES[k][1],
               "y": round(layout.legend.y + 7 + LEGEND_ROW * i, 1),
               "text_y": round(layout.legend.y + 11 + LEGEND_ROW * i, 1)}
              for i, (k, label) in enumerate(ecomap.legend)]  # fmt: skip
    return render_to_string("collaboration/_ecomap.svg", {
        "ecomap": ecomap, "members": members, "orgs": orgs, "lines": lines, "legend": legend,
        "width": math.ceil(layout.width), "height": math.ceil(layout.height),
        "block": {"x": round(block.x, 1), "y": round(block.y, 1), "w": block.w, "h": block.h,
                  "note_y": round(block.y - 6, 1)},
        "legend_x": layout.legend.x,
    })  # fmt: skip
