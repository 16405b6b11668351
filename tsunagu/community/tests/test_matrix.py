"""The community rows of the generated access matrix (``tsunagu.records.tests.matrix``): the participation's
page and endpoint and its kind, called as every persona in every state — the one rule, nothing of its own."""

from __future__ import annotations

import pytest

from tsunagu.records import registry
from tsunagu.records.tests import matrix

pytestmark = pytest.mark.django_db

OURS = ("community:", "api:community-")


@pytest.mark.parametrize("state", matrix.STATES)
def test_community_rows_of_the_access_matrix(client, personas, monkeypatch, state):
    routes = [r for r in registry.routes() if r.url_name.startswith(OURS)]
    kinds = [k for k in registry.kinds() if k.key.startswith("community_")]
    assert len(routes) == 2 and len(kinds) == 1
    monkeypatch.setattr(registry, "routes", lambda: routes)
    monkeypatch.setattr(registry, "kinds", lambda: kinds)
    result = matrix.run_matrix(client, personas, monkeypatch, state)
    assert result.cases == len(matrix.PERSONAS) * (len(routes) + len(kinds))
    assert not result.leaks, result.leaks
    assert not result.wrong_denials, result.wrong_denials
