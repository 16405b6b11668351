"""Registering and changing people and households. Each function is atomic and audited.

The caller fetched any existing record through ``tsunagu.people.selectors`` (so the user may see it).
Whatever the page showed or hid, each function that changes a person or household asks the access core
itself (``tsunagu.access.policy.decide``) what the user's access allows — editing needs the organisation's
own record or a consent; a 支援会議 or an emergency only lets an agency read — and raises ``PeopleError``
with Japanese messages otherwise, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.access.policy import BASIS_PRIORITY, AccessDecision, decide, decisions_for
from tsunagu.access.services import GrantInput, acting_organization, grant_create, grants_create_bulk
from tsunagu.audit.models import Action
from tsunagu.audit.selectors import edit_conflict
from tsunagu.audit.services import audit_record, changes_between
from tsunagu.core.japanese.kana import is_kana_reading, kana_search_key, normalize_kana_input
from tsunagu.core.models import District, Organization, User
from tsunagu.core.transitions import locked
from tsunagu.core.versioning import bump_version, save_if_version
from tsunagu.people.models import (
    AddressViewer,
    Gender,
    Household,
    HouseholdMember,
    NameKind,
    Person,
    PersonName,
    Relationship,
)
from tsunagu.people.protection import LOCATION_FIELDS, location_for, locations_for
from tsunagu.people.search import phone_key


class PeopleError(ValidationError):
    """A refused change to a person or household; the messages are shown as they are."""


@dataclass
class PersonInput:
    family_name: str
    family_name_kana: str
    given_name: str = ""
    given_name_kana: str = ""
    birth_date: date | None = None
    gender: str = Gender.UNSTATED
    gender_note: str = ""
    postal_code: str = ""
    address: str = ""
    district: District | None = None
    phone: str = ""
    phone2: str = ""
    email: str = ""
    contact_notes: str = ""
    resident_number: str = ""
    is_registered_resident: bool = False
    address_protected: bool = False
    care_notes: str = ""


def _normalised(data: PersonInput, normalize: Callable[[str], str] = normalize_kana_input) -> dict[str, Any]:
    # A shallow copy: asdict() would deep-copy the district, once per person of a bulk registration.
    values = {f.name: getattr(data, f.name) for f in fields(PersonInput)}
    for name in ("family_name", "given_name", "address", "gender_note", "resident_number", "email"):
        values[name] = values[name].strip()
    values["family_name_kana"] = normalize(data.family_name_kana)
    values["given_name_kana"] = normalize(data.given_name_kana)
    values["postal_code"] = "".join(ch for ch in data.postal_code if ch.isdigit())
    return values


GENDERS = frozenset(Gender.values)


def _person_errors(values: dict[str, Any], municipality_id: int, today: date | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not values["family_name"]:
        add("family_name", _("氏を入力してください（不明な場合は「不明」と入力できます）。"))
    if not values["family_name_kana"]:
        add("family_name_kana", _("氏のフリガナを入力してください。"))
    elif not is_kana_reading(values["family_name_kana"]):
        add("family_name_kana", _("フリガナはカタカナ（またはひらがな）で入力してください。"))
    if values["given_name_kana"] and not is_kana_reading(values["given_name_kana"]):
        add("given_name_kana", _("フリガナはカタカナ（またはひらがな）で入力してください。"))
    if values["given_name"] and not values["given_name_kana"]:
        add("given_name_kana", _("名のフリガナを入力してください。"))
    if values["birth_date"] and values["birth_date"] > (today or timezone.localdate()):
        add("birth_date", _("生年月日に未来の日付は入力できません。"))
    if values["postal_code"] and len(values["postal_code"]) != 7:
        add("postal_code", _("郵便番号は7桁で入力してください（例: 689-2392）。"))
    for field in ("phone", "phone2"):
        digits = phone_key(values[field])
        if values[field] and not 10 <= len(digits) <= 11:
            add(field, _("電話番号は市外局番から10桁または11桁で入力してください。"))
    if values["gender"] not in GENDERS:
        add("gender", _("性別の選択肢が正しくありません。"))
    if values["district"] is not None and values["district"].municipality_id != municipality_id:
        add("district", _("他の自治体の地区は選べません。"))
    if values["address_protected"] and not values["care_notes"].strip():
        add("care_notes", _("住所を非開示にする理由（DV等）を配慮事項に記入してください。"))
    return errors


def _apply(person: Person, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(person, name, value)
    _derive_keys(person)


def _derive_keys(person: Person, search_key: Callable[[str], str] = kana_search_key) -> None:
    person.kana_key = search_key(person.family_name_kana + person.given_name_kana)
    person.family_kana_key = search_key(person.family_name_kana)
    person.phone_key = phone_key(person.phone)
    person.phone2_key = phone_key(person.phone2)


# What a user outside the protecting agency neither sees nor changes on a person whose location is
# protected (their own protection: with its reason, the 配慮事項; an inherited one: the location).
SHOWN_TO_PROTECTING_AGENCY = (*LOCATION_FIELDS, "address_protected", "care_notes")
KEPT_FROM_OTHERS_INHERITED = (*LOCATION_FIELDS, "address_protected")
# Kept by ``_apply`` from the fields a form edits.
DERIVED_FIELDS = ("kana_key", "family_kana_key", "phone_key", "phone2_key")


def _protect(person: Person, *, organization: Organization, by: User) -> None:
    """Record who registered the protection: that agency alone sees and changes the location from now on."""
    person.address_protected_by, person.address_protected_at, person.address_protected_by_user = (
        organization, timezone.now(), by
    )  # fmt: skip


PROTECTION_FIELDS = ("address_protected_by", "address_protected_at", "address_protected_by_user")


# A 宛名番号 already in use — by a record the user sees or by one they do not — is refused with the same
# words, which name no record, agency or protection: the answer must not tell a stranger whose record it
# is, or that it is hidden from them (docs/records.md, 「宛名番号の照会」). A record the user may see was
# already offered as a likely duplicate before saving; one they may not is for the division that holds
# the resident register to sort out, and the try is audited on that person (``Action.PROBE``).
RESIDENT_NUMBER_TAKEN = gettext_lazy("この宛名番号では登録できません。住民記録の担当課に確認してください。")
PROBE_SUMMARY = "宛名番号の照会（閲覧権限なし）"


def _resident_number_refused(
    *, user: User, organization: Organization, values: dict[str, Any], municipality_id: int,
    exclude_pk: int | None, request: HttpRequest | None,
) -> bool:  # fmt: skip
    """Whether the 宛名番号 is in use by another record; one the user may not see gets a PROBE entry.

    Called outside the write's transaction: the refusal raises, and the entry must outlive it.
    """
    if not values["resident_number"]:
        return False
    qs = Person.objects.filter(
        municipality_id=municipality_id, resident_number=values["resident_number"], merged_into__isnull=True
    )
    holder = (qs.exclude(pk=exclude_pk) if exclude_pk else qs).values_list("pk", flat=True).first()
    if holder is None:
        return False
    if not decide(user, holder).allowed:
        # Nothing was shown; the person's access log says who tried their number (no basis: none applied).
        audit_record(
            user=user, organization=organization, action=Action.PROBE, person_id=holder, summary=PROBE_SUMMARY,
            request=request,
        )  # fmt: skip
    return True


def person_register(
    *, user: User, data: PersonInput, organization_id: int | None = None, request: HttpRequest | None = None
) -> Person:
    """Register a person as a record of the user's organisation (which gets an own-record grant).

    A 宛名番号 in use is refused with ``RESIDENT_NUMBER_TAKEN`` whoever holds it; a try at a record the
    user may not see is audited (``Action.PROBE``), although nothing is registered.
    """
    organization = acting_organization(user, organization_id)
    values = _normalised(data)
    errors = _person_errors(values, user.municipality_id)
    if _resident_number_refused(
        user=user, organization=organization, values=values, municipality_id=user.municipality_id, exclude_pk=None,
        request=request,
    ):  # fmt: skip
        errors.setdefault("resident_number", []).append(str(RESIDENT_NUMBER_TAKEN))
    if errors:
        raise PeopleError(errors)
    return _person_create(user=user, organization=organization, values=values, request=request)


@transaction.atomic
def _person_create(
    *, user: User, organization: Organization, values: dict[str, Any], request: HttpRequest | None
) -> Person:
    person = Person(municipality_id=user.municipality_id, registered_by=organization, created_by=user)
    _apply(person, values)
    if person.address_protected:
        _protect(person, organization=organization, by=user)
    person.save()
    audit_record(
        user=user,
        organization=organization,
        action=Action.CREATE,
        obj=person,
        person_id=person.pk,
        summary="本人を登録",  # no name: auditors read the log, not the case
        # The log keeps the field names only; the values go to the change history, which masks a protected
        # location for every reader but the protecting agency (audit_record, records.history).
        changes=changes_between({}, {k: v for k, v in values.items() if v not in ("", None, False)}),
        basis=Basis.OWN_RECORD,
        basis_source="registration",
        request=request,
    )
    grant_create(
        organization=organization,
        person=person,
        basis=Basis.OWN_RECORD,
        source="registration",
        granted_by=user,
        request=request,
    )
    return person


BULK_BATCH_SIZE = 1_000  # rows per INSERT (Django lowers it on SQLite to stay under its parameter limit)
BULK_LOOKUP = 500  # 宛名番号 per IN (...) query


def _resident_numbers_taken(municipality_id: int, numbers: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(numbers), BULK_LOOKUP):
        taken.update(
            Person.objects.filter(
                municipality_id=municipality_id,
                resident_number__in=numbers[start : start + BULK_LOOKUP],
                merged_into__isnull=True,
            ).values_list("resident_number", flat=True)
        )
    return taken


@transaction.atomic
def persons_register_bulk(
    *, people: Sequence[PersonInput], organization: Organization, created_by: User, source: str = "registration",
    summary: str = "",
) -> tuple[list[Person], list[AccessGrant]]:  # fmt: skip
    """Register many people at once as records of ``organization``, each with its own-record grant: for
    system jobs that load people in bulk (the register import, the demo town), not for a page.

    Each person is normalised and checked exactly as by ``person_register`` (readings as katakana, the
    search keys, a 宛名番号 neither in use nor given twice in the batch); any problem refuses the whole
    batch with ``PeopleError`` naming each person by position ("3人目") — nothing is written then. The
    organisation is named rather than taken from a casework membership: these jobs run as an inactive
    system user, which has none. The grants (source ``source``) go through ``grants_create_bulk``.

    Audit: one entry for the batch (``summary``, or a count) and one for its grants, not one per person
    as ``person_register`` writes: a job that needs each person in the log writes that entry itself (the
    import does, with the register's movement and household), the demo town one entry for the run.
    Returns the people and their grants, with their ids, in the order given (an empty batch writes nothing).
    """
    municipality_id = organization.municipality_id
    if created_by.municipality_id != municipality_id:
        raise PeopleError(_("他の自治体の機関として本人を登録することはできません。"))
    # The same few thousand readings come back again and again in a town: each is normalised once.
    normalize, search_key = lru_cache(maxsize=None)(normalize_kana_input), lru_cache(maxsize=None)(kana_search_key)
    today = timezone.localdate()
    persons: list[Person] = []
    problems: list[str] = []
    first_with: dict[str, int] = {}  # 宛名番号 → the position that first gave it
    for position, data in enumerate(people, start=1):
        values = _normalised(data, normalize)
        errors = _person_errors(values, municipality_id, today)
        number = values["resident_number"]
        if number and number in first_with:
            errors.setdefault("resident_number", []).append(
                _("宛名番号 %(number)s が%(position)s人目と重複しています。")
                % {"number": number, "position": first_with[number]}
            )
        elif number:
            first_with[number] = position
        problems += [
            _("%(position)s人目: %(message)s") % {"position": position, "message": message}
            for messages in errors.values()
            for message in messages
        ]
        person = Person(municipality_id=municipality_id, registered_by=organization, created_by=created_by, **values)
        if person.address_protected:
            _protect(person, organization=organization, by=created_by)
        _derive_keys(person, search_key)
        persons.append(person)
    for number in sorted(_resident_numbers_taken(municipality_id, list(first_with)), key=first_with.__getitem__):
        problems.append(
            _("%(position)s人目: %(message)s") % {"position": first_with[number], "message": RESIDENT_NUMBER_TAKEN}
        )
    if problems:
        raise PeopleError(problems)
    if not persons:
        return [], []
    Person.objects.bulk_create(persons, batch_size=BULK_BATCH_SIZE)
    audit_record(
        user=created_by,
        organization=organization,
        action=Action.CREATE,
        summary=summary or f"本人を一括登録（{len(persons)}人）",
        changes={"people": len(persons), "registered_resident": sum(p.is_registered_resident for p in persons)},
        basis=Basis.OWN_RECORD,
        basis_source=source,
    )
    grants = grants_create_bulk(
        grants=[
            GrantInput(organization=organization, person=p, basis=Basis.OWN_RECORD, source=source) for p in persons
        ],
        granted_by=created_by,
    )
    return persons, grants


NOT_PERMITTED = gettext_lazy("この記録を変更する権限がありません。")
READ_ONLY = gettext_lazy("この記録を変更する権限がありません（閲覧のみ）。")


def _edit_decision(user: User, person_id: int) -> AccessDecision:
    """The user's access to the person, from the access core; ``PeopleError`` unless it lets them edit."""
    decision = decide(user, person_id)
    if not decision.may_edit:
        raise PeopleError(READ_ONLY if decision.allowed else NOT_PERMITTED)
    return decision


def _household_edit_decision(user: User, household: Household) -> AccessDecision:
    """The strongest access the user has to a member they may edit; ``PeopleError`` if there is none.

    A household is changed on the grounds of one of its members' records: a household seen only through a
    支援会議 or an emergency is read-only, like those members' records.
    """
    member_ids = list(household.members.filter(person__merged_into__isnull=True).values_list("person_id", flat=True))
    decisions = decisions_for(user, member_ids).values()
    editable = [d for d in decisions if d.may_edit]
    if not editable:
        read_only = any(d.allowed for d in decisions)
        raise PeopleError(
            _("この世帯を変更する権限がありません（閲覧のみ）。")
            if read_only
            else _("この世帯を変更する権限がありません。")
        )
    return min(editable, key=lambda d: BASIS_PRIORITY.index(Basis(d.strongest.basis)))


def person_update(
    *, user: User, person: Person, data: PersonInput, expected_version: int, request: HttpRequest | None = None
) -> Person:
    """Change a person's details (``_person_update``, in its transaction). A 宛名番号 in use elsewhere is
    refused as in ``person_register``; the check runs first, outside the transaction, so that the PROBE
    entry of a try at a record the user may not see outlives the refusal."""
    decision = decide(user, person.pk)
    refused = decision.may_edit and _resident_number_refused(
        user=user, organization=decision.strongest.organization, values=_normalised(data),
        municipality_id=person.municipality_id, exclude_pk=person.pk, request=request,
    )  # fmt: skip
    return _person_update(
        user=user, person=person, data=data, expected_version=expected_version, number_refused=refused,
        request=request,
    )  # fmt: skip


@transaction.atomic
def _person_update(
    *,
    user: User,
    person: Person,
    data: PersonInput,
    expected_version: int,
    number_refused: bool,
    request: HttpRequest | None = None,
) -> Person:
    """Change a person's details. Needs the organisation's own record or a consent (not a meeting, not an
    emergency), which this function looks up itself; ``PeopleError`` otherwise.

    A protected (DV) location — the person's own protection or one inherited from a household member —
    and the protection itself are changed by the protecting agency only (``location_changeable``): from
    anyone else those fields are kept as they are, whatever was submitted, since they were never shown.
    The first to protect an unprotected person becomes the protector (the organisation of their editing
    grant); lifting the protection ends the staff it had named. The audit entry names the location fields
    that changed, never their values, for as long as the location is or was protected.

    ``expected_version`` is the version the user's form started from: if somebody saved the person since,
    nothing is written and ``EditConflict`` is raised (``person`` is then the record as it now is), naming
    who changed what — never a protected location this user may not see.
    """
    decision = _edit_decision(user, person.pk)
    location = location_for(user, person, decision)
    values = _normalised(data)
    if not location.changeable:
        # Fields this user was never shown (or may only look at) cannot be changed by them either.
        for name in SHOWN_TO_PROTECTING_AGENCY if person.address_protected else KEPT_FROM_OTHERS_INHERITED:
            values[name] = getattr(person, name)
    errors = _person_errors(values, person.municipality_id)
    moved = [name for name in LOCATION_FIELDS if values[name] != getattr(person, name)]
    if moved and _shares_household_with_hidden_location(user, person):
        for name in moved:
            errors.setdefault(name, []).append(str(MEMBER_LOCATION_HIDDEN))
    if number_refused:
        errors.setdefault("resident_number", []).append(str(RESIDENT_NUMBER_TAKEN))
    if errors:
        raise PeopleError(errors)
    before = {name: getattr(person, name) for name in values}
    _apply(person, values)
    changes = changes_between(before, values)
    if not changes:
        return person
    grant = decision.strongest
    protection_fields: list[str] = []
    if values["address_protected"] != before["address_protected"]:
        protection_fields = list(PROTECTION_FIELDS)
        if values["address_protected"]:
            _protect(person, organization=grant.organization, by=user)
        else:
            person.address_protected_by = person.address_protected_at = person.address_protected_by_user = None
    saved = save_if_version(
        person, expected_version=expected_version, fields=[*values, *DERIVED_FIELDS, *protection_fields]
    )
    if not saved:
        person.refresh_from_db()
        hidden = SHOWN_TO_PROTECTING_AGENCY if location.hidden else ()
        raise edit_conflict(record=person, since_version=expected_version, fields=values, hidden=hidden)
    if protection_fields and not values["address_protected"]:
        AddressViewer.objects.filter(person=person, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user
        )
    audit_record(
        user=user,
        organization=grant.organization,
        action=Action.UPDATE,
        obj=person,
        person_id=person.pk,
        summary=f"本人の記録を変更: {', '.join(changes)}"[:300],
        changes=changes,
        basis=grant.basis,
        basis_source=grant.source,
        request=request,
    )
    return person


@transaction.atomic
def person_name_add(
    *, user: User, person: Person, kind: NameKind, family_name: str, family_name_kana: str, given_name: str = "",
    given_name_kana: str = "", request: HttpRequest | None = None,
) -> PersonName:  # fmt: skip
    """Add a 旧姓, 通称 or other name. Needs an editing basis on the person, as ``person_update``."""
    decision = _edit_decision(user, person.pk)
    family_kana, given_kana = normalize_kana_input(family_name_kana), normalize_kana_input(given_name_kana)
    errors: dict[str, list[str]] = {}
    if not family_name.strip():
        errors["family_name"] = [_("氏を入力してください。")]
    if not is_kana_reading(family_kana) or (given_kana and not is_kana_reading(given_kana)):
        errors["family_name_kana"] = [_("フリガナはカタカナ（またはひらがな）で入力してください。")]
    if errors:
        raise PeopleError(errors)
    name = PersonName.objects.create(
        municipality_id=person.municipality_id,
        person=person,
        kind=kind,
        family_name=family_name.strip(),
        given_name=given_name.strip(),
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        kana_key=kana_search_key(family_kana + given_kana),
        family_kana_key=kana_search_key(family_kana),
    )
    audit_record(
        user=user, organization=decision.strongest.organization, action=Action.CREATE, obj=name,
        person_id=person.pk, summary=f"別名を追加（{name.get_kind_display()}）", basis=decision.strongest.basis,
        basis_source=decision.strongest.source, request=request,
    )  # fmt: skip
    return name


@dataclass
class MemberInput:
    person: Person
    relationship: Relationship
    relationship_note: str = ""
    lives_together: bool = True
    is_key_person: bool = False


# A member who shares a protected member's address inherits the protection (``protection``): were anyone
# to add people to such a household, registering someone at a guessed address and seeing it turn 非表示
# would confirm the guess. So while a protected location of the household is hidden from the user (the
# household page shows it 非表示, and says no more than this), who joins is the protecting agency's to decide.
HOUSEHOLD_LOCATION_HIDDEN = gettext_lazy(
    "この世帯には住所が非表示の方がいるため、世帯員の追加は住所の非開示を登録した機関が行います。"
)


def _hidden_protected_location(user: User, people: Sequence[Person]) -> bool:
    return any(location.protected and location.hidden for location in locations_for(user, people).values())


# Likewise a member's own location: moved to a guess, it would turn 非表示 exactly when the guess is right.
MEMBER_LOCATION_HIDDEN = gettext_lazy(
    "世帯に住所が非表示の方がいるため、この方の住所は住所の非開示を登録した機関が変更します。"
)


def _shares_household_with_hidden_location(user: User, person: Person) -> bool:
    households = HouseholdMember.objects.filter(person=person).values("household_id")
    others = HouseholdMember.objects.filter(household_id__in=households, person__merged_into__isnull=True).exclude(
        person=person
    )
    return _hidden_protected_location(user, [m.person for m in others.select_related("person")])


@transaction.atomic
def household_create(
    *, user: User, members: list[MemberInput], address: str = "", postal_code: str = "",
    district: District | None = None, resident_household_number: str = "", notes: str = "",
    organization_id: int | None = None, request: HttpRequest | None = None,
) -> Household:  # fmt: skip
    """Create a household of people whose records the user may edit (own record or consent: a person seen
    only through a 支援会議 or an emergency cannot be put into a household), asked of the access core here."""
    organization = acting_organization(user, organization_id)
    if not members:
        raise PeopleError(_("世帯員を一人以上登録してください。"))
    decisions = decisions_for(user, [m.person.pk for m in members])
    if not all(decisions[m.person.pk].allowed for m in members):
        raise PeopleError(_("閲覧権限のない方を世帯員にすることはできません。"))
    if not all(decisions[m.person.pk].may_edit for m in members):
        raise PeopleError(_("閲覧のみの方（支援会議・緊急時の閲覧）を世帯員にすることはできません。"))
    if sum(1 for m in members if m.relationship == Relationship.HEAD) > 1:
        raise PeopleError(_("世帯主は一人です。"))
    if len(members) > 1 and _hidden_protected_location(user, [m.person for m in members]):
        raise PeopleError(HOUSEHOLD_LOCATION_HIDDEN)
    household = Household.objects.create(
        municipality_id=user.municipality_id,
        address=address.strip(),
        postal_code="".join(ch for ch in postal_code if ch.isdigit()),
        district=district,
        resident_household_number=resident_household_number.strip(),
        notes=notes.strip(),
        registered_by=organization,
        created_by=user,
    )
    for order, member in enumerate(members):
        HouseholdMember.objects.create(
            municipality_id=user.municipality_id,
            household=household,
            person=member.person,
            relationship=member.relationship,
            relationship_note=member.relationship_note.strip(),
            lives_together=member.lives_together,
            is_key_person=member.is_key_person,
            order=order,
        )
    audit_record(
        user=user,
        organization=organization,
        action=Action.CREATE,
        obj=household,
        summary=f"世帯を登録（世帯員{len(members)}名）",
        changes={"members": [None, [[m.person.pk, m.relationship] for m in members]]},
        basis=Basis.OWN_RECORD,
        basis_source="registration",
        request=request,
    )
    return household


@transaction.atomic
def household_member_add(
    *, user: User, household: Household, member: MemberInput, request: HttpRequest | None = None
) -> HouseholdMember:  # fmt: skip
    """Add a person to a household. The user must be able to edit the household (through one of its
    members' records) and the person joining it, both asked of the access core here."""
    household_decision = _household_edit_decision(user, household)
    member_decision = decide(user, member.person.pk)
    if not member_decision.allowed:
        raise PeopleError(_("閲覧権限のない方を世帯員にすることはできません。"))
    if not member_decision.may_edit:
        raise PeopleError(_("閲覧のみの方（支援会議・緊急時の閲覧）を世帯員にすることはできません。"))
    # Checked on the locked household: two members added at once cannot both be its head, or the same person.
    locked(household)
    current = [m.person for m in household.members.filter(person__merged_into__isnull=True).select_related("person")]
    if _hidden_protected_location(user, [*current, member.person]):
        raise PeopleError(HOUSEHOLD_LOCATION_HIDDEN)
    if HouseholdMember.objects.filter(household=household, person=member.person).exists():
        raise PeopleError(_("この方はすでにこの世帯の世帯員です。"))
    if member.relationship == Relationship.HEAD and household.members.filter(relationship=Relationship.HEAD).exists():
        raise PeopleError(_("この世帯にはすでに世帯主がいます。"))
    created = HouseholdMember.objects.create(
        municipality_id=household.municipality_id,
        household=household,
        person=member.person,
        relationship=member.relationship,
        relationship_note=member.relationship_note.strip(),
        lives_together=member.lives_together,
        is_key_person=member.is_key_person,
        order=household.members.count(),
    )
    bump_version(household)
    audit_record(
        user=user, organization=household_decision.strongest.organization, action=Action.UPDATE, obj=household,
        person_id=member.person.pk, summary=f"世帯員を追加（{created.get_relationship_display()}）",
        changes={"member_added": [None, member.person.pk]}, basis=household_decision.strongest.basis,
        basis_source=household_decision.strongest.source, request=request,
    )  # fmt: skip
    return created
