"""The timeline's rule built from grants read once (``case_record_visible_about``) reads exactly what the
rule's subqueries read (``case_record_visible``), for every access state and reader, and nothing about
anyone else."""

from __future__ import annotations

import pytest
from django.db.models import Q

from tsunagu.access.grants_about import case_record_visible_about, grants_about
from tsunagu.access.policy import case_record_visible
from tsunagu.records.registry import kinds
from tsunagu.records.tests.matrix import PERSONAS, STATES, arrange, examples, move_clock_if_expired

pytestmark = pytest.mark.django_db


def ids(kind, condition) -> set[int]:
    return set(kind.model._default_manager.filter(condition).values_list("pk", flat=True))


@pytest.mark.parametrize("state", [s for s in STATES if s != "other_town"])
def test_the_rule_from_grants_read_once_is_the_rule(personas, monkeypatch, state):
    arrangement = arrange(state, personas, monkeypatch)
    for make in examples().values():
        make(arrangement)
    spouse = arrangement.household.members.exclude(person=arrangement.person).get().person
    move_clock_if_expired(state, monkeypatch)
    compared = 0
    for name in PERSONAS:
        reader = getattr(personas, name)
        about = grants_about(reader, [arrangement.person.pk])
        for kind in kinds():
            fields = {"organization_field": kind.organization_field, "person_field": kind.person_field}
            # The person's records, and those about no one (a household's own).
            person = kind.person_field
            rows = kind.model._default_manager.filter(
                Q(**{f"{person}_id": arrangement.person.pk}) | Q(**{f"{person}__isnull": True})
            )
            expected = set(rows.filter(case_record_visible(reader, **fields)).values_list("pk", flat=True))
            assert set(rows.filter(case_record_visible_about(about, **fields)).values_list("pk", flat=True)) == (
                expected
            ), (state, name, kind.key)
            compared += len(expected)
            # A record about someone else (the spouse) is never read through the person's grants.
            others = kind.model._default_manager.filter(**{f"{kind.person_field}_id": spouse.pk})
            assert not others.filter(case_record_visible_about(about, **fields)).exists()
    assert compared  # the holder at least reads what it made
