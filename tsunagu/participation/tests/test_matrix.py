"""The 参加支援 rows of the generated access matrix (``tsunagu.records.tests.matrix``): every participation page
and endpoint that takes an id of a personal record, and every participation kind, called as every persona in
every state. The full matrix runs them too; this runs only these rows, so the rule is checked on its own."""

from __future__ import annotations

import pytest

from tsunagu.records import registry
from tsunagu.records.tests import matrix

pytestmark = pytest.mark.django_db

OURS = ("participation:", "api:participation-")


@pytest.mark.parametrize("state", matrix.STATES)
def test_participation_rows_of_the_access_matrix(client, personas, monkeypatch, state):
    routes = [r for r in registry.routes() if r.url_name.startswith(OURS)]
    kinds = [k for k in registry.kinds() if k.key.startswith("participation_")]
    assert len(routes) >= 13 and len(kinds) == 3
    monkeypatch.setattr(registry, "routes", lambda: routes)
    monkeypatch.setattr(registry, "kinds", lambda: kinds)
    result = matrix.run_matrix(client, personas, monkeypatch, state)
    assert result.cases == len(matrix.PERSONAS) * (len(routes) + len(kinds))
    assert not result.leaks, result.leaks
    assert not result.wrong_denials, result.wrong_denials
