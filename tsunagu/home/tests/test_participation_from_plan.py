"""参加支援 begun from a support plan's role line (issue 15): the plan page (support_plans) offers the workshop's staff
「参加支援を始める」 on a line asking for 参加支援 — through ``support_plans.application_links``, which
participation fills, never by support_plans importing participation — the form opens pre-filled for the
plan's person and tied to the line, and the support's page names the plan it came from. Others see no link;
a stranger gets 404 on the plan, the form and the support."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.participation.models import ParticipationSupport, Source
from tsunagu.participation.tests.test_flow import town  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

START = "参加支援を始める"


def test_the_worker_starts_a_support_from_the_role_line_and_the_support_names_its_plan(client, personas, town):  # noqa: F811
    staff, plan, action, man = town["staff"], town["plan"], town["action"], town["man"]
    client.force_login(staff)
    page = client.get(reverse("support_plans:plan-detail", args=[plan.pk])).content.decode()
    start = reverse("participation:person-support-create", args=[man.pk]) + f"?action={action.pk}"
    assert START in page and start in page.replace("&amp;", "&")
    form = client.get(start)
    assert form.status_code == 200
    text = form.content.decode()
    assert "浦野" in text and "日中の居場所・就労体験の利用調整" in text  # the person, the line's content as wishes
    created = client.post(start, {"wishes": "朝の短い時間から外に出たい", "transport": "bicycle"})
    assert created.status_code == 302, created.content.decode()[:2000]
    support = ParticipationSupport.objects.get(person=man)
    assert (support.plan_action_id, support.source, support.household_id) == (action.pk, Source.PLAN, plan.household_id)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0]
    detail = client.get(reverse("participation:support-detail", args=[support.pk])).content.decode()
    assert 'id="from-plan"' in detail and reverse("support_plans:plan-detail", args=[plan.pk]) in detail
    assert "自立相談支援" in detail and "日中の居場所・就労体験の利用調整" in detail
    assert AuditEntry.objects.filter(pk__gt=before, object_id=str(plan.pk), model="support_plans.supportplan").exists()
    again = client.get(reverse("support_plans:plan-detail", args=[plan.pk])).content.decode()
    assert START not in again and reverse("participation:support-detail", args=[support.pk]) in again


def test_the_plan_holder_sees_no_start_link_and_a_stranger_gets_404(client, personas, town):  # noqa: F811
    plan, action, man = town["plan"], town["action"], town["man"]
    client.force_login(personas.coordinator)  # holds the plan but does not run 参加支援
    page = client.get(reverse("support_plans:plan-detail", args=[plan.pk]))
    assert page.status_code == 200 and START not in page.content.decode()
    client.force_login(personas.stranger)
    start = reverse("participation:person-support-create", args=[man.pk])
    assert client.get(reverse("support_plans:plan-detail", args=[plan.pk])).status_code == 404
    assert client.get(start, {"action": action.pk}).status_code == 404
    assert client.post(f"{start}?action={action.pk}", {"wishes": "x", "transport": "walk"}).status_code == 404
    assert not ParticipationSupport.objects.exists()
