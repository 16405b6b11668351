"""The deadline rule, said twice in one module (for the database and for a fetched row), must say one thing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.consultations.deadlines import referral_is_overdue, referral_overdue
from tsunagu.consultations.models import Referral, ReferralStatus
from tsunagu.consultations.tests.referrals import person_of_centre_a, referral_to_anshin

pytestmark = pytest.mark.django_db


def test_the_query_and_the_page_agree_on_which_referral_is_overdue(client, personas):
    today = timezone.localdate()
    cases = []
    for n, (days, status) in enumerate(
        [(-1, ReferralStatus.SENT), (0, ReferralStatus.SENT), (1, ReferralStatus.SENT),
         (-1, ReferralStatus.ACCEPTED), (-1, ReferralStatus.DECLINED)]
    ):  # fmt: skip
        referral = referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a, n))
        Referral.objects.filter(pk=referral.pk).update(due_on=today + timedelta(days=days), status=status)
        cases.append(referral.pk)
    in_query = set(Referral.objects.filter(referral_overdue(today)).values_list("pk", flat=True))
    by_row = {r.pk for r in Referral.objects.filter(pk__in=cases) if referral_is_overdue(r, today)}
    assert in_query == by_row == {cases[0]}  # past its date and unanswered; due today is not late yet
    client.force_login(personas.caseworker_a)
    page = client.get(reverse("consultations:referrals-open")).content.decode()
    assert f'data-referral="{cases[0]}" class="overdue"' in page
    assert f'data-referral="{cases[1]}" class="overdue"' not in page
