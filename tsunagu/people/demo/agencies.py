"""Which agency of the plan serves whom in the demo town, and who agreed to share their records.

A person's agencies get an own-record grant from the writer, on top of the registering division's; the
people who consented (``consent_on``) get a written consent covering every agency of the plan.
"""

from __future__ import annotations

from datetime import timedelta

from tsunagu.people.demo.persons import Draws
from tsunagu.people.demo.rows import Kind, PersonRow
from tsunagu.people.models import Relationship

# The organisations of the plan (plans/kotoura.toml) the demo people are records of. The register
# population is held by 福祉あんしん課, which also runs 生活困窮者自立相談支援 directly, so it is the
# registering organisation of the people without a registration as well.
REGISTER_ORGANIZATION = "福祉あんしん課"
ELDERLY_AGENCY = "琴浦町地域包括支援センター"
CHILDCARE_AGENCY = "子育て応援課"
DISABILITY_AGENCIES = (
    "相談支援センターサポートりんくす",
    "障がい者地域生活支援センター",
    "中部障がい者地域生活支援センター",
)
WORKSHOP = "町内就労支援継続Ｂ型作業所"
SOCIAL_WELFARE_COUNCIL = "琴浦町社会福祉協議会"
NURSERY_EAST = "みどり保育園"
NURSERY_AKASAKI = "赤碕こども園"
CONSENT_PURPOSE = "多機関協働による支援のため、計画の支援関係機関の間で本人の相談記録を共有すること（デモ）"


class Agencies(Draws):
    """The serving agencies and the consents of a unit's people."""

    def serving_agencies(self, kind: Kind, people: list[PersonRow]) -> None:
        """The agencies that would have these people as clients, by age and situation (about 8% of people)."""
        p65, p75, p85 = self.scale.elderly_client
        for person in people:
            age = person.age
            if age is None:
                continue
            if age >= 65:
                p = p85 if age >= 85 else p75 if age >= 75 else p65
                if kind == Kind.EIGHTY_FIFTY:
                    p = 0.5
                if self.chance(p):
                    person.agencies.append(ELDERLY_AGENCY)
            elif 15 <= age < 65 and self.chance(0.012):
                person.agencies.append(self.rng.choices(DISABILITY_AGENCIES, weights=(5, 3, 2))[0])
                if age >= 18 and self.chance(0.35):
                    person.agencies.append(WORKSHOP)
            if 1 <= age < 6 and self.chance(0.22):
                district = person.district or ""
                person.agencies.append(NURSERY_AKASAKI if district.startswith("赤碕") else NURSERY_EAST)
        young = [p for p in people if p.age is not None and p.age < 6]
        if young and self.chance(0.15):
            # 子育て応援課 supports the family: the little ones and the parents they live with.
            generation = {p.relationship for p in young}
            parents = (
                {Relationship.CHILD, Relationship.CHILD_SPOUSE}
                if generation == {Relationship.GRANDCHILD}
                else {Relationship.HEAD, Relationship.SPOUSE}
            )
            young_ids = {id(p) for p in young}
            for person in people:
                if id(person) in young_ids or (person.relationship in parents and (person.age or 0) >= 18):
                    person.agencies.append(CHILDCARE_AGENCY)
        if kind == Kind.HOMELESS and self.chance(0.5):
            people[0].agencies.append(SOCIAL_WELFARE_COUNCIL)
        if kind == Kind.EIGHTY_FIFTY and self.chance(0.2):
            child = next(p for p in people if (p.age or 0) < 65)
            child.agencies.append(SOCIAL_WELFARE_COUNCIL)

    def consents(self, people: list[PersonRow]) -> None:
        """About 1% of people agreed, in writing, to share with every agency of the plan; clients far more often."""
        for person in people:
            if person.age is None or person.age < 18:
                continue
            if self.chance(0.07 if person.agencies else 0.006):
                person.consent_on = self.as_of - timedelta(days=self.rng.randrange(730))
