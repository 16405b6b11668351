"""The resident-register feed: a machine account with its own narrow role pushes an extract through the
API; all or nothing; nobody else may, and the account reads no case data."""

import pytest
from django.urls import reverse

from tsunagu.api.services import api_token_issue
from tsunagu.core.models import Organization, Role
from tsunagu.core.services import user_create
from tsunagu.people.models import Person
from tsunagu.people.tests.test_import_residents import ROWS, csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_token(personas) -> str:
    feed = user_create(
        municipality=personas.town, username="jyuki-feed", password="a-long-machine-password-1",
        memberships=[(Organization.objects.get(name="福祉あんしん課"), Role.INTEGRATION)],
    )  # fmt: skip
    return api_token_issue(user=feed, name="住基連携", days=365)[1]


def post(client, token: str, body: bytes, **params: str):
    url = reverse("api:residents-import") + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    return client.generic("POST", url, body, content_type="text/csv", HTTP_AUTHORIZATION=f"Token {token}")


def test_the_feed_loads_an_extract_all_or_nothing(client, feed_token):
    body = csv_text(ROWS).encode("utf-8")
    dry = post(client, feed_token, body, dry_run="1")
    assert dry.status_code == 200 and dry.json()["dry_run"] and Person.objects.count() == 0
    loaded = post(client, feed_token, body)
    assert loaded.status_code == 200, loaded.json()
    assert loaded.json()["created"] == len(ROWS) == Person.objects.count()
    bad = post(client, feed_token, csv_text([[*ROWS[0][:4], "令和99年1月1日", *ROWS[0][5:]]]).encode())
    assert bad.status_code == 400 and "生年月日" in bad.json()["error"]["message"]
    assert Person.objects.count() == len(ROWS)


def test_the_feed_account_reads_no_case_data_and_others_cannot_push(client, personas, feed_token):
    post(client, feed_token, csv_text(ROWS).encode("utf-8"))
    someone = Person.objects.all()[0]
    response = client.get(reverse("api:person-detail", args=[someone.pk]), HTTP_AUTHORIZATION=f"Token {feed_token}")
    assert response.status_code == 404
    coordinator = api_token_issue(user=personas.coordinator, name="x", days=1)[1]
    assert post(client, coordinator, csv_text(ROWS).encode("utf-8")).status_code == 404
