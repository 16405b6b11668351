"""Attacks on the outreach API of 2026-12-04 (``/api/outreach/districts/``, the target's ``meeting_source`` and
``collaboration_case_id``): a count by 地区 must not place a person whose location is protected (DV), on the
map, in the API or through the list's district filters; another agency and another town read nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.api.tests.test_people_api import auth, token_for
from tsunagu.core.models import District, Organization
from tsunagu.outreach import districts
from tsunagu.outreach.models import CommissionerDistrict, DistrictSetting
from tsunagu.outreach.selectors import target_list_for_user
from tsunagu.outreach.tests.factories import information, open_target, runs_outreach, worker_at
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(personas):
    organization = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    runs_outreach(organization)
    return worker_at(organization, "anshin_outreach")


@pytest.fixture
def hamlet(personas):
    """A small 地区 in its own 民生委員 district, where one protected person lives (a count of 1 would say where)."""
    district = District.objects.create(municipality=personas.town, name="山間第1地区", order=1)
    commissioner = CommissionerDistrict.objects.create(municipality=personas.town, name="山間地区民児協", order=1)
    DistrictSetting.objects.create(district=district, commissioner_district=commissioner, map_column=1, map_row=1)
    return district, commissioner


def _protected_target(worker, district):
    person = register(worker, given_name="美和", address="琴浦町山間1番地", address_protected=True, care_notes="DV")
    return open_target(worker, [information(worker, district=district, person=person)], person=person)


def test_a_protected_persons_target_is_counted_in_no_district(client, worker, hamlet):
    district, commissioner = hamlet
    target = _protected_target(worker, district)
    open_target(worker, [information(worker, district=district)])  # someone unprotected in the same 地区
    rows = client.get(reverse("api:outreach-district-counts"), **auth(token_for(worker))).json()
    by_name = {(row["district"] or {}).get("name"): row for row in rows}
    assert by_name["山間第1地区"]["total"] == 1 and by_name[None]["total"] == 1
    assert sum(row["total"] for row in rows) == 2  # counted, only not placed
    drawn = {c.district.name: c.total for c in districts.district_map_for_user(user=worker).cells}
    assert drawn["山間第1地区"] == 1
    # Filtering the list by the 地区 or its 民生委員 district does not confirm where they live either.
    by_district = target_list_for_user(user=worker, district_id=district.pk).rows
    by_commissioner = target_list_for_user(user=worker, commissioner_district_id=commissioner.pk).rows
    assert target not in list(by_district) and target not in list(by_commissioner)
    assert target in list(target_list_for_user(user=worker).rows)


def test_the_new_fields_and_counts_go_to_no_other_agency_or_town(client, worker, hamlet, personas):
    district, _commissioner = hamlet
    target = open_target(worker, [information(worker, district=district)], meeting_source="支援会議 第3回 決定2")
    own = client.get(reverse("api:outreach-target-detail", args=[target.pk]), **auth(token_for(worker))).json()
    assert own["meeting_source"] == "支援会議 第3回 決定2" and own["collaboration_case_id"] is None
    for persona in (personas.caseworker_b, personas.administrator, personas.auditor, personas.stranger):
        token = auth(token_for(persona))
        detail = client.get(reverse("api:outreach-target-detail", args=[target.pk]), **token)
        assert detail.status_code == 404, persona
        counts = client.get(reverse("api:outreach-district-counts"), **token)
        assert counts.status_code in (200, 404) and (counts.status_code == 404 or counts.json() == []), persona
