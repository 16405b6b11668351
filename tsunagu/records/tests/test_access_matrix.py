"""The access matrix, generated: every registered route × every persona × every record state, and every
registered record kind read through the one selector. A denial must be a 404; an allowed request must
not be. The test prints its counts.

SQLite runs every state. PostgreSQL runs one state per way the database decides access — the holder
(own), a consent (consented), a grant by source (meeting), a grant's expiry against the clock
(emergency_expired) and the municipality (other_town); consent_withdrawn and emergency take the same
SQL as consented and emergency_expired with other dates, and would add two minutes to CI."""

from __future__ import annotations

import pytest
from django.db import connection

from tsunagu.records import registry
from tsunagu.records.tests.matrix import (
    PERSONAS,
    STATES,
    examples,
    missing_routes,
    run_matrix,
    url_patterns_with_ids,
)

pytestmark = pytest.mark.django_db


def test_every_url_that_takes_an_id_has_a_row_in_the_matrix():
    missing = missing_routes(url_patterns_with_ids())
    assert not missing, f"URLs that take an id without a route in the registry (and so no matrix row): {missing}"
    registered = {route.url_name for route in registry.routes()}
    unknown = sorted(registered - set(url_patterns_with_ids()))
    assert not unknown, f"routes registered for URLs that do not exist: {unknown}"
    targets = {route.target for route in registry.routes()} | {kind.key for kind in registry.kinds()}
    assert not (targets - set(examples())), f"targets without an example: {sorted(targets - set(examples()))}"


def test_the_completeness_check_names_a_new_url_without_a_row():
    assert missing_routes([*url_patterns_with_ids(), "consultations:new-thing"]) == ["consultations:new-thing"]


SQLITE_ONLY = ("consent_withdrawn", "emergency")


@pytest.mark.parametrize("state", STATES)
def test_generated_access_matrix(client, personas, monkeypatch, state, capsys):
    if state in SQLITE_ONLY and connection.vendor != "sqlite":
        pytest.skip("the same SQL as another state, with other dates: run on SQLite")
    result = run_matrix(client, personas, monkeypatch, state)
    with capsys.disabled():
        print(f"\ngenerated access matrix [{state}]: {result}")
    assert result.cases == len(PERSONAS) * (len(registry.routes()) + len(registry.kinds()))
    assert not result.leaks, result.leaks
    assert not result.wrong_denials, result.wrong_denials
