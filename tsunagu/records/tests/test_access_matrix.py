"""The access matrix, generated: every registered route × every persona × every record state, and every
registered record kind read through the one selector. A denial must be a 404; an allowed request must
not be. The test prints its counts."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from tsunagu.records import registry
from tsunagu.records.selectors import record_get_for_user
from tsunagu.records.tests.matrix import (
    PERSONAS,
    READERS,
    STATES,
    arrange,
    examples,
    expected_allowed,
    missing_routes,
    move_clock_if_expired,
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


def _call(client, route: registry.Route, pk: int) -> int:
    url = reverse(route.url_name, args=[pk])
    response = client.post(url, {}) if route.method == "POST" else client.get(url)
    return response.status_code


@pytest.mark.parametrize("state", STATES)
def test_generated_access_matrix(client, personas, monkeypatch, state, capsys):
    arrangement = arrange(state, personas, monkeypatch)
    makers = examples()
    targets = {route.target for route in registry.routes()} | {kind.key for kind in registry.kinds()}
    ids = {target: makers[target](arrangement) for target in sorted(targets)}
    move_clock_if_expired(state, monkeypatch)
    cases = allowed = denied = 0
    leaks: list[tuple] = []
    wrong_denials: list[tuple] = []
    for name in PERSONAS:
        user = getattr(personas, name)
        for route in registry.routes():
            # Each request from a fresh session: a POST may have changed nothing, but messages and
            # the session's cached memberships must not carry over.
            client.force_login(user)
            status = _call(client, route, ids[route.target])
            expected = name in expected_allowed(route.needs, state)
            cases += 1
            if status == 404:
                denied += 1
                if expected:
                    wrong_denials.append((name, route.url_name, status))
            else:
                allowed += 1
                assert status < 500, (name, route.url_name, status)
                if not expected:
                    leaks.append((name, route.url_name, status))
        for kind in registry.kinds():
            cases += 1
            expected = name in READERS[state]
            try:
                record_get_for_user(user=user, kind=kind.key, pk=ids[kind.key])
            except Http404:
                denied += 1
                if expected:
                    wrong_denials.append((name, f"kind:{kind.key}", 404))
            else:
                allowed += 1
                if not expected:
                    leaks.append((name, f"kind:{kind.key}", 200))
    with capsys.disabled():
        print(
            f"\ngenerated access matrix [{state}]: {cases} cases ({len(PERSONAS)} personas × "
            f"{len(registry.routes())} routes + {len(registry.kinds())} kinds), {allowed} allowed, {denied} denied, "
            f"{len(leaks)} leaks, {len(wrong_denials)} wrong denials"
        )
    assert cases == len(PERSONAS) * (len(registry.routes()) + len(registry.kinds()))
    assert not leaks, leaks
    assert not wrong_denials, wrong_denials
