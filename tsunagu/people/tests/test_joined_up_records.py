"""Issue 11, findings 3, 7 and parts of 9 and 10: the referrer keeps sight of the person, one list of progress
records, the progress record's text as the form's largest field, and a household timeline with its print and
its record form — each from every persona's side (another agency, another town, no casework role: 404)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tsunagu.access.models import Basis, Consent
from tsunagu.access.services import grant_create
from tsunagu.consultations.models import CaseNote, Counterpart, Means
from tsunagu.consultations.services import referral_accept
from tsunagu.consultations.tests.referrals import org, referral_to_anshin
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register

pytestmark = pytest.mark.django_db

HOUSEKEEPING = "家計の見直しを一緒に行った。次回は通帳を持参してもらう"


def note_post(content: str = HOUSEKEEPING, **fields: str) -> dict[str, str]:
    now = timezone.localtime() - timedelta(minutes=5)
    return {"occurred_on": now.date().isoformat(), "occurred_time": now.strftime("%H:%M"), "means": Means.VISIT,
            "counterpart": Counterpart.PERSON, "content": content, **fields}  # fmt: skip


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def consent_through_the_page(client, user, person, **overrides) -> Consent:
    """The consent form as a caseworker fills it: what it offers by default, with the purpose and method."""
    client.force_login(user)
    url = reverse("access:consent-create", args=[person.pk])
    form = client.get(url).context["form"]
    data = {"purpose": "支援のための情報共有", "method": "written", "given_by": "self",
            "given_on": form["given_on"].value().isoformat(),
            "organizations": [str(pk) for pk in form["organizations"].value()], **overrides}  # fmt: skip
    assert client.post(url, data).status_code == 302
    return Consent.objects.filter(person=person).latest("pk")


# --- Finding 3: the consent form -------------------------------------------------------------------------


def test_the_consent_form_names_the_taking_agency_by_default_explains_the_choice_and_starts_today(client, personas):
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    response = client.get(reverse("access:consent-create", args=[person.pk]))
    form = response.context["form"]
    centre = org("琴浦町地域包括支援センター")
    assert form["organizations"].value() == [centre.pk]
    assert form["given_on"].value() == timezone.localdate()
    html = response.content.decode()
    assert re.search(rf'<input[^>]*value="{centre.pk}"[^>]*checked', html) or re.search(
        rf'<input[^>]*checked[^>]*value="{centre.pk}"', html
    )
    assert "同意を取る機関（琴浦町地域包括支援センター）も" in html and 'id="scope-help"' in html
    # Taken as offered, the consent names the taking agency: its grant is a sharing one.
    consent = consent_through_the_page(client, personas.caseworker_a, person)
    assert list(consent.organizations.all()) == [centre] and consent.given_on == timezone.localdate()
    assert consent.grants.filter(organization=centre, basis=Basis.CONSENT).exists()


def test_the_consent_form_is_404_outside_an_editing_basis(client, personas):
    person = register(personas.caseworker_a)
    url = reverse("access:consent-create", args=[person.pk])
    for user in (personas.caseworker_b, personas.coordinator, personas.administrator, personas.auditor,
                 personas.stranger):  # fmt: skip
        client.force_login(user)
        assert client.get(url).status_code == 404, user


# --- Finding 3: the referrer on the timeline --------------------------------------------------------------


def referred_and_recorded(client, personas, consent: Consent):
    """地域包括 refers on the consent; 福祉あんしん課 accepts and records progress from the person's timeline."""
    person = consent.person
    referral = referral_to_anshin(personas.caseworker_a, person, consent=consent)
    referral_accept(user=personas.coordinator, referral=referral)
    client.force_login(personas.coordinator)
    response = client.post(reverse("consultations:person-note-add", args=[person.pk]), note_post())
    assert response.status_code == 302
    return referral


def test_the_referrer_is_told_what_it_cannot_see_and_why_and_sees_it_with_the_new_default(client, personas):
    # A consent naming only 福祉あんしん課 (the old habit: the taker left out).
    person = register(personas.caseworker_a)
    consent = consent_through_the_page(
        client, personas.caseworker_a, person, organizations=[str(org("福祉あんしん課").pk)]
    )
    referred_and_recorded(client, personas, consent)
    timeline = reverse("people:person-timeline", args=[person.pk])

    client.force_login(personas.caseworker_a)
    html = client.get(timeline).content.decode()
    assert "この方について、閲覧できない記録が1件あります（福祉あんしん課 1件）" in html
    assert "本人同意の共有先に自機関（琴浦町地域包括支援センター）が含まれると閲覧できます" in html
    assert reverse("access:consent-create", args=[person.pk]) in html  # the way to that basis
    assert HOUSEKEEPING not in html  # the count reveals nothing of what was written

    # The receiver sees everything: no notice.
    client.force_login(personas.coordinator)
    html = client.get(timeline).content.decode()
    assert HOUSEKEEPING in html and 'id="hidden-records"' not in html

    # Everyone else: the person is hidden, so the page is 404 and nothing is counted.
    for user in (personas.caseworker_b, personas.administrator, personas.auditor, personas.stranger):
        client.force_login(user)
        assert client.get(timeline).status_code == 404, user

    # The same flow with a consent as the form now offers it (the taker and 福祉あんしん課).
    other = register(personas.caseworker_a, given_name="次郎", given_name_kana="ジロウ")
    consent = consent_through_the_page(
        client, personas.caseworker_a, other,
        organizations=[str(org("琴浦町地域包括支援センター").pk), str(org("福祉あんしん課").pk)],
    )  # fmt: skip
    referred_and_recorded(client, personas, consent)
    client.force_login(personas.caseworker_a)
    html = client.get(reverse("people:person-timeline", args=[other.pk])).content.decode()
    assert HOUSEKEEPING in html and 'id="hidden-records"' not in html


def test_a_protected_persons_timeline_says_no_more_than_before(client, personas):
    """福祉あんしん課 protects her address; 地域包括 holds her as its own record too and sees her, not her
    address: it is not told which agencies hold records about her, nor how many."""
    protected = register(personas.coordinator, address_protected=True, care_notes="DV被害のため住所非開示")
    plain = register(personas.coordinator, given_name="次郎", given_name_kana="ジロウ")
    for person in (protected, plain):
        grant_create(organization=org("琴浦町地域包括支援センター"), person=person, basis=Basis.OWN_RECORD,
                     source="registration", granted_by=personas.caseworker_a)  # fmt: skip
        client.force_login(personas.coordinator)
        client.post(reverse("consultations:person-note-add", args=[person.pk]), note_post())
    client.force_login(personas.caseworker_a)
    plain_html = client.get(reverse("people:person-timeline", args=[plain.pk])).content.decode()
    assert "閲覧できない記録が1件あります（福祉あんしん課 1件）" in plain_html
    protected_html = client.get(reverse("people:person-timeline", args=[protected.pk])).content.decode()
    assert 'id="hidden-records"' not in protected_html and "福祉あんしん課" not in protected_html
    assert HOUSEKEEPING not in protected_html


def test_the_notice_costs_the_same_queries_however_many_records_are_hidden(client, personas):
    person = register(personas.caseworker_a)
    grant_create(organization=org("福祉あんしん課"), person=person, basis=Basis.OWN_RECORD, source="registration",
                 granted_by=personas.coordinator)  # fmt: skip
    url = reverse("people:person-timeline", args=[person.pk])

    def hidden_notes(count: int, organization: str) -> None:
        CaseNote.objects.bulk_create(
            CaseNote(municipality=personas.town, organization=org(organization), person=person,
                     occurred_at=timezone.now() - timedelta(minutes=i), means=Means.PHONE, staff=personas.coordinator,
                     counterpart=Counterpart.PERSON, content=f"電話 {i}")
            for i in range(count)
        )  # fmt: skip

    hidden_notes(1, "福祉あんしん課")
    client.force_login(personas.caseworker_a)
    few = queries(client, url)
    hidden_notes(60, "福祉あんしん課")
    hidden_notes(7, "子育て応援課")
    many = queries(client, url)
    html = client.get(url).content.decode()
    assert "閲覧できない記録が68件あります（福祉あんしん課 61件、子育て応援課 7件）" in html
    print(f"\nperson timeline with hidden records: {few} queries with 1 hidden, {many} with 68")
    assert few == many


# --- Finding 7: one list of progress records ----------------------------------------------------------------


def test_a_note_on_the_timeline_is_in_the_consultations_box_and_one_there_is_on_the_timeline(client, personas):
    person = register(personas.caseworker_a)
    consent = consent_through_the_page(client, personas.caseworker_a, person,
                                       organizations=[str(org("琴浦町地域包括支援センター").pk),
                                                      str(org("福祉あんしん課").pk)])  # fmt: skip
    referral = referral_to_anshin(personas.caseworker_a, person, consent=consent)
    referral_accept(user=personas.coordinator, referral=referral)
    consultation = referral.consultation
    detail = reverse("consultations:consultation-detail", args=[consultation.pk])
    timeline = reverse("people:person-timeline", args=[person.pk])

    client.force_login(personas.caseworker_a)
    assert client.post(reverse("consultations:person-note-add", args=[person.pk]),
                       note_post("自宅を訪問した（経過一覧から）")).status_code == 302  # fmt: skip
    assert client.post(reverse("consultations:consultation-note-add", args=[consultation.pk]),
                       note_post("電話で様子を聞いた（相談のページから）", means=Means.PHONE)).status_code == 302  # fmt: skip
    client.force_login(personas.coordinator)
    assert client.post(reverse("consultations:person-note-add", args=[person.pk]),
                       note_post("家計の相談を受けた（つなぎ先）")).status_code == 302  # fmt: skip

    for user in (personas.caseworker_a, personas.coordinator):  # the sender and the receiver
        client.force_login(user)
        box = client.get(detail).content.decode()
        box = box[box.index('id="notes"') : box.index("</table>", box.index('id="notes"'))]
        on_timeline = client.get(timeline).content.decode()
        for words in ("自宅を訪問した（経過一覧から）", "電話で様子を聞いた（相談のページから）", "家計の相談を受けた（つなぎ先）"):  # fmt: skip
            assert words in box and words in on_timeline, (user, words)
        assert "まだありません" not in box
    # Another agency, another town, and roles without casework: the consultation is not there for them.
    for user in (personas.caseworker_b, personas.administrator, personas.auditor, personas.stranger):
        client.force_login(user)
        assert client.get(detail).status_code == 404, user


def test_the_consultation_page_keeps_its_query_count_and_audits_the_notes_it_shows(client, personas):
    from tsunagu.audit.models import AuditEntry

    person = register(personas.caseworker_a)
    referral = referral_to_anshin(personas.caseworker_a, person)
    detail = reverse("consultations:consultation-detail", args=[referral.consultation_id])
    client.force_login(personas.caseworker_a)
    client.post(reverse("consultations:person-note-add", args=[person.pk]), note_post("一件目"))
    queries(client, detail)  # the first view loads the town's routing rules once
    few = queries(client, detail)
    for i in range(30):
        client.post(reverse("consultations:person-note-add", args=[person.pk]), note_post(f"記録 {i}"))
    many = queries(client, detail)
    print(f"\nconsultation page: {few} queries with 1 progress record, {many} with 31")
    assert few == many
    shown = AuditEntry.objects.filter(summary="相談の支援経過を表示（31件）", user=personas.caseworker_a).latest("pk")
    assert shown.records is not None and len(shown.records["case_note"]) == 31


# --- Finding 9 (part): the record's text is the form's largest field ------------------------------------------


@pytest.mark.parametrize("page", ["timeline", "consultation"])
def test_the_progress_records_text_comes_after_when_and_how_across_the_form(client, personas, page):
    person = register(personas.caseworker_a)
    referral = referral_to_anshin(personas.caseworker_a, person)
    client.force_login(personas.caseworker_a)
    url = (reverse("people:person-timeline", args=[person.pk]) if page == "timeline"
           else reverse("consultations:consultation-detail", args=[referral.consultation_id]))  # fmt: skip
    html = client.get(url).content.decode()
    form = html[html.index('action="' + reverse("consultations:person-note-add", args=[person.pk]))
                if page == "timeline" else html.index('id="note-form"'):]  # fmt: skip
    form = form[: form.index("</form>")]
    names = re.findall(r'name="(occurred_on|occurred_time|means|content|counterpart|counterpart_detail|next_step'
                       r'|next_step_on)"', form)  # fmt: skip
    assert names[:4] == ["occurred_on", "occurred_time", "means", "content"]
    textareas = re.findall(r'<textarea[^>]*rows="(\d+)"[^>]*name="(\w+)"|<textarea[^>]*name="(\w+)"[^>]*rows="(\d+)"',
                           form)  # fmt: skip
    rows = {m[1] or m[2]: int(m[0] or m[3]) for m in textareas}
    assert rows["content"] >= 8 and all(n < rows["content"] for k, n in rows.items() if k != "content")
    # Full width: the text box is outside the grid of short fields.
    before = form[: form.index('name="content"')]
    assert before.count('<div class="grid-4">') == 1 and before.rindex("</div>") > before.rindex('name="means"')


# --- Finding 10 (part): the household timeline's print and record form --------------------------------------


def household_with_notes(client, personas):
    head = register(personas.caseworker_a, given_name="太郎", given_name_kana="タロウ")
    wife = register(personas.caseworker_a)
    household = household_of(personas.caseworker_a, (head, Relationship.HEAD), (wife, Relationship.SPOUSE))
    client.force_login(personas.caseworker_a)
    client.post(reverse("consultations:person-note-add", args=[wife.pk]), note_post("妻に電話した"))
    return household, head, wife


def test_a_household_timeline_prints_its_records_for_who_may_see_it_and_404_for_anyone_else(client, personas):
    household, _head, _wife = household_with_notes(client, personas)
    url = reverse("people:household-timeline-print", args=[household.pk])
    client.force_login(personas.caseworker_a)
    page = client.get(reverse("people:household-timeline", args=[household.pk])).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace("\u3000", " ")
    for words in ("経過一覧", "琴浦 太郎 世帯", "琴浦 花子（妻・夫）", "妻に電話した"):
        assert words in text, words
    for user in (personas.caseworker_b, personas.coordinator, personas.administrator, personas.auditor,
                 personas.stranger):  # fmt: skip
        client.force_login(user)
        assert client.get(url).status_code == 404, user


def test_a_household_record_is_posted_from_its_timeline_and_a_refused_one_keeps_everything_typed(client, personas):
    household, head, _wife = household_with_notes(client, personas)
    timeline = reverse("people:household-timeline", args=[household.pk])
    add = reverse("consultations:household-note-add", args=[household.pk])
    client.force_login(personas.caseworker_a)
    assert add in client.get(timeline).content.decode()

    typed = note_post("", counterpart_detail="民生委員の山田さん", next_step="世帯で面談")
    refused = client.post(add, typed)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "民生委員の山田さん" in html and 'value="世帯で面談"' in html and 'id="timeline"' in html

    assert client.post(add, note_post("世帯の全員と面談した")).status_code == 302
    note = CaseNote.objects.get(content="世帯の全員と面談した")
    assert (note.household_id, note.person_id, note.organization) == (household.pk, None,
                                                                       org("琴浦町地域包括支援センター"))  # fmt: skip
    assert "世帯の全員と面談した" in client.get(timeline).content.decode()
    # Not on a member's own timeline: it is about the household as a whole.
    assert "世帯の全員と面談した" not in client.get(reverse("people:person-timeline", args=[head.pk])).content.decode()

    for user in (personas.caseworker_b, personas.coordinator, personas.administrator, personas.auditor,
                 personas.stranger):  # fmt: skip
        client.force_login(user)
        assert client.post(add, note_post("よそから")).status_code == 404, user
    assert not CaseNote.objects.filter(content="よそから").exists()


def test_the_household_timeline_and_its_print_keep_their_query_counts(client, personas):
    household, _head, wife = household_with_notes(client, personas)
    urls = [reverse("people:household-timeline", args=[household.pk]),
            reverse("people:household-timeline-print", args=[household.pk])]  # fmt: skip
    few = {url: queries(client, url) for url in urls}
    for i in range(20):
        client.post(reverse("consultations:person-note-add", args=[wife.pk]), note_post(f"電話 {i}"))
        client.post(reverse("consultations:household-note-add", args=[household.pk]), note_post(f"世帯 {i}"))
    many = {url: queries(client, url) for url in urls}
    print(f"\nhousehold timeline / print queries: {list(few.values())} with 1 record, {list(many.values())} with 41")
    assert few == many
