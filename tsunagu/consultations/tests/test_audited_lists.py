"""Lists and fragments that show people write their audit entries: the inbox, the open referrals, and the
routing suggestions worked out from a person while the intake form is filled in."""

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.core.models import Organization
from tsunagu.records.tests.matrix import arrange, examples

pytestmark = pytest.mark.django_db


def new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=since).order_by("pk"))


def last_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_suggestions_fragment_is_a_read_of_the_person(client, personas, monkeypatch):
    arrangement = arrange("consented", personas, monkeypatch)
    issue = next(i for i in issues_ensure(personas.town) if i.code == "8050")
    client.force_login(personas.caseworker_b)
    since = last_id()
    url = reverse("consultations:suggestions-preview")
    assert client.post(url, {"person": arrangement.person.pk, "issues": [issue.pk]}).status_code == 200
    (entry,) = new_entries(since)
    assert (entry.action, entry.person_id, entry.basis) == (Action.READ, arrangement.person.pk, "consent")
    assert entry.organization_id == Organization.objects.get(name="相談支援センターサポートりんくす").pk
    # Another town's caseworker learns nothing, and nothing is written as read.
    client.force_login(personas.stranger)
    since = last_id()
    assert client.post(url, {"person": arrangement.person.pk, "issues": [issue.pk]}).status_code == 404
    assert not [e for e in new_entries(since) if e.action == Action.READ]


def test_inbox_and_open_referrals_name_what_they_show(client, personas, monkeypatch):
    arrangement = arrange("own", personas, monkeypatch)
    consultation = examples()["consultation"](arrangement)
    referral = examples()["referral"](arrangement)
    client.force_login(personas.caseworker_a)
    since = last_id()
    client.get(reverse("consultations:inbox"))
    shown = {k: v for e in new_entries(since) for k, v in (e.records or {}).items() if k != "person"}
    assert shown == {"consultation": [consultation], "referral": [referral]}
    assert {e.basis for e in new_entries(since)} == {"own_record"}
    since = last_id()
    client.get(reverse("consultations:referrals-open"))
    (entry,) = new_entries(since)
    assert entry.records == {"referral": [referral], "person": [arrangement.person.pk]}
    # A caseworker who may not read the referral sees the row without the name, and nothing is logged as shown.
    client.force_login(personas.caseworker_b)
    since = last_id()
    page = client.get(reverse("consultations:referrals-open")).content.decode()
    assert arrangement.person.full_name not in page
    assert new_entries(since) == []
