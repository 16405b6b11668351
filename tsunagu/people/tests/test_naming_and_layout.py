"""Issue 11, findings 6 and 10: records named as staff name them, a person page that does not contradict
itself, and a layout that holds whatever the names' length."""

from __future__ import annotations

import re
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import Basis, ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record, grant_create
from tsunagu.audit.models import AuditEntry
from tsunagu.consultations.tests.referrals import consent_for_anshin, referral_to_anshin
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import District, Organization
from tsunagu.people import naming
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register

pytestmark = pytest.mark.django_db

ADDRESS = "鳥取県東伯郡琴浦町大字徳万591番地2"
HIDING_PLACE = "琴浦町避難先三番（試験）"
HIDING_DISTRICT = "避難先地区（試験）"


def org(name: str) -> Organization:
    return Organization.objects.get(municipality__code="313718", name=name)


def page(client, user, name: str, *args: object) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def title(content: str) -> str:
    found = re.search(r"<title>(.*?)</title>", content, re.S)
    assert found
    return found.group(1)


def h1(content: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", content, re.S)
    assert found
    return re.sub(r"<[^>]+>", "", found.group(1))


def household_options(content: str) -> list[str]:
    """The labels of the intake form's 世帯 choices."""
    found = re.search(r'<select name="household".*?</select>', content, re.S)
    assert found
    return [label for value, label in re.findall(r'<option value="(\d+)"[^>]*>(.*?)</option>', found.group(0))]


def link_texts(content: str, url_prefix: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text) for text in re.findall(rf'<a href="{url_prefix}\d+/">(.*?)</a>', content)]


@pytest.fixture
def family(personas):
    """The 8050 household: an 80-year-old mother (世帯主) and her son in his fifties, at 地域包括支援センター."""
    a = personas.caseworker_a
    mother = register(a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ",
                      birth_date=date(1945, 2, 11))  # fmt: skip
    son = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                   birth_date=date(1972, 9, 30))  # fmt: skip
    household = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    return mother, son, household


# --- 世帯 ------------------------------------------------------------------------------------------------


def test_a_household_is_named_by_its_head_and_address_on_the_person_page_and_its_own(client, personas, family):
    _mother, son, household = family
    name = f"山田　トメ世帯（{ADDRESS}）"
    person_page = page(client, personas.caseworker_a, "people:person-detail", son.pk)
    assert link_texts(person_page, "/people/households/") == [name]
    assert f"世帯 {household.pk}" not in person_page
    household_page = page(client, personas.caseworker_a, "people:household-detail", household.pk)
    # Exactly the name: no id before or after it.
    assert title(household_page).split(" | ")[0] == name
    assert h1(household_page).strip() == name


def test_a_head_the_reader_may_not_see_is_not_named(client, personas, family):
    """福祉あんしん課 sees the son through his consent only: the household is called after him."""
    _mother, son, household = family
    consent_record(user=personas.caseworker_a, person=son, data=ConsentInput(
        purpose="就労支援のため", method=ConsentMethod.WRITTEN, given_on=date(2025, 5, 1),
        organizations=[org("福祉あんしん課")]))  # fmt: skip
    expected = f"山田　一郎さんの世帯（{ADDRESS}）"
    person_page = page(client, personas.coordinator, "people:person-detail", son.pk)
    assert link_texts(person_page, "/people/households/") == [expected]
    household_page = page(client, personas.coordinator, "people:household-detail", household.pk)
    assert h1(household_page).startswith(expected)
    assert "トメ" not in person_page and "トメ" not in household_page


def test_the_head_named_on_another_members_page_is_audited(client, personas, family):
    mother, son, _household = family
    before = AuditEntry.objects.latest("pk").pk
    page(client, personas.caseworker_a, "people:person-detail", son.pk)
    entry = AuditEntry.objects.filter(pk__gt=before, summary__startswith="世帯名（世帯主の氏名）を表示").get()
    assert entry.records == {"person": [mother.pk]} and entry.basis == Basis.OWN_RECORD
    # On the head's own page the head is the person read: nothing more to record.
    last = AuditEntry.objects.latest("pk").pk
    page(client, personas.caseworker_a, "people:person-detail", mother.pk)
    assert not AuditEntry.objects.filter(pk__gt=last, summary__startswith="世帯名").exists()


@pytest.fixture
def sheltered(personas):
    """A mother whose address 福祉あんしん課 protects (DV) and her child, whom 地域包括 sees by consent."""
    anshin = personas.coordinator
    district = District.objects.create(municipality=personas.town, name=HIDING_DISTRICT, order=99)
    common = {"family_name": "川本", "family_name_kana": "カワモト", "address": HIDING_PLACE, "postal_code": "6899901",
              "district": district}  # fmt: skip
    mother = register(anshin, given_name="美和", given_name_kana="ミワ", birth_date=date(1990, 4, 1),
                      address_protected=True, care_notes="DV被害のため住所非開示", **common)  # fmt: skip
    child = register(anshin, given_name="陽", given_name_kana="ヒナタ", birth_date=date(2019, 4, 2), **common)
    from tsunagu.people.services import MemberInput, household_create

    household = household_create(
        user=anshin, members=[MemberInput(mother, Relationship.HEAD), MemberInput(child, Relationship.CHILD)],
        address=HIDING_PLACE, postal_code="6899901", district=district,
    )  # fmt: skip
    for person in (mother, child):
        consent_record(user=anshin, person=person, data=ConsentInput(
            purpose="子育て支援のため", method=ConsentMethod.WRITTEN, given_on=date(2025, 5, 1),
            organizations=[org("琴浦町地域包括支援センター")]))  # fmt: skip
    return mother, child, household


def test_a_protected_location_is_never_part_of_a_households_name(client, personas, sheltered):
    _mother, child, household = sheltered
    a = personas.caseworker_a
    shown = [
        page(client, a, "people:person-detail", child.pk),
        page(client, a, "people:household-detail", household.pk),
    ]
    client.force_login(a)
    intake = client.get(reverse("consultations:consultation-create") + f"?person={child.pk}").content.decode()
    assert household_options(intake) == ["川本　美和世帯"]
    for content in [*shown, intake]:
        assert HIDING_PLACE not in content and HIDING_DISTRICT not in content and "6899901" not in content
    assert link_texts(shown[0], "/people/households/") == ["川本　美和世帯"]
    assert h1(shown[1]).startswith("川本　美和世帯")
    # The protecting agency sees where they are, in the name as on the page.
    own = page(client, personas.coordinator, "people:person-detail", child.pk)
    assert link_texts(own, "/people/households/") == [f"川本　美和世帯（{HIDING_PLACE}）"]


def test_a_household_without_an_address_is_named_by_its_district(personas):
    a = personas.caseworker_a
    district = District.objects.create(municipality=personas.town, name="八橋（試験）", order=98)
    person = register(a, address="", district=district)
    household = household_of(a, (person, Relationship.HEAD))
    household.address, household.district = "", district
    household.save()
    names = naming.household_names_for_user(user=a, households=[household])
    assert names == {household.pk: "琴浦　花子世帯（八橋（試験））"}


def test_the_intake_form_lists_households_by_name(client, personas, family):
    _mother, son, _household = family
    client.force_login(personas.caseworker_a)
    intake = client.get(reverse("consultations:consultation-create") + f"?person={son.pk}").content.decode()
    assert household_options(intake) == [f"山田　トメ世帯（{ADDRESS}）"]


def test_household_names_cost_the_same_queries_for_one_household_or_several(client, personas):
    a = personas.caseworker_a
    person = register(a)

    def queries() -> int:
        client.force_login(a)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("people:person-detail", args=[person.pk])).status_code == 200
        return len(captured)

    heads = [register(a, given_name=f"世帯主{n}", given_name_kana="セタイヌシ") for n in range(3)]
    household_of(a, (heads[0], Relationship.HEAD), (person, Relationship.CHILD))
    one = queries()
    for head in heads[1:]:
        household_of(a, (head, Relationship.HEAD), (person, Relationship.SIBLING))
    assert queries() == one


# --- 世帯の登録 is offered to someone without a household only ------------------------------------------


def test_registering_a_household_is_offered_only_to_someone_without_one(client, personas, family):
    _mother, son, _household = family
    alone = register(personas.caseworker_a, family_name="単身", family_name_kana="タンシン")
    assert "この方の世帯を登録する" in page(client, personas.caseworker_a, "people:person-detail", alone.pk)
    assert "この方の世帯を登録する" not in page(client, personas.caseworker_a, "people:person-detail", son.pk)


# --- 閲覧の根拠 and 登録機関 say the same thing ----------------------------------------------------------


def _reasons(content: str) -> str:
    found = re.search(r'<section class="card reasons".*?</section>', content, re.S)
    assert found
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", found.group(0)))


def test_an_own_record_of_another_agency_is_not_called_the_registering_agency(client, personas):
    """The reported contradiction: 福祉あんしん課 registered the record, 地域包括 holds her as its own."""
    person = register(personas.coordinator, family_name="大山", family_name_kana="オオヤマ")
    grant_create(organization=org("琴浦町地域包括支援センター"), person=person, basis=Basis.OWN_RECORD,
                 source="registration", granted_by=personas.caseworker_a)  # fmt: skip
    content = page(client, personas.caseworker_a, "people:person-detail", person.pk)
    reasons = _reasons(content)
    assert "自機関の記録—琴浦町地域包括支援センター（自機関の支援記録として" in reasons
    assert "この記録を登録した機関は福祉あんしん課" in reasons
    assert "（この記録を登録した機関）" not in reasons and "（登録機関）" not in reasons
    facts = re.sub(r"<[^>]+>", "", content)
    assert "この記録を登録した機関福祉あんしん課" in facts
    # Read by the agency that registered it, the same words name it.
    own = _reasons(page(client, personas.coordinator, "people:person-detail", person.pk))
    assert "自機関の記録—福祉あんしん課（この記録を登録した機関）" in own


# --- 相談受付 and つなぎ ----------------------------------------------------------------------------------


def test_a_consultation_and_a_referral_are_named_by_day_person_issue_and_agencies(client, personas):
    a = personas.caseworker_a
    person = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ")
    referral = referral_to_anshin(a, person, consent=consent_for_anshin(a, person))
    consultation = referral.consultation
    received = to_wareki(timezone.localtime(consultation.received_at).date())
    sent = to_wareki(timezone.localtime(referral.sent_at).date())
    content = page(client, a, "consultations:consultation-detail", consultation.pk)
    expected = f"{received} 山田　一郎さんの相談（{consultation.main_issue.name}）"
    assert title(content).startswith(expected) and h1(content).startswith(expected)
    assert f"相談受付 {consultation.pk}" not in content
    content = page(client, a, "consultations:referral-detail", referral.pk)
    assert title(content).startswith(f"つなぎ: 琴浦町地域包括支援センター → 福祉あんしん課（{sent}送付）")
    assert f"つなぎ {referral.pk}" not in content


def test_an_anonymous_consultation_is_named_without_a_person():
    at = timezone.make_aware(datetime(2025, 4, 1, 10, 0))
    consultation = SimpleNamespace(
        received_at=at, person=None, anonymous_description="60代男性", main_issue=SimpleNamespace(name="ひきこもり")
    )
    assert naming.consultation_name(consultation) == "令和7年4月1日 匿名（60代男性）の相談（ひきこもり）"
    consultation.anonymous_description = ""
    assert naming.consultation_name(consultation) == "令和7年4月1日 匿名の相談（ひきこもり）"


def test_a_household_with_no_member_seen_is_named_by_its_register_number():
    household = SimpleNamespace(resident_household_number="0012345")
    name = naming.household_name(household=household, head=None, member=None, location="")  # type: ignore[arg-type]
    assert name == "世帯（世帯番号 0012345）"


# --- Layout (finding 10), in the browser ---------------------------------------------------------------

SHORT_NAME = "山"
LONG_NAME = "琴浦町地域包括支援センター主任介護支援専門員　山田山田山田山田山田山田花子"  # 50 characters, the most


def _header_height(tab) -> float:
    return tab.locator("header.site-header").evaluate("e => e.getBoundingClientRect().height")


def _side_headers(tab) -> list[tuple[str, float, float]]:
    """Each header (dt, th) of the side column: its text, its width and its font size, in pixels."""
    return [
        (text, width, size)
        for text, width, size in tab.locator(".columns > :last-child")
        .locator("dt, th")
        .evaluate_all(
            "els => els.map(e => [e.textContent.trim(), e.getBoundingClientRect().width,"
            " parseFloat(getComputedStyle(e).fontSize)])"
        )
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_header_and_the_side_column_hold_whatever_the_names_length(page, personas):
    from tsunagu.conftest import screenshot
    from tsunagu.plans.tests.test_browser import sign_in

    a = personas.caseworker_a
    person = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ")
    mother = register(a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ")
    household = household_of(a, (mother, Relationship.HEAD), (person, Relationship.CHILD))
    referral_to_anshin(a, person, consent=consent_for_anshin(a, person))
    pages = {  # side columns of tables (th) and of facts (dt)
        "person": page.base_url + reverse("people:person-detail", args=[person.pk]),
        "household": page.base_url + reverse("people:household-detail", args=[household.pk]),
    }
    sign_in(page, a.username)
    heights: dict[tuple[int, str], float] = {}
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        for length, name in (("short", SHORT_NAME), ("long", LONG_NAME)):
            a.display_name = name
            a.save(update_fields=["display_name"])
            page.goto(pages["person"])
            assert page.locator(".user-details .user-name").inner_text() == name
            heights[(width, length)] = _header_height(page)
            screenshot(page, f"person-page-{width}-{length}-name")
        assert heights[(width, "short")] == heights[(width, "long")], heights
        # No header of the side column is narrower than its first three characters: none one per line.
        for where in ("person", "household"):
            page.goto(pages[where])
            headers = _side_headers(page)
            assert headers, where
            for text, measured, size in headers:
                assert measured >= min(len(text), 3) * size * 0.95, (where, width, text, measured)
        # Nothing on the page is wider than the window.
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    # 緊急時の閲覧 is apart from the everyday menu, and reached by keyboard like it.
    page.goto(pages["person"])
    main_menu = page.get_by_role("navigation", name="メインメニュー")
    assert main_menu.get_by_role("link", name="緊急時の閲覧").count() == 0
    emergency = page.get_by_role("navigation", name="緊急時").get_by_role("link", name=re.compile("緊急時の閲覧"))
    color = emergency.evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(163, 38, 27)"  # --danger: 6.9:1 on white
    page.locator("body").focus()
    reached = []
    for _ in range(8):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if "緊急時の閲覧" in reached[-1]:
            break
    assert "緊急時の閲覧" in reached[-1], reached
    # The user's menu opens from the keyboard and names the whole of what the header cuts short.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    panel = page.locator(".user-panel")
    panel.wait_for()
    assert LONG_NAME in panel.inner_text() and "琴浦町地域包括支援センター・相談員" in panel.inner_text()
    assert panel.get_by_role("link", name="パスワード変更").is_visible()
    screenshot(page, "person-page-user-menu-open")
