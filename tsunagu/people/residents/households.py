"""Households in the plan: memberships moved or ended, new members' order, one 世帯主, the household address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tsunagu.audit.services import changes_between
from tsunagu.people.models import Household, HouseholdMember, Person, Relationship
from tsunagu.people.residents.plan import ImportPlan
from tsunagu.people.residents.report import ResidentImportError
from tsunagu.people.residents.rows import ResidentRow


def plan_memberships(
    plan: ImportPlan, row: ResidentRow, person: Person, returning: bool,
    register_memberships: dict[int, list[HouseholdMember]], household_for: Callable[[ResidentRow], Household],
    new_members_of: dict[str, list[tuple[ResidentRow, HouseholdMember]]],
) -> dict[str, list[Any]]:  # fmt: skip
    """The membership changes of an existing person; records them in the plan and returns them for audit."""
    changes: dict[str, list[Any]] = {}
    current = register_memberships.get(person.pk, [])
    if row.departed:
        # Kept, not removed: the household page goes on showing who belonged, and that they left.
        for member in current:
            if member.lives_together:
                member.lives_together = False
                plan.changed_members[member.pk] = member
                plan.touched_households.add(member.household_id)
                changes["lives_together"] = [True, False]
        return changes
    household = household_for(row)
    target = next((m for m in current if household.pk is not None and m.household_id == household.pk), None)
    previous: HouseholdMember | None = None
    for member in current:
        if member is not target:
            previous = member
            plan.removed_members[member.pk] = member
            plan.touched_households.add(member.household_id)
            changes["household"] = [member.household.resident_household_number, row.household_number]
    if target is None:
        membership = HouseholdMember(
            municipality_id=person.municipality_id,
            household=household,
            person=person,
            relationship=row.relationship,
            relationship_note=row.relationship_note,
            lives_together=True,
        )
        new_members_of.setdefault(row.household_number, []).append((row, membership))
        changes.setdefault("household", [None, row.household_number])
        # A move compares with the membership it replaces; joining a first register household, with nothing.
        before = {"relationship": None, "relationship_note": ""}
        if previous is not None:
            before = {"relationship": previous.relationship, "relationship_note": previous.relationship_note}
        changes.update(
            changes_between(before, {"relationship": row.relationship, "relationship_note": row.relationship_note})
        )
        if household.pk is not None:
            plan.touched_households.add(household.pk)
        return changes
    after: dict[str, Any] = {"relationship": row.relationship, "relationship_note": row.relationship_note}
    if returning:
        after["lives_together"] = True
    member_changes = changes_between({name: getattr(target, name) for name in after}, after)
    if member_changes:
        for name, value in after.items():
            setattr(target, name, value)
        plan.changed_members[target.pk] = target
        plan.touched_households.add(target.household_id)
        changes.update(member_changes)
    return changes


def order_new_members(
    plan: ImportPlan, members: dict[int, HouseholdMember],
    new_members_of: dict[str, list[tuple[ResidentRow, HouseholdMember]]],
) -> None:  # fmt: skip
    """New members go after the existing ones, the 世帯主 first, then in the order of the file."""
    last_order: dict[int, int] = {}
    for member in members.values():
        last_order[member.household_id] = max(last_order.get(member.household_id, -1), member.order)
    for number, joining in new_members_of.items():
        household = plan.households[number]
        start = last_order.get(household.pk, -1) + 1 if household.pk is not None else 0
        joining.sort(key=lambda item: (item[0].relationship != Relationship.HEAD, item[0].line))
        for offset, (_, membership) in enumerate(joining):
            membership.order = start + offset
            plan.new_members.append(membership)


def check_heads(plan: ImportPlan, members: dict[int, HouseholdMember], file_numbers: set[str]) -> None:
    """A 世帯主 in the file must not meet another one, not in the file, still living in the household.

    People in the file are left out: their membership already says what the file says of them.
    """
    problems = []
    heads_living_in: dict[int, list[HouseholdMember]] = {}
    for member in members.values():
        if (
            member.relationship == Relationship.HEAD
            and member.lives_together
            and member.pk not in plan.removed_members
            and member.person.resident_number not in file_numbers
        ):
            heads_living_in.setdefault(member.household_id, []).append(member)
    for row in plan.register.rows:
        if row.relationship != Relationship.HEAD or row.departed:
            continue
        household = plan.households[row.household_number]
        if household.pk is None:
            continue
        for member in heads_living_in.get(household.pk, []):
            number = member.person.resident_number
            who = f"宛名番号 {number}" if number else "宛名番号のない方"
            problems.append(
                f"行{row.line}: 世帯番号 {row.household_number} にはすでに世帯主（{who}）がいます。"
                "その方の異動（世帯主変更・転出など）の行もファイルに含めてください"
            )
    if problems:
        raise ResidentImportError(problems)


def plan_household_addresses(
    plan: ImportPlan, members: dict[int, HouseholdMember],
    new_members_of: dict[str, list[tuple[ResidentRow, HouseholdMember]]],
) -> None:  # fmt: skip
    """Household addresses from the 世帯主's row (a new household: from its first row when no 世帯主)."""
    protected: set[str] = set()
    for member in members.values():
        if member.person.address_protected:
            protected.add(member.household.resident_household_number)
    for number, joining in new_members_of.items():
        if any(membership.person.address_protected for _, membership in joining):
            protected.add(number)
    address_rows: dict[str, ResidentRow] = {}
    for row in plan.register.rows:
        if row.departed:
            continue
        chosen = address_rows.get(row.household_number)
        if chosen is None or (row.relationship == Relationship.HEAD and chosen.relationship != Relationship.HEAD):
            address_rows[row.household_number] = row
    for number, household in plan.households.items():
        address_row = address_rows.get(number)
        if number in protected:
            # The household page is shown to whoever may see any member: a protected address stays off it.
            if household.pk is None:
                plan.warnings.append(f"世帯番号 {number}: 住所非開示の方がいるため、世帯の住所は登録していません。")
            continue
        if address_row is None:
            continue
        if household.pk is None:
            household.address, household.postal_code = address_row.address, address_row.postal_code
        elif address_row.relationship == Relationship.HEAD:
            # An existing household's address follows its 世帯主's row only: a file of changes may carry
            # one member alone, whose row says where that member lives, not where the household does.
            after = {"address": address_row.address}
            if address_row.postal_code:
                after["postal_code"] = address_row.postal_code
            changes = changes_between({name: getattr(household, name) for name in after}, after)
            if changes:
                for name, value in after.items():
                    setattr(household, name, value)
                plan.household_changes[number] = changes
