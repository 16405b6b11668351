"""The audit walk (``tsunagu.records.tests.test_audit_walk``) over 参加支援's pages alone: every page that shows a
participation record, requested as each persona who may see it in each sharing state, writes an entry naming
the organisation and the basis that let the reader in; the lists name every person they show."""

from __future__ import annotations

import pytest

from tsunagu.records import registry
from tsunagu.records.tests import test_audit_walk as walk

pytestmark = pytest.mark.django_db

OURS = ("participation:", "api:participation-")


@pytest.mark.parametrize("state", list(walk.WALKS))
def test_participation_pages_are_audited_with_their_basis(client, personas, monkeypatch, state, capsys):
    routes = [r for r in registry.routes() if r.url_name.startswith(OURS)]
    lists = [r for r in registry.list_routes() if r.url_name.startswith(OURS)]
    kinds = [k for k in registry.kinds() if k.key.startswith("participation_")]
    assert len(lists) == 2 and len(kinds) == 3
    monkeypatch.setattr(registry, "routes", lambda: routes)
    monkeypatch.setattr(registry, "list_routes", lambda: lists)
    monkeypatch.setattr(registry, "kinds", lambda: kinds)
    walk.test_every_page_that_shows_personal_data_is_audited_with_its_basis(client, personas, monkeypatch, state,
                                                                           capsys)  # fmt: skip
