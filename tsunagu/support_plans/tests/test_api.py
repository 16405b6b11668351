"""The plan API as a tablet or another system uses it: create a case's plan, fill it, update it with
If-Match, decide it through the case, record progress and the evaluation — and the stranger's 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.collaboration import services as collaboration
from tsunagu.collaboration.models import CaseState
from tsunagu.collaboration.tests.factories import move
from tsunagu.support_plans.models import SupportPlan
from tsunagu.support_plans.tests.factories import answers_for
from tsunagu.support_plans.tests.test_plan_flow import case, household, org  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_a_plan_through_the_api(client, personas, case):  # noqa: F811
    client.force_login(personas.coordinator)
    today = timezone.localdate()
    made = client.post(reverse("api:support-plan-list"), {
        "plan_type": "collaboration", "case": case.pk, "wishes": "家で暮らしたい", "answers": answers_for("collaboration"),
        "period_start": today.isoformat(), "period_end": (today + timedelta(days=90)).isoformat(),
        "monitoring_dates": [(today + timedelta(days=30)).isoformat()],
    }, content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.json()
    plan_id = made.json()["id"]
    assert "目標を一つ以上入れてください。" in made.json()["approval_problems"]
    detail_url = reverse("api:support-plan-detail", args=[plan_id])
    goal = client.post(reverse("api:support-plan-goals", args=[plan_id]), {"term": "long", "text": "安心して暮らす"},
                       content_type="application/json")  # fmt: skip
    assert goal.status_code == 201
    outside = client.post(reverse("api:support-plan-actions", args=[plan_id]), {
        "content": "見守り", "organization": org("子育て応援課").pk}, content_type="application/json")  # fmt: skip
    assert outside.status_code == 400 and "子育て応援課は本人同意" in str(outside.json())
    role = client.post(reverse("api:support-plan-actions", args=[plan_id]), {
        "content": "就労の相談", "organization": org("相談支援センターサポートりんくす").pk, "goal": goal.json()["id"]},
        content_type="application/json")  # fmt: skip
    assert role.status_code == 201
    current = client.get(detail_url)
    assert current.json()["approval_problems"] == [] and len(current.json()["actions"]) == 1
    body = {"wishes": "息子と家で暮らしたい", "answers": answers_for("collaboration"),
            "period_start": today.isoformat(), "period_end": (today + timedelta(days=90)).isoformat()}  # fmt: skip
    assert client.put(detail_url, body, content_type="application/json").status_code == 428
    updated = client.put(detail_url, body, content_type="application/json", headers={"If-Match": current["ETag"]})
    assert updated.status_code == 200 and updated.json()["wishes"] == "息子と家で暮らしたい"
    stale = client.put(detail_url, body, content_type="application/json", headers={"If-Match": current["ETag"]})
    assert stale.status_code == 409

    # サポートりんくす confirms its role through the API.
    client.force_login(personas.caseworker_b)
    confirmed = client.post(reverse("api:support-plan-acknowledge", args=[plan_id]),
                            {"action": role.json()["id"]}, content_type="application/json")  # fmt: skip
    assert confirmed.status_code == 200 and confirmed.json()["acknowledged_at"]
    assert client.get(reverse("api:support-plan-roles")).json()[0]["action"]["id"] == role.json()["id"]

    coordinator = personas.coordinator
    case = collaboration.case_decide(user=coordinator, case=case, decided_on=today, reference="第2回")
    case = move(coordinator, case, CaseState.SUPPORTING)
    progress = client.post(reverse("api:support-plan-progress", args=[plan_id]), {
        "action": role.json()["id"], "status": "on_track", "note": "面談した"}, content_type="application/json")  # fmt: skip
    assert progress.status_code == 201 and progress.json()["organization"]["name"] == "相談支援センターサポートりんくす"
    move(coordinator, case, CaseState.EVALUATING)
    client.force_login(coordinator)
    evaluation = client.post(reverse("api:support-plan-evaluations", args=[plan_id]), {
        "goals": [{"goal": goal.json()["id"], "result": "achieved"}], "result": "achieved", "note": "達成した",
        "decision": "close"}, content_type="application/json")  # fmt: skip
    assert evaluation.status_code == 201
    versions = client.get(reverse("api:support-plan-versions", args=[plan_id])).json()
    assert [(v["number"], v["status"]) for v in versions] == [(1, "approved")]
    assert SupportPlan.objects.get(pk=plan_id).evaluations.count() == 1

    client.force_login(personas.stranger)
    for url in (detail_url, reverse("api:support-plan-versions", args=[plan_id]),
                reverse("api:support-plan-progress", args=[plan_id])):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.get(reverse("api:support-plan-list")).json()["results"] == []
