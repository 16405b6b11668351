"""A consent-based meeting's 資料 and the person's consent together (access and meetings): a member reads an
item's assessment sheet on the consent that covers their organisation; when the consent is withdrawn, the
item comes off the agenda and its 資料 answer 404 to everyone — the file itself is kept, and the minutes
print no longer names it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import Basis
from tsunagu.access.services import consent_withdraw
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.collaboration.tests.factories import consent_for
from tsunagu.core.models import Organization
from tsunagu.meetings.tests.factories import attach, hold, kotoura_type, put_on_agenda
from tsunagu.meetings.tests.test_prints import pdf_text
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def test_withdrawing_consent_closes_the_items_attachments(client, personas):
    a, b = personas.caseworker_a, personas.caseworker_b
    orgs = {o.name: o for o in Organization.objects.filter(municipality=personas.town)}
    person = register(a)
    consent = consent_for(a, person, orgs["福祉あんしん課"], orgs["相談支援センターサポートりんくす"])
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi"), members=(a, b))
    item = put_on_agenda(a, meeting, person, topic="支援プランの承認")
    sheet = attach(b, meeting, title="アセスメントシート（サポートりんくす）", item=item)
    url = reverse("meetings:attachment-download", args=[sheet.pk])
    minutes = reverse("meetings:meeting-minutes-print", args=[meeting.pk])

    client.force_login(b)  # a consent-based meeting: no acknowledgement, the consent is the basis
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.get(user=b, action=Action.READ, model="meetings.attachment")
    assert entry.basis == Basis.CONSENT and entry.basis_source.startswith(f"consent:{consent.pk}")
    assert "アセスメントシート（サポートりんくす）" in pdf_text(client.get(minutes).content)

    consent_withdraw(user=a, consent=consent, withdrawn_on=timezone.localdate())
    item.refresh_from_db()
    assert item.removed_at is not None
    for persona in (b, a, personas.coordinator):
        client.force_login(persona)
        assert client.get(url).status_code == 404, persona
        assert client.get(reverse("api:agenda-item-attachments", args=[item.pk])).status_code == 404
    client.force_login(b)
    assert "アセスメントシート" not in pdf_text(client.get(minutes).content)
    sheet.refresh_from_db()
    assert sheet.removed_at is None and sheet.file.storage.exists(sheet.file.name)  # kept, not lost
