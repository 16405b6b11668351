"""English mode, as a caseworker lives the consultation flow in it (issue 11, finding 11).

A caseworker who chose English walks the flow's pages — home, inbox, intake form, consultation, referral,
person, timeline, household, search, consent form — and no Japanese word of the interface is left: every
string the database holds (names of people, organisations, programmes and issues, the town, addresses,
what was typed into records) is taken out of the page first, since data stays as it was written, and then
no kana, kanji or Japanese punctuation may remain. Flash messages and the services' refusals are English
too. The official prints are the exception, by decision (docs/i18n.md): a PDF asked for from an English
session is the same Japanese form as from a Japanese one.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import Consultation, Referral
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import Organization
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db

# Kana, kanji and the Japanese punctuation (、。「」・ and the full-width forms such as （）：). The
# ideographic space is left out: it is how a name's family and given parts are joined (data).
JAPANESE = re.compile(r"[\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# The apps whose rows are the municipality's and the residents' data; the audit log and the notices are
# the system's own words about that data, not data typed by anyone, so they are not taken out.
DATA_APPS = ("core", "plans", "people", "access", "consultations")
# The language switcher names each language in itself, as such menus do.
LANGUAGE_NAMES = ("日本語",)


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


class _Text(HTMLParser):
    """What a reader meets on a page: the text and the attributes read out or shown (title, labels,
    placeholders, button values), not scripts, styles or what a text box holds (data being entered)."""

    SHOWN = ("title", "aria-label", "placeholder", "alt", "aria-description")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        values = dict(attrs)
        self.parts += [value for name, value in attrs if name in self.SHOWN and value]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def data_strings() -> list[str]:
    """Every Japanese string the data apps store, longest first (so that a name goes before its parts)."""
    found: set[str] = set()
    for config in DATA_APPS:
        for model in apps.get_app_config(config).get_models():
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
            ]
            for row in model._default_manager.values_list(*fields) if fields else ():
                for value in row:
                    if isinstance(value, str) and JAPANESE.search(value):
                        found.add(value)
                        found.update(part for part in re.split(r"[\s\u3000]+", value) if JAPANESE.search(part))
    return sorted(found, key=len, reverse=True)


def japanese_ui(html: str) -> list[str]:
    """The Japanese left on a page once the data is taken out: each line that still has some."""
    # A date box's hint lists the forms the box reads, and 和暦 is one of them: an example of input.
    html = html.replace(f'<span class="nowrap">{to_wareki(timezone.localdate())}</span>', "")
    text = shown_text(html)
    for value in [*data_strings(), *LANGUAGE_NAMES]:
        text = text.replace(value, " ")
    return [line.strip() for line in text.splitlines() if JAPANESE.search(line)]


@pytest.fixture
def flow(personas):
    """The 8050 household at 地域包括支援センター: mother and son, a consent naming 福祉あんしん課, an intake
    with a referral that 福祉あんしん課 accepted and a progress record on each side."""
    a = personas.caseworker_a
    today = timezone.localdate()
    mother = register(a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ",
                      birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    son = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                   birth_date=date(today.year - 52, 6, 1), phone="0858-53-0000")  # fmt: skip
    household = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    consent = consent_record(user=a, person=mother, data=ConsentInput(
        purpose="世帯の生活と介護の支援のため関係機関で情報を共有する", method=ConsentMethod.WRITTEN,
        given_on=today - timedelta(days=1),
        organizations=[org("琴浦町地域包括支援センター"), org("福祉あんしん課")]))  # fmt: skip
    by_code = {i.code: i.pk for i in issues_ensure(personas.town)}
    client = english(a)
    made = client.post(reverse("consultations:consultation-create"), {
        "person": mother.pk, "program": Program.objects.get(code="community-general-support-centre").pk,
        "received_on": (today - timedelta(days=1)).isoformat(), "received_time": "10:30", "route": "visit",
        "visitor": "person", "consent_variant": "with_consent", "consent": consent.pk, "household": household.pk,
        "issues": [by_code[c] for c in ("8050", "income", "job-search", "care")], "main_issue": by_code["8050"],
        "words": "息子が仕事を辞めて家にいる。年金だけでは暮らしていけない。", "wishes": "息子に働いてほしい",
        "urgency": "soon", "outcome": "referred",
    })  # fmt: skip
    assert made.status_code == 302, japanese_ui(made.content.decode())
    consultation = Consultation.objects.get()
    sent = client.post(reverse("consultations:referral-create", args=[consultation.pk]), {
        "to_organization": org("福祉あんしん課").pk, "to_program": Program.objects.get(code="self-reliance-consultation").pk,
        "basis": "consent", "reason": "息子の就労と世帯の家計の相談のため", "shared_information": "世帯構成、収入状況",
        "due_on": (today + timedelta(days=7)).isoformat(),
    })  # fmt: skip
    assert sent.status_code == 302, japanese_ui(sent.content.decode())
    return mother, son, household, consultation, Referral.objects.get()


def page_urls(mother, household, consultation, referral) -> dict[str, str]:
    return {
        "home": reverse("core:home"),
        "inbox": reverse("consultations:inbox"),
        "intake form": reverse("consultations:consultation-create") + f"?person={mother.pk}",
        "consultation": reverse("consultations:consultation-detail", args=[consultation.pk]),
        "referral": reverse("consultations:referral-detail", args=[referral.pk]),
        "person": reverse("people:person-detail", args=[mother.pk]),
        "timeline": reverse("people:person-timeline", args=[mother.pk]),
        "household": reverse("people:household-detail", args=[household.pk]),
        "household timeline": reverse("people:household-timeline", args=[household.pk]),
        "search": reverse("people:person-search") + "?q=%E3%83%A4%E3%83%9E%E3%83%80",  # ヤマダ
        "consent form": reverse("access:consent-create", args=[mother.pk]),
    }


@pytest.mark.parametrize("persona", ["caseworker_a", "coordinator"])
def test_the_flows_pages_have_no_japanese_outside_the_data(personas, flow, persona):
    """The sender before and after the answer, and the receiver with the referral in its inbox."""
    mother, _son, household, consultation, referral = flow
    client = english(getattr(personas, persona))
    if persona == "coordinator":
        inbox = client.get(reverse("consultations:inbox")).content.decode()
        assert japanese_ui(inbox) == []
        accepted = client.post(reverse("consultations:referral-respond", args=[referral.pk]), {"action": "accept"})
        assert accepted.status_code == 302
    left = {}
    for name, url in page_urls(mother, household, consultation, referral).items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        page = response.content.decode()
        assert '<html lang="en">' in page, name
        if japanese_ui(page):
            left[name] = japanese_ui(page)
    assert left == {}, "\n".join(f"{k}: {v}" for k, v in left.items())


def test_the_refer_button_says_refer_and_the_product_keeps_its_name(personas, flow):
    _mother, _son, _household, consultation, _referral = flow
    page = english(personas.caseworker_a).get(reverse("consultations:consultation-detail", args=[consultation.pk]))
    html = page.content.decode()
    assert re.search(r"<header.*Tsunagu.*</header>", html, re.S)  # the product's name, in the header
    assert re.search(r"<button[^>]*>\s*Refer\s*</button>", html)  # the referral form's action
    assert not re.search(r"<button[^>]*>\s*Tsunagu\s*</button>", html)


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_flash_messages_are_english(personas, flow):
    _mother, son, _household, _consultation, _referral = flow
    client = english(personas.caseworker_a)
    registered = client.post(reverse("people:person-register"), {
        "family_name": "鈴木", "given_name": "次郎", "family_name_kana": "スズキ", "given_name_kana": "ジロウ",
        "birth_date": "1960-02-03", "gender": "male", "address": "鳥取県東伯郡琴浦町大字逢束1番地", "phone": "0858-53-1234",
        "confirm_new_person": "on",
    })  # fmt: skip
    assert registered.status_code == 302, japanese_ui(registered.content.decode())
    consented = client.post(reverse("access:consent-create", args=[son.pk]), {
        "purpose": "就労の支援のため", "method": "written", "given_by": "self", "given_on": timezone.localdate().isoformat(),
        "organizations": [org("福祉あんしん課").pk],
    })  # fmt: skip
    assert consented.status_code == 302, japanese_ui(consented.content.decode())
    # The first page's message waits in the session until shown, so the second request carries both.
    messages = set(flashes(registered) + flashes(consented))
    assert len(messages) == 2, messages
    assert "鈴木\u3000次郎 has been registered." in messages
    assert all(not JAPANESE.search(m.replace("鈴木\u3000次郎", "")) for m in messages), messages


def test_service_refusals_are_english(personas, flow):
    mother, _son, _household, consultation, referral = flow
    client = english(personas.caseworker_a)
    # A guardian's consent without the guardian's name: refused by access.services, shown on the form.
    refused = client.post(reverse("access:consent-create", args=[mother.pk]), {
        "purpose": "介護の支援のため", "method": "written", "given_by": "guardian", "representative_name": "",
        "given_on": timezone.localdate().isoformat(),
        "organizations": [org("福祉あんしん課").pk],
    })  # fmt: skip
    assert refused.status_code in (200, 400)
    page = refused.content.decode()
    assert "For consent given by a representative, enter the representative's name." in shown_text(page)
    assert japanese_ui(page) == []
    # Answering the referral from the sending side: refused by consultations.services, as a flash message.
    answered = client.post(reverse("consultations:referral-respond", args=[referral.pk]), {"action": "accept"})
    assert answered.status_code == 302
    assert flashes(answered) == ["Only staff of the receiving organisation can answer."]
    # A referral on consent to an organisation the consent does not name: refused by consultations.services.
    again = client.post(reverse("consultations:referral-create", args=[consultation.pk]), {
        "to_organization": org("子育て応援課").pk, "to_program": Program.objects.get(code="user-support").pk,
        "basis": "consent", "reason": "孫の子育ての相談のため", "shared_information": "世帯構成",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
    })  # fmt: skip
    assert again.status_code == 400
    text = shown_text(again.content.decode())
    assert 'The consent does not include "子育て応援課".' in text, text
    assert japanese_ui(again.content.decode()) == []


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # The print's own time (to the minute) is the one line that may differ between two prints.
    return re.sub(r"印刷日時：[^\n]*", "", text.replace("\u3000", " "))


def test_official_prints_are_japanese_from_an_english_session(personas, flow):
    """Every print view (URL names ending in -print) gives the same Japanese form in either language."""
    mother, _son, household, consultation, _referral = flow
    prints = {
        "consultations:consultation-print": consultation.pk,
        "people:person-timeline-print": mother.pk,
        "people:household-timeline-print": household.pk,
    }
    japanese = Client()
    japanese.force_login(personas.caseworker_a)
    in_english = english(personas.caseworker_a)
    for name, pk in prints.items():
        url = reverse(name, args=[pk])
        ja, en = japanese.get(url), in_english.get(url)
        assert (ja.status_code, en.status_code) == (200, 200), name
        assert en["Content-Type"] == "application/pdf"
        text = pdf_text(en.content)
        assert JAPANESE.search(text)
        assert text == pdf_text(ja.content), name
        words = set(re.findall(r"[A-Za-z]{3,}", text))
        assert words == set(), (name, words)
