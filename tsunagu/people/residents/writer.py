"""Writing the plan in bulk, in one transaction, with its audit entries; the system user it is written by."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.utils import timezone

from tsunagu.access.models import Basis
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record, changes_between
from tsunagu.core.models import Municipality, Organization, User
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.people.residents.plan import CHUNK, KEY_FIELDS, MEMBER_FIELDS, PERSON_FIELDS, ImportPlan, chunks
from tsunagu.people.residents.report import ImportResult, ResidentImportError
from tsunagu.people.residents.rows import ResidentRow
from tsunagu.people.services import PersonInput, persons_register_bulk

REGISTER_SOURCE = "resident-register"
SYSTEM_USERNAME = "system-import"
SYSTEM_DISPLAY_NAME = "住民記録取込"


def system_user(municipality: Municipality) -> User:
    """The inactive user new records are created by: nobody can log in as it."""
    username = SYSTEM_USERNAME
    user = User.objects.filter(username=username).first()
    if user is not None and user.municipality_id != municipality.pk:
        # Usernames are unique across the installation; each town gets its own import user.
        username = f"{SYSTEM_USERNAME}-{municipality.code}"
        user = User.objects.filter(username=username).first()
    if user is None:
        user = User(municipality=municipality, username=username, display_name=SYSTEM_DISPLAY_NAME, is_active=False)
        user.set_unusable_password()
        user.save()
    elif user.is_active or user.has_usable_password():
        # Everything the import writes is attributed to this user: it must not be one somebody logs in as.
        raise ResidentImportError(
            f"利用者「{username}」がログインできる状態になっています。無効にしてから取り込んでください。"
        )
    return user


def _bulk_delete(members: Iterable[HouseholdMember]) -> None:
    pks = [m.pk for m in members]
    for chunk in chunks(pks):
        HouseholdMember.objects.filter(pk__in=chunk).delete()


def _person_input(draft: Person) -> PersonInput:
    return PersonInput(resident_number=draft.resident_number, **{name: getattr(draft, name) for name in PERSON_FIELDS})


def write_plan(plan: ImportPlan, result: ImportResult, municipality: Municipality, organization: Organization,
           source_name: str, digest: str) -> None:  # fmt: skip
    user = system_user(municipality)
    now = timezone.now()
    created, updated = plan.created, plan.updated
    # New people are registered through the people service (its normalisation and checks, and the
    # organisation's own-record grant); the plan's drafts are replaced by the records it returns.
    people, grants = persons_register_bulk(
        people=[_person_input(item.person) for item in created],
        organization=organization,
        created_by=user,
        source=REGISTER_SOURCE,
        summary=f"住民記録取込で本人を登録（{len(created)}人）",
    )
    registered = {id(item.person): person for item, person in zip(created, people, strict=True)}
    for item, person in zip(created, people, strict=True):
        item.person = person
    for member in plan.new_members:
        member.person = registered.get(id(member.person), member.person)
    for item in updated:
        item.person.updated_at = now  # bulk_update does not apply auto_now
        # A form opened before the import must not save over it unseen (tsunagu.core.versioning).
        item.person.version = F("version") + 1
    Person.objects.bulk_update(
        [item.person for item in updated], [*PERSON_FIELDS, *KEY_FIELDS, "updated_at", "version"], batch_size=CHUNK
    )

    new_households = plan.new_households
    for household in new_households:
        household.created_by = user
    Household.objects.bulk_create(new_households, batch_size=CHUNK)
    changed_households = [plan.households[number] for number in plan.household_changes]
    for household in changed_households:
        household.updated_at = now
        household.version = F("version") + 1
    Household.objects.bulk_update(
        changed_households, ["address", "postal_code", "updated_at", "version"], batch_size=CHUNK
    )

    # Removed before the new ones are added: a person moves, and is never a member of both at once.
    _bulk_delete(plan.removed_members.values())
    HouseholdMember.objects.bulk_create(plan.new_members, batch_size=CHUNK)
    HouseholdMember.objects.bulk_update(list(plan.changed_members.values()), list(MEMBER_FIELDS), batch_size=CHUNK)

    def movement(row: ResidentRow) -> str:
        if not row.movement:
            return ""
        return f"（{row.movement} {row.movement_date.isoformat()}）" if row.movement_date else f"（{row.movement}）"

    audit: dict[str, Any] = {
        "user": user,
        "organization": organization,
        "basis": Basis.OWN_RECORD,
        "basis_source": REGISTER_SOURCE,
    }
    for item, grant in zip(created, grants, strict=True):
        person = item.person
        values = {name: getattr(person, name) for name in ("resident_number", *PERSON_FIELDS)}
        changes = changes_between({}, {k: v for k, v in values.items() if v not in ("", None, False)})
        changes["household"] = [None, item.row.household_number]
        changes["relationship"] = [None, item.row.relationship]
        if item.row.relationship_note:
            changes["relationship_note"] = [None, item.row.relationship_note]
        changes["access_grant"] = [None, {"id": grant.pk, "organization": organization.name, "basis": grant.basis}]
        audit_record(
            action=Action.CREATE,
            obj=person,
            person_id=person.pk,
            summary=f"住民記録取込で本人を登録{movement(item.row)}",  # no name: the log is not the case
            changes=changes,
            **audit,
        )
    # A protected (DV) person's move: the log keeps which fields changed (audit_record), the change
    # history the values, masked for every reader but the protecting agency.
    for item in updated:
        audit_record(
            action=Action.UPDATE,
            obj=item.person,
            person_id=item.person.pk,
            summary=f"住民記録取込で本人の記録を変更{movement(item.row)}: {', '.join(item.changes)}",
            changes=item.changes,
            **audit,
        )
    for household in changed_households:
        audit_record(
            action=Action.UPDATE,
            obj=household,
            summary="住民記録取込で世帯の住所を変更",
            changes=plan.household_changes[household.resident_household_number],
            **audit,
        )
    audit_record(
        action=Action.CREATE,
        summary=f"住民記録取込: 新規{result.created}件・更新{result.updated}件・変更なし{result.unchanged}件",
        changes={
            "file": source_name,
            "sha256": digest,
            "encoding": result.encoding,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "deregistered": result.deregistered,
            "skipped_departed": result.skipped_departed,
            "households_created": [h.pk for h in new_households],
            "households_updated": result.households_updated,
        },
        **audit,
    )
