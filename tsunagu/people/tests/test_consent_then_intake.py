"""「記録して相談を受け付ける」: a consent taken at the desk leads straight to the intake form, which offers it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import Consent
from tsunagu.core.models import Organization
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def _post(client, person, **extra):
    centre = Organization.objects.get(name="琴浦町地域包括支援センター")
    return client.post(reverse("access:consent-create", args=[person.pk]), {
        "purpose": "支援のための関係機関間での情報共有", "method": "written", "given_by": "self",
        "given_on": timezone.localdate().isoformat(), "organizations": [centre.pk], **extra,
    })  # fmt: skip


def test_the_second_button_opens_the_intake_with_the_consent_chosen(client, personas):
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    response = _post(client, person, then="intake")
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:consultation-create") + f"?person={person.pk}"
    consent = Consent.objects.get(person=person)
    intake = client.get(response["Location"]).content.decode()
    assert f'<option value="{consent.pk}" selected>' in intake


def test_the_plain_button_and_any_other_value_return_to_the_person(client, personas):
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    assert _post(client, person)["Location"] == reverse("people:person-detail", args=[person.pk])
    assert _post(client, person, then="https://example.org/")["Location"] == reverse(
        "people:person-detail", args=[person.pk]
    )
