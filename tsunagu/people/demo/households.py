"""The shapes of household in the demo town: who lives together, their ages and their relationships.

One method for each ``Kind`` (see ``generator._Builder``), each giving the members head first; they
draw people, couples and children from ``Draws``.
"""

from __future__ import annotations

from tsunagu.people.demo.names import Name
from tsunagu.people.demo.persons import FEMALE, MALE, Draws
from tsunagu.people.demo.rows import OtherNameRow, PersonRow
from tsunagu.people.models import NameKind, Relationship


class HouseholdShapes(Draws):
    """The members of a household of each shape, head first."""

    # -- household shapes

    def single_elderly(self) -> list[PersonRow]:
        sex = FEMALE if self.chance(0.7) else MALE
        return [self.person(self.family(), sex, self.elderly_age(older=True), Relationship.HEAD)]

    def single_adult(self) -> list[PersonRow]:
        sex = MALE if self.chance(0.58) else FEMALE
        age = self.rng.choice((self.rng.randint(19, 34), self.rng.randint(35, 64)))
        return [self.person(self.family(), sex, age, Relationship.HEAD)]

    def elderly_couple(self) -> list[PersonRow]:
        return self.couple(self.family(), max(67, self.elderly_age()), male_head=not self.chance(0.06))

    def couple_without_children(self) -> list[PersonRow]:
        age = self.rng.randint(50, 66) if self.chance(0.75) else self.rng.randint(24, 40)
        return self.couple(self.family(), age, male_head=not self.chance(0.12))

    def couple_with_children(self) -> list[PersonRow]:
        family = self.family()
        # Young families are fewer in a rural town than older parents with teenage or grown-up children.
        head_age = max(self.rng.randint(27, 58), self.rng.randint(27, 58))
        pair = self.couple(family, head_age, male_head=not self.chance(0.08))
        kids = self.children(family, pair, self.child_count(), oldest=26, relationship=Relationship.CHILD)
        return pair + kids

    def three_generations(self) -> list[PersonRow]:
        family = self.family()
        draw = self.rng.random()
        if draw < 0.5:
            # The middle generation is the head; his (or her) parents live with them.
            pair = self.couple(family, self.rng.randint(42, 63), male_head=not self.chance(0.1))
            head = pair[0]
            assert head.age is not None
            if draw < 0.06:
                # The spouse's widowed mother (妻・夫の母): a wife's mother under the wife's maiden name.
                spouse = pair[1]
                assert spouse.age is not None
                if spouse.family_name_kana != family[1]:
                    maiden = (spouse.family_name, spouse.family_name_kana)
                elif spouse.sex == FEMALE:
                    maiden = self.other_family(family)
                    self.maybe_former_name(spouse, maiden, p=0.5)
                else:
                    maiden = family
                elder = self.person(maiden, FEMALE, min(99, max(65, spouse.age + self.rng.randint(22, 38))))
                elder.relationship = Relationship.SPOUSE_PARENT
                elders = [elder]
            else:
                elders = self.parents_of(family, head.age)
            kids = self.children(family, pair, self.child_count(none=25), oldest=30, relationship=Relationship.CHILD)
            return pair + elders + kids
        # The eldest generation is the head; a married child and grandchildren live with them.
        head_age = self.rng.randint(68, 90)
        if self.chance(0.55):
            pair = self.couple(family, head_age, male_head=not self.chance(0.05))
        else:
            pair = [self.person(family, FEMALE if self.chance(0.7) else MALE, head_age, Relationship.HEAD)]
        mother = next((p for p in pair if p.sex == FEMALE), None)
        lo, hi = self.child_age_range([p.age for p in pair if p.age is not None], mother.age if mother else None, 58)
        child = self.person(family, MALE if self.chance(0.8) else FEMALE, self.rng.randint(lo, hi), Relationship.CHILD)
        assert child.age is not None
        partner_age = self.spouse_age(child.age, husband=child.sex == MALE, floor=25)
        partner = self.person(family, FEMALE if child.sex == MALE else MALE, partner_age)
        partner.relationship = Relationship.CHILD_SPOUSE
        if partner.sex == FEMALE:
            self.maybe_former_name(partner)
        grandchildren = self.children(
            family, [child, partner], self.child_count(none=15), oldest=30, relationship=Relationship.GRANDCHILD
        )
        return [*pair, child, partner, *grandchildren]

    def parents_of(self, family: Name, head_age: int) -> list[PersonRow]:
        """One or both parents of the head, 20–45 years older (so, in practice, 65 or over)."""
        father_age = min(99, head_age + self.rng.randint(24, 40))
        mother_age = max(head_age + 20, min(head_age + 42, self.spouse_age(father_age, husband=True)))
        draw = self.rng.random()
        elders = []
        if draw < 0.55:
            elders.append(self.person(family, FEMALE, mother_age, Relationship.PARENT))
        elif draw < 0.7:
            elders.append(self.person(family, MALE, father_age, Relationship.PARENT))
        else:
            elders.append(self.person(family, MALE, father_age, Relationship.PARENT))
            elders.append(self.person(family, FEMALE, mother_age, Relationship.PARENT))
        return elders

    def single_parent(self) -> list[PersonRow]:
        family = self.family()
        sex = FEMALE if self.chance(0.85) else MALE
        parent = self.person(family, sex, self.rng.randint(24, 55), Relationship.HEAD)
        count = self.rng.choices((1, 2, 3), weights=(50, 38, 12))[0]
        kids = self.children(family, [parent], count, oldest=22, relationship=Relationship.CHILD)
        return [parent, *kids]

    def elder_with_child(self) -> list[PersonRow]:
        """Older parents, or a widowed parent, and an unmarried (or divorced) grown-up child."""
        family = self.family()
        if self.chance(0.4):
            parents = self.couple(family, self.elderly_age(lo=66), male_head=True)
            return parents + self.children(family, parents, 1, oldest=60, relationship=Relationship.CHILD)
        parent = self.person(family, FEMALE if self.chance(0.72) else MALE, self.elderly_age(lo=66))
        assert parent.age is not None
        child_age = max(22, min(parent.age - 20, parent.age - self.rng.randint(24, 40)))
        child = self.person(family, self.rng.choice((FEMALE, MALE)), child_age)
        if self.chance(0.65):
            parent.relationship, child.relationship = Relationship.HEAD, Relationship.CHILD
            return [parent, child]
        child.relationship, parent.relationship = Relationship.HEAD, Relationship.PARENT
        return [child, parent]

    def eighty_fifty(self) -> list[PersonRow]:
        """8050: a parent in their eighties (or both parents) and an unmarried child in their fifties."""
        family = self.family()
        parent_age = self.rng.randint(78, 94)
        if self.chance(0.3):
            parents = self.couple(family, parent_age, male_head=True)
        else:
            parents = [self.person(family, FEMALE if self.chance(0.7) else MALE, parent_age, Relationship.HEAD)]
        ages = [p.age for p in parents if p.age is not None]
        mother = next((p.age for p in parents if p.sex == FEMALE), None)
        hi = min(min(ages) - 20, 62)
        lo = min(hi, max(max(ages) - 45, (mother - 42) if mother is not None else 0, 48))
        child = self.person(family, MALE if self.chance(0.65) else FEMALE, self.rng.randint(lo, hi))
        if len(parents) == 1 and self.chance(0.3):
            parents[0].relationship, child.relationship = Relationship.PARENT, Relationship.HEAD
            return [child, parents[0]]
        child.relationship = Relationship.CHILD
        return [*parents, child]

    def siblings(self) -> list[PersonRow]:
        family = self.family()
        elderly = self.chance(0.6)
        age = self.elderly_age() if elderly else self.rng.randint(40, 64)
        head = self.person(family, FEMALE if self.chance(0.6) else MALE, age, Relationship.HEAD)
        other_age = max(18, min(104, age + self.rng.choice((-8, -5, -3, -2, 2, 3, 5, 8))))
        sex = FEMALE if self.chance(0.6) else MALE
        if elderly and sex == FEMALE and self.chance(0.4):
            # A widowed sister who came back home: her married name, and the family's name as 旧姓.
            sister = self.person(self.other_family(family), sex, other_age, Relationship.SIBLING)
            sister.other_names.append(
                OtherNameRow(NameKind.FORMER, family[0], family[1], sister.given_name, sister.given_name_kana)
            )
            return [head, sister]
        return [head, self.person(family, sex, other_age, Relationship.SIBLING)]

    def unrelated(self) -> list[PersonRow]:
        if self.chance(0.6):
            # Young workers from abroad sharing an employer's flat.
            sex = self.rng.choice((FEMALE, MALE))
            count = self.rng.randint(2, 4)
            people = [self.foreign_person(sex, self.rng.randint(20, 33), Relationship.UNRELATED) for _ in range(count)]
            people[0].relationship = Relationship.HEAD
            for other in people[1:]:
                other.relationship_note = "同居人"
            return people
        # Two older people sharing a house.
        head = self.person(self.family(), FEMALE if self.chance(0.6) else MALE, self.elderly_age())
        head.relationship = Relationship.HEAD
        friend = self.person(self.family(), FEMALE if self.chance(0.6) else MALE, self.elderly_age())
        friend.relationship, friend.relationship_note = Relationship.UNRELATED, "同居人"
        return [head, friend]

    def homeless(self) -> list[PersonRow]:
        sex = MALE if self.chance(0.85) else FEMALE
        person = self.person(self.family(), sex, self.rng.randint(32, 78))
        person.contact_notes = "住所不定。町内で寝泊まりしている（デモ）"
        return [person]

    def registered_elsewhere(self) -> list[PersonRow]:
        """Living in the town with the 住民票 left in another town (a job, a partner, a debt)."""
        return [self.person(self.family(), self.rng.choice((FEMALE, MALE)), self.rng.randint(19, 85))]

    def family_registered_elsewhere(self) -> list[PersonRow]:
        return self.couple_with_children() if self.chance(0.6) else self.single_parent()
