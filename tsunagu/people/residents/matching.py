"""Matching the file against the database: who is known by 宛名番号, which register households exist."""

from __future__ import annotations

from tsunagu.audit.services import changes_between
from tsunagu.core.models import Municipality, Organization
from tsunagu.people.models import Gender, Household, HouseholdMember, Person
from tsunagu.people.residents.households import (
    check_heads,
    order_new_members,
    plan_household_addresses,
    plan_memberships,
)
from tsunagu.people.residents.plan import ImportPlan, PersonPlan, chunks, register_values, set_values
from tsunagu.people.residents.reading import RegisterFile
from tsunagu.people.residents.rows import ResidentRow


def plan_import(
    register: RegisterFile, municipality: Municipality, organization: Organization, *, lock: bool
) -> ImportPlan:
    plan = ImportPlan(register=register)
    if register.ignored_columns:
        plan.warnings.append(f"取込の対象でない列は読んでいません: {'、'.join(register.ignored_columns)}")
    rows = register.rows
    file_numbers = {row.resident_number for row in rows}

    existing: dict[str, Person] = {}
    for resident_numbers in chunks([row.resident_number for row in rows]):
        people = Person.objects.filter(
            municipality=municipality, merged_into__isnull=True, resident_number__in=resident_numbers
        )
        # Rows being changed are locked (PostgreSQL) so that an edit made meanwhile is not overwritten.
        for found in people.select_for_update() if lock else people:
            existing[found.resident_number] = found

    numbers = sorted({row.household_number for row in rows})
    for household_numbers in chunks(numbers):
        for household in Household.objects.filter(
            municipality=municipality, resident_household_number__in=household_numbers
        ).order_by("pk"):
            number = household.resident_household_number
            if number in plan.households:
                plan.warnings.append(
                    f"世帯番号 {number} の世帯が複数あります（世帯ID {plan.households[number].pk}・{household.pk}）。"
                    f"世帯ID {plan.households[number].pk} を使いました。"
                )
            else:
                plan.households[number] = household

    # One object per membership row, whether reached from its household or from its person.
    members: dict[int, HouseholdMember] = {}
    for household_ids in chunks([h.pk for h in plan.households.values()]):
        query = HouseholdMember.objects.filter(household_id__in=household_ids)
        for member in query.select_related("person", "household"):
            members[member.pk] = member
    register_memberships: dict[int, list[HouseholdMember]] = {}
    for person_ids in chunks([p.pk for p in existing.values()]):
        query = HouseholdMember.objects.filter(person_id__in=person_ids).exclude(
            household__resident_household_number=""
        )
        for member in query.select_related("person", "household"):
            member = members.setdefault(member.pk, member)
            register_memberships.setdefault(member.person_id, []).append(member)

    new_members_of: dict[str, list[tuple[ResidentRow, HouseholdMember]]] = {}

    def household_for(row: ResidentRow) -> Household:
        household = plan.households.get(row.household_number)
        if household is None:
            household = plan.households[row.household_number] = Household(
                municipality=municipality,
                resident_household_number=row.household_number,
                registered_by=organization,
            )
        return household

    for row in rows:
        person = existing.get(row.resident_number)
        if person is None:
            if row.departed:
                plan.skipped_departed += 1
                continue
            # A draft with the register's values: persons_register_bulk normalises it and derives its search
            # keys when the plan is written.
            person = Person(municipality=municipality, resident_number=row.resident_number, registered_by=organization,
                            **register_values(row, None))  # fmt: skip
            item = PersonPlan(row=row, person=person, created=True)
            membership = HouseholdMember(
                municipality=municipality,
                household=household_for(row),
                person=person,
                relationship=row.relationship,
                relationship_note=row.relationship_note,
                lives_together=True,
            )
            new_members_of.setdefault(row.household_number, []).append((row, membership))
            plan.people.append(item)
            continue

        plan.matched.append(person.pk)
        values = register_values(row, person)
        if person.gender != Gender.UNSTATED and row.gender not in (Gender.UNSTATED, person.gender):
            # Not what was recorded: how a person describes themselves is case data, not the register's.
            plan.warnings.append(
                f"行{row.line}: 性別は記録済みの値のままにしました（住民記録では「{Gender(row.gender).label}」）。"
            )
        before = {name: getattr(person, name) for name in values}
        returning = not person.is_registered_resident and not row.departed
        set_values(person, values)
        changes = changes_between(before, values)
        changes.update(plan_memberships(plan, row, person, returning, register_memberships, household_for,
                                         new_members_of))  # fmt: skip
        if changes:
            plan.people.append(PersonPlan(row=row, person=person, created=False, changes=changes))
        else:
            plan.unchanged += 1

    order_new_members(plan, members, new_members_of)
    check_heads(plan, members, file_numbers)
    plan_household_addresses(plan, members, new_members_of)
    return plan
