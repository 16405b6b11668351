"""A 多機関協働 case from the side of everyone who meets it: the coordinator who opens it from a referral and
moves it on, the caseworker of a participating organisation, a caseworker the consent does not reach, a
caseworker of another town and the auditor — in pages and API — and the list and the case page, whose
queries do not grow with the data."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.policy import decide
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.collaboration import assessment_forms, services
from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.models import Assessment, CaseState, CaseTransition, CollaborationCase
from tsunagu.collaboration.tests.factories import (
    answers_for,
    consent_for,
    coordinator_at,
    open_case,
    walk_to,
)
from tsunagu.consultations import services as consultations
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import ConsentVariant, Outcome, ReferralBasis, Route
from tsunagu.core.models import Organization, Role
from tsunagu.core.services import user_create
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Category, Program
from tsunagu.support_plans.tests.factories import case_plan, evaluate_plan

pytestmark = pytest.mark.django_db


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


@pytest.fixture
def household_8050(personas):
    """地域包括支援センター's 8050 household; the mother consents to sharing with 福祉あんしん課 (the coordinator)
    and サポートりんくす (caseworker B), the son with 福祉あんしん課 only; 地域包括 holds its own records."""
    a = personas.caseworker_a
    today = timezone.localdate()
    mother = register(a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ",
                      birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    son = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                   birth_date=date(today.year - 52, 6, 1))  # fmt: skip
    household = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    consent = consent_for(a, mother, org("福祉あんしん課"), org("相談支援センターサポートりんくす"))
    consent_for(a, son, org("福祉あんしん課"))  # the son's consent does not name サポートりんくす
    return mother, son, household, consent


@pytest.fixture
def accepted_referral(personas, household_8050):
    mother, _son, household, consent = household_8050
    a = personas.caseworker_a
    issues = list(issues_ensure(personas.town))[:2]
    consultation = consultations.consultation_record(
        user=a,
        data=consultations.ConsultationInput(
            program=Program.objects.get(code="community-general-support-centre"),
            received_at=timezone.now() - timedelta(hours=2), route=Route.VISIT,
            consent_variant=ConsentVariant.WITH_CONSENT, consent=consent, issues=issues, main_issue=issues[0],
            outcome=Outcome.HANDLED, person=mother, person_decision=decide(a, mother.pk), household=household,
            household_visible=True, words="息子が働いておらず、年金だけで暮らしている",
        ),
    )  # fmt: skip
    referral = consultations.referral_send(
        user=a, consultation=consultation,
        data=consultations.ReferralInput(
            to_organization=org("福祉あんしん課"), reason="世帯の複合的な課題", shared_information="世帯の状況",
            basis=ReferralBasis.CONSENT, due_on=timezone.localdate() + timedelta(days=7),
            to_program=Program.objects.filter(category=Category.COLLABORATION).first(),
        ),
    )  # fmt: skip
    return consultations.referral_accept(user=personas.coordinator, referral=referral)


@pytest.fixture
def case(client, personas, household_8050, accepted_referral):
    """Opened by the coordinator through the pages, from the referral's button; サポートりんくす takes part."""
    mother, son, _household, _ = household_8050
    client.force_login(personas.coordinator)
    page = client.get(reverse("consultations:referral-detail", args=[accepted_referral.pk])).content.decode()
    assert f"{reverse('collaboration:case-create')}?referral={accepted_referral.pk}" in page
    url = f"{reverse('collaboration:case-create')}?referral={accepted_referral.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"person": mother.pk, "focus_members": [son.pk], "summary": "8050の世帯"})
    made = CollaborationCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("collaboration:case-detail", args=[made.pk])
    client.post(reverse("collaboration:case-participant-add", args=[made.pk]), {
        "organization": org("相談支援センターサポートりんくす").pk, "contact_name": "担当 B",
        "role_note": "息子の就労と障害の相談"})  # fmt: skip
    return made


@pytest.fixture
def kosodate_caseworker(personas):
    return user_create(
        municipality=personas.town, username="cw_kosodate", password="correct-horse-battery",
        display_name="cw_kosodate", memberships=[(org("子育て応援課"), Role.CASEWORKER)],
    )  # fmt: skip


def test_the_case_opens_from_the_referral_with_its_household_and_participants(case, household_8050):
    mother, son, household, _ = household_8050
    assert (case.state, case.person, case.household, case.organization.name) == (
        CaseState.RECEIVED, mother, household, "福祉あんしん課",
    )  # fmt: skip
    assert list(case.focus_members.all()) == [son]
    assert [p.organization.name for p in case.participants.all()] == ["相談支援センターサポートりんくす"]
    assert case.referral_id is not None and case.consultation_id == case.referral.consultation_id
    opened = CaseTransition.objects.get(case=case)
    assert (opened.from_state, opened.to_state) == ("", CaseState.RECEIVED)


def test_an_organisation_the_consent_does_not_reach_cannot_take_part(client, personas, case):
    before = case.participants.count()
    response = client.post(reverse("collaboration:case-participant-add", args=[case.pk]),
                           {"organization": org("子育て応援課").pk}, follow=True)  # fmt: skip
    assert "子育て応援課は本人同意（または支援会議）の範囲に含まれていないため" in response.content.decode()
    assert case.participants.count() == before


def pages_of(case) -> list[str]:
    assessment = Assessment.objects.filter(case=case).first()
    urls = [reverse("collaboration:case-detail", args=[case.pk]),
            reverse("collaboration:assessment-create", args=[case.pk]),
            reverse("api:collaboration-case-detail", args=[case.pk]),
            reverse("api:collaboration-case-transitions", args=[case.pk]),
            reverse("api:collaboration-case-assessments", args=[case.pk])]  # fmt: skip
    if assessment:
        urls += [reverse("collaboration:assessment-detail", args=[assessment.pk]),
                 reverse("api:assessment-detail", args=[assessment.pk])]  # fmt: skip
    return urls


@pytest.fixture
def assessed_case(personas, case):
    return walk_to(personas.coordinator, case, CaseState.PLANNING)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("coordinator", True), ("supervisor", True), ("caseworker_b", True), ("caseworker_a", False),
     ("kosodate", False), ("stranger", False), ("auditor", False), ("administrator", False)],
)  # fmt: skip
def test_who_sees_the_case_in_pages_and_api(client, personas, assessed_case, kosodate_caseworker, persona, sees):
    """The coordinating agency (coordinator, its supervisor) and the participating agency the consent names
    (caseworker B) read the case; the referring agency (its own registration only: the consent does not name
    it), another agency, another town, the auditor and the administrator get 404 everywhere."""
    user = kosodate_caseworker if persona == "kosodate" else getattr(personas, persona)
    client.force_login(user)
    for url in pages_of(assessed_case):
        assert client.get(url).status_code == (200 if sees else 404), url
    listed = client.get(reverse("collaboration:case-list"))
    api_list = client.get(reverse("api:collaboration-case-list"))
    if sees:
        assert f'data-case="{assessed_case.pk}"' in listed.content.decode()
        assert [row["id"] for row in api_list.json()["results"]] == [assessed_case.pk]
    else:
        assert listed.status_code == 404 or f'data-case="{assessed_case.pk}"' not in listed.content.decode()
        assert api_list.status_code == 404 or api_list.json()["results"] == []


def test_a_participant_reads_but_does_not_move_the_case(client, personas, assessed_case):
    client.force_login(personas.caseworker_b)
    response = client.post(reverse("collaboration:case-transition", args=[assessed_case.pk]),
                           {"target": "suspended", "note": "中断"}, follow=True)  # fmt: skip
    assert "ケースを受け持つ機関（福祉あんしん課）の職員だけ" in response.content.decode()
    api = client.post(reverse("api:collaboration-case-transitions", args=[assessed_case.pk]),
                      {"to": "suspended", "note": "中断"}, content_type="application/json")  # fmt: skip
    assert api.status_code == 400
    assert CollaborationCase.objects.get(pk=assessed_case.pk).state == CaseState.PLANNING


def test_the_whole_line_through_the_api_with_refusals_that_say_why(client, personas, case):
    client.force_login(personas.coordinator)
    url = reverse("api:collaboration-case-transitions", args=[case.pk])

    def step(**body):
        return client.post(url, body, content_type="application/json")

    assert step(to="supporting").status_code == 400
    assert "支援決定の前に支援を始めることはできません" in str(step(to="supporting").json())
    assert step(to="assessment").status_code == 200
    form = assessment_forms.current()
    missing = client.post(reverse("api:collaboration-case-assessments", args=[case.pk]),
                          {"household": {}, "members": {}}, content_type="application/json")  # fmt: skip
    assert missing.status_code == 400 and "国への報告に必要な項目です" in str(missing.json())
    made = client.post(reverse("api:collaboration-case-assessments", args=[case.pk]), {
        "household": answers_for(form.fields_of("household")),
        "members": {str(case.person_id): answers_for(form.fields_of("member"))}}, content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and made.json()["form_version"] == form.version
    assert step(to="planning").status_code == 200
    assert "支援決定日を入力してください" in str(step(to="decided").json())
    assert "プラン（作成中の版）を作成してください" in str(step(to="decided").json())
    case_plan(personas.coordinator, case)
    assert (
        step(
            to="decided", decided_on=timezone.localdate().isoformat(), decision_reference="第1回重層的支援会議"
        ).status_code
        == 200
    )
    assert step(to="supporting").status_code == 200
    assert step(to="evaluating").status_code == 200
    assert "評価を記録してください" in str(step(to="closed").json())
    evaluation = client.post(reverse("api:collaboration-case-evaluation", args=[case.pk]),
                             {"result": "achieved", "note": "息子が就労継続支援B型に通い始めた"}, content_type="application/json")  # fmt: skip
    assert evaluation.status_code == 400 and "目標ごとの評価" in str(evaluation.json())
    evaluate_plan(personas.coordinator, case)
    reason = next(r for r in closure_reasons_ensure(case.municipality_id) if r.needs_lead_agency)
    assert "主担当機関を選んでください" in str(step(to="closed", closure_reason=reason.pk).json())
    lead = org("琴浦町地域包括支援センター")
    closed = step(to="closed", closure_reason=reason.pk, lead_organization=lead.pk)
    assert closed.status_code == 200 and closed.json()["lead_organization"]["name"] == lead.name
    detail = client.get(reverse("api:collaboration-case-detail", args=[case.pk])).json()
    assert detail["state"] == "closed" and detail["next_states"] == [] and detail["access"]["basis"] == "own_record"
    history = client.get(url).json()
    assert [(h["from_state"], h["to_state"]) for h in history] == [
        ("", "received"),
        ("received", "assessment"),
        ("assessment", "planning"),
        ("planning", "decided"),
        ("decided", "supporting"),
        ("supporting", "evaluating"),
        ("evaluating", "closed"),
    ]
    page = client.get(reverse("collaboration:case-detail", args=[case.pk])).content.decode()
    assert "琴浦町地域包括支援センターが引き続き寄り添います" in page
    # The basis reads as staff say it, never as its code.
    assert "自機関の記録" in page and ": own_record<" not in page


def test_every_step_is_on_the_household_timeline_and_in_the_audit_log(client, personas, case, household_8050):
    mother, _son, household, _ = household_8050
    coordinator = personas.coordinator
    walk_to(coordinator, case, CaseState.CLOSED)
    writes = AuditEntry.objects.filter(object_id=str(case.pk), model="collaboration.collaborationcase")
    assert writes.filter(action=Action.CREATE).count() == 1
    assert writes.filter(action=Action.UPDATE).count() >= 7  # participant, 6 steps, the evaluation
    assert set(writes.values_list("basis", flat=True)) == {"own_record"}
    client.force_login(coordinator)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0]
    timeline = client.get(reverse("people:household-timeline", args=[household.pk])).content.decode()
    assert timeline.count('data-kind="case_transition"') == 7
    assert timeline.count('data-kind="collaboration_case"') == 1 and 'data-kind="assessment"' in timeline
    read = AuditEntry.objects.filter(pk__gt=before, records__has_key="collaboration_case").get()
    assert {"assessment", "case_transition", "collaboration_case"} <= set(read.records or {})
    assert read.basis == "own_record" and read.organization == case.organization
    # Caseworker B reads the same timeline through the consent that names サポートりんくす.
    client.force_login(personas.caseworker_b)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0]
    assert (
        'data-kind="collaboration_case"'
        in client.get(reverse("people:person-timeline", args=[mother.pk])).content.decode()
    )
    shared = AuditEntry.objects.filter(pk__gt=before, records__has_key="collaboration_case").get()
    assert shared.basis == "consent" and shared.basis_source.startswith("consent:")


def more_cases(personas, n: int) -> None:
    """Other households' cases, each with a participant, some steps and an assessment."""
    a, coordinator = personas.caseworker_a, personas.coordinator
    for i in range(n):
        person = register(a, given_name=f"花子{i}", given_name_kana="ハナコ")
        other = register(a, given_name=f"次郎{i}", given_name_kana="ジロウ")
        household = household_of(a, (person, Relationship.HEAD), (other, Relationship.CHILD))
        consent_for(a, person, org("福祉あんしん課"), org("相談支援センターサポートりんくす"))
        made = open_case(coordinator, person, household, focus_members=[other])
        services.case_participant_add(user=coordinator, case=made, data=services.ParticipantInput(
            organization=org("相談支援センターサポートりんくす")))  # fmt: skip
        walk_to(coordinator, made, CaseState.SUPPORTING)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["collaboration:case-list", "api:collaboration-case-list"])
def test_the_list_queries_do_not_grow_with_the_cases(client, personas, case, name):
    client.force_login(personas.coordinator)
    few = queries(client, reverse(name))
    more_cases(personas, 4)
    page = client.get(reverse(name)).content.decode()
    assert page.count("サポートりんくす") >= 5
    assert queries(client, reverse(name)) == few


def test_the_case_page_queries_do_not_grow_with_its_history(client, personas, case):
    """One of everything first (each list shown is audited once), then more of everything."""
    coordinator = personas.coordinator
    client.force_login(coordinator)
    url = reverse("collaboration:case-detail", args=[case.pk])
    walk_to(coordinator, case, CaseState.SUPPORTING)
    client.get(url)  # the first view loads the municipality's 終結理由 list (once)
    few = queries(client, url)
    extra = coordinator_at(org("福祉あんしん課"), "coord_two")
    for i in range(3):
        services.case_transition(user=extra, case=case, data=services.TransitionInput(
            CaseState.SUSPENDED, note=f"入院{i}"))  # fmt: skip
        services.case_transition(user=extra, case=case, data=services.TransitionInput(CaseState.RECEIVED))
    walk_to(coordinator, case, CaseState.SUPPORTING)
    page = client.get(url).content.decode()
    assert page.count("入院") == 3 and page.count("インテーク・アセスメントシート</a>") == 2
    assert queries(client, url) == few
