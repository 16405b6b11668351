"""The 包括的相談支援 flow, as the issue tells it: an 8050 household at 地域包括支援センター is connected to
福祉あんしん課, both sides keep records and see one timeline; an unrelated agency sees none of it."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import AccessGrant, ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import CaseNote, Consultation, Referral, ReferralStatus
from tsunagu.core.models import Organization
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def issue_ids(town, *codes: str) -> list[int]:
    by_code = {i.code: i.pk for i in issues_ensure(town)}
    return [by_code[c] for c in codes]


@pytest.fixture
def household_8050(personas):
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
    return mother, son, household, consent


def intake(client, town, person, household, the_consent, /, **changes):
    data = {
        "person": person.pk if person else "",
        "program": Program.objects.get(code="community-general-support-centre").pk,
        "received_on": "令和7年10月1日",
        "received_time": "10:30",
        "route": "visit",
        "visitor": "person",
        "consent_variant": "with_consent",
        "consent": the_consent.pk if the_consent else "",
        "household": household.pk if household else "",
        "issues": issue_ids(town, "8050", "income", "job-search", "care"),
        "main_issue": issue_ids(town, "8050")[0],
        "words": "息子が仕事を辞めて家にいる。年金だけでは暮らしていけない。",
        "wishes": "息子に働いてほしい",
        "urgency": "soon",
        "outcome": "referred",
    }
    data.update(changes)
    return client.post(reverse("consultations:consultation-create"), data)


def test_the_8050_flow_from_intake_to_a_shared_timeline(client, personas, household_8050):
    mother, _son, household, consent = household_8050
    town = personas.town

    # 1. Intake at 地域包括支援センター, with consent.
    client.force_login(personas.caseworker_a)
    response = intake(client, town, mother, household, consent)
    assert response.status_code == 302, response.content.decode()[-3000:]
    consultation = Consultation.objects.get()
    assert set(consultation.domains) >= {"elderly", "poverty"}

    # 2. The suggestion names 生活困窮者自立相談支援事業 and flags 多機関協働.
    detail = client.get(response["Location"]).content.decode()
    assert 'data-program="self-reliance-consultation"' in detail
    assert "債務・収入 → 生活困窮者自立相談支援事業" in detail
    assert 'id="collaboration-flag"' in detail

    # 3. Referral with consent to 福祉あんしん課.
    sent = client.post(reverse("consultations:referral-create", args=[consultation.pk]), {
        "to_organization": org("福祉あんしん課").pk, "to_program": Program.objects.get(code="self-reliance-consultation").pk,
        "basis": "consent", "reason": "息子の就労と世帯の家計の相談のため", "shared_information": "世帯構成、収入状況、本人の希望",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})  # fmt: skip
    assert sent.status_code == 302, sent.content.decode()[-3000:]
    referral = Referral.objects.get()
    assert (referral.basis, referral.status, referral.consent) == ("consent", ReferralStatus.SENT, consent)

    # 4. Accepted at 福祉あんしん課: it sees the referral in its inbox, accepts, and has access on that basis.
    client.force_login(personas.coordinator)
    inbox = client.get(reverse("consultations:inbox")).content.decode()
    assert f'data-referral="{referral.pk}"' in inbox
    client.post(reverse("consultations:referral-respond", args=[referral.pk]), {"action": "accept"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert AccessGrant.objects.active().filter(person=mother, organization=org("福祉あんしん課")).exists()

    # 5. Records on both sides.
    note = {"occurred_on": "令和7年10月3日", "occurred_time": "14:00", "means": "home_visit", "counterpart": "family",
            "content": "息子と面談。就労の意欲あり。", "next_step": "ハローワーク同行", "next_step_on": "令和7年10月10日"}  # fmt: skip
    assert client.post(reverse("consultations:person-note-add", args=[mother.pk]), note).status_code == 302
    client.force_login(personas.caseworker_a)
    client.post(reverse("consultations:consultation-note-add", args=[consultation.pk]),
                {**note, "means": "phone", "content": "母の介護認定の申請を案内。", "next_step": "", "next_step_on": ""})  # fmt: skip
    assert CaseNote.objects.count() == 2

    # 6. Both see the same timeline: the consultation, the referral and both records.
    for persona in (personas.caseworker_a, personas.coordinator):
        client.force_login(persona)
        timeline = client.get(reverse("people:person-timeline", args=[mother.pk])).content.decode()
        assert timeline.count('data-kind="consultation"') == 1
        assert timeline.count('data-kind="referral"') == 1
        assert timeline.count('data-kind="case_note"') == 2
        assert "息子と面談" in timeline and "母の介護認定" in timeline

    # 7. An unrelated agency gets 404 on all of it.
    client.force_login(personas.caseworker_b)
    for url in (
        reverse("consultations:consultation-detail", args=[consultation.pk]),
        reverse("consultations:referral-detail", args=[referral.pk]),
        reverse("people:person-timeline", args=[mother.pk]),
        reverse("people:person-detail", args=[mother.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert f'data-consultation="{consultation.pk}"' not in client.get(reverse("consultations:inbox")).content.decode()

    # 8. The audit log shows each read.
    reads = AuditEntry.objects.filter(action=Action.READ, person_id=mother.pk)
    assert reads.filter(username="cw_a", model="consultations.consultation").exists()
    assert reads.filter(username="coord", summary__startswith="支援経過").exists()


def test_without_consent_a_referral_can_only_go_to_the_support_meeting(client, personas, household_8050):
    _mother, son, _household, _ = household_8050
    client.force_login(personas.caseworker_a)
    response = intake(client, personas.town, son, None, None, consent_variant="without_consent", consent="")
    assert response.status_code == 302, response.content.decode()[-3000:]
    consultation = Consultation.objects.get()
    url = reverse("consultations:referral-create", args=[consultation.pk])
    common = {"reason": "本人が支援を拒んでいるが生活が困窮している", "shared_information": "世帯の状況",
              "due_on": (timezone.localdate() + timedelta(days=14)).isoformat()}  # fmt: skip
    refused = client.post(url, {**common, "to_organization": org("福祉あんしん課").pk, "basis": "consent"})
    assert refused.status_code == 400
    assert (
        "本人同意のない相談は、支援会議（社会福祉法第106条の6）での検討としてのみつなげます" in refused.content.decode()
    )
    assert Referral.objects.count() == 0
    accepted = client.post(url, {**common, "to_meeting": "on", "basis": "art106_6"})
    assert accepted.status_code == 302
    referral = Referral.objects.get()
    assert (referral.to_meeting, referral.basis, referral.to_organization.name) == (True, "art106_6", "福祉あんしん課")


def test_a_referral_outside_the_consent_says_which_organisation_is_missing(client, personas, household_8050):
    mother, _, household, consent = household_8050
    client.force_login(personas.caseworker_a)
    intake(client, personas.town, mother, household, consent)
    consultation = Consultation.objects.get()
    response = client.post(reverse("consultations:referral-create", args=[consultation.pk]), {
        "to_organization": org("琴浦町社会福祉協議会").pk, "basis": "consent", "reason": "見守りのため",
        "shared_information": "世帯の状況", "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})  # fmt: skip
    assert response.status_code == 400
    assert "本人同意の共有先に「琴浦町社会福祉協議会」が含まれていません" in response.content.decode()
    assert Referral.objects.count() == 0


def test_overdue_referrals_show_on_both_sides(client, personas, household_8050, time_machine):
    mother, _, household, consent = household_8050
    client.force_login(personas.caseworker_a)
    intake(client, personas.town, mother, household, consent)
    consultation = Consultation.objects.get()
    client.post(reverse("consultations:referral-create", args=[consultation.pk]), {
        "to_organization": org("福祉あんしん課").pk, "basis": "consent", "reason": "家計の相談",
        "shared_information": "収入状況", "due_on": (timezone.localdate() + timedelta(days=3)).isoformat()})  # fmt: skip
    referral = Referral.objects.get()
    before = client.get(reverse("consultations:inbox")).content.decode()
    assert "期限超過" not in before
    time_machine.move_to(timezone.now() + timedelta(days=5))
    for persona, table in ((personas.caseworker_a, "outgoing"), (personas.coordinator, "incoming")):
        client.force_login(persona)
        page = client.get(reverse("consultations:inbox")).content.decode()
        section = page[page.index(f'id="{table}"') :]
        section = section[: section.index("</table>")]
        assert f'data-referral="{referral.pk}" class="overdue"' in section
        assert "期限超過" in section
    open_list = client.get(reverse("consultations:referrals-open")).content.decode()
    assert f'data-referral="{referral.pk}" class="overdue"' in open_list


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"person": "", "household": "", "consent": "", "consent_variant": "without_consent"},
         "相談の対象の方を選ぶか、「匿名の相談」にチェックしてください"),
        ({"received_on": "2999-01-01"}, "未来の日付は入力できません"),
        ({"issues": [999999]}, "選択肢が正しくありません"),
        ({"consent": "", "consent_variant": "with_consent"}, "同意の記録を選んでください"),
        ({"is_anonymous": "on", "person": "", "household": "", "consent": "", "consent_variant": "without_consent"},
         "匿名の方の概要"),
    ],
)  # fmt: skip
def test_bad_intake_gets_clear_messages_and_saves_nothing(client, personas, household_8050, changes, message):
    mother, _, household, consent = household_8050
    client.force_login(personas.caseworker_a)
    writes = AuditEntry.objects.exclude(action=Action.READ)
    entries = writes.count()
    response = intake(client, personas.town, mother, household, consent, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Consultation.objects.count() == 0
    # The form shown again is a read of the person (audited as such); nothing was written.
    assert writes.count() == entries


def test_a_referral_to_the_sender_itself_is_refused(client, personas, household_8050):
    mother, _, household, consent = household_8050
    client.force_login(personas.caseworker_a)
    intake(client, personas.town, mother, household, consent)
    consultation = Consultation.objects.get()
    response = client.post(reverse("consultations:referral-create", args=[consultation.pk]), {
        "to_organization": org("琴浦町地域包括支援センター").pk, "basis": "consent", "reason": "x",
        "shared_information": "y", "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})  # fmt: skip
    assert "自機関にはつなげません" in response.content.decode()
    assert Referral.objects.count() == 0


def test_an_anonymous_consultation_is_recorded_and_counted(client, personas):
    client.force_login(personas.caseworker_a)
    response = intake(client, personas.town, None, None, None, is_anonymous="on", consent_variant="without_consent",
                      anonymous_description="60代男性（近所の方からの相談）")  # fmt: skip
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.is_anonymous and consultation.person is None


def test_inbox_query_count_does_not_grow_with_the_data(client, personas, household_8050):
    mother, son, household, consent = household_8050
    client.force_login(personas.caseworker_a)
    intake(client, personas.town, mother, household, consent)
    client.post(reverse("consultations:referral-create", args=[Consultation.objects.get().pk]), {
        "to_meeting": "on", "basis": "art106_6", "reason": "検討依頼", "shared_information": "概要",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})  # fmt: skip
    client.force_login(personas.coordinator)
    # One of everything first (each list shown is audited once), then many of everything.
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("consultations:inbox"))
    client.force_login(personas.caseworker_a)
    for i in range(12):
        intake(client, personas.town, mother if i % 2 else son, household, consent if i % 2 else None,
               consent_variant="with_consent" if i % 2 else "without_consent")  # fmt: skip
    for consultation in Consultation.objects.filter(referrals__isnull=True):
        client.post(reverse("consultations:referral-create", args=[consultation.pk]), {
            "to_meeting": "on", "basis": "art106_6", "reason": "検討依頼", "shared_information": "概要",
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})  # fmt: skip
    client.force_login(personas.coordinator)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("consultations:inbox")).content.decode()
    assert page.count("data-referral=") >= 13
    assert len(many) == len(few)


def test_the_household_timeline_shows_every_visible_members_records(client, personas, household_8050):
    mother, son, household, consent = household_8050
    client.force_login(personas.caseworker_a)
    intake(client, personas.town, mother, household, consent)
    intake(client, personas.town, son, household, None, consent_variant="without_consent", consent="")
    page = client.get(reverse("people:household-timeline", args=[household.pk])).content.decode()
    assert page.count('data-kind="consultation"') == 2
    assert "山田　トメ" in page and "山田　一郎" in page
    # 福祉あんしん課 sees the mother through her consent; the son's consultation without consent stays hidden.
    client.force_login(personas.coordinator)
    shared = client.get(reverse("people:household-timeline", args=[household.pk])).content.decode()
    assert shared.count('data-kind="consultation"') == 1
    client.force_login(personas.caseworker_b)
    assert client.get(reverse("people:household-timeline", args=[household.pk])).status_code == 404


def test_a_referral_whose_consent_was_withdrawn_cannot_be_accepted_or_read_by_the_receiver(
    client, personas, household_8050
):
    from tsunagu.access.services import consent_withdraw

    mother, _, household, consent = household_8050
    client.force_login(personas.caseworker_a)
    intake(client, personas.town, mother, household, consent)
    consultation = Consultation.objects.get()
    client.post(reverse("consultations:referral-create", args=[consultation.pk]), {
        "to_organization": org("福祉あんしん課").pk, "basis": "consent", "reason": "家計の相談",
        "shared_information": "収入状況", "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})  # fmt: skip
    referral = Referral.objects.get()
    consent_withdraw(user=personas.caseworker_a, consent=consent, withdrawn_on=timezone.localdate())
    client.force_login(personas.coordinator)
    assert client.get(reverse("consultations:referral-detail", args=[referral.pk])).status_code == 404
    assert f'data-referral="{referral.pk}"' not in client.get(reverse("consultations:inbox")).content.decode()
    client.post(reverse("consultations:referral-respond", args=[referral.pk]), {"action": "accept"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert not AccessGrant.objects.active().filter(person=mother, organization=org("福祉あんしん課")).exists()
