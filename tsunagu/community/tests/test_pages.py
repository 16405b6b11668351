"""The 地域づくり pages and API as each persona meets them: community staff read places, sessions and counts
of their town; other agencies, administrators, auditors and other towns get 404; a known person's
participation is read only on a basis on the person; bad input is refused in Japanese and saves nothing;
lists cost the same number of queries with few rows or many."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.community.models import ActivitySession, SessionParticipation
from tsunagu.community.tests.factories import place, session
from tsunagu.community.tests.fixed import fixed_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed(personas):
    return fixed_town(personas)


def test_community_staff_read_the_counts_places_and_sessions_others_get_404(client, personas, fixed):
    s2 = fixed.sessions["S2"]
    pages = [
        reverse("community:index") + "?fy=2025", reverse("community:place-list"), reverse("community:platform"),
        reverse("community:log-list"), reverse("community:place-detail", args=[fixed.places["P1"].pk]),
        reverse("community:session-detail", args=[s2.pk]),
        reverse("community:program-detail", args=[fixed.places["P1"].program_id]),
        reverse("api:community-place-list"), reverse("api:community-session-detail", args=[s2.pk]),
        reverse("api:community-counts") + "?fiscal_year=2025",
    ]  # fmt: skip
    for reader in (personas.caseworker_a, personas.coordinator, fixed.hub, fixed.shakyo):
        client.force_login(reader)
        assert [client.get(url).status_code for url in pages] == [200] * len(pages), reader
    for outsider in (personas.caseworker_b, personas.administrator, personas.auditor, personas.stranger):
        client.force_login(outsider)
        assert [client.get(url).status_code for url in pages] == [404] * len(pages), outsider


def test_the_index_shows_the_hand_computed_figures_and_the_api_the_same(client, personas, fixed):
    client.force_login(personas.coordinator)
    page = client.get(reverse("community:index") + "?fy=2025").content.decode()
    assert '<tr data-program="care-prevention-activities">' in page
    answer = client.get(reverse("api:community-counts") + "?fiscal_year=2025&month=4").json()
    care = next(p for p in answer["programs"] if p["code"] == "care-prevention-activities")
    assert (care["places"], care["participants"], care["known_participants"], care["partners"]) == (2, 12, 2, 2)
    refused = client.get(reverse("api:community-counts") + "?fiscal_year=2025&month=13")
    assert refused.status_code == 400 and "月は1〜12で指定してください。" in refused.content.decode()


def test_a_stranger_gets_404_on_a_linked_participation_the_holder_reads_it(client, personas, fixed):
    record = SessionParticipation.objects.filter(session=fixed.sessions["S2"]).earliest("id")
    urls = [reverse("community:participation-detail", args=[record.pk]),
            reverse("api:community-participation-detail", args=[record.pk])]  # fmt: skip
    for outsider in (personas.stranger, personas.caseworker_b, fixed.hub, personas.coordinator):
        client.force_login(outsider)
        assert [client.get(u).status_code for u in urls] == [404, 404], outsider
    client.force_login(personas.colleague_a)
    assert [client.get(u).status_code for u in urls] == [200, 200]
    assert AuditEntry.objects.filter(summary="活動への参加を閲覧", user=personas.colleague_a,
                                     basis="own_record").count() == 2  # fmt: skip


def test_the_session_page_names_only_the_participants_the_reader_may_read(client, personas, fixed):
    s2 = fixed.sessions["S2"]
    client.force_login(personas.coordinator)  # community staff (所管課), but no basis on A or B
    page = client.get(reverse("community:session-detail", args=[s2.pk])).content.decode()
    assert '<dd data-field="participants">12</dd>' in page and "琴浦　花子" not in page
    client.force_login(personas.caseworker_a)
    page = client.get(reverse("community:session-detail", args=[s2.pk])).content.decode()
    assert "琴浦　花子" in page and "琴浦　次郎" in page


@pytest.mark.parametrize(("posted", "field_message"), [
    ({"participants": "-3"}, "参加者数は0以上の数で入力してください。"),
    ({"participants": "5", "age_65_74": "4", "age_75_over": "3"},
     "年齢区分の人数の合計（7人）が参加者数（5人）を超えています。"),
    ({"participants": "5", "held_on": "2024-03-31"}, "開催日が拠点の開設期間の外です。"),
    ({"participants": "5", "volunteers": "-1"}, "ボランティア数は0以上の数で入力してください。"),
])  # fmt: skip
def test_bad_sessions_are_refused_in_japanese_and_save_nothing(client, personas, fixed, posted, field_message):
    p1 = fixed.places["P1"]
    client.force_login(personas.caseworker_a)
    before = (ActivitySession.objects.count(), AuditEntry.objects.count())
    data = {"held_on": "2025-06-04", "title": "体操", "volunteers": "0", **posted}
    response = client.post(reverse("community:session-create", args=[p1.pk]), data)
    assert response.status_code == 200 and field_message in response.content.decode()
    assert (ActivitySession.objects.count(), AuditEntry.objects.count()) == before
    api = client.post(reverse("api:community-place-sessions", args=[p1.pk]), {
        "held_on": data["held_on"], "title": "体操", "participants": int(data["participants"]),
        "volunteers": int(data["volunteers"]),
        "ages": {k: int(v) for k, v in posted.items() if k.startswith("age_")},
    }, content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and field_message in api.content.decode()
    assert (ActivitySession.objects.count(), AuditEntry.objects.count()) == before


def test_a_session_is_recorded_by_the_programme_staff_only(client, personas, fixed):
    p1 = fixed.places["P1"]
    client.force_login(fixed.hub)  # community staff, but of 地域子育て支援拠点事業
    response = client.post(reverse("community:session-create", args=[p1.pk]),
                           {"held_on": "2025-06-04", "title": "体操", "participants": "9", "volunteers": "0"})  # fmt: skip
    assert (
        "「地域介護予防活動支援事業」の記録は、その事業を実施する機関と所管課の職員だけが書けます。"
        in response.content.decode()
    )
    client.force_login(personas.caseworker_a)
    response = client.post(reverse("community:session-create", args=[p1.pk]),
                           {"held_on": "2025-06-04", "title": "体操", "participants": "9", "volunteers": "1",
                            "age_65_74": "4", "age_75_over": "5"})  # fmt: skip
    created = ActivitySession.objects.get(place=p1, held_on=date(2025, 6, 4))
    assert response.status_code == 302 and (created.participants, created.age_65_74, created.age_0_5) == (9, 4, None)


def test_linking_more_known_persons_than_the_head_count_is_refused(personas, fixed):
    from tsunagu.community import services
    from tsunagu.people.tests.helpers import register

    small = session(personas.caseworker_a, fixed.places["P1"], date(2025, 7, 2), 1)
    services.participation_link(user=personas.caseworker_a, session=small, person=fixed.persons["A"])
    with pytest.raises(services.CommunityError) as refused:
        services.participation_link(user=personas.caseworker_a, session=small, person=register(personas.caseworker_a))
    assert "参加者数（1人）を超えます" in refused.value.messages[0]
    with pytest.raises(services.CommunityError) as refused:
        services.participation_link(user=personas.caseworker_a, session=small, person=fixed.persons["A"])
    assert refused.value.messages == ["この方はこの活動の参加者としてすでに記録されています。"]
    assert SessionParticipation.objects.filter(session=small).count() == 1


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_cost_the_same_queries_with_more_rows(client, personas, fixed):
    client.force_login(personas.caseworker_a)
    p1 = fixed.places["P1"]
    urls = [reverse("community:place-list"), reverse("community:place-detail", args=[p1.pk]),
            reverse("community:session-detail", args=[fixed.sessions["S2"].pk]), reverse("community:log-list"),
            reverse("community:platform"), reverse("community:index"), reverse("api:community-place-list"),
            reverse("api:community-place-sessions", args=[p1.pk])]  # fmt: skip
    client.get(reverse("community:platform"))  # the plan's sectors made once
    few = [_queries(client, u) for u in urls]
    from tsunagu.community import services
    from tsunagu.people.tests.helpers import register

    for n in range(4):
        extra = place(personas.caseworker_a, name=f"追加のサロン{n}")
        held = session(personas.caseworker_a, p1, date(2025, 5, 1 + n), 30, partners=list(fixed.partners.values()))
        session(personas.caseworker_a, extra, date(2025, 5, 1 + n), 3)
        for _k in range(2):
            services.participation_link(user=personas.caseworker_a, session=fixed.sessions["S2"] if n == 0 else held,
                                        person=register(personas.caseworker_a, given_name=f"参加{n}{_k}"))  # fmt: skip
        services.log_record(user=fixed.shakyo, data=services.LogInput(
            worked_on=date(2025, 5, 1 + n), activity=services.CoordinatorActivity.COUNCIL, content="協議体",
            partners=list(fixed.partners.values())))  # fmt: skip
    many = [_queries(client, u) for u in urls]
    assert many == few, (few, many)
    assert max(many) <= 25, many


def test_linking_a_person_the_writer_may_not_see_is_404_and_saves_nothing(client, personas, fixed):
    from tsunagu.people.tests.helpers import register

    elsewhere = register(personas.caseworker_b, given_name="三郎", given_name_kana="サブロウ")  # りんくす's person only
    s2 = fixed.sessions["S2"]
    before = SessionParticipation.objects.count()
    client.force_login(personas.caseworker_a)
    assert (
        client.post(reverse("community:participation-add", args=[s2.pk]), {"person": elsewhere.pk}).status_code == 404
    )
    api = client.post(reverse("api:community-session-participations", args=[s2.pk]), {"person": elsewhere.pk},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 404 and SessionParticipation.objects.count() == before
    client.force_login(personas.stranger)
    assert (
        client.post(reverse("community:participation-add", args=[s2.pk]), {"person": elsewhere.pk}).status_code == 404
    )


def test_a_known_person_is_picked_by_name_among_those_the_writer_may_read(client, personas, fixed):
    """The session page's person picker is the access core's people search: a person of another agency with the
    same name is neither found nor linkable; the search is audited; one already linked is not offered again."""
    from tsunagu.people.tests.helpers import register

    mine = register(personas.caseworker_a, family_name="山本", given_name="三郎", family_name_kana="ヤマモト",
                    given_name_kana="サブロウ")  # fmt: skip
    elsewhere = register(personas.caseworker_b, family_name="山本", given_name="三郎", family_name_kana="ヤマモト",
                         given_name_kana="サブロウ")  # fmt: skip
    s2 = fixed.sessions["S2"]
    url = reverse("community:session-detail", args=[s2.pk])
    client.force_login(personas.caseworker_a)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found = client.get(url, {"name": "ヤマモト"}).content.decode()
    assert f'name="person" value="{mine.pk}"' in found and f'value="{elsewhere.pk}"' not in found
    assert AuditEntry.objects.filter(pk__gt=before, summary__contains="検索").exists()
    assert client.post(reverse("community:participation-add", args=[s2.pk]), {"person": mine.pk, "note": "初参加"}
                       ).status_code == 302  # fmt: skip
    assert SessionParticipation.objects.filter(session=s2, person=mine, note="初参加").exists()
    again = client.get(url, {"name": "ヤマモト"}).content.decode()
    assert f'name="person" value="{mine.pk}"' not in again and "該当する方は見つかりません" in again
    assert client.post(reverse("community:participation-add", args=[s2.pk]), {"person": elsewhere.pk}
                       ).status_code == 404  # fmt: skip
    assert not SessionParticipation.objects.filter(person=elsewhere).exists()
    client.force_login(personas.stranger)
    assert client.get(url, {"name": "ヤマモト"}).status_code == 404
