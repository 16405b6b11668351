"""The audit walk: every registered page that shows personal data, requested as each persona who may
see it in each sharing state, must write at least one audit entry, and every read, search and export
entry must name the organisation the user acted for and a legal basis with its source — never blank,
never "shared". The basis must be the one that let the user in (own record, consent, 支援会議,
emergency). The test prints what it walked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.access.models import Basis
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.people.models import Person
from tsunagu.records import registry
from tsunagu.records.tests.matrix import PERSONAS, arrange, examples, expected_allowed, move_clock_if_expired

pytestmark = pytest.mark.django_db

# The state, and the basis the persona who reads through it must be audited with.
WALKS = {
    "own": ("caseworker_a", Basis.OWN_RECORD),
    "consented": ("caseworker_b", Basis.CONSENT),
    "meeting": ("coordinator", Basis.ART106_6),
    "emergency": ("caseworker_b", Basis.EMERGENCY),
}
DISCLOSING = {Action.READ, Action.SEARCH, Action.EXPORT}


def bad_entries(entries: list[AuditEntry]) -> list[str]:
    """Entries of reads, searches and exports that do not say who acted for whom on what basis."""
    problems = []
    for entry in entries:
        if entry.action not in DISCLOSING:
            continue
        empty_search = entry.action == Action.SEARCH and not entry.records and entry.person_id is None
        if entry.organization_id is None:
            problems.append(f"{entry.summary}: no organisation")
        if not empty_search and (entry.basis not in Basis.values or not entry.basis_source):
            problems.append(f"{entry.summary}: basis {entry.basis!r} / source {entry.basis_source!r}")
    return problems


def names_person(entry: AuditEntry, person_id: int) -> bool:
    return entry.person_id == person_id or person_id in (entry.records or {}).get("person", [])


@pytest.mark.parametrize("state", list(WALKS))
def test_every_page_that_shows_personal_data_is_audited_with_its_basis(client, personas, monkeypatch, state, capsys):
    arrangement = arrange(state, personas, monkeypatch)
    makers = examples()
    targets = {route.target for route in registry.routes()} | {kind.key for kind in registry.kinds()}
    ids = {target: makers[target](arrangement) for target in sorted(targets)}
    move_clock_if_expired(state, monkeypatch)
    reader, basis = WALKS[state]
    walked, problems = 0, []
    for route in registry.routes():
        if route.method != "GET":
            continue
        for name in PERSONAS:
            if name not in expected_allowed(route.needs, state):
                continue
            client.force_login(getattr(personas, name))
            before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = client.get(reverse(route.url_name, args=[ids[route.target]]))
            entries = list(AuditEntry.objects.filter(id__gt=before))
            walked += 1
            if response.status_code != 200:
                problems.append(f"{name} {route.url_name}: {response.status_code}")
                continue
            if not [e for e in entries if e.action in DISCLOSING]:
                problems.append(f"{name} {route.url_name}: no audit entry")
            problems += [f"{name} {route.url_name}: {p}" for p in bad_entries(entries)]
            about = [e for e in entries if e.action in DISCLOSING and names_person(e, arrangement.person.pk)]
            if name == reader and {e.basis for e in about} != {basis}:
                problems.append(f"{name} {route.url_name}: bases {sorted({e.basis for e in about})}, expected {basis}")
    for list_route in registry.list_routes():
        for name in PERSONAS:
            client.force_login(getattr(personas, name))
            before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = client.get(reverse(list_route.url_name), list_route.query)
            if response.status_code == 404:
                continue
            walked += 1
            entries = list(AuditEntry.objects.filter(id__gt=before))
            problems += [f"{name} {list_route.url_name}: {p}" for p in bad_entries(entries)]
            # A name on the page must be named by an entry (records of the same name count together:
            # a merged duplicate keeps the name of the record it was merged into).
            body = response.content.decode()
            by_name: dict[str, set[int]] = {}
            for person in Person.objects.filter(municipality=arrangement.town):
                by_name.setdefault(person.full_name, set()).add(person.pk)
            named = {pid for e in entries if e.action in DISCLOSING for pid in (e.records or {}).get("person", [])}
            named |= {e.person_id for e in entries if e.person_id}
            problems += [
                f"{name} {list_route.url_name}: shows {full_name} without an entry naming them"
                for full_name, pks in by_name.items()
                if full_name in body and not pks & named
            ]
    with capsys.disabled():
        print(f"\naudit walk [{state}]: {walked} requests, {len(problems)} without a proper entry")
    assert walked > 0
    assert not problems, problems
