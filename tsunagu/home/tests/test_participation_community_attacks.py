"""Attacks on 参加支援 and 地域づくり of 2026-12-04 (participation, support plans, community and the access core
together, so here): starting a support from a role line of a plan the worker may not read, or of another
person's plan; an emergency's hours enlisting the workshop or a place in months of records; the session's
person picker found by 漢字 as by カナ only among those the writer may read; the registry's edit with a
stale or a zero If-Match, and from another town."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tsunagu.access.services import emergency_access_request
from tsunagu.api.tests.test_people_api import auth, token_for
from tsunagu.participation import services
from tsunagu.participation.models import Host, ParticipationSupport
from tsunagu.participation.tests.test_flow import town  # noqa: F401  (the fixture)
from tsunagu.people.tests.helpers import register
from tsunagu.support_plans import services as plans
from tsunagu.support_plans.models import Application
from tsunagu.support_plans.tests.factories import plan_input

pytestmark = pytest.mark.django_db


def _other_line(personas):
    """Another person's plan, with a line asking for 参加支援, whose consent names no workshop: it reads none of it."""
    other = register(personas.coordinator, family_name="別所", given_name="陽介", family_name_kana="ベッショ",
                     given_name_kana="ヨウスケ")  # fmt: skip
    plan = plans.plan_create(user=personas.coordinator, plan_type="self-reliance", person=other,
                             data=plan_input("self-reliance"))  # fmt: skip
    return plans.action_add(user=personas.coordinator, plan=plan, data=plans.ActionInput(
        content="別所さんの居場所の調整（参加支援事業）", organization=plan.organization,
        application=Application.PARTICIPATION))  # fmt: skip


def test_a_role_line_the_worker_may_not_read_is_404_on_the_page_and_the_api(client, personas, town):  # noqa: F811
    staff, man = town["staff"], town["man"]
    line = _other_line(personas)
    start = reverse("participation:person-support-create", args=[man.pk])
    client.force_login(staff)
    page = client.get(start, {"action": line.pk})
    assert page.status_code == 404 and "別所" not in page.content.decode()
    assert client.post(f"{start}?action={line.pk}", {"wishes": "x", "transport": "walk"}).status_code == 404
    api = client.post(reverse("api:participation-support-list"), data=json.dumps(
        {"person": man.pk, "plan_action": line.pk, "source": "plan", "wishes": "x"}),
        content_type="application/json")  # fmt: skip
    assert api.status_code == 404 and "別所" not in api.content.decode()
    assert not ParticipationSupport.objects.exists()


def test_a_role_line_of_another_persons_plan_is_refused(personas, town):  # noqa: F811
    """A line the worker may read, but of another person's plan: refused by the service, nothing saved."""
    staff, man, action = town["staff"], town["man"], town["action"]
    brother = register(personas.coordinator, family_name="浦野", given_name="健太", family_name_kana="ウラノ",
                       given_name_kana="ケンタ")  # fmt: skip
    from django.utils import timezone

    from tsunagu.access.models import ConsentMethod
    from tsunagu.access.services import ConsentInput, consent_record

    consent_record(user=personas.coordinator, person=brother, data=ConsentInput(
        purpose="参加支援", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
        organizations=[action.organization]))  # fmt: skip
    with pytest.raises(services.ParticipationError, match="支援プランの本人と参加支援の本人が違います"):
        services.support_open(user=staff, data=services.SupportInput(person=brother, wishes="外に出たい",
                                                                     plan_action=action))  # fmt: skip
    assert not ParticipationSupport.objects.filter(person=brother).exists()
    assert man.pk


def test_an_emergency_does_not_open_months_of_participation_support(personas, town):  # noqa: F811
    """An emergency opens a person's records for hours, to protect life; a 参加支援 (months of matching and
    follow-up) is a standing part and needs consent, a 支援会議 or the workshop's own record."""
    staff = town["staff"]
    stranger_to_it = register(personas.caseworker_b, family_name="緊急", given_name="太郎",
                              family_name_kana="キンキュウ", given_name_kana="タロウ")  # fmt: skip
    emergency_access_request(user=staff, person=stranger_to_it, reason="本人と連絡が取れず、倒れている恐れがある",
                             hours=2)  # fmt: skip
    with pytest.raises(services.ParticipationError, match="本人同意などで共有されていません"):
        services.support_open(user=staff, data=services.SupportInput(person=stranger_to_it, wishes="外に出たい"))
    assert not ParticipationSupport.objects.filter(person=stranger_to_it).exists()


def test_the_registry_edit_refuses_a_zero_if_match_and_another_towns_token(client, personas, town):  # noqa: F811
    staff, farm = town["staff"], town["farm"]
    host = Host.objects.get(pk=farm.host_id)
    url = reverse("api:participation-host-detail", args=[host.pk])
    read = client.get(url, **auth(token_for(staff)))
    assert read.status_code == 200
    body = {k: read.json()[k] for k in ("name", "sector", "contact_name", "contact_phone", "address")}
    body["name"] = "山田農園（変更）"
    for etag in ('"0"', '"99"'):
        stale = client.put(url, data=json.dumps(body), content_type="application/json", HTTP_IF_MATCH=etag,
                           **auth(token_for(staff)))  # fmt: skip
        assert stale.status_code == 409, etag
    stranger = client.put(url, data=json.dumps(body), content_type="application/json", HTTP_IF_MATCH=read["ETag"],
                          **auth(token_for(personas.stranger)))  # fmt: skip
    assert stranger.status_code == 404
    assert client.get(url, **auth(token_for(personas.stranger))).status_code == 404
    host.refresh_from_db()
    assert host.name == "山田農園"


def test_the_session_picker_finds_by_kanji_only_those_the_writer_may_read(client, personas):
    from tsunagu.community.tests.fixed import fixed_town

    fixed = fixed_town(personas)
    elsewhere = register(personas.caseworker_b, family_name="山本", given_name="三郎", family_name_kana="ヤマモト",
                         given_name_kana="サブロウ")  # fmt: skip
    url = reverse("community:session-detail", args=[fixed.sessions["S2"].pk])
    client.force_login(personas.caseworker_a)
    for name in ("山本", "山本三郎", "山本　三郎", "ヤマモト　サブロウ", "やまもと"):
        page = client.get(url, {"name": name}).content.decode()
        assert f'name="person" value="{elsewhere.pk}"' not in page and "該当する方は見つかりません" in page, name


def test_an_emergency_does_not_link_a_person_to_a_session(client, personas):
    """The emergency lets 地域包括 read the person for hours — the picker finds them, as the access core does —
    but a session's participant record is not what an emergency is for: refused, nothing saved."""
    from tsunagu.community.models import SessionParticipation
    from tsunagu.community.tests.fixed import fixed_town

    fixed = fixed_town(personas)
    person = register(personas.caseworker_b, family_name="緊急", given_name="花子", family_name_kana="キンキュウ",
                      given_name_kana="ハナコ")  # fmt: skip
    emergency_access_request(user=personas.caseworker_a, person=person, reason="本人と連絡が取れず、倒れている恐れがある",
                             hours=2)  # fmt: skip
    session = fixed.sessions["S2"]
    client.force_login(personas.caseworker_a)
    response = client.post(reverse("community:participation-add", args=[session.pk]), {"person": person.pk})
    assert response.status_code == 302
    assert not SessionParticipation.objects.filter(person=person).exists()
    api = client.post(reverse("api:community-session-participations", args=[session.pk]),
                      data=json.dumps({"person": person.pk}), content_type="application/json")  # fmt: skip
    assert api.status_code == 400
    assert not SessionParticipation.objects.filter(person=person).exists()


@pytest.mark.parametrize("state", ["superseded", "ended", "flagged"])
def test_nothing_is_begun_from_a_closed_plans_line_or_one_outside_the_consent(client, personas, town, state):  # noqa: F811
    """The plan page offers no 「参加支援を始める」 there; the form's URL typed by hand is refused the same."""
    from django.utils import timezone

    from tsunagu.support_plans.models import PlanAction, SupportPlan

    staff, man, plan, action = town["staff"], town["man"], town["plan"], town["action"]
    if state == "flagged":
        PlanAction.objects.filter(pk=action.pk).update(flagged_at=timezone.now())
    else:
        SupportPlan.objects.filter(pk=plan.pk).update(status=state)
    client.force_login(staff)
    start = reverse("participation:person-support-create", args=[man.pk]) + f"?action={action.pk}"
    response = client.post(start, {"wishes": "朝の短い時間から外に出たい", "transport": "bicycle"})
    assert response.status_code in (400, 404)
    assert not ParticipationSupport.objects.filter(person=man).exists()
