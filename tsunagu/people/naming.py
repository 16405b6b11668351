"""How households, consultations and referrals are named on screen: as staff name them, never by an id.

The one place these names are made (finding 6 of issue 11). Each name is built only from what the reader
may see:

- 世帯: the head's name and 「世帯」 (「山田　トメ世帯」), with the household's address where the reader may
  see it. A protected (DV) location, the member's own or inherited (``tsunagu.people.protection``), is left
  out entirely — address and 地区 alike. A head the reader may not see is not named: the household is then
  called after a member they do see (「山田　一郎さんの世帯」).
- 相談受付: the day it was received (和暦), whom it is about (or 匿名) and its main issue. Whoever may read a
  consultation may see the person it is about, so the name needs nothing more than the record.
- つなぎ: the referring organisation → the receiving one, and the day it was sent.

Templates use the filters in ``tsunagu.people.templatetags.naming``; forms use ``HouseholdChoiceField``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.disclosure import Shown, shown_audit
from tsunagu.access.policy import decisions_for
from tsunagu.core.japanese.display import date_label
from tsunagu.core.models import User
from tsunagu.core.params import ModelChoiceField
from tsunagu.people.models import Household, HouseholdMember, Person, Relationship
from tsunagu.people.protection import locations_for


def _day(at: datetime) -> str:
    # 和暦 in Japanese, the Gregorian date (with the era) in English: core.japanese.display.
    return date_label((timezone.localtime(at) if timezone.is_aware(at) else at).date())


# --- 世帯 ------------------------------------------------------------------------------------------------


def head_of(members: Iterable[HouseholdMember]) -> HouseholdMember | None:
    """The head of household (続柄「世帯主」) among these members, in the household's order."""
    heads = [m for m in members if m.relationship == Relationship.HEAD]
    return min(heads, key=lambda m: (m.order, m.pk or 0)) if heads else None


def household_name(*, household: Household, head: Person | None, member: Person | None, location: str) -> str:
    """A household's name from what the reader may see: its head (or else a member they see), and its
    location (address, else 地区) — an empty ``location`` when it is protected from them."""
    if head is not None:
        name = _("%(name)s世帯") % {"name": head.full_name}
    elif member is not None:
        name = _("%(name)sさんの世帯") % {"name": member.full_name}
    elif household.resident_household_number:
        name = _("世帯（世帯番号 %(number)s）") % {"number": household.resident_household_number}
    else:
        name = _("世帯")
    return _("%(name)s（%(location)s）") % {"name": name, "location": location} if location else name


def household_location(household: Household, *, hidden: bool) -> str:
    """What of a household's location goes into its name: the address, else its 地区; nothing if hidden."""
    if hidden:
        return ""
    if household.address:
        return household.address
    return household.district.name if household.district_id and household.district else ""


def household_name_of_view(view: Any) -> str:
    """The name of a household read through ``selectors.household_get_for_user`` (a ``HouseholdView``): its
    members shown there and its location as that read decided."""
    members = [m.member for m in view.visible_members]
    head = head_of(members)
    return household_name(
        household=view.household,
        head=head.person if head else None,
        member=members[0].person if members else None,
        location=household_location(view.household, hidden=view.location_hidden),
    )


@dataclass(frozen=True)
class _Named:
    name: str
    head: HouseholdMember | None  # the head named, when the reader may see them


def household_names_for_user(
    *, user: User, households: Sequence[Household], request: HttpRequest | None = None,
    subject: Person | None = None,
) -> dict[int, str]:  # fmt: skip
    """Names of several households as this user may see them (for lists and choices), in a constant number
    of queries: the members, the access decisions, the protections.

    A head shown here whose record the page has not otherwise read (anyone but ``subject``, the person
    whose page or form it is) is a disclosure of their name: it is audited on the grounds that let the
    user see them. The location is hidden as on the household's own page: when any member's location is
    protected and hidden from the user (``people.selectors.household_check_for_user``).
    """
    if not households:
        return {}
    members = list(
        HouseholdMember.objects.filter(household_id__in=[h.pk for h in households], person__merged_into__isnull=True)
        .select_related("person", "household__district")
        .order_by("household_id", "order", "pk")
    )
    # The households as read with their 地区 (a location without an address is named by it).
    fresh = {m.household_id: m.household for m in members}
    people = {m.person_id: m.person for m in members}
    decisions = decisions_for(user, list(people))
    locations = locations_for(user, people.values(), decisions)
    by_household: dict[int, list[HouseholdMember]] = {h.pk: [] for h in households}
    for member in members:
        by_household[member.household_id].append(member)
    named: dict[int, _Named] = {}
    for household in households:
        rows = by_household[household.pk]
        visible = [m for m in rows if decisions[m.person_id].allowed]
        head = head_of(rows)
        if head is not None and not decisions[head.person_id].allowed:
            head = None
        first = subject if subject is not None and any(m.person_id == subject.pk for m in visible) else None
        hidden = any(locations[m.person_id].protected and locations[m.person_id].hidden for m in rows)
        name = household_name(
            household=household,
            head=head.person if head else None,
            member=first or (visible[0].person if visible else None),
            location=household_location(fresh.get(household.pk, household), hidden=hidden),
        )
        named[household.pk] = _Named(name, head)
    shown = {
        n.head.person_id: Shown("person", n.head.person_id, n.head.person_id, decisions[n.head.person_id].grounds)
        for n in named.values()
        if n.head is not None and (subject is None or n.head.person_id != subject.pk)
    }
    if shown:
        shown_audit(user=user, shown=shown.values(), summary="世帯名（世帯主の氏名）を表示", request=request)
    return {pk: n.name for pk, n in named.items()}


class HouseholdChoiceField(ModelChoiceField):
    """A choice among households, each labelled with its name as the reader may see it (``offer``).

    The names are made when the choices are first shown, not when a posted form is only validated: a
    successful save reads (and audits) no household name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Household.objects.none(), **kwargs)
        self._offered: tuple[User, list[Household], Person | None, HttpRequest | None] | None = None
        self._names: dict[int, str] | None = None

    def offer(
        self, *, user: User, households: Sequence[Household], subject: Person | None = None,
        request: HttpRequest | None = None,
    ) -> None:  # fmt: skip
        self.queryset = Household.objects.filter(pk__in=[h.pk for h in households]).order_by("pk")
        self._offered, self._names = (user, list(households), subject, request), None

    def label_from_instance(self, obj: Household) -> str:
        if self._names is None:
            if self._offered is None:
                self._names = {}
            else:
                user, households, subject, request = self._offered
                self._names = household_names_for_user(
                    user=user, households=households, subject=subject, request=request
                )
        return self._names.get(obj.pk) or household_name(household=obj, head=None, member=None, location="")


# --- 相談受付 and つなぎ -----------------------------------------------------------------------------------


class _Issue(Protocol):
    name: str


class ConsultationLike(Protocol):
    """What a consultation's name is made of (``consultations.models.Consultation``; people imports no
    consultations module)."""

    received_at: datetime
    person: Person | None
    anonymous_description: str
    main_issue: _Issue


class _Organization(Protocol):
    name: str


class ReferralLike(Protocol):
    from_organization: _Organization
    to_organization: _Organization
    sent_at: datetime


def consultation_name(consultation: ConsultationLike) -> str:
    """「令和7年4月1日 山田　一郎さんの相談（8050問題）」; 「… 匿名（60代男性）の相談（…）」 when anonymous.

    Fetch with ``select_related("person", "main_issue")``: the name asks for both."""
    person = consultation.person
    if person is not None:
        who = _("%(name)sさん") % {"name": person.full_name}
    elif consultation.anonymous_description:
        who = _("匿名（%(description)s）") % {"description": consultation.anonymous_description}
    else:
        who = _("匿名")
    return _("%(date)s %(who)sの相談（%(issue)s）") % {
        "date": _day(consultation.received_at),
        "who": who,
        "issue": consultation.main_issue.name,
    }


def referral_name(referral: ReferralLike) -> str:
    """「琴浦町地域包括支援センター → 福祉あんしん課（令和7年4月3日送付）」.

    Fetch with ``select_related("from_organization", "to_organization")``."""
    return _("%(sender)s → %(receiver)s（%(date)s送付）") % {
        "sender": referral.from_organization.name,
        "receiver": referral.to_organization.name,
        "date": _day(referral.sent_at),
    }
