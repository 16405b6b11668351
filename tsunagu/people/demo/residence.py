"""Where a demo household lives, how it is reached, and what the resident register says of it.

Addresses in the demo districts, landlines, mobiles and mail addresses (all visibly fictional), the
register numbers of registered residents, the few addresses protected for DV, and 髙橋-style register
spellings kept with the everyday form as a 通称.
"""

from __future__ import annotations

from tsunagu.people.demo import names
from tsunagu.people.demo.persons import FEMALE, Draws
from tsunagu.people.demo.rows import HouseholdRow, Kind, OtherNameRow, PersonRow
from tsunagu.people.demo.town import DEMO_MAIL_DOMAIN, DEMO_MARK, DV_CARE_NOTE
from tsunagu.people.models import NameKind


class Residence(Draws):
    """Places a unit's people, gives them contacts and register entries."""

    def place(self, kind: Kind, people: list[PersonRow], household: HouseholdRow | None) -> None:
        if kind == Kind.HOMELESS or not self.town.districts:
            return
        index = self.rng.randrange(len(self.town.districts))
        district, postal = self.town.districts[index], self.town.postal_codes[index]
        address = f"{self.town.address_prefix}{DEMO_MARK}{district} {self.rng.randint(1, 2400)}番地"
        if self.chance(0.15):
            address += str(self.rng.randint(1, 12))
        for person in people:
            person.address, person.postal_code, person.district = address, postal, district
        if household is not None:
            household.address, household.postal_code, household.district = address, postal, district

    def contacts(self, kind: Kind, people: list[PersonRow]) -> None:
        if kind == Kind.HOMELESS:
            return
        elderly = any((p.age or 0) >= 65 for p in people)
        if self.chance(0.85 if elderly else 0.45):
            landline = self.phone()
            for person in people:
                person.phone = landline
        for person in people:
            age = person.age or 0
            if 18 <= age < 75 and self.chance(0.2):
                if person.phone:
                    person.phone2 = self.phone()
                else:
                    person.phone = self.phone()
            if 18 <= age < 60 and self.chance(0.1):
                self.mail_seq += 1
                person.email = f"demo{self.mail_seq:06d}@{DEMO_MAIL_DOMAIN}"
        if kind in (Kind.REGISTERED_ELSEWHERE, Kind.FAMILY_REGISTERED_ELSEWHERE):
            for person in people:
                person.contact_notes = "住民票は町外にある（デモ）"

    def register(self, people: list[PersonRow], household: HouseholdRow | None, registered: bool) -> None:
        if registered:
            if household is not None:
                self.household_seq += 1
                household.resident_household_number = f"{self.household_seq:010d}"
            for person in people:
                self.resident_seq += 1
                person.resident_number = f"{self.resident_seq:010d}"
                person.is_registered_resident = True
            return
        # Without a register entry the birth date is what the person told, and sometimes not known.
        for person in people:
            if self.chance(0.3 if household is None else 0.1):
                person.birth_date, person.age = None, None

    def protect_if_dv(self, kind: Kind, people: list[PersonRow], household: HouseholdRow | None) -> None:
        """A few mothers (and their children) are protected from an abuser: the address is never disclosed.

        The household record gets no address either: its page is shown to every agency that can see any
        member, and would otherwise give the address away.
        """
        head = people[0]
        if head.sex != FEMALE or (head.age or 0) >= 50:
            return
        at_risk = (kind == Kind.SINGLE_PARENT and self.chance(0.06)) or (
            kind == Kind.SINGLE_ADULT and self.chance(0.03)
        )
        if not at_risk:
            return
        for person in people:
            person.address_protected, person.care_notes = True, DV_CARE_NOTE
        if household is not None:
            household.address, household.postal_code = "", ""
            household.notes = "住所は世帯員の記録で非開示として管理（デモ）"

    def traditional_forms(self, people: list[PersonRow]) -> None:
        """Some 高橋 are 髙橋 in the register; they go by 高橋, kept as a 通称 so either spelling finds them."""
        everyday = people[0].family_name
        traditional = names.TRADITIONAL_FORMS.get(everyday)
        if traditional is None or not self.chance(0.2):
            return
        for person in people:
            if person.family_name == everyday:
                person.family_name = traditional
                alias = OtherNameRow(
                    NameKind.ALIAS, everyday, person.family_name_kana, person.given_name, person.given_name_kana
                )
                person.other_names.append(alias)
