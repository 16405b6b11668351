"""アウトリーチ and the 支援会議 together (issue 14 acceptance; meetings and outreach are independent apps, so the
test that joins them is here): a 支援会議 member sees an outreach target only while its person is on the agenda
and after acknowledging secrecy (法第106条の6), never the source's identity; a target is opened from the
meeting's decision (アウトリーチの割当) by its page's link — person and the meeting's text, nothing imported
between the apps. A target who refuses every contact is exactly the one shared this way only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.core.models import Organization
from tsunagu.meetings import services as meetings
from tsunagu.meetings.tests.factories import acknowledge, hold, kotoura_type, put_on_agenda, refreshed
from tsunagu.outreach.models import OutreachTarget, Result
from tsunagu.outreach.tests.factories import contact, information, runs_outreach, worker_at
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register

pytestmark = pytest.mark.django_db


def _reads(client, user, target: OutreachTarget) -> list[int]:
    client.force_login(user)
    return [
        client.get(reverse("outreach:target-detail", args=[target.pk])).status_code,
        client.get(reverse("api:outreach-target-detail", args=[target.pk])).status_code,
    ]


def test_a_meeting_member_sees_the_target_only_on_the_agenda_after_acknowledging(client, personas):
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    runs_outreach(anshin)
    worker = worker_at(anshin, "anshin_outreach")
    # 包括 knows the household (the mother's care); the son has never been reached.
    son = register(personas.caseworker_a, family_name="浦安", given_name="健", family_name_kana="ウラヤス",
                   given_name_kana="ケン")  # fmt: skip
    mother = register(personas.caseworker_a, family_name="浦安", given_name="キヨ", family_name_kana="ウラヤス",
                      given_name_kana="キヨ")  # fmt: skip
    household = household_of(personas.caseworker_a, (mother, Relationship.HEAD), (son, Relationship.CHILD))

    meeting = hold(personas.coordinator, kotoura_type(personas.town, "shien-kaigi"),
                   members=(personas.caseworker_a, personas.caseworker_b))  # fmt: skip
    acknowledge(personas.coordinator, meeting)
    acknowledge(personas.caseworker_a, meeting)
    put_on_agenda(personas.caseworker_a, meeting, son)

    # The decision assigns outreach to 福祉あんしん課: its page links to the target form with the person,
    # household and the meeting as text; the worker opens the target there.
    source = "支援会議（第1回）の決定: アウトリーチの割当"
    client.force_login(worker)
    url = reverse("outreach:target-create") + f"?person={son.pk}&household={household.pk}&meeting={source}"
    form = client.get(url).content.decode()
    assert f'value="{source}"' in form
    response = client.post(
        url, {"worry": "長くひきこもり、母の介護も限界", "worker": worker.pk, "meeting_source": source}
    )
    assert response.status_code == 302, response.content.decode()
    target = OutreachTarget.objects.get()
    assert (target.person, target.household, target.meeting_source) == (son, household, source)
    assert source in target.stage_changes.get().note
    information(worker, person=son, household=household, source_name="民生委員 浦安太郎")
    for _ in range(3):
        contact(worker, OutreachTarget.objects.get(pk=target.pk), Result.REFUSED)
    page = client.get(reverse("outreach:target-detail", args=[target.pk])).content.decode()
    assert "民生委員 浦安太郎" in page and source in page

    # サポートりんくす is a member but has not acknowledged: nothing, as for an unrelated agency or another town.
    assert _reads(client, personas.caseworker_b, target) == [404, 404]
    assert _reads(client, personas.stranger, target) == [404, 404]
    acknowledge(personas.caseworker_b, meeting)
    client.force_login(personas.caseworker_b)
    page = client.get(reverse("outreach:target-detail", args=[target.pk])).content.decode()
    assert "浦安　健" in page
    assert "相談支援センターサポートりんくす: 支援会議（社会福祉法第106条の6）" in page  # the grounds: the meeting's
    assert "民生委員 浦安太郎" not in page  # never the source's identity
    api = client.get(reverse("api:outreach-target-detail", args=[target.pk]))
    assert api.status_code == 200
    # Only the holder acts on it; the member reads.
    client.post(reverse("outreach:target-contact-add", args=[target.pk]), {
        "occurred_on": "2026-01-01", "occurred_time": "10:00", "means": "visit", "result": "absent"})  # fmt: skip
    assert OutreachTarget.objects.get(pk=target.pk).attempt_count == 3
    assert client.get(reverse("outreach:target-connect", args=[target.pk])).status_code == 404

    # The follow-up closes: off the agenda, the member sees nothing again.
    meetings.meeting_close(user=personas.coordinator, meeting=refreshed(meeting))
    assert _reads(client, personas.caseworker_b, target) == [404, 404]


def test_a_member_of_a_meeting_without_the_person_sees_nothing(client, personas):
    """Acknowledging one meeting opens only its own agenda."""
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    runs_outreach(anshin)
    worker = worker_at(anshin, "anshin_outreach")
    person = register(worker)
    info = information(worker, person=person)
    from tsunagu.outreach.tests.factories import open_target

    target = open_target(worker, [info])
    other = register(personas.caseworker_a, given_name="別人", given_name_kana="ベツジン")
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "shien-kaigi"),
                   members=(personas.caseworker_a, personas.caseworker_b))  # fmt: skip
    acknowledge(personas.caseworker_a, meeting)
    put_on_agenda(personas.caseworker_a, meeting, other)
    acknowledge(personas.caseworker_b, meeting)
    assert _reads(client, personas.caseworker_b, target) == [404, 404]
