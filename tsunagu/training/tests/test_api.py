"""The training API: the same rules as the pages — the town reads, the coordinator organisation writes, another
town gets 404 — with ETag / If-Match, and refusals in Japanese that save nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tsunagu.api.tests.test_people_api import auth, token_for
from tsunagu.training.models import TrainingMaterial, TrainingParticipation, TrainingSession
from tsunagu.training.tests.factories import org, session_of

pytestmark = pytest.mark.django_db

SHAKYO, HOUKATSU = "琴浦町社会福祉協議会", "琴浦町地域包括支援センター"


def _body(personas, **changes):
    body = {
        "held_on": "2025-07-01", "theme": "重層的支援体制の研修", "place": "役場",
        "participations": [
            {"organization": org(personas.town, HOUKATSU).pk, "staff": [personas.caseworker_a.pk], "other_attendees": 1},
            {"organization": org(personas.town, SHAKYO).pk, "other_attendees": 6},
        ],
    }  # fmt: skip
    body.update(changes)
    return body


def test_the_coordinator_creates_reads_changes_and_counts(client, personas):
    token = token_for(personas.coordinator)
    created = client.post(reverse("api:training-session-list"), _body(personas), content_type="application/json",
                          **auth(token))  # fmt: skip
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["organizer"]["name"] == "福祉あんしん課" and created["ETag"] == '"1"'
    assert [(p["organization"]["name"], p["other_attendees"], [s["id"] for s in p["staff"]])
            for p in data["participations"]] == [(HOUKATSU, 1, [personas.caseworker_a.pk]), (SHAKYO, 6, [])]  # fmt: skip
    url = reverse("api:training-session-detail", args=[data["id"]])
    assert client.put(url, _body(personas), content_type="application/json", **auth(token)).status_code == 428
    changed = client.put(url, _body(personas, theme="改題"), content_type="application/json", HTTP_IF_MATCH='"1"',
                         **auth(token))  # fmt: skip
    assert changed.status_code == 200 and changed.json()["theme"] == "改題" and changed["ETag"] == '"2"'
    stale = client.put(url, _body(personas, theme="古い版"), content_type="application/json", HTTP_IF_MATCH='"1"',
                       **auth(token))  # fmt: skip
    assert stale.status_code == 409 and TrainingSession.objects.get().theme == "改題"
    material = client.post(reverse("api:training-material-add", args=[data["id"]]),
                           {"title": "スライド", "url": "https://example.jp/s.pdf"}, content_type="application/json",
                           **auth(token))  # fmt: skip
    assert material.status_code == 201
    reader = token_for(personas.caseworker_b)
    listing = client.get(reverse("api:training-session-list"), {"fiscal_year": 2025}, **auth(reader)).json()
    assert [(r["theme"], r["organizations"], r["staff_attendees"], r["other_attendees"]) for r in listing["results"]] \
        == [("改題", 2, 1, 7)]  # fmt: skip
    counts = client.get(reverse("api:training-counts"), {"fiscal_year": 2025}, **auth(reader)).json()
    assert (counts["sessions"], counts["attendees"], counts["organizations"]) == (1, 8, 2)
    assert [m["sessions"] for m in counts["by_month"]] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]  # 7月
    remove = client.delete(reverse("api:training-material-detail", args=[material.json()["id"]]), **auth(token))
    assert remove.status_code == 204 and not TrainingMaterial.objects.exists()


def test_others_read_but_may_not_write_and_another_town_gets_404(client, personas):
    session = session_of(personas.coordinator, held_on=date(2025, 5, 1))
    detail = reverse("api:training-session-detail", args=[session.pk])
    agency = token_for(personas.caseworker_a)
    assert client.get(detail, **auth(agency)).status_code == 200
    refused = client.post(reverse("api:training-session-list"), _body(personas), content_type="application/json",
                          **auth(agency))  # fmt: skip
    assert refused.status_code == 400 and "福祉あんしん課の職員" in refused.json()["error"]["message"]
    stranger = token_for(personas.stranger)
    assert client.get(detail, **auth(stranger)).status_code == 404
    assert client.put(detail, _body(personas), content_type="application/json", HTTP_IF_MATCH='"1"',
                      **auth(stranger)).status_code == 404  # fmt: skip
    assert client.post(reverse("api:training-material-add", args=[session.pk]), {"title": "x"},
                       content_type="application/json", **auth(stranger)).status_code == 404  # fmt: skip
    assert client.get(reverse("api:training-session-list"), {"fiscal_year": 2025}, **auth(stranger)).json()[
        "results"] == []  # fmt: skip
    counts = client.get(reverse("api:training-counts"), {"fiscal_year": 2025}, **auth(stranger)).json()
    assert counts["sessions"] == 0
    assert TrainingSession.objects.count() == 1


def test_bad_input_answers_400_in_japanese_and_saves_nothing(client, personas):
    token = token_for(personas.coordinator)
    url = reverse("api:training-session-list")
    shakyo = org(personas.town, SHAKYO).pk
    negative = client.post(url, _body(personas, participations=[{"organization": shakyo, "other_attendees": -3}]),
                           content_type="application/json", **auth(token))  # fmt: skip
    assert negative.status_code == 400
    assert "琴浦町社会福祉協議会のその他の参加者数は0以上の数で入力してください" in negative.json()["error"]["message"]
    # Caseworker B works at サポートりんくす, not at 社協.
    not_staff = client.post(url, _body(personas, participations=[{"organization": shakyo,
                                                                   "staff": [personas.caseworker_b.pk]}]),
                            content_type="application/json", **auth(token))  # fmt: skip
    assert (
        not_staff.status_code == 400
        and "cw_bは琴浦町社会福祉協議会の職員ではありません" in not_staff.json()["error"]["message"]
    )
    foreign_org = org(personas.stranger.municipality, "北栄町地域包括支援センター").pk
    foreign = client.post(url, _body(personas, participations=[{"organization": foreign_org, "other_attendees": 1}]),
                          content_type="application/json", **auth(token))  # fmt: skip
    assert foreign.status_code == 400 and "機関が見つかりません" in foreign.json()["error"]["message"]
    assert not TrainingSession.objects.exists() and not TrainingParticipation.objects.exists()
    outside = client.get(reverse("api:training-counts"), {"fiscal_year": 2025, "end": "2026-04-01"}, **auth(token))
    assert outside.status_code == 400
    assert (
        "令和8年4月1日は令和7年度（令和7年4月1日〜令和8年3月31日）の外です"
        in outside.json()["error"]["fields"]["end"][0]
    )
    backwards = client.get(reverse("api:training-counts"), {"fiscal_year": 2025, "start": "2025-09-01",
                                                            "end": "2025-08-01"}, **auth(token))  # fmt: skip
    assert backwards.status_code == 400 and "終了日が開始日より前です" in backwards.json()["error"]["message"]
