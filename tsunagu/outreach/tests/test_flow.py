"""Issue 14's acceptance, walked through the pages: information from a 民生委員 about someone not yet
identified → a target → five failed visits → a contact → consent → a referral to 生活困窮者自立相談支援事業,
the whole history on the person's timeline; a caseworker of an unrelated agency gets 404 at every step.

The plan's outreach programme is run directly by 福祉あんしん課; here the town also commissions it to the
社会福祉協議会 (an implementing body), whose outreach worker refers the person to 福祉あんしん課's 自立相談支援.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.consultations.models import ConsultationIssue, Referral, ReferralStatus
from tsunagu.core.models import Organization
from tsunagu.outreach.models import OutreachContact, OutreachInformation, OutreachTarget, Result, Stage
from tsunagu.outreach.tests.factories import runs_outreach, worker_at
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Program
from tsunagu.records.selectors import timeline_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def shakyo(personas) -> Organization:
    organization = Organization.objects.get(municipality=personas.town, name="琴浦町社会福祉協議会")
    runs_outreach(organization)
    return organization


@pytest.fixture
def worker(shakyo):
    return worker_at(shakyo, "outreach_w")


def _day(days_ago: int, hour: int = 10) -> dict[str, str]:
    at = timezone.localtime() - timedelta(days=days_ago)
    return {"occurred_on": at.date().isoformat(), "occurred_time": f"{hour:02d}:00"}


def _visit(client, target_pk: int, result: str, days_ago: int, **fields: str):
    data = {"means": "visit", "result": result, "content": "玄関で声をかけた", **_day(days_ago), **fields}
    return client.post(reverse("outreach:target-contact-add", args=[target_pk]), data)


def _steps(target: OutreachTarget, info: OutreachInformation) -> list[tuple[str, str]]:
    """Every URL of the flow that takes an id, with its method."""
    return [
        ("GET", reverse("outreach:information-detail", args=[info.pk])),
        ("GET", reverse("outreach:target-detail", args=[target.pk])),
        ("POST", reverse("outreach:target-contact-add", args=[target.pk])),
        ("POST", reverse("outreach:target-stage", args=[target.pk])),
        ("POST", reverse("outreach:target-plan", args=[target.pk])),
        ("GET", reverse("outreach:target-connect", args=[target.pk])),
        ("POST", reverse("outreach:target-case-open", args=[target.pk])),
        ("GET", reverse("api:outreach-target-detail", args=[target.pk])),
        ("GET", reverse("api:outreach-target-contacts", args=[target.pk])),
        ("GET", reverse("api:outreach-information-detail", args=[info.pk])),
    ]


def _stranger_gets_404(client, stranger, target: OutreachTarget, info: OutreachInformation) -> None:
    client.force_login(stranger)
    for method, url in _steps(target, info):
        response = client.post(url, {}) if method == "POST" else client.get(url)
        assert response.status_code == 404, (method, url, response.status_code)


def test_from_a_welfare_commissioner_to_self_reliance_support(client, personas, shakyo, worker):
    unrelated = personas.caseworker_b  # サポートりんくす: no part in any of this
    client.force_login(worker)
    # 1. 気になる情報 from a 民生委員, recorded by the worker on their behalf: someone not yet identified.
    response = client.post(reverse("outreach:information-create"), {
        "content": "雨戸が閉まったまま。夜に物音がする。", "source_type": "welfare_commissioner",
        "source_name": "民生委員 山田一郎", "source_contact": "0858-00-1111", "urgency": "soon",
        "description": "40代男性（親と同居、長くひきこもりの様子）", "address": "琴浦町大字八橋2番地",
    })  # fmt: skip
    info = OutreachInformation.objects.get()
    assert response.status_code == 302 and info.person_id is None and info.organization == shakyo
    page = client.get(reverse("outreach:information-detail", args=[info.pk])).content.decode()
    assert "民生委員 山田一郎" in page  # the holder's own staff see who told them

    # 2. A target from it: worry, description and address come from the information.
    client.post(reverse("outreach:target-create") + f"?information={info.pk}",
                {"worry": "長くひきこもっている様子", "worker": worker.pk})  # fmt: skip
    target = OutreachTarget.objects.get()
    info.refresh_from_db()
    assert target.stage == Stage.UNCONTACTED and info.target == target and target.address == "琴浦町大字八橋2番地"
    _stranger_gets_404(client, unrelated, target, info)

    # 3. Five failed visits: 未接触 → 接触試行 by the first; the count follows.
    client.force_login(worker)
    for n, result in enumerate(["absent", "absent", "no_answer", "absent", "refused"]):
        assert _visit(client, target.pk, result, days_ago=40 - n * 5).status_code == 302
    target.refresh_from_db()
    assert (target.stage, target.attempt_count, target.first_contact_at) == (Stage.ATTEMPTING, 5, None)
    page = client.get(reverse("outreach:target-detail", args=[target.pk])).content.decode()
    assert "まだ接触できていません" in page

    # 4. The person is identified: registered by the worker, the target linked (its records follow).
    son = register(worker, family_name="八橋", given_name="誠", given_name_kana="マコト", family_name_kana="ヤバセ")
    mother = register(worker, family_name="八橋", given_name="ミツ", given_name_kana="ミツ", family_name_kana="ヤバセ")
    household = household_of(worker, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    client.post(reverse("outreach:target-identify", args=[target.pk]), {"person": son.pk, "household": household.pk})
    target.refresh_from_db()
    assert target.person == son and set(OutreachContact.objects.values_list("person_id", flat=True)) == {son.pk}

    # 5. The sixth visit reaches him: 接触できた, and the time to first contact is shown.
    _visit(client, target.pk, "met", days_ago=10, content="母親と一緒に玄関で少し話せた")
    target.refresh_from_db()
    assert target.stage == Stage.CONTACTED and target.attempt_count == 6
    client.post(reverse("outreach:target-stage", args=[target.pk]), {"to": "relationship", "note": ""})
    target.refresh_from_db()
    assert target.stage == Stage.RELATIONSHIP
    _stranger_gets_404(client, unrelated, target, info)

    # 6. Consent, into the consent register, naming 福祉あんしん課 (自立相談支援) and the taker.
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    client.force_login(worker)
    response = client.post(reverse("outreach:target-connect", args=[target.pk]), {
        "step": "consent", "purpose": "生活の相談のため", "method": "written",
        "given_on": timezone.localdate().isoformat(), "given_by": "self", "organizations": [shakyo.pk, anshin.pk],
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    target.refresh_from_db()
    assert target.consent is not None and target.consent.person_id == son.pk

    # 7. つなぐ: to 生活困窮者自立相談支援事業 at 福祉あんしん課, nothing retyped but where and why.
    program = Program.objects.get(municipality=personas.town, code="self-reliance-consultation")
    issue = ConsultationIssue.objects.filter(municipality=personas.town).order_by("order")[0]
    response = client.post(reverse("outreach:target-connect", args=[target.pk]), {
        "step": "connect", "program": program.pk, "organization": anshin.pk, "issues": [issue.pk],
        "main_issue": issue.pk, "reason": "就労と家計の相談を希望", "shared_information": "長期のひきこもり、母と二人暮らし",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    target.refresh_from_db()
    referral = Referral.objects.get()
    assert target.referral == referral and target.stage == Stage.CONNECTED
    assert (referral.to_organization, referral.to_program, referral.person_id) == (anshin, program, son.pk)
    assert referral.status == ReferralStatus.SENT and referral.consultation.route == "outreach"

    # The whole history on the person's timeline, for the worker.
    kinds = [item.kind.key for item in timeline_for_user(user=worker, person_ids=[son.pk], size=100).items]
    assert kinds.count("outreach_contact") == 6
    assert {"outreach_information", "outreach_target", "outreach_stage_change", "consultation", "referral"} <= set(
        kinds
    )

    # 福祉あんしん課 reads the target on the consent — but not the source's name; the unrelated agency nothing.
    client.force_login(personas.coordinator)
    page = client.get(reverse("outreach:target-detail", args=[target.pk]))
    assert page.status_code == 200 and "民生委員 山田一郎" not in page.content.decode()
    api = client.get(reverse("api:outreach-information-detail", args=[info.pk])).json()
    assert api["source"] is None and api["source_type"] == "welfare_commissioner"
    _stranger_gets_404(client, unrelated, target, info)


def test_information_from_another_agency_is_held_by_outreach(client, personas, shakyo, worker):
    """A caseworker anywhere records what they noticed; the outreach organisation holds it, and the source's
    name is for its staff only."""
    client.force_login(personas.caseworker_b)
    response = client.post(reverse("outreach:information-create"), {
        "content": "学校を長く休んでいる", "source_type": "school", "source_name": "担任 佐藤", "urgency": "normal",
        "description": "中学生（○○地区）",
    })  # fmt: skip
    assert response.status_code == 302
    info = OutreachInformation.objects.get()
    assert info.reporter_organization.name == "相談支援センターサポートりんくす"
    assert info.organization in {shakyo, Organization.objects.get(municipality=personas.town, name="福祉あんしん課")}
    # The reporter handed it over: held by the outreach organisation, not theirs to read again.
    assert client.get(reverse("outreach:information-detail", args=[info.pk])).status_code == 404


def test_a_target_who_refused_every_contact_is_not_shared_by_referral(personas, shakyo, worker):
    from tsunagu.outreach import services
    from tsunagu.outreach.tests.factories import contact, information, open_target

    person = register(worker)
    target = open_target(worker, [information(worker, person=person)])
    for _ in range(3):
        contact(worker, target, Result.REFUSED)
    assert services.every_contact_refused(target)
    with pytest.raises(services.OutreachError) as refused:
        services.target_consent_record(user=worker, target=target, data=None)  # type: ignore[arg-type]
    assert "会話・面会できた記録がない" in " ".join(refused.value.messages)
