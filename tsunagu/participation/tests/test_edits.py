"""Changing a resource and a host after registration (pages and API): bad input is refused in Japanese and saves
nothing; of two keepers editing at once the second sees who changed what and nothing of theirs is saved; a
closed resource takes no new match, and closing it moves the version on."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.api.tests.test_people_api import auth, token_for
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.versioning import EditConflict
from tsunagu.participation import edits, services
from tsunagu.participation.models import Host, Resource
from tsunagu.participation.tests.factories import host, resource, support, worker_at, workshop
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def keepers(personas):
    shop = workshop(personas.town)
    return worker_at(shop, "sagyo_edit_a"), worker_at(shop, "sagyo_edit_b")


def _input(res: Resource, **changes) -> services.ResourceInput:
    values = {name: getattr(res, name) for name in edits.RESOURCE_FIELDS}
    values.update(changes)
    return services.ResourceInput(**values)


def _form(res: Resource, **changes) -> dict:
    data = {name: getattr(res, name) for name in edits.RESOURCE_FIELDS}
    data.update(host=res.host_id, kind=res.kind_id, district=res.district_id or "", version=res.version,
                weekdays=list(res.weekdays), starts_at=res.starts_at or "", ends_at=res.ends_at or "")  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None and v is not False}


def test_a_resource_is_changed_and_the_change_audited(keepers):
    a, _b = keepers
    farm = resource(a, weekdays="火木", starts_at=time(9), ends_at=time(12), capacity=3)
    changed = edits.resource_update(user=a, resource=farm, data=_input(farm, capacity=5, weekdays="火木土"),
                                    expected_version=1)  # fmt: skip
    farm.refresh_from_db()
    assert (farm.capacity, farm.weekdays, farm.version, changed.version) == (5, "火木土", 2, 2)
    entry = AuditEntry.objects.filter(action=Action.UPDATE, model="participation.resource").get()
    assert set(entry.changes) >= {"capacity", "weekdays"} and entry.summary == "社会資源を変更"


def test_bad_input_on_an_edit_is_refused_in_japanese_and_saves_nothing(keepers):
    a, _b = keepers
    farm = resource(a, capacity=3)
    for changes, message in (({"capacity": -1}, "定員は0人以上"), ({"starts_at": time(12), "ends_at": time(9)},
                             "終了は開始より後"), ({"min_age": 40, "max_age": 20}, "下限が上限を超えて")):  # fmt: skip
        with pytest.raises(services.ParticipationError) as refused:
            edits.resource_update(user=a, resource=farm, data=_input(farm, **changes), expected_version=1)
        assert message in " ".join(refused.value.messages)
        stored = Resource.objects.get(pk=farm.pk)
        assert (stored.capacity, stored.version, stored.starts_at, stored.min_age) == (3, 1, None, None)
    other = host(a, "赤碕漁協", "水産")
    with pytest.raises(services.ParticipationError) as taken:
        edits.host_update(user=a, host=other, data=services.HostInput(name="山田農園", sector="水産"),
                          expected_version=1)  # fmt: skip
    assert "すでに登録されています" in taken.value.messages[0]
    assert Host.objects.get(pk=other.pk).name == "赤碕漁協"


def test_two_keepers_editing_at_once_the_second_is_told_and_nothing_is_saved(client, keepers):
    a, b = keepers
    farm = resource(a, capacity=3)
    url = reverse("participation:resource-edit", args=[farm.pk])
    client.force_login(b)
    opened = client.get(url)
    assert opened.status_code == 200 and 'name="version" value="1"' in opened.content.decode()
    edits.resource_update(user=a, resource=Resource.objects.get(pk=farm.pk), data=_input(farm, capacity=5),
                          expected_version=1)  # fmt: skip
    late = client.post(url, _form(farm, capacity=1, name="名前を変えた"))
    page = late.content.decode()
    assert late.status_code == 400 and "この記録は編集中に" in page and "sagyo_edit_a" in page and "定員" in page
    stored = Resource.objects.get(pk=farm.pk)
    assert (stored.capacity, stored.name, stored.version) == (5, farm.name, 2)
    assert 'name="version" value="2"' in page  # saving again, after looking, is deliberate and succeeds
    again = client.post(url, _form(farm, capacity=1, name="名前を変えた", version=2))
    assert again.status_code == 302 and Resource.objects.get(pk=farm.pk).capacity == 1

    farm_host = Host.objects.get(pk=farm.host_id)
    edits.host_update(user=a, host=farm_host, data=services.HostInput(name="山田農園", sector="農業",
                      contact_phone="0858-00-2222"), expected_version=1)  # fmt: skip
    with pytest.raises(EditConflict):
        edits.host_update(user=b, host=Host.objects.get(pk=farm.host_id),
                          data=services.HostInput(name="山田ファーム", sector="農業"), expected_version=1)  # fmt: skip
    assert Host.objects.get(pk=farm.host_id).name == "山田農園"


def test_closing_moves_the_version_on_and_a_closed_resource_takes_no_match(keepers, personas):
    a, _b = keepers
    farm = resource(a)
    services.resource_close(user=a, resource=farm, closed_on=timezone.localdate())
    assert Resource.objects.get(pk=farm.pk).version == 2
    with pytest.raises(EditConflict):  # a form opened before the closing cannot save over it unseen
        edits.resource_update(user=a, resource=farm, data=_input(farm, capacity=9), expected_version=1)
    person = register(a, family_name="閉鎖", family_name_kana="ヘイサ")
    opened = support(a, person)
    with pytest.raises(services.ParticipationError) as refused:
        services.match_propose(user=a, support=opened, resource=farm)
    assert "受け入れを終了しています" in refused.value.messages[0] and not opened.matches.exists()


def test_only_the_keepers_edit_and_a_stranger_gets_404(client, keepers, personas):
    a, _b = keepers
    farm = resource(a)
    for user in (personas.caseworker_b, personas.stranger):
        client.force_login(user)
        assert client.get(reverse("participation:resource-edit", args=[farm.pk])).status_code == 404
        assert client.get(reverse("participation:host-edit", args=[farm.host_id])).status_code == 404
    client.force_login(a)
    detail = client.get(reverse("participation:resource-detail", args=[farm.pk])).content.decode()
    assert reverse("participation:resource-edit", args=[farm.pk]) in detail


def test_the_api_edits_with_if_match(client, keepers, personas):
    a, b = keepers
    farm = resource(a, capacity=3)
    url = reverse("api:participation-resource-detail", args=[farm.pk])
    token = token_for(a)
    read = client.get(url, **auth(token))
    assert read["ETag"] == '"1"' and read.json()["version"] == 1
    body = {**read.json(), "host": farm.host_id, "kind": farm.kind.code, "district": None, "capacity": 4}
    for key in ("id", "version", "closed_on"):
        body.pop(key)
    put = client.put
    assert put(url, body, content_type="application/json", **auth(token)).status_code == 428
    refused = put(url, {**body, "capacity": -2}, content_type="application/json", HTTP_IF_MATCH='"1"', **auth(token))
    assert refused.status_code == 400 and "定員は0人以上" in refused.json()["error"]["message"]
    changed = put(url, body, content_type="application/json", HTTP_IF_MATCH='"1"', **auth(token))
    assert changed.status_code == 200 and changed.json()["capacity"] == 4 and changed["ETag"] == '"2"'
    stale = put(url, {**body, "capacity": 9}, content_type="application/json", HTTP_IF_MATCH='"1"',
                **auth(token_for(b)))  # fmt: skip
    assert stale.status_code == 409 and Resource.objects.get(pk=farm.pk).capacity == 4
    host_url = reverse("api:participation-host-detail", args=[farm.host_id])
    renamed = put(host_url, {"name": "山田ファーム", "sector": "農業"}, content_type="application/json",
                  HTTP_IF_MATCH='"1"', **auth(token))  # fmt: skip
    assert renamed.status_code == 200 and renamed.json()["name"] == "山田ファーム"
    stranger = token_for(personas.stranger)
    assert client.get(url, **auth(stranger)).status_code == 404
    assert put(host_url, {"name": "x", "sector": "y"}, content_type="application/json", HTTP_IF_MATCH='"2"',
               **auth(stranger)).status_code == 404  # fmt: skip
