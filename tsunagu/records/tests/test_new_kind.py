"""A new record kind plugs in with one registration: it shows on the timeline and in its print, it is in
the access matrix and in the audit of reads, and 名寄せ moves it — without a change to any app's code.

The throwaway kind here is the consent register's own ``Consent`` seen as a record on the timeline
("同意の記録"): a model with a holding organisation, a person and a time, as every kind has.
"""

from __future__ import annotations

import io

import pytest
from django.template import Template
from django.urls import reverse
from pypdf import PdfReader

from tsunagu.access.models import Consent, ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.audit.models import AuditEntry
from tsunagu.core.models import Organization
from tsunagu.people.merge import _links_to_person
from tsunagu.people.tests.helpers import register
from tsunagu.records import registry
from tsunagu.records.registry import PrintRow, RecordKind
from tsunagu.records.tests import matrix

pytestmark = pytest.mark.django_db

KEY = "throwaway_consent"


def last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0]


def make(arrangement) -> int:
    made = consent_record(
        user=arrangement.holder, person=arrangement.person,
        data=ConsentInput(purpose="行列テストの同意", method=ConsentMethod.ORAL, given_on=arrangement.person.created_at.date(),
                          organizations=[arrangement.organization("子育て応援課")]),
    )  # fmt: skip
    return made.pk


@pytest.fixture
def throwaway_kind(monkeypatch):
    kind = registry.register_kind(RecordKind(
        key=KEY, label="同意の記録", model=Consent, detail_url="",
        timeline_template=Template("<td>同意の記録</td><td>{{ record.purpose }}</td><td></td>"),  # type: ignore[arg-type]
        print_row=lambda c: PrintRow(kind="同意の記録", content=c.purpose),
        occurred_field="recorded_at", organization_field="taken_by_organization", household_field=None,
        order=90,
    ))  # fmt: skip
    original = matrix.examples
    monkeypatch.setattr(matrix, "examples", lambda: {**original(), KEY: make})
    yield kind
    registry.unregister_kind(KEY)


def test_a_new_kind_shows_on_the_timeline_in_the_print_and_in_the_audit(client, personas, throwaway_kind):
    a = personas.caseworker_a
    person = register(a)
    consent = consent_record(user=a, person=person, data=ConsentInput(
        purpose="新しい種類の記録の確認", method=ConsentMethod.WRITTEN, given_on=person.created_at.date(),
        all_plan_agencies=True))  # fmt: skip
    client.force_login(a)
    before = last_id()
    page = client.get(reverse("people:person-timeline", args=[person.pk])).content.decode()
    assert f'data-kind="{KEY}"' in page and "新しい種類の記録の確認" in page
    entry = AuditEntry.objects.filter(pk__gt=before, records__isnull=False).exclude(records={}).get()
    assert (entry.records or {})[KEY] == [consent.pk]
    assert (entry.basis, entry.organization_id) == (
        "own_record",
        Organization.objects.get(name="琴浦町地域包括支援センター").pk,
    )
    assert entry.basis_source == f"{KEY}:{consent.pk}"

    pdf = client.get(reverse("people:person-timeline-print", args=[person.pk])).content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "同意の記録" in text and "新しい種類の記録の確認" in text

    # Another agency that the consent names reads the new kind on the consent, and the log says so.
    client.force_login(personas.caseworker_b)
    before = last_id()
    assert "新しい種類の記録の確認" in client.get(reverse("people:person-timeline", args=[person.pk])).content.decode()
    entry = AuditEntry.objects.filter(pk__gt=before, records__isnull=False).exclude(records={}).get()
    assert entry.basis == "consent" and entry.basis_source.startswith(f"consent:{consent.pk} grant:")
    # A stranger gets 404, as on every page.
    client.force_login(personas.stranger)
    assert client.get(reverse("people:person-timeline", args=[person.pk])).status_code == 404


@pytest.mark.parametrize("state", matrix.STATES)
def test_a_new_kind_is_in_the_access_matrix(client, personas, monkeypatch, throwaway_kind, state, capsys):
    result = matrix.run_matrix(client, personas, monkeypatch, state, kinds_only=(KEY,))
    with capsys.disabled():
        print(f"\nnew kind in the access matrix [{state}]: {result}")
    assert result.cases == len(matrix.PERSONAS)
    assert not result.leaks and not result.wrong_denials, (result.leaks, result.wrong_denials)


def test_merge_moves_the_records_of_every_registered_kind():
    """名寄せ finds every link to a person by introspection; each kind's person column must be one of them."""
    links = set(_links_to_person())
    for kind in registry.kinds():
        assert (kind.model, kind.person_field) in links, kind.key


def test_a_kind_may_narrow_its_readers_and_is_then_not_counted_as_hidden(client, personas):
    """``required_readers``: the consent reaches caseworker B's agency, but the kind admits only the holder's
    staff; B neither reads it nor learns from the hint that such a record exists."""
    from django.db.models import Q

    from tsunagu.records.selectors import hidden_records_of_person

    holder_ids = {personas.caseworker_a.pk}
    kind = registry.register_kind(RecordKind(
        key=KEY, label="同意の記録", model=Consent, detail_url="",
        timeline_template=Template("<td>同意の記録</td><td>{{ record.purpose }}</td><td></td>"),  # type: ignore[arg-type]
        print_row=lambda c: PrintRow(kind="同意の記録", content=c.purpose),
        occurred_field="recorded_at", organization_field="taken_by_organization", household_field=None,
        order=90, required_readers=lambda user: Q() if user.pk in holder_ids else Q(pk__in=[]),
    ))  # fmt: skip
    try:
        a, b = personas.caseworker_a, personas.caseworker_b
        person = register(a)
        hidden_before = hidden_records_of_person(user=b, person_id=person.pk).count
        consent_record(user=a, person=person, data=ConsentInput(
            purpose="狭い読者の記録", method=ConsentMethod.WRITTEN, given_on=person.created_at.date(),
            all_plan_agencies=True))  # fmt: skip
        client.force_login(a)
        assert "狭い読者の記録" in client.get(reverse("people:person-timeline", args=[person.pk])).content.decode()
        client.force_login(b)
        page = client.get(reverse("people:person-timeline", args=[person.pk]))
        assert page.status_code == 200 and "狭い読者の記録" not in page.content.decode()
        # The consent itself is hidden from B by the narrowing, and the hint does not count it.
        assert hidden_records_of_person(user=b, person_id=person.pk).count == hidden_before
        from tsunagu.records.selectors import visible_records

        assert not visible_records(b, kind).exists() and visible_records(a, kind).exists()
    finally:
        registry.unregister_kind(KEY)
