"""Writing the demo town: ``DemoWriter`` turns ``Unit`` rows into model instances, in batches.

A few thousand people at a time: the people and their grants through the services' bulk variants
(``persons_register_bulk``, which normalises and checks them as ``person_register`` does, and
``grants_create_bulk`` for the serving agencies' own records and the consents' grants), then households
and members, other names and the consents with ``bulk_create``, in the shapes the services give them
(``kana_key`` by ``kana_search_key``, consents as ``consent_record`` records them). No per-row queries
nor per-row audit entries, which would take minutes for a town: each bulk call writes one entry, and
``demo_town_create`` one for the run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import reset_queries

from tsunagu.access.models import Basis, Consent, ConsentGiver, ConsentMethod
from tsunagu.access.services import GrantInput, grants_create_bulk
from tsunagu.core.japanese.kana import kana_search_key
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import District, Municipality, Organization, User
from tsunagu.people.demo.agencies import CONSENT_PURPOSE
from tsunagu.people.demo.rows import HouseholdRow, OtherNameRow, PersonRow, Unit
from tsunagu.people.models import Household, HouseholdMember, Person, PersonName
from tsunagu.people.services import PersonInput, persons_register_bulk

BATCH_SIZE = 2_000  # rows per INSERT (Django lowers it on SQLite to stay under 999 parameters)
FLUSH_PEOPLE = 5_000  # people generated before they are written and forgotten


@dataclass
class Totals:
    people: int = 0
    households: int = 0
    aged_65_plus: int = 0
    with_birth_date: int = 0
    unregistered: int = 0
    consents: int = 0
    grants: int = 0

    @property
    def aging_rate(self) -> float:
        """高齢化率 among the people whose birth date is known."""
        return self.aged_65_plus / self.with_birth_date if self.with_birth_date else 0.0


class DemoWriter:
    """Writes ``Unit`` rows in batches, in the shapes the services give (see the module docstring)."""

    def __init__(
        self,
        *,
        municipality: Municipality,
        user: User,
        as_of: date,
        register_organization: Organization,
        organizations: dict[str, Organization],
        districts: dict[str, District],
        consent_takers: dict[int, User],
        consent_scope: list[Organization],
    ) -> None:
        self.municipality = municipality
        self.user = user
        self.as_of = as_of
        self.register_organization = register_organization
        self.organizations = organizations
        self.districts = districts
        self.consent_takers = consent_takers
        self.consent_scope = consent_scope
        self.totals = Totals()
        self._kana_keys: dict[str, str] = {}

    def kana_key(self, reading: str) -> str:
        # The same few thousand readings come back again and again; the key is computed once for each.
        key = self._kana_keys.get(reading)
        if key is None:
            key = self._kana_keys[reading] = kana_search_key(reading)
        return key

    def write(self, units: Iterable[Unit]) -> Totals:
        pending: list[Unit] = []
        count = 0
        for unit in units:
            pending.append(unit)
            count += len(unit.people)
            if count >= FLUSH_PEOPLE:
                self.flush(pending)
                pending, count = [], 0
        if pending:
            self.flush(pending)
        return self.totals

    def flush(self, units: list[Unit]) -> None:
        m = self.municipality
        households = [self.household(unit.household) for unit in units if unit.household is not None]
        Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
        rows = [row for unit in units for row in unit.people]
        # Registered by the register division, which gets the own-record grant of each (as person_register).
        people, registrations = persons_register_bulk(
            people=[self.person(row) for row in rows],
            organization=self.register_organization,
            created_by=self.user,
            summary=f"デモの住民を一括登録（{len(rows)}人）",
        )

        members: list[HouseholdMember] = []
        person_iter = iter(people)
        household_iter = iter(households)
        for unit in units:
            household = next(household_iter) if unit.household is not None else None
            for order, row in enumerate(unit.people):
                person = next(person_iter)
                if household is not None:
                    members.append(
                        HouseholdMember(
                            municipality=m, household=household, person=person, relationship=row.relationship,
                            relationship_note=row.relationship_note, order=order,
                        )
                    )  # fmt: skip
        HouseholdMember.objects.bulk_create(members, batch_size=BATCH_SIZE)

        other_names = [self.other_name(person, name) for row, person in zip(rows, people, strict=True)
                       for name in row.other_names]  # fmt: skip
        PersonName.objects.bulk_create(other_names, batch_size=BATCH_SIZE)

        grants: list[GrantInput] = []
        for row, person in zip(rows, people, strict=True):
            holders = [self.register_organization]
            for name in row.agencies:
                agency = self.organizations.get(name)
                if agency is not None and agency not in holders:
                    holders.append(agency)
            grants += [self.own_record_grant(person, org) for org in holders[1:]]
        consents = [
            (self.consent(row, person), person)
            for row, person in zip(rows, people, strict=True)
            if row.consent_on is not None and self.consent_scope
        ]
        Consent.objects.bulk_create([c for c, _ in consents], batch_size=BATCH_SIZE)
        through = Consent.organizations.through
        Consent.organizations.through.objects.bulk_create(
            [through(consent_id=c.pk, organization_id=o.pk) for c, _ in consents for o in self.consent_scope],
            batch_size=BATCH_SIZE,
        )
        for consent, person in consents:
            grants += [self.consent_grant(consent, person, org) for org in self.consent_scope]
        grants_create_bulk(
            grants=grants, granted_by=self.user, summary=f"デモの住民に閲覧権限を付与（{len(grants)}件）"
        )

        t = self.totals
        t.people += len(people)
        t.households += len(households)
        t.grants += len(registrations) + len(grants)
        t.consents += len(consents)
        for row in rows:
            t.unregistered += not row.is_registered_resident
            if row.birth_date is not None:
                t.with_birth_date += 1
                t.aged_65_plus += age_on(row.birth_date, self.as_of) >= 65
        # In demo mode DEBUG is on and Django keeps the last 9,000 queries; these are large, let them go.
        reset_queries()

    def household(self, row: HouseholdRow) -> Household:
        return Household(
            municipality=self.municipality,
            resident_household_number=row.resident_household_number,
            postal_code=row.postal_code,
            address=row.address,
            district=self.districts.get(row.district) if row.district else None,
            notes=row.notes,
            registered_by=self.register_organization,
            created_by=self.user,
        )

    def person(self, row: PersonRow) -> PersonInput:
        return PersonInput(
            family_name=row.family_name,
            given_name=row.given_name,
            family_name_kana=row.family_name_kana,
            given_name_kana=row.given_name_kana,
            birth_date=row.birth_date,
            gender=row.gender,
            gender_note=row.gender_note,
            postal_code=row.postal_code,
            address=row.address,
            district=self.districts.get(row.district) if row.district else None,
            phone=row.phone,
            phone2=row.phone2,
            email=row.email,
            contact_notes=row.contact_notes,
            resident_number=row.resident_number,
            is_registered_resident=row.is_registered_resident,
            address_protected=row.address_protected,
            care_notes=row.care_notes,
        )

    def other_name(self, person: Person, row: OtherNameRow) -> PersonName:
        # As tsunagu.people.services.person_name_add stores them.
        return PersonName(
            municipality=self.municipality,
            person=person,
            kind=row.kind,
            family_name=row.family_name,
            given_name=row.given_name,
            family_name_kana=row.family_name_kana,
            given_name_kana=row.given_name_kana,
            kana_key=self.kana_key(row.family_name_kana + row.given_name_kana),
            family_kana_key=self.kana_key(row.family_name_kana),
        )

    def own_record_grant(self, person: Person, organization: Organization) -> GrantInput:
        # A serving agency's own record of the person, resting on the registration as person_register's does.
        return GrantInput(organization=organization, person=person, basis=Basis.OWN_RECORD, source="registration")

    def consent(self, row: PersonRow, person: Person) -> Consent:
        # Taken by the agency that serves the person, or else by the registering division.
        taker = next((self.organizations[n] for n in row.agencies if n in self.organizations), None)
        taker = taker or self.register_organization
        assert row.consent_on is not None
        return Consent(
            municipality=self.municipality,
            person=person,
            all_plan_agencies=True,
            purpose=CONSENT_PURPOSE,
            method=ConsentMethod.WRITTEN,
            given_by=ConsentGiver.SELF,
            given_on=row.consent_on,
            taken_by=self.consent_takers.get(taker.pk, self.user),
            taken_by_organization=taker,
        )

    def consent_grant(self, consent: Consent, person: Person, organization: Organization) -> GrantInput:
        # As consent_record's grant_create: one grant per organisation in scope, naming the consent.
        return GrantInput(
            organization=organization, person=person, basis=Basis.CONSENT, source=f"consent:{consent.pk}",
            consent=consent, reason=consent.purpose, granted_by=consent.taken_by,
        )  # fmt: skip
