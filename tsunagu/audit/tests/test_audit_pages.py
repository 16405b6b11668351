"""The auditor reads and exports the log; nobody else may."""

import csv
import io

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona", ["caseworker_a", "caseworker_b", "coordinator", "supervisor", "administrator", "stranger"]
)
def test_only_auditors_see_the_log(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("audit:log")).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404


def test_auditor_filters_by_person_and_user_and_period(client, personas):
    person = register(personas.caseworker_a)
    other = register(personas.caseworker_a, given_name="次郎", given_name_kana="ジロウ")
    client.force_login(personas.colleague_a)
    client.get(reverse("people:person-detail", args=[person.pk]))
    client.force_login(personas.auditor)
    content = client.get(reverse("audit:log"), {"person_id": person.pk, "username": "cw_a2"}).content.decode()
    reads = AuditEntry.objects.filter(person_id=person.pk, username="cw_a2")
    assert reads.count() == 1
    assert f'data-entry="{reads.get().pk}"' in content
    assert content.count("data-entry=") == 1
    by_person = client.get(reverse("audit:log"), {"person_id": other.pk}).content.decode()
    assert by_person.count("data-entry=") == AuditEntry.objects.filter(person_id=other.pk).count() >= 2
    empty = client.get(reverse("audit:log"), {"date_to": "平成31年4月30日"}).content.decode()
    assert "該当する記録はありません" in empty


def test_the_export_is_a_csv_for_excel_and_is_itself_audited(client, personas):
    person = register(personas.caseworker_a)
    client.force_login(personas.auditor)
    response = client.get(reverse("audit:export"), {"person_id": person.pk})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff日時,和暦,ユーザー名")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1 + AuditEntry.objects.filter(person_id=person.pk).count()
    export = AuditEntry.objects.filter(action=Action.EXPORT).get()
    assert export.terms == {"person_id": str(person.pk)}
    assert export.username == "audit"


def test_the_log_of_another_town_is_not_shown(client, personas):
    from tsunagu.audit.services import audit_record

    audit_record(user=personas.stranger, action=Action.SEARCH, terms={"name": "よそのまち"})
    client.force_login(personas.auditor)
    assert "よそのまち" not in client.get(reverse("audit:log")).content.decode()
