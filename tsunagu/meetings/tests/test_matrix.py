"""The meetings' rows of the generated access matrix (``tsunagu.records.tests.matrix``): every meeting page,
print and endpoint that takes an id, called as every persona in every state; the full matrix runs them too."""

from __future__ import annotations

import pytest

from tsunagu.records import registry
from tsunagu.records.tests import matrix

pytestmark = pytest.mark.django_db

OURS = ("meetings:", "api:meeting", "api:agenda-item", "api:information-request")


@pytest.mark.parametrize("state", matrix.STATES)
def test_meeting_rows_of_the_access_matrix(client, personas, monkeypatch, state):
    routes = [r for r in registry.routes() if r.url_name.startswith(OURS)]
    assert {"meetings:meeting-agenda-print", "meetings:meeting-minutes-print"} <= {r.url_name for r in routes}
    monkeypatch.setattr(registry, "routes", lambda: routes)
    monkeypatch.setattr(registry, "kinds", lambda: [])
    result = matrix.run_matrix(client, personas, monkeypatch, state)
    assert result.cases == len(matrix.PERSONAS) * len(routes)
    assert not result.leaks, result.leaks
    assert not result.wrong_denials, result.wrong_denials
