"""The referral as both sides live it (issue 11, findings 1 and 2): the referral page leads on to the person,
the consultation, the timeline and the first progress record; a routing suggestion fills the referral form;
the form offers only the organisations that run the chosen programme, never the sender."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import Consent
from tsunagu.access.policy import decide
from tsunagu.consultations.defaults import issues_ensure, routing_rules_ensure
from tsunagu.consultations.destinations import program_organizations
from tsunagu.consultations.models import (
    CaseNote,
    ConsentVariant,
    Consultation,
    Outcome,
    Referral,
    ReferralBasis,
    ReferralStatus,
    Route,
    RoutingRule,
)
from tsunagu.consultations.routing import routing_input_for, suggest
from tsunagu.consultations.services import (
    ConsultationInput,
    ReferralInput,
    consultation_record,
    referral_accept,
    referral_send,
)
from tsunagu.consultations.tests.referrals import consent_for_anshin, org, person_of_centre_a
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import User
from tsunagu.people.models import Person
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db

# 障害者相談支援事業 (直営・委託): 福祉あんしん課 itself and the three contracted centres, in the plan's order.
DISABILITY = ["福祉あんしん課", "障がい者地域生活支援センター", "中部障がい者地域生活支援センター",
              "相談支援センターサポートりんくす"]  # fmt: skip


def program(code: str) -> Program:
    return Program.objects.get(municipality__code="313718", code=code)


def intake(user: User, person: Person, consent: Consent | None, *codes: str) -> Consultation:
    by_code = {i.code: i for i in issues_ensure(user.municipality)}
    return consultation_record(user=user, data=ConsultationInput(
        program=program("community-general-support-centre"), received_at=timezone.now() - timedelta(hours=1),
        route=Route.VISIT, consent_variant=ConsentVariant.WITH_CONSENT if consent else ConsentVariant.WITHOUT_CONSENT,
        consent=consent, issues=[by_code[c] for c in codes], main_issue=by_code[codes[0]], outcome=Outcome.REFERRED,
        person=person, person_decision=decide(user, person.pk), words="年金だけでは暮らせない",
    ))  # fmt: skip


def meeting_referral(user: User, consultation: Consultation) -> Referral:
    """To the 支援会議 (法106条の6): the receiver sees the person only once it accepts (the grant it gets)."""
    return referral_send(user=user, consultation=consultation, data=ReferralInput(
        to_organization=None, to_meeting=True, to_program=program("multi-agency-collaboration"),
        reason="複合的な課題のため検討を依頼", shared_information="世帯の概要", basis=ReferralBasis.ART106_6,
        due_on=timezone.localdate() + timedelta(days=7),
    ))  # fmt: skip


@pytest.fixture
def sent(personas) -> Referral:
    a = personas.caseworker_a
    person = person_of_centre_a(a)
    return meeting_referral(a, intake(a, person, None, "8050", "income"))


def page_of(client, user: User, referral: Referral):
    client.force_login(user)
    return client.get(reverse("consultations:referral-detail", args=[referral.pk]))


def note_post(**changes: str) -> dict[str, str]:
    # Yesterday: a record of today at 09:00 would be in the future before 9 a.m. (JST), and refused.
    yesterday = timezone.localdate() - timedelta(days=1)
    data = {"occurred_on": to_wareki(yesterday), "occurred_time": "09:00", "means": "home_visit",
            "counterpart": "person", "counterpart_detail": "本人と長男", "content": "初回訪問。家計の状況を確認。",
            "next_step": "来週、家計表を一緒に作る", "next_step_on": ""}  # fmt: skip
    data.update(changes)
    return data


# --- Finding 1: the referral page leads on ------------------------------------------------------------------


def test_before_accepting_the_receiver_sees_only_what_the_referral_shares(client, personas, sent):
    body = page_of(client, personas.coordinator, sent).content.decode()
    # The facts of the referral: the programme, who sent it and when, who it went to, not yet answered.
    assert "多機関協働事業及び支援プランの策定" in body[body.index('id="referral-program"') :]
    sender = body[body.index('id="referral-sender"') :]
    assert sender.index("琴浦町地域包括支援センター") < sender.index("担当: cw_a") < sender.index("</dd>")
    assert to_wareki(timezone.localtime(sent.sent_at).date()) in body[body.index('id="referral-sent-at"') :]
    assert "未回答" in body[body.index('id="referral-responded-at"') :]
    assert "受理する" in body and 'id="before-accepting"' in body
    # Nothing beyond the referral yet: no way to the person, the timeline, the consultation or a note.
    for url in (
        reverse("people:person-detail", args=[sent.person_id]),
        reverse("people:person-timeline", args=[sent.person_id]),
        reverse("consultations:consultation-detail", args=[sent.consultation_id]),
        reverse("consultations:referral-note-add", args=[sent.pk]),
    ):
        assert url not in body, url
    assert client.get(reverse("people:person-detail", args=[sent.person_id])).status_code == 404


def test_after_accepting_the_page_links_the_person_the_timeline_the_consultation_and_a_note_form(
    client, personas, sent
):
    client.force_login(personas.coordinator)
    response = client.post(reverse("consultations:referral-respond", args=[sent.pk]), {"action": "accept"}, follow=True)
    body = response.content.decode()
    assert "つなぎを受理しました。この方の記録を閲覧し、支援経過を記録できます。" in body
    links = body[body.index('id="referral-links"') :]
    links = links[: links.index("</nav>")]
    targets = {
        "link-person": reverse("people:person-detail", args=[sent.person_id]),
        "link-timeline": reverse("people:person-timeline", args=[sent.person_id]),
        "link-consultation": reverse("consultations:consultation-detail", args=[sent.consultation_id]),
    }
    for anchor, url in targets.items():
        assert re.search(rf'id="{anchor}" href="{re.escape(url)}"', links), anchor
        assert client.get(url).status_code == 200, url  # each link leads somewhere the receiver may go
    assert f'action="{reverse("consultations:referral-note-add", args=[sent.pk])}"' in body
    sent.refresh_from_db()
    receiver = body[body.index('id="referral-receiver"') :]
    assert receiver.index("福祉あんしん課") < receiver.index("受理: coord") < receiver.index("</dd>")
    responded = body[body.index('id="referral-responded-at"') :]
    assert to_wareki(timezone.localtime(sent.responded_at).date()) in responded[: responded.index("</dd>")]
    assert "受理する" not in body


def test_the_first_progress_record_is_written_from_the_referral_page(client, personas, sent):
    referral_accept(user=personas.coordinator, referral=sent)
    client.force_login(personas.coordinator)
    url = reverse("consultations:referral-note-add", args=[sent.pk])
    response = client.post(url, note_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:referral-detail", args=[sent.pk])
    note = CaseNote.objects.get()
    assert (note.organization.name, note.person_id, note.consultation_id, note.staff.username) == (
        "福祉あんしん課", sent.person_id, sent.consultation_id, "coord"
    )  # fmt: skip
    timeline = client.get(reverse("people:person-timeline", args=[sent.person_id])).content.decode()
    assert "初回訪問。家計の状況を確認。" in timeline


def test_a_refused_note_shows_the_referral_page_again_with_everything_typed(client, personas, sent):
    referral_accept(user=personas.coordinator, referral=sent)
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("consultations:referral-note-add", args=[sent.pk]), note_post(content="", next_step_on="2999-01-01")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "本人と長男" in body and "来週、家計表を一緒に作る" in body
    assert 'id="note-form"' in body and 'class="errorlist"' in body
    assert CaseNote.objects.count() == 0


@pytest.mark.parametrize("who", ["caseworker_a", "supervisor_before_accepting"])
def test_only_the_receiver_of_an_accepted_referral_records_there(client, personas, sent, who):
    if who == "caseworker_a":  # the sender: it records on its own consultation page
        referral_accept(user=personas.coordinator, referral=sent)
        user, message = personas.caseworker_a, "つなぎ先の機関の職員が、受理したつなぎの支援経過を記録します。"
    else:
        user, message = personas.supervisor, "つなぎを受理してから支援経過を記録してください。"
    client.force_login(user)
    response = client.post(reverse("consultations:referral-note-add", args=[sent.pk]), note_post())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CaseNote.objects.count() == 0


@pytest.mark.parametrize("persona", ["stranger", "caseworker_b", "administrator", "auditor"])
def test_personas_outside_the_referral_get_404(client, personas, sent, persona):
    referral_accept(user=personas.coordinator, referral=sent)
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("consultations:referral-detail", args=[sent.pk])).status_code == 404
    assert client.post(reverse("consultations:referral-note-add", args=[sent.pk]), note_post()).status_code == 404
    organizations = reverse("consultations:referral-organizations", args=[sent.consultation_id])
    assert client.post(organizations, {"to_program": program("outreach").pk}).status_code == 404
    assert CaseNote.objects.count() == 0


def test_a_referral_of_another_municipality_is_404_for_the_town(client, personas, sent):
    from tsunagu.records.tests.matrix import load_other_town_plan

    other = load_other_town_plan()
    stranger = personas.stranger
    person = person_of_centre_a(stranger)
    by_code = {i.code: i for i in issues_ensure(other)}
    consultation = consultation_record(user=stranger, data=ConsultationInput(
        program=Program.objects.get(municipality=other, code="community-general-support-centre"),
        received_at=timezone.now() - timedelta(hours=1), route=Route.VISIT,
        consent_variant=ConsentVariant.WITHOUT_CONSENT, issues=[by_code["8050"]], main_issue=by_code["8050"],
        outcome=Outcome.REFERRED, person=person, person_decision=decide(stranger, person.pk),
    ))  # fmt: skip
    theirs = referral_send(user=stranger, consultation=consultation, data=ReferralInput(
        to_organization=None, to_meeting=True, reason="検討依頼", shared_information="概要",
        basis=ReferralBasis.ART106_6, due_on=timezone.localdate() + timedelta(days=7)))  # fmt: skip
    assert page_of(client, stranger, theirs).status_code == 200
    for persona in ("caseworker_a", "coordinator"):
        assert page_of(client, getattr(personas, persona), theirs).status_code == 404


def test_the_referral_page_costs_the_same_queries_however_much_the_person_has(
    client, personas, sent, django_assert_max_num_queries
):
    referral_accept(user=personas.coordinator, referral=sent)
    page_of(client, personas.coordinator, sent)  # the first request of a session costs its own (the session)
    with CaptureQueriesContext(connection) as first:
        assert page_of(client, personas.coordinator, sent).status_code == 200
    few = len(first)  # now: the log of queries is a bounded queue, and what follows runs many
    a = personas.caseworker_a
    client.force_login(personas.coordinator)
    for n in range(8):  # more records of every kind about the person, on both sides
        meeting_referral(a, intake(a, sent.person, None, "income"))
        client.post(reverse("consultations:referral-note-add", args=[sent.pk]), note_post(content=f"記録{n}"))
    assert CaseNote.objects.count() == 8
    with django_assert_max_num_queries(few), CaptureQueriesContext(connection) as many:
        assert page_of(client, personas.coordinator, sent).status_code == 200
    assert len(many) == few


# --- Finding 2: a suggestion fills the referral form -----------------------------------------------------


@pytest.fixture
def with_consent(personas) -> Consultation:
    """An 8050 consultation at 地域包括支援センター, with a consent naming 福祉あんしん課."""
    a = personas.caseworker_a
    person = person_of_centre_a(a)
    return intake(a, person, consent_for_anshin(a, person), "8050", "income", "health")


def detail(client, consultation: Consultation, **query: int) -> str:
    response = client.get(reverse("consultations:consultation-detail", args=[consultation.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def referral_form_of(body: str) -> str:
    form = body[body.index('id="referral-form"') :]
    return form[: form.index("</form>")]


def selected(form: str, name: str) -> list[str]:
    select = form[form.index(f'name="{name}"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option value="(\d+)" selected>', select)


def offered(form: str, name: str) -> list[tuple[str, str]]:
    select = form[form.index(f'name="{name}"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_each_suggestion_offers_this_suggestion_with_ids_only_in_its_link(client, personas, with_consent):
    client.force_login(personas.caseworker_a)
    body = detail(client, with_consent)
    links = re.findall(r'<a class="button" data-suggestion="[^"]*" href="([^"]+)">この提案でつなぐ', body)
    assert len(links) >= 2  # 生活困窮 and 多機関協働 at least (8050, income)
    for link in links:
        parts = urlsplit(link.replace("&amp;", "&"))
        assert parts.path == reverse("consultations:consultation-detail", args=[with_consent.pk])
        query = parse_qs(parts.query)
        assert set(query) == {"program", "organization"}
        assert all(v.isascii() and v.isdigit() for values in query.values() for v in values)
    # The disability programme names three centres: one button each, named.
    assert body.count("この提案でつなぐ（") == 3


def test_the_suggestion_fills_programme_organisation_reason_and_the_consent_that_covers_it(
    client, personas, with_consent
):
    client.force_login(personas.caseworker_a)
    target, anshin = program("self-reliance-consultation"), org("福祉あんしん課")
    form = referral_form_of(detail(client, with_consent, program=target.pk, organization=anshin.pk))
    assert selected(form, "to_program") == [str(target.pk)]
    assert selected(form, "to_organization") == [str(anshin.pk)]
    assert "債務・収入 → 生活困窮者自立相談支援事業</textarea>" in form
    assert re.search(r'value="consent"[^>]* checked', form)
    assert not re.search(r'name="to_meeting"[^>]* checked', form)
    assert 'id="referral-problem"' not in form


def test_a_consent_that_does_not_name_the_suggested_agency_is_said_before_sending(client, personas, with_consent):
    client.force_login(personas.caseworker_a)
    links = org("相談支援センターサポートりんくす")
    form = referral_form_of(detail(client, with_consent, program=program("disability-consultation").pk,
                                   organization=links.pk))  # fmt: skip
    assert selected(form, "to_organization") == [str(links.pk)]
    assert "病気や健康、障害 → 障害者相談支援事業</textarea>" in form
    problem = form[form.index('id="referral-problem"') :]
    assert "本人同意の共有先に「相談支援センターサポートりんくす」が含まれていません" in problem


def test_without_consent_the_suggestion_is_proposed_to_the_support_meeting(client, personas):
    a = personas.caseworker_a
    consultation = intake(a, person_of_centre_a(a), None, "8050", "income")
    client.force_login(a)
    form = referral_form_of(detail(client, consultation, program=program("self-reliance-consultation").pk,
                                   organization=org("福祉あんしん課").pk))  # fmt: skip
    assert re.search(r'value="art106_6"[^>]* checked', form)
    assert re.search(r'name="to_meeting"[^>]* checked', form)
    assert "債務・収入 → 生活困窮者自立相談支援事業</textarea>" in form


def test_an_organisation_outside_the_programme_in_the_link_is_not_filled_in(client, personas, with_consent):
    client.force_login(personas.caseworker_a)
    form = referral_form_of(detail(client, with_consent, program=program("disability-consultation").pk,
                                   organization=org("琴浦町社会福祉協議会").pk))  # fmt: skip
    assert selected(form, "to_organization") == []
    assert (
        client.get(reverse("consultations:consultation-detail", args=[with_consent.pk]), {"program": "²"}).status_code
        == 404
    )


def test_the_intake_preview_shows_suggestions_without_the_button(personas, with_consent):
    routing_rules_ensure(personas.town)
    routing = suggest(
        municipality=personas.town, exclude_organization=with_consent.organization,
        data=routing_input_for(with_consent.person, None, ["8050", "income"], timezone.localdate()),
    )  # fmt: skip
    context = {"routing": routing, "consultation": with_consent}
    assert "この提案でつなぐ" in render_to_string("consultations/_suggestions.html", context)
    preview = render_to_string("consultations/_suggestions.html", {**context, "preview": True})
    assert "生活困窮者自立相談支援事業" in preview and "この提案でつなぐ" not in preview


# --- The referral form: organisations per programme, never the sender --------------------------------------


def test_the_form_offers_the_organisations_that_run_the_programme_and_never_the_sender(client, personas, with_consent):
    client.force_login(personas.caseworker_a)
    names = lambda form: [name for value, name in offered(form, "to_organization") if value]  # noqa: E731
    everyone = names(referral_form_of(detail(client, with_consent)))
    assert "福祉あんしん課" in everyone and "琴浦町地域包括支援センター" not in everyone
    disability = names(referral_form_of(detail(client, with_consent, program=program("disability-consultation").pk)))
    assert disability == DISABILITY
    # 地域包括支援センターの運営 is run by すこやか健康課 and the centre, which is the sender here.
    own = names(referral_form_of(detail(client, with_consent, program=program("community-general-support-centre").pk)))
    assert own == ["すこやか健康課"]


def test_the_organisations_follow_the_programme_by_a_post(client, personas, with_consent):
    client.force_login(personas.caseworker_a)
    url = reverse("consultations:referral-organizations", args=[with_consent.pk])
    assert client.get(url, {"to_program": program("outreach").pk}).status_code == 405
    links = org("相談支援センターサポートりんくす")
    response = client.post(url, {"to_program": program("disability-consultation").pk, "to_organization": links.pk,
                                 "reason": "本人の言葉は URL に載らない"})  # fmt: skip
    assert response.status_code == 200
    fragment = response.content.decode()
    assert [n for v, n in offered(fragment, "to_organization") if v] == DISABILITY
    assert selected(fragment, "to_organization") == [str(links.pk)]  # still offered: still chosen
    outreach = client.post(url, {"to_program": program("outreach").pk, "to_organization": links.pk}).content.decode()
    assert [n for v, n in offered(outreach, "to_organization") if v] == ["福祉あんしん課"]
    assert selected(outreach, "to_organization") == []
    alone = client.post(url, {"to_program": program("community-general-support-centre").pk}).content.decode()
    assert 'id="no-destination"' not in alone  # すこやか健康課 remains
    assert "<select" in client.post(url, {"to_program": "٣"}).content.decode()  # refused choice: every organisation


def test_a_forged_organisation_outside_the_programme_is_refused_and_nothing_saved(client, personas, with_consent):
    client.force_login(personas.caseworker_a)
    response = client.post(reverse("consultations:referral-create", args=[with_consent.pk]), {
        "to_program": program("disability-consultation").pk, "to_organization": org("琴浦町社会福祉協議会").pk,
        "basis": "consent", "reason": "障害の相談", "shared_information": "概要",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "「琴浦町社会福祉協議会」は「障害者相談支援事業」を実施していません。" in body
    # The page shown again offers what the posted programme offers.
    assert [n for v, n in offered(referral_form_of(body), "to_organization") if v] == DISABILITY
    assert Referral.objects.count() == 0


def test_a_referral_to_an_organisation_of_the_programme_is_sent(client, personas, with_consent):
    client.force_login(personas.caseworker_a)
    response = client.post(reverse("consultations:referral-create", args=[with_consent.pk]), {
        "to_program": program("self-reliance-consultation").pk, "to_organization": org("福祉あんしん課").pk,
        "basis": "consent", "reason": "家計の相談", "shared_information": "収入状況",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})  # fmt: skip
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.to_program is not None
    assert (referral.to_program.code, referral.to_organization.name, referral.status) == (
        "self-reliance-consultation", "福祉あんしん課", ReferralStatus.SENT
    )  # fmt: skip


def test_the_api_refuses_an_organisation_outside_the_programme_too(client, personas, with_consent):
    client.force_login(personas.caseworker_a)
    response = client.post(
        reverse("api:consultation-referrals", args=[with_consent.pk]),
        {"to_program": program("disability-consultation").pk, "to_organization": org("琴浦町社会福祉協議会").pk,
         "basis": "consent", "reason": "障害の相談", "shared_information": "概要",
         "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "を実施していません" in response.content.decode()
    assert Referral.objects.count() == 0


def test_every_default_rule_suggests_organisations_that_run_its_programme(personas):
    """The rules are data as the plan is: a rule pointing to an agency that does not run the programme would
    give a 「この提案でつなぐ」 that the form cannot fill in."""
    routing_rules_ensure(personas.town)
    for rule in RoutingRule.objects.filter(municipality=personas.town).prefetch_related("organizations"):
        runs = set(program_organizations(rule.program).values_list("name", flat=True))
        assert {o.name for o in rule.organizations.all()} <= runs, rule.code


def test_a_programme_run_directly_is_run_by_its_division_and_its_centres(kotoura):
    assert {o.name for o in program_organizations(program("community-general-support-centre"))} == {
        "すこやか健康課", "琴浦町地域包括支援センター"
    }  # fmt: skip
    # 直営・委託: the contracted centres and the division itself.
    assert {o.name for o in program_organizations(program("disability-consultation"))} == {
        "福祉あんしん課", "障がい者地域生活支援センター", "中部障がい者地域生活支援センター",
        "相談支援センターサポートりんくす",
    }  # fmt: skip
    # 委託 with its bodies named: only them.
    assert {o.name for o in program_organizations(program("child-rearing-hub"))} == {"みどり保育園", "赤碕こども園"}
