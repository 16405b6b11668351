"""エコマップ of the 8050 household: drawn from the data the reader may see — nodes and edges exactly as
the case, its participant and the referral say — hidden members counted, not drawn; 404 for a stranger;
names escaped; queries constant as the household grows."""

import math
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.policy import decide
from tsunagu.collaboration.ecomap import (
    CASE,
    REFERRAL_OPEN,
    REGISTERED,
    Box,
    Ecomap,
    Edge,
    MemberNode,
    OrganizationNode,
    ecomap_for_user,
    ecomap_layout,
    ecomap_svg,
)
from tsunagu.collaboration.tests import test_flow
from tsunagu.collaboration.tests.factories import consent_for
from tsunagu.consultations import services as consultations
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import ConsentVariant, Outcome, Route
from tsunagu.people import selectors as people
from tsunagu.people.models import Gender, Relationship
from tsunagu.people.services import MemberInput, household_member_add
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db

# The 8050 household, its referral and its case, as the flow tests build them.
household_8050 = test_flow.household_8050
accepted_referral = test_flow.accepted_referral
case = test_flow.case
org = test_flow.org


def ecomap_of(user, household):
    return ecomap_for_user(user=user, view=people.household_get_for_user(user=user, pk=household.pk))


def test_the_coordinator_sees_every_member_and_organisation(personas, case, household_8050):
    mother, son, household, _ = household_8050
    ecomap = ecomap_of(personas.coordinator, household)
    assert [(m.person_id, m.relationship, m.symbol) for m in ecomap.members] == [
        (mother.pk, "世帯主", "diamond"), (son.pk, "子", "diamond")]  # fmt: skip
    assert ecomap.members[0].age == 80 or ecomap.members[0].age == 79
    assert ecomap.hidden_count == 0
    names = {o.organization_id: o.name for o in ecomap.organizations}
    assert sorted(names.values()) == sorted(
        ["福祉あんしん課", "相談支援センターサポートりんくす", case.referral.from_organization.name]
    )
    edges = {(names[e.organization_id], e.person_id, e.kind) for e in ecomap.edges}
    # The case (coordinator and participant) is the strongest line; the referral's sender registered her.
    assert edges == {
        ("福祉あんしん課", mother.pk, CASE),
        ("相談支援センターサポートりんくす", mother.pk, CASE),
        (case.referral.from_organization.name, mother.pk, REGISTERED),
    }
    assert REFERRAL_OPEN in {k for k, _ in ecomap.legend}


def test_a_member_the_reader_may_not_see_is_counted_not_drawn(client, personas, case, household_8050):
    """サポートりんくす (caseworker B) is named by the mother's consent only: the son is counted, never drawn."""
    mother, son, household, _ = household_8050
    ecomap = ecomap_of(personas.caseworker_b, household)
    assert [m.person_id for m in ecomap.members] == [mother.pk]
    assert ecomap.hidden_count == 1
    assert all(e.person_id in (mother.pk, None) for e in ecomap.edges)
    client.force_login(personas.caseworker_b)
    page = client.get(reverse("collaboration:household-ecomap", args=[household.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-member="{mother.pk}"' in body and f'data-member="{son.pk}"' not in body
    assert "一郎" not in body and "トメ" in body
    assert 'id="hidden-members"' in body


def test_a_stranger_gets_404(client, personas, case, household_8050):
    client.force_login(personas.stranger)
    assert client.get(reverse("collaboration:household-ecomap", args=[household_8050[2].pk])).status_code == 404


def test_the_case_page_links_the_ecomap(client, personas, case):
    client.force_login(personas.coordinator)
    page = client.get(reverse("collaboration:case-detail", args=[case.pk])).content.decode()
    assert reverse("collaboration:household-ecomap", args=[case.household_id]) in page


def test_names_are_escaped(personas, case, household_8050):
    _mother, _son, household, _ = household_8050
    a = personas.caseworker_a
    odd = register(a, family_name="<script>alert(1)</script>", given_name="", family_name_kana="アヤシイ",
                   given_name_kana="", birth_date=date(1990, 1, 1))  # fmt: skip
    consent_for(a, odd, org("福祉あんしん課"))
    household_member_add(
        user=a, household=household, member=MemberInput(person=odd, relationship=Relationship.OTHER_RELATIVE)
    )
    svg = ecomap_svg(ecomap_of(personas.coordinator, household))
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert 'role="img"' in svg and "<title>" in svg


def _grow(personas, household, n):
    a = personas.caseworker_a
    for i in range(n):
        p = register(a, family_name="山田", given_name=f"孫{i}", family_name_kana="ヤマダ", given_name_kana="マゴ")
        consent_for(a, p, org("福祉あんしん課"))
        household_member_add(
            user=a, household=household, member=MemberInput(person=p, relationship=Relationship.GRANDCHILD)
        )


def test_queries_do_not_grow_with_the_household(client, personas, case, household_8050):
    household = household_8050[2]
    client.force_login(personas.coordinator)
    url = reverse("collaboration:household-ecomap", args=[household.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _grow(personas, household, 1)
    small = count()
    _grow(personas, household, 4)
    assert count() == small


def test_the_household_page_links_the_ecomap(client, personas, case, household_8050):
    household = household_8050[2]
    client.force_login(personas.coordinator)
    page = client.get(reverse("people:household-detail", args=[household.pk])).content.decode()
    assert f'id="ecomap-link" href="{reverse("collaboration:household-ecomap", args=[household.pk])}"' in page
    # Whoever may not see the household gets no page, so no link either.
    client.force_login(personas.stranger)
    assert client.get(reverse("people:household-detail", args=[household.pk])).status_code == 404


def test_a_consultation_without_a_referral_draws_a_registered_line(personas, case, household_8050):
    """地域包括 took a consultation about the son and referred nobody: it is involved with him all the same."""
    _mother, son, household, _ = household_8050
    a = personas.caseworker_a
    edges = lambda: {(e.organization_id, e.person_id): e.kind for e in ecomap_of(personas.coordinator, household).edges}  # noqa: E731
    centre = org("琴浦町地域包括支援センター")
    assert (centre.pk, son.pk) not in edges()
    issues = list(issues_ensure(personas.town))[:1]
    consultations.consultation_record(
        user=a,
        data=consultations.ConsultationInput(
            program=Program.objects.get(code="community-general-support-centre"),
            received_at=timezone.now() - timedelta(hours=1), route=Route.PHONE,
            consent_variant=ConsentVariant.WITHOUT_CONSENT, issues=issues, main_issue=issues[0], outcome=Outcome.HANDLED, person=son,
            person_decision=decide(a, son.pk), household=household, household_visible=True,
            words="仕事が見つからない",
        ),
    )  # fmt: skip
    assert edges()[(centre.pk, son.pk)] == REGISTERED
    svg = ecomap_svg(ecomap_of(personas.coordinator, household))
    line = re.search(rf'<line [^>]*data-edge="registered" data-organization="{centre.pk}" data-person="{son.pk}"', svg)
    assert line is not None and 'stroke-width="1"' in line[0] and "stroke-dasharray" not in line[0]


def test_gender_is_drawn_as_square_circle_and_diamond(personas):
    a = personas.caseworker_a
    husband = register(a, family_name="琴浦", given_name="太郎", given_name_kana="タロウ", gender=Gender.MALE)
    wife = register(a, gender=Gender.FEMALE)
    child = register(
        a, given_name="あおい", given_name_kana="アオイ", gender=Gender.OTHER, gender_note="ノンバイナリー"
    )
    unstated = register(a, given_name="なな", given_name_kana="ナナ")
    household = household_of(a, (husband, Relationship.HEAD), (wife, Relationship.SPOUSE), (child, Relationship.CHILD),
                             (unstated, Relationship.CHILD))  # fmt: skip
    svg = ecomap_svg(ecomap_of(a, household))
    drawn = {int(pid): (symbol, shape) for pid, symbol, shape in re.findall(
        r'<g data-member="(\d+)" data-symbol="(\w+)"><title>[^<]*</title>\n<(rect|circle|polygon) ', svg)}  # fmt: skip
    assert drawn == {
        husband.pk: ("square", "rect"), wife.pk: ("circle", "circle"),
        child.pk: ("diamond", "polygon"), unstated.pk: ("diamond", "polygon"),
    }  # fmt: skip


def _inside(box: Box, width: float, height: float) -> bool:
    return box.x >= 0 and box.y >= 0 and box.x + box.w <= width and box.y + box.h <= height


def test_a_large_household_stays_inside_the_drawing():
    """9 members and 12 organisations: members wrap in rows inside the block, the ring widens, and nothing
    leaves the viewBox or lies on top of something else."""
    members = [MemberNode(i, f"世帯員{i}", "子", 30, "diamond", i == 1) for i in range(1, 10)]
    organizations = [OrganizationNode(100 + i, f"機関{i}") for i in range(12)]
    edges = [
        Edge(o.organization_id, m.person_id, REGISTERED, "") for o, m in zip(organizations, members * 2, strict=False)
    ]
    ecomap = Ecomap(1, members, organizations, edges, hidden_count=2)
    layout = ecomap_layout(ecomap)
    assert len({round(y) for _x, y in layout.members.values()}) == 2  # two rows: 5 and 4
    for box in [layout.block, layout.legend, *layout.member_boxes.values(), *layout.organizations.values()]:
        assert _inside(box, layout.width, layout.height), box
    for box in layout.member_boxes.values():
        b = layout.block
        assert b.x <= box.x and box.x + box.w <= b.x + b.w and b.y <= box.y and box.y + box.h <= b.y + b.h
    boxes = list(layout.organizations.values())
    assert not any(o.overlaps(layout.block) for o in boxes)
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(12) for j in range(i + 1, 12))
    assert not any(o.overlaps(layout.legend) for o in boxes)
    member_boxes = list(layout.member_boxes.values())
    assert not any(member_boxes[i].overlaps(member_boxes[j]) for i in range(9) for j in range(i + 1, 9))
    # The SVG says the same: every coordinate it draws lies within its viewBox.
    svg = ecomap_svg(ecomap)
    view_box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert view_box is not None
    width, height = float(view_box[1]), float(view_box[2])
    assert (width, height) == (math.ceil(layout.width), math.ceil(layout.height))
    xs = [float(v) for v in re.findall(r' (?:x|cx|x1|x2)="(-?[\d.]+)"', svg)]
    ys = [float(v) for v in re.findall(r' (?:y|cy|y1|y2)="(-?[\d.]+)"', svg)]
    assert xs and ys and all(0 <= x <= width for x in xs) and all(0 <= y <= height for y in ys)
    assert svg.count("data-organization-node=") == 12 and svg.count("<g data-member=") == 9
