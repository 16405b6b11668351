"""Lists as staff meet them (issue 11, finding 8): clean page links that keep the filters, 404 past the last
page, how many records match (exact, or 「1,000件以上」 past the cap, at a constant number of queries),
期間 filters that take 和暦 as typed with a hint and a calendar, empty choices that read the same in every
menu, and the inbox's three actions in one style."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.forms import ConsultationFilterForm
from tsunagu.consultations.models import ConsentVariant, Consultation, Outcome, Route
from tsunagu.consultations.selectors import issue_list_for_user
from tsunagu.core import pages
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import Organization
from tsunagu.notifications.models import Event, Notice
from tsunagu.people.models import NameKind
from tsunagu.people.services import PersonInput, person_name_add, persons_register_bulk
from tsunagu.plans.models import Category, Program

pytestmark = pytest.mark.django_db

CENTRE = "琴浦町地域包括支援センター"


def consultations(personas, n: int) -> None:
    """``n`` anonymous consultations of 地域包括支援センター, written at once (the inbox reads them like any)."""
    program = Program.objects.filter(municipality=personas.town, category=Category.CONSULTATION)[0]
    issue = issues_ensure(personas.town)[0]
    centre = Organization.objects.get(municipality=personas.town, name=CENTRE)
    now = timezone.now()
    Consultation.objects.bulk_create(
        Consultation(
            municipality=personas.town,
            organization=centre,
            program=program,
            received_at=now - timedelta(minutes=i),
            staff=personas.caseworker_a,
            route=Route.VISIT,
            is_anonymous=True,
            anonymous_description="60代男性",
            consent_variant=ConsentVariant.WITHOUT_CONSENT,
            main_issue=issue,
            outcome=Outcome.HANDLED,
        )
        for i in range(n)
    )


def notices(user, n: int, *, start: int = 0) -> None:
    Notice.objects.bulk_create(
        Notice(
            municipality_id=user.municipality_id,
            user=user,
            event=Event.REFERRAL_OVERDUE,
            summary="つなぎの回答期限を過ぎています",
            key=f"test:{i}",
        )
        for i in range(start, start + n)
    )


def get(client, user, url: str, params: dict | None = None):
    client.force_login(user)
    return client.get(url, params or {})


def count_shown(html: str) -> str:
    match = re.search(r'<strong data-count="\d+">([^<]*)</strong>', html)
    assert match, "the list shows no count"
    return match.group(1)


def next_link(html: str) -> str | None:
    match = re.search(r'<a class="button" href="([^"]*)" rel="next">', html)
    return match.group(1).replace("&amp;", "&") if match else None


# --- Page links and pages past the end ---------------------------------------------------------------------


def test_the_next_link_keeps_the_filters_and_nothing_else(client, personas):
    consultations(personas, 51)
    url = reverse("consultations:inbox")
    staff = personas.caseworker_a.pk
    # A filter form sends every field, most of them empty: the link keeps what filters, in order, once.
    page = get(
        client, personas.caseworker_a, url, {"program": "", "staff": staff, "date_from": "", "sort": "-received_at"}
    )
    assert next_link(page.content.decode()) == f"?staff={staff}&sort=-received_at&page=2"
    second = client.get(url, {"staff": staff, "sort": "-received_at", "page": 2}).content.decode()
    assert next_link(second) is None
    assert f'href="?staff={staff}&amp;sort=-received_at" rel="prev"' in second  # page 1 has no page=1
    # Without filters the link is just the page.
    assert next_link(client.get(url).content.decode()) == "?page=2"
    assert "?&" not in page.content.decode() and "?&amp;" not in page.content.decode()


def test_the_links_of_a_page_keep_its_filters_and_page_one_has_no_number():
    def page(number: int, query: str, *, has_next: bool = True) -> pages.Page:
        return pages.Page(rows=[], number=number, has_next=has_next, query_string=query, path="/notices/", size=50,
                          count=500, cap=1000)  # fmt: skip

    assert (page(2, "").previous_url, page(2, "").next_url) == ("/notices/", "?page=3")
    assert (page(2, "unread=1").previous_url, page(2, "unread=1").next_url) == ("?unread=1", "?unread=1&page=3")
    assert (page(1, "").previous_url, page(10, "", has_next=False).next_url) == ("", "")
    assert page(1, "").last == 10


@pytest.mark.parametrize(
    ("persona", "url_name", "params"),
    [
        ("caseworker_a", "consultations:inbox", {}),
        ("caseworker_a", "consultations:referrals-open", {}),
        ("caseworker_a", "people:person-search", {"name": "コトウラ"}),
        ("auditor", "audit:log", {"username": "nobody-at-all"}),
        ("caseworker_a", "notifications:list", {}),
    ],
)
def test_a_page_past_the_last_answers_404_and_page_one_of_nothing_is_a_page(
    client, personas, persona, url_name, params
):
    user = getattr(personas, persona)
    url = reverse(url_name)
    first = get(client, user, url, params)
    assert first.status_code == 200
    assert count_shown(first.content.decode()) == "該当なし"
    assert client.get(url, {**params, "page": 2}).status_code == 404
    assert client.get(url, {**params, "page": 999}).status_code == 404


def test_the_last_page_is_a_page_and_the_one_after_it_is_not(client, personas):
    notices(personas.caseworker_a, 51)  # a page is 50 notices
    url = reverse("notifications:list")
    assert get(client, personas.caseworker_a, url, {"page": 2}).status_code == 200
    assert client.get(url, {"page": 3}).status_code == 404


def test_page_of_refuses_a_page_past_the_end_of_a_queryset(personas):
    rows = Notice.objects.filter(user=personas.caseworker_a).order_by("pk")
    with pytest.raises(Http404):
        pages.page_of(RequestFactory().get("/", {"page": "2"}), rows, 10)
    page = pages.page_of(RequestFactory().get("/"), rows, 10)
    assert (page.rows, page.count, page.count_label, page.has_next) == ([], 0, "該当なし", False)


# --- How many match ------------------------------------------------------------------------------------------


def test_the_count_is_exact_up_to_the_cap_and_then_says_so(client, personas, monkeypatch):
    monkeypatch.setattr(pages, "COUNT_CAP", 10)
    url = reverse("notifications:list")
    notices(personas.caseworker_a, 10)
    assert count_shown(get(client, personas.caseworker_a, url).content.decode()) == "10件"
    notices(personas.caseworker_a, 1, start=10)
    assert count_shown(client.get(url).content.decode()) == "10件以上"
    # The unread filter is counted too: what the list shows, not everything.
    Notice.objects.filter(user=personas.caseworker_a, key__in=["test:0", "test:1", "test:2"]).update(
        read_at=timezone.now()
    )
    assert count_shown(client.get(url, {"unread": "1"}).content.decode()) == "8件"


def queries_of(client, url: str, params: dict | None = None) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_inbox_counts_a_thousand_consultations_at_the_same_cost_as_sixty(client, personas, capsys):
    url = reverse("consultations:inbox")
    client.force_login(personas.caseworker_a)
    consultations(personas, 60)
    few_page, few = queries_of(client, url)
    consultations(personas, 1_050)
    many_page, many = queries_of(client, url)
    assert count_shown(few_page) == "60件"
    assert count_shown(many_page) == "1,000件以上"
    assert few == many
    # The count is one COUNT over at most COUNT_CAP + 1 rows, never over the whole table.
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "consultations_consultation" in q["sql"]]
    assert len(counts) == 1 and f"LIMIT {pages.COUNT_CAP + 1}" in counts[0]
    with capsys.disabled():
        print(f"\ninbox queries: 60 consultations {few}, 1,110 consultations {many}")


def test_the_person_search_counts_people_found_by_any_name_once(client, personas, monkeypatch):
    centre = Organization.objects.get(municipality=personas.town, name=CENTRE)
    people, _ = persons_register_bulk(
        people=[PersonInput(family_name="琴浦", given_name=f"花子{i}", family_name_kana="コトウラ",
                            given_name_kana="ハナコ", birth_date=date(1950, 1, 1) + timedelta(days=i))
                for i in range(7)]
        + [PersonInput(family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                       birth_date=date(1960, 1, 1))],
        organization=centre, created_by=personas.caseworker_a,
    )  # fmt: skip
    # 山田さん was once 琴浦さん (an other name), and one 琴浦さん has an other name 琴浦 too: each counts once.
    person_name_add(user=personas.caseworker_a, person=people[-1], kind=NameKind.FORMER, family_name="琴浦",
                    given_name="一郎", family_name_kana="コトウラ", given_name_kana="イチロウ")  # fmt: skip
    person_name_add(user=personas.caseworker_a, person=people[0], kind=NameKind.FORMER, family_name="琴浦",
                    given_name="はな", family_name_kana="コトウラ", given_name_kana="ハナ")  # fmt: skip
    url = reverse("people:person-search")
    page = get(client, personas.caseworker_a, url, {"name": "コトウラ"}).content.decode()
    assert count_shown(page) == "8件" and page.count("data-person=") == 8
    monkeypatch.setattr(pages, "COUNT_CAP", 5)
    assert count_shown(client.get(url, {"name": "コトウラ"}).content.decode()) == "5件以上"


# --- 期間: dates as staff type them --------------------------------------------------------------------------


def filter_form(personas, data: dict) -> ConsultationFilterForm:
    user = personas.caseworker_a
    return ConsultationFilterForm(
        data, user=user, programs=Program.objects.none(), issues=issue_list_for_user(user=user)
    )


@pytest.mark.parametrize(
    "typed", ["R8.12.1", "令和8年12月1日", "2026-12-01", "2026/12/1", "r08.12.01", "令和８年１２月１日"]
)
def test_a_period_takes_the_date_as_staff_type_it(personas, typed):
    form = filter_form(personas, {"date_from": typed, "date_to": typed})
    assert form.is_valid(), form.errors
    assert form.to_filters().date_from == form.to_filters().date_to == date(2026, 12, 1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    day=st.dates(min_value=date(1868, 10, 23), max_value=date(2099, 12, 31)),
    style=st.sampled_from(["long", "short", "iso"]),
)
def test_every_date_written_in_any_form_comes_back_as_itself(personas, day, style):
    typed = day.isoformat() if style == "iso" else to_wareki(day, style=style)
    form = filter_form(personas, {"date_from": typed})
    assert form.is_valid(), (typed, form.errors)
    assert form.cleaned_data["date_from"] == day


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("令和8年13月1日", "13月は存在しません"),
        ("2026-02-30", "2月30日"),
        ("平成32年5月1日", "平成は31年4月30日までです"),
        ("あした", "例: 令和7年4月1日"),
        ("12/1", "例: 令和7年4月1日"),
    ],
)
def test_a_date_that_is_none_is_refused_in_japanese(personas, typed, message):
    form = filter_form(personas, {"date_from": typed})
    assert not form.is_valid()
    (error,) = form.errors["date_from"]
    assert message in error and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", str(error))


def test_a_period_that_ends_before_it_begins_is_refused(client, personas):
    form = filter_form(personas, {"date_from": "R8.12.1", "date_to": "R8.11.30"})
    assert not form.is_valid()
    assert form.errors["date_to"] == ["期間の終わりが始まりより前です。日付を確かめてください。"]
    # A period may reach into the future (referrals due next week): a filter is no record of the past.
    assert filter_form(personas, {"date_to": to_wareki(timezone.localdate() + timedelta(days=30))}).is_valid()
    # The page says so on the field, and still answers.
    page = get(
        client, personas.caseworker_a, reverse("consultations:inbox"), {"date_from": "R8.12.1", "date_to": "R8.11.30"}
    )
    assert page.status_code == 200 and "期間の終わりが始まりより前です" in page.content.decode()


def test_every_period_field_has_a_hint_and_a_calendar(client, personas):
    pages_with_periods = [
        (personas.caseworker_a, reverse("consultations:inbox")),
        (personas.auditor, reverse("audit:log")),
    ]
    today = timezone.localdate()
    for user, url in pages_with_periods:
        html = get(client, user, url).content.decode()
        for name in ("date_from", "date_to"):
            box = re.search(rf'<input type="text" name="{name}"[^>]*>', html)
            assert box and f'aria-describedby="id_{name}_hint"' in box.group(0), (url, name)
            hint = re.search(rf'<span class="help date-hint" id="id_{name}_hint">(.*?)</span>\n', html)
            assert hint, (url, name)
            # Each example on one line: today's date in the three forms the field reads.
            for example in (to_wareki(today), to_wareki(today, style="short"), today.isoformat()):
                assert f'<span class="nowrap">{example}</span>' in hint.group(1)
            # The calendar button and its date control are nameless: only the text box is sent.
            assert f'data-date-picker="id_{name}"' in html
            assert re.search(rf'<input type="date" class="date-picker" data-date-for="id_{name}"', html)
    assert '<script src="/static/js/date-input.js" defer></script>' in html


def test_a_date_redisplayed_stays_as_typed_and_the_calendar_opens_on_it(client, personas):
    url = reverse("consultations:inbox")
    html = get(client, personas.caseworker_a, url, {"date_from": "R8.12.1", "date_to": "あした"}).content.decode()
    assert re.search(r'<input type="text" name="date_from" value="R8.12.1"', html)
    assert re.search(
        r'<input type="date" class="date-picker" data-date-for="id_date_from"[^>]* value="2026-12-01"', html
    )
    # A text that is no date opens the calendar on today (no value), and is shown back for correction.
    assert re.search(r'<input type="text" name="date_to" value="あした"', html)
    assert re.search(r'<input type="date" class="date-picker" data-date-for="id_date_to"[^>]*hidden>', html)
    assert not re.search(r'data-date-for="id_date_to"[^>]* value=', html)


# --- Empty choices read the same everywhere ---------------------------------------------------------------


class _Options(HTMLParser):
    """Each menu's empty option: {select name: label}."""

    def __init__(self) -> None:
        super().__init__()
        self.select: str | None = None
        self.empty: dict[str, str] = {}
        self.labels: list[str] = []
        self._option: bool = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "select":
            self.select = a.get("name") or ""
        elif tag == "option" and self.select is not None:
            self._option = a.get("value") == ""
            self.empty.setdefault(self.select, "") if self._option else None

    def handle_data(self, data: str) -> None:
        if self._option and self.select is not None:
            self.empty[self.select] += data
        if self.select is not None:
            self.labels.append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._option = False
        elif tag == "select":
            self.select = None


def empty_options(html: str) -> tuple[dict[str, str], list[str]]:
    parser = _Options()
    parser.feed(html)
    return {k: v.strip() for k, v in parser.empty.items()}, parser.labels


def test_filter_menus_offer_all_and_form_menus_ask_to_choose(client, personas):
    filters = [
        (personas.caseworker_a, reverse("consultations:inbox"), {"program", "domain", "issue", "district", "staff"}),
        (personas.auditor, reverse("audit:log"), {"action"}),
    ]
    for user, url, menus in filters:
        empty, labels = empty_options(get(client, user, url).content.decode())
        assert set(empty) == menus, url
        assert set(empty.values()) == {"（すべて）"}, (url, empty)
        assert "---------" not in labels and "—" not in labels
    # A form that records something: nothing chosen reads 「選択してください」 in every menu it has.
    empty, labels = empty_options(
        get(client, personas.caseworker_a, reverse("consultations:consultation-create")).content.decode()
    )
    assert empty and set(empty.values()) == {"選択してください"}, empty
    assert "---------" not in labels
    empty, labels = empty_options(
        get(client, personas.caseworker_a, reverse("people:person-register")).content.decode()
    )
    assert set(empty.values()) <= {"選択してください"} and "---------" not in labels


# --- The inbox's actions ---------------------------------------------------------------------------------------


def test_the_inbox_actions_are_three_buttons_of_one_style(client, personas):
    html = get(client, personas.caseworker_a, reverse("consultations:inbox")).content.decode()
    actions = re.search(r'<p class="actions">(.*?)</p>', html, re.S)
    assert actions
    links = re.findall(r"<a ([^>]*)>", actions.group(1))
    assert len(links) == 3
    assert {re.search(r'class="([^"]*)"', a).group(1) for a in links} == {"button"}  # type: ignore[union-attr]
