"""Fixed test data for the counts, with the figures computed by hand (test_counts.py says how).

Places (P) and sessions (S), by programme; 年度 2025 is 2025-04-01 … 2026-03-31:

- 地域介護予防活動支援事業 (caseworker A's 地域包括 runs it):
  P1 八橋いきいきサロン, opened 2024-04-01 — S1 2025-03-31 (10, partner X), S2 2025-04-01 (12, 2 volunteers,
  X and Y; persons A and B known), S4 2026-04-01 (15)
  P2 赤碕ふれあいサロン, 2025-04-01 … 2026-03-31 — S3 2026-03-31 (8, Y; person A known)
  P4 浦安体操の会, opened 2026-04-01 — no sessions
  P5 旧・逢束サロン, 2023-04-01 … 2025-03-31 — S6 2025-03-01 (5)
- 地域子育て支援拠点事業 (みどり保育園): P3 みどり保育園子育て支援センター, opened 2020-04-01 — S5 2025-10-15
  (20: 9 aged 0–5, 9 aged 18–39; partner Z)
- 生活支援体制整備事業 (社協's coordinator): log 2025-04-01 with W and X; log 2026-04-01 with V.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tsunagu.community import services
from tsunagu.community.models import ActivitySession, CoordinatorActivity, Partner, Place, PlaceKind
from tsunagu.community.tests.factories import CHILD_REARING, place, program, session
from tsunagu.core.models import Organization, Role, User
from tsunagu.core.services import user_create
from tsunagu.people.models import Person
from tsunagu.people.tests.helpers import register


@dataclass
class Fixed:
    cw_a: User
    hub: User
    shakyo: User
    places: dict[str, Place]
    sessions: dict[str, ActivitySession]
    partners: dict[str, Partner]
    persons: dict[str, Person]


def staff_at(town, name: str, username: str) -> User:
    organization = Organization.objects.get(municipality=town, name=name)
    return user_create(municipality=town, username=username, password="correct-horse-battery", display_name=username,
                       memberships=[(organization, Role.CASEWORKER)])  # fmt: skip


def fixed_town(personas) -> Fixed:
    town, cw_a = personas.town, personas.caseworker_a
    hub = staff_at(town, "みどり保育園", "hub")
    shakyo = staff_at(town, "琴浦町社会福祉協議会", "shakyo")
    partners = {
        key: services.partner_create(user=cw_a, data=services.PartnerInput(name=name))
        for key, name in (("X", "琴浦町老人クラブ連合会"), ("Y", "八橋小学校"), ("Z", "琴浦町食生活改善推進員会"),
                          ("W", "JA鳥取中央 琴浦支店"), ("V", "まちづくり協議会"))
    }  # fmt: skip
    p = {
        "P1": place(cw_a, name="八橋いきいきサロン", opened_on=date(2024, 4, 1)),
        "P2": place(cw_a, name="赤碕ふれあいサロン", opened_on=date(2025, 4, 1), closed_on=date(2026, 3, 31)),
        "P4": place(cw_a, name="浦安体操の会", opened_on=date(2026, 4, 1)),
        "P5": place(cw_a, name="旧・逢束サロン", opened_on=date(2023, 4, 1), closed_on=date(2025, 3, 31)),
        "P3": place(hub, code=CHILD_REARING, name="みどり保育園子育て支援センター", kind=PlaceKind.CHILD_REARING_HUB,
                    opened_on=date(2020, 4, 1), host_name="", host_organization=Organization.objects.get(
                        municipality=town, name="みどり保育園")),
    }  # fmt: skip
    s = {
        "S1": session(cw_a, p["P1"], date(2025, 3, 31), 10, partners=[partners["X"]]),
        "S2": session(cw_a, p["P1"], date(2025, 4, 1), 12, volunteers=2, partners=[partners["X"], partners["Y"]]),
        "S3": session(cw_a, p["P2"], date(2026, 3, 31), 8, partners=[partners["Y"]]),
        "S4": session(cw_a, p["P1"], date(2026, 4, 1), 15),
        "S5": session(hub, p["P3"], date(2025, 10, 15), 20, title="親子ふれあい遊び", ages={"age_0_5": 9, "age_18_39": 9},
                      partners=[partners["Z"]]),
        "S6": session(cw_a, p["P5"], date(2025, 3, 1), 5),
    }  # fmt: skip
    persons = {"A": register(cw_a), "B": register(cw_a, given_name="次郎", given_name_kana="ジロウ")}
    for key, person in (("S2", "A"), ("S2", "B"), ("S3", "A")):
        services.participation_link(user=cw_a, session=s[key], person=persons[person])
    life = program(town.pk, "life-support-system")
    for day, keys in ((date(2025, 4, 1), ("W", "X")), (date(2026, 4, 1), ("V",))):
        services.log_record(user=shakyo, data=services.LogInput(
            worked_on=day, activity=CoordinatorActivity.NETWORK, content="協議体で地域の困りごとを共有した",
            program=life, partners=[partners[k] for k in keys]))  # fmt: skip
    return Fixed(cw_a, hub, shakyo, p, s, partners, persons)
