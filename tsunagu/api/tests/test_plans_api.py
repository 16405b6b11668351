"""The plan's API: read-only, no personal data, but one municipality's and only for signed-in callers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.api.tests.test_people_api import auth, token_for
from tsunagu.core.models import Organization
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db


def test_the_plan_its_programmes_and_the_agencies(client, personas):
    token = token_for(personas.administrator)  # no casework needed: the plan is not personal data
    plan = client.get(reverse("api:plan-detail"), **auth(token)).json()
    assert plan["title"] == "琴浦町重層的支援体制整備事業実施計画"
    programs = client.get(reverse("api:program-list"), **auth(token)).json()
    assert [p["order"] for p in programs] == sorted(p["order"] for p in programs)
    centre = next(p for p in programs if p["code"] == "community-general-support-centre")
    assert (centre["name"], centre["category"], centre["law_article"]) == (
        "地域包括支援センターの運営", "consultation", "法第106条の4第2項第1号"
    )  # fmt: skip
    consultation_only = client.get(reverse("api:program-list"), {"category": "consultation"}, **auth(token)).json()
    assert consultation_only and {p["category"] for p in consultation_only} == {"consultation"}
    bad = client.get(reverse("api:program-list"), {"domain": "nothing"}, **auth(token))
    assert bad.status_code == 400 and "domain" in bad.json()["error"]["fields"]
    detail = client.get(reverse("api:program-detail", args=[centre["id"]]), **auth(token)).json()
    assert detail["duties"][0] == "高齢者に関する相談支援" and detail["indicators"][0]["code"] == "consultations"
    assert (detail["responsible_division"]["name"], detail["implementing_bodies"]) == ("すこやか健康課", [])
    mutual_aid = next(p for p in programs if p["code"] == "mutual-aid-foundation")
    bodies = client.get(reverse("api:program-detail", args=[mutual_aid["id"]]), **auth(token)).json()
    assert [b["name"] for b in bodies["implementing_bodies"]] == ["琴浦町社会福祉協議会"]
    organizations = client.get(reverse("api:organization-list"), **auth(token)).json()
    names = {o["name"] for o in organizations}
    assert {"福祉あんしん課", "琴浦町地域包括支援センター"} <= names and "北栄町地域包括支援センター" not in names


def test_another_town_sees_its_own_plan_only(client, personas):
    token = token_for(personas.stranger)  # 北栄町, which has loaded no plan
    assert client.get(reverse("api:plan-detail"), **auth(token)).status_code == 404
    assert client.get(reverse("api:program-list"), **auth(token)).json() == []
    kotoura_programme = Program.objects.filter(municipality=personas.town).first()
    assert kotoura_programme is not None
    response = client.get(reverse("api:program-detail", args=[kotoura_programme.pk]), **auth(token))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    organizations = client.get(reverse("api:organization-list"), **auth(token)).json()
    assert [o["name"] for o in organizations] == [
        o.name for o in Organization.objects.filter(municipality=personas.stranger.municipality)
    ]


def test_the_plan_needs_a_token_or_a_session(client, personas):
    for name in ("api:plan-detail", "api:program-list", "api:organization-list"):
        assert client.get(reverse(name)).status_code == 401, name
    program = Program.objects.filter(municipality=personas.town).first()
    assert program is not None
    assert client.get(reverse("api:program-detail", args=[program.pk])).status_code == 401
