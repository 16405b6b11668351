"""The 終結理由 list in the administration: the town's own rows only, the defaults there to edit before
anyone closed a case, a new reason offered when closing, a duplicate code refused, a retired reason no
longer offered, and every change in the audit log with its values (master data, no person)."""

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.models import ClosureReason
from tsunagu.core.models import Municipality

pytestmark = pytest.mark.django_db

CHANGELIST = "tsunagu-admin:collaboration_closurereason_changelist"
ADD = "tsunagu-admin:collaboration_closurereason_add"


def _form(**fields):
    data = {"code": "facility", "name": "施設に入所した", "order": 10, "is_active": "on"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_the_administrator_sees_the_defaults_of_the_town_only(client, personas):
    other_town = Municipality.objects.get(name="北栄町")
    other = closure_reasons_ensure(other_town.pk)[0]
    other.name = "北栄町だけの終結理由"
    other.save()
    assert not ClosureReason.objects.filter(municipality=personas.town).exists()
    client.force_login(personas.administrator)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "課題が整理され、主担当機関による伴走へ移行" in page and "転出した" in page
    assert "北栄町だけの終結理由" not in page
    assert client.get(reverse("tsunagu-admin:collaboration_closurereason_change", args=[other.pk])).status_code in (
        302, 404)  # fmt: skip


def test_a_caseworker_cannot_open_the_list(client, personas):
    client.force_login(personas.caseworker_a)
    assert client.get(reverse(CHANGELIST)).status_code == 302


def test_a_new_reason_is_offered_when_closing_and_its_creation_audited(client, personas):
    client.force_login(personas.administrator)
    client.get(reverse(ADD))
    response = client.post(reverse(ADD), _form(needs_lead_agency="on"))
    assert response.status_code == 302, response.content.decode()[-3000:]
    made = ClosureReason.objects.get(municipality=personas.town, code="facility")
    assert made.needs_lead_agency and made.is_active
    assert made in closure_reasons_ensure(personas.town.pk)
    entry = AuditEntry.objects.get(action=Action.CREATE, model="collaboration.closurereason", object_id=str(made.pk))
    assert entry.changes["name"] == [None, "施設に入所した"]


def test_a_code_already_used_in_the_town_is_refused(client, personas):
    client.force_login(personas.administrator)
    client.get(reverse(ADD))
    response = client.post(reverse(ADD), _form(code="resolved", name="もう一つの解決"))
    assert response.status_code == 200
    assert "このコードは既に使われています。" in response.content.decode()
    assert not ClosureReason.objects.filter(name="もう一つの解決").exists()


def test_a_retired_reason_is_no_longer_offered_and_the_change_is_audited(client, personas):
    reason = next(r for r in closure_reasons_ensure(personas.town.pk) if r.code == "moved-out")
    client.force_login(personas.administrator)
    url = reverse("tsunagu-admin:collaboration_closurereason_change", args=[reason.pk])
    page = client.get(url).content.decode()
    assert "主担当機関が必要" in page
    # is_active left out, as an unchecked box is: the reason is retired; the code cannot change.
    response = client.post(url, _form(code="changed", name=reason.name, order=reason.order, is_active=None))
    assert response.status_code == 302, response.content.decode()[-3000:]
    reason.refresh_from_db()
    assert reason.code == "moved-out" and not reason.is_active
    assert reason not in closure_reasons_ensure(personas.town.pk)
    entry = AuditEntry.objects.get(action=Action.UPDATE, model="collaboration.closurereason", object_id=str(reason.pk))
    assert entry.changes["is_active"] == [True, False]
