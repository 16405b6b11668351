"""The one door to people and households: every read of a person or household goes through these selectors.

Each takes the user, returns only what the user may see (anything else is ``Http404``, never 403, so a
stranger learns nothing of a record's existence), and writes the audit entry for the read or search with
the grounds that let the user in (``tsunagu.access.disclosure``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from tsunagu.access.disclosure import Shown, disclosure_audit, shown_audit
from tsunagu.access.models import Basis
from tsunagu.access.policy import (
    BASIS_PRIORITY,
    AccessDecision,
    LocationDecision,
    decide,
    decisions_for,
    visible_person,
)
from tsunagu.access.services import AccessError, acting_organization
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import User
from tsunagu.people.duplicates import Candidate, likely_duplicates
from tsunagu.people.models import AddressViewer, Household, HouseholdMember, Person, PersonMerge, PersonName
from tsunagu.people.protection import location_for, locations_for
from tsunagu.people.search import PersonConditions, PersonQuery, person_conditions
from tsunagu.people.services import PersonInput


def _person_base(user: User) -> QuerySet[Person]:
    return Person.objects.filter(municipality_id=user.municipality_id, merged_into__isnull=True)


def person_list_for_user(*, user: User) -> QuerySet[Person]:
    """The people the user may see (not audited: callers show or search through the functions below).

    Visibility is a correlated EXISTS on the person's grants, not an IN over every person the
    organisation may see: the town division that holds the resident register sees everyone, and a list
    of half a million ids per query is what made searches slow.
    """
    return _person_base(user).filter(visible_person(user))


@dataclass(frozen=True)
class PersonView:
    person: Person
    decision: AccessDecision
    # The person's location as this user may see it (tsunagu.people.protection).
    location: LocationDecision

    @property
    def location_hidden(self) -> bool:
        """A protected (DV) address, postal code and district — the person's own protection or one
        inherited from a household member — are shown to the protecting agency and its named staff only."""
        return self.location.hidden

    @property
    def care_notes_visible(self) -> bool:
        # A protected person's 配慮事項 give the reason (and often the refuge): they go with the location.
        if self.person.address_protected:
            return self.location.visible
        return self.decision.holds_own_record


def person_check_for_user(*, user: User, pk: int, editing: bool = False) -> PersonView:
    """One person, with the reasons the user may see them; 404 if they may not. Not a read: the explicit
    pre-check of a write (a POST that changes or adds, then redirects), whose service audits the write.

    ``editing``: the page changes the record, so a reader without an editing basis (own record or consent;
    a 支援会議 or an emergency only lets an agency read) gets 404 as well.
    """
    person = (
        _person_base(user)
        .select_related("district", "registered_by", "address_protected_by")
        .prefetch_related("other_names")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    decision = decide(user, person.pk)
    if not decision.allowed or (editing and not decision.may_edit):
        raise Http404
    return PersonView(person=person, decision=decision, location=location_for(user, person, decision))


def location_hidden_for_user(*, user: User, person: Person) -> bool:
    """Whether a person's location (their own protection or an inherited one) is to be kept from this user:
    for a print or export of a record about a person the caller already read through the access core."""
    return location_for(user, person, decide(user, person.pk)).hidden


def person_get_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, editing: bool = False
) -> PersonView:
    """One person the user may see, for a page that shows them; 404 otherwise. Always writes the read entry."""
    view = person_check_for_user(user=user, pk=pk, editing=editing)
    disclosure_audit(
        user=user, grounds=view.decision.grounds, obj=view.person, person_id=pk, summary="本人の記録を閲覧",
        request=request,
    )  # fmt: skip
    return view


class PersonSearchResults:
    """The people a search finds, in reading order, fetched a slice at a time.

    Two indexed queries — people by their own names, people by an alias — merged in Python; each stops
    after the rows the page needs. Supports slicing, iteration (the first ``ITERATION_LIMIT``) and exists().
    """

    ITERATION_LIMIT = 1000
    ORDER = ("kana_key", F("birth_date").asc(nulls_last=True), "pk")

    def __init__(
        self, base: QuerySet[Person], conditions: PersonConditions | None, names: QuerySet[PersonName] | None = None,
        *, user: User | None = None, terms: dict | None = None, request: HttpRequest | None = None,
    ):  # fmt: skip
        self._base = base.select_related("district")
        self._conditions = conditions
        self._names = names  # the other names of people the user may see
        self._user, self._terms, self._request = user, terms, request

    def _shown(self, people: list[Person]) -> list[Person]:
        """Audit what is about to be shown: the search terms and the people, with the grounds for each.

        Each person carries ``location_hidden`` for the list's district column (``protection``)."""
        if self._user is not None:
            decisions = decisions_for(self._user, [p.pk for p in people])
            for person, location in zip(people, locations_for(self._user, people, decisions).values(), strict=True):
                person.location_hidden = location.hidden  # type: ignore[attr-defined]
            shown_audit(
                user=self._user, action=Action.SEARCH, summary="本人の検索", terms=self._terms, request=self._request,
                shown=[Shown("person", p.pk, p.pk, decisions[p.pk].grounds) for p in people if decisions[p.pk].allowed],
            )  # fmt: skip
        return people

    def _alias_person_ids(self, limit: int) -> list[int]:
        # The first ``limit`` matching other names, in their readings' order: a page never needs more,
        # and a short list keeps the second query as fast as the first.
        if self._conditions is None or self._conditions.alias is None or self._names is None:
            return []
        names = self._names.filter(self._conditions.alias).order_by("kana_key", "pk")
        return list(dict.fromkeys(names.values_list("person_id", flat=True)[:limit]))

    @staticmethod
    def _key(person: Person) -> tuple:
        return (person.kana_key, person.birth_date is None, person.birth_date or date.min, person.pk)

    def _first(self, limit: int) -> list[Person]:
        if self._conditions is None or limit <= 0:
            return []
        found = {p.pk: p for p in self._base.filter(self._conditions.main).order_by(*self.ORDER)[:limit]}
        if alias_ids := self._alias_person_ids(limit):
            via_alias = self._base.filter(self._conditions.others, pk__in=alias_ids)
            found.update((p.pk, p) for p in via_alias.order_by(*self.ORDER)[:limit])
        return sorted(found.values(), key=self._key)[:limit]

    def __getitem__(self, index: slice) -> list[Person]:
        start, stop = index.start or 0, index.stop if index.stop is not None else self.ITERATION_LIMIT
        return self._shown(self._first(stop)[start:stop])

    def page_slice(self, start: int, size: int) -> list[Person]:
        """``size`` + 1 rows from ``start`` for ``page_of``; only the ``size`` shown are audited."""
        rows = self._first(start + size + 1)[start:]
        self._shown(rows[:size])
        return rows

    def __iter__(self) -> Iterator[Person]:
        return iter(self._shown(self._first(self.ITERATION_LIMIT)))

    def exists(self) -> bool:
        return bool(self._first(1))

    def count_upto(self, limit: int) -> int:
        """How many people the search finds, counted no further than ``limit`` (for the list's 「…件」): one
        bounded COUNT, and one more for the people found by another name. Nobody is shown, so nothing is
        audited."""
        if self._conditions is None or limit <= 0:
            return 0
        found = Q(self._conditions.main)
        if self._conditions.alias is not None and self._names is not None:
            # Distinct people, not names: someone with three matching other names is one person.
            names = self._names.filter(self._conditions.alias).order_by().values_list("person_id", flat=True)
            if alias_ids := list(names.distinct()[:limit]):
                found |= Q(self._conditions.others, pk__in=alias_ids)
        return self._base.filter(found).order_by().values("pk")[:limit].count()


def person_search_for_user(
    *, user: User, query: PersonQuery, request: HttpRequest | None = None
) -> PersonSearchResults:
    """People matching ``query`` among those the user may see. The search itself is audited with its terms."""
    if query.is_empty:
        return PersonSearchResults(Person.objects.none(), None)
    conditions = person_conditions(query, municipality_id=user.municipality_id)
    names = PersonName.objects.filter(municipality_id=user.municipality_id, person__merged_into__isnull=True).filter(
        visible_person(user, person_field="person_id")
    )
    return PersonSearchResults(
        person_list_for_user(user=user), conditions, names, user=user, terms=query.terms(), request=request
    )


@dataclass(frozen=True)
class MemberView:
    member: HouseholdMember
    decision: AccessDecision


@dataclass(frozen=True)
class HouseholdView:
    household: Household
    visible_members: list[MemberView]
    hidden_member_count: int
    decision: AccessDecision
    # True when a member's location is protected (DV, their own or inherited) and the user may not see
    # it: the household's address, postal code and district would give it away.
    location_hidden: bool = False


def household_check_for_user(*, user: User, pk: int, editing: bool = False) -> HouseholdView:
    """A household as the user may see it: only the members they may see are shown, others are counted.

    404 unless the user may see at least one member. Not a read: the pre-check of a write.
    """
    household = Household.objects.filter(municipality_id=user.municipality_id, pk=pk).select_related("district").first()
    if household is None:
        raise Http404
    members = list(
        HouseholdMember.objects.filter(household=household, person__merged_into__isnull=True)
        .select_related("person")
        .order_by("order", "pk")
    )
    decisions = decisions_for(user, [m.person_id for m in members])
    visible = [MemberView(m, decisions[m.person_id]) for m in members if decisions[m.person_id].allowed]
    if not visible:
        raise Http404
    # The household is seen through the strongest access the user has to any of its members.
    strongest = min((v.decision for v in visible), key=lambda d: BASIS_PRIORITY.index(Basis(d.strongest.basis)))
    if editing and not any(v.decision.may_edit for v in visible):
        raise Http404
    # Every member counts, those the user cannot see too: their location is not the user's to see.
    locations = locations_for(user, [m.person for m in members], decisions)
    return HouseholdView(
        household=household,
        visible_members=visible,
        hidden_member_count=len(members) - len(visible),
        decision=strongest,
        location_hidden=any(location.protected and location.hidden for location in locations.values()),
    )


def household_get_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, editing: bool = False
) -> HouseholdView:
    """The household for a page that shows it (404 as ``household_check_for_user``); writes the read entry."""
    view = household_check_for_user(user=user, pk=pk, editing=editing)
    # Each member shown is read on the grounds that let the user see that member: one entry per basis.
    members = view.visible_members
    shown = [Shown("person", m.member.person_id, m.member.person_id, m.decision.grounds) for m in members]
    shown_audit(user=user, obj=view.household, request=request, summary="世帯の記録を閲覧", shown=shown)
    return view


def households_of_person(*, user: User, person: Person) -> list[HouseholdMember]:
    # The household's address is not shown here; its page is read (and audited) on its own.
    """The households a (visible) person belongs to, for the person page."""
    return list(HouseholdMember.objects.filter(person=person).select_related("household").order_by("household_id"))


def address_viewers_of(*, view: PersonView) -> list[AddressViewer] | None:
    """The staff named to see a protected location, for the protecting agency's page (None for anyone else,
    who is not told whom the agency trusts)."""
    person = view.person
    if not (person.address_protected and view.location.changeable):
        return None
    viewers = AddressViewer.objects.filter(
        person=person, organization=person.address_protected_by, revoked_at__isnull=True
    )
    return list(viewers.select_related("user", "named_by"))


def merges_into_person(*, person: Person) -> QuerySet[PersonMerge]:
    """Merges that folded other records into a person the caller may see (shown on the person's page)."""
    return PersonMerge.objects.filter(kept=person, undone_at__isnull=True).select_related("merged", "merged_by")


def person_merge_get_for_user(*, user: User, pk: int) -> PersonMerge:
    """A merge whose kept record the user may see; 404 otherwise."""
    record = PersonMerge.objects.filter(pk=pk, municipality_id=user.municipality_id).first()
    if record is None or not decide(user, record.kept_id).allowed:
        raise Http404
    return record


def emergency_person_lookup(
    *, user: User, kana_key: str = "", birth_date: date | None = None, resident_number: str = "",
    request: HttpRequest | None = None,
) -> list[Person]:  # fmt: skip
    """Exact-identifier lookup across the municipality, for an emergency request only.

    Name and birth date together, or the 宛名番号: enough to find the person one means, never a list
    to browse. The caller shows no details of what was found before the grant exists.
    """
    if resident_number.strip():
        condition = Q(resident_number=resident_number.strip())
    elif kana_key and birth_date:
        condition = Q(kana_key=kana_key, birth_date=birth_date)
    else:
        raise AccessError(_("氏名（フリガナ）と生年月日、または宛名番号を入力してください。"))
    organization = acting_organization(user)
    found = list(Person.objects.filter(condition, municipality_id=user.municipality_id, merged_into__isnull=True)[:2])
    # Every lookup is recorded, found or not: it is a search across records the user may not see.
    audit_record(
        user=user,
        action=Action.SEARCH,
        organization=organization,
        summary=f"緊急時の照会（該当{len(found)}件{'以上' if len(found) > 1 else ''}）",
        terms={"kana_key": kana_key, "birth_date": birth_date, "resident_number": resident_number.strip()},
        records={"person": [p.pk for p in found]},
        basis=Basis.EMERGENCY,
        basis_source="emergency lookup",
        request=request,
    )
    return found


def duplicates_for_user(
    *, user: User, data: PersonInput, exclude_pk: int | None = None, request: HttpRequest | None = None
) -> list[Candidate]:
    """Likely duplicates of ``data`` among the people the user may see, audited as shown (registration, 名寄せ)."""
    visible = person_list_for_user(user=user)
    if exclude_pk is not None:
        visible = visible.exclude(pk=exclude_pk)
    candidates = likely_duplicates(visible=visible, data=data)
    decisions = decisions_for(user, [c.person.pk for c in candidates])
    shown_audit(
        user=user, action=Action.SEARCH, summary="同一人物の候補を表示", request=request,
        shown=[Shown("person", c.person.pk, c.person.pk, decisions[c.person.pk].grounds) for c in candidates],
    )  # fmt: skip
    return candidates
