"""How much casework a year holds and how it ends, and whom each agency hears from about what (``SCENARIOS``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tsunagu.consultations.models import Outcome, Route

# --- How much, and how it ends ----------------------------------------------------------------------------

SHARE_OF_PEOPLE = 0.075  # consultations in a year, per person of the town (about 1,200 for 16,000)
ANONYMOUS = 0.03
WITHOUT_CONSENT = 0.20
REFERRED = 0.25
COLLABORATION = 0.05
DECLINED = 0.08  # of the referrals answered
OVERDUE = 0.03  # of the referrals: left unanswered past their due date
OVERDUE_PER_AGENCY = 20  # an agency with this many referrals (either side) has at least one overdue
# The outcomes of the consultations neither referred nor sent to 多機関協働.
OTHER_OUTCOMES = ((Outcome.HANDLED, 0.75), (Outcome.INFORMATION, 0.15), (Outcome.ENDED, 0.10))
NOTE_COUNTS = ((1, 20), (2, 25), (3, 22), (4, 15), (5, 10), (6, 8))
BATCH_SIZE = 1_000

OPENS, CLOSES = 8 * 60 + 30, 17 * 60 + 15  # 開庁時間 8:30–17:15, in minutes
LAST_INTAKE = 17 * 60  # a consultation received later is written down the next morning
YEAR_END = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}  # 年末年始: the offices are closed


# --- Whom each agency hears from, about what -----------------------------------------------------------------


class Pool(Enum):
    """Who a consultation can be about, from age and household shape (ages on the reference date)."""

    ELDERLY = "elderly"  # 65+, the older the likelier
    ELDERLY_ALONE = "elderly_alone"
    ELDERLY_WITH_FAMILY = "elderly_with_family"
    PARENT_OF_8050 = "parent_of_8050"  # 70+ living with a child of 35–64, no children in the house
    CHILD_OF_8050 = "child_of_8050"
    WORKING_AGE = "working_age"  # 18–64
    WORKING_ALONE = "working_alone"
    PARENT = "parent"  # 18–54 with a child under 18 in the household
    DOUBLE_CARE = "double_care"  # 25–55 with a child under 12 and a member of 70+ in the household
    SCHOOL_CHILD = "school_child"  # 6–15
    YOUNG_CARER = "young_carer"  # 10–17 with a member of 70+ in the household
    MINOR = "minor"  # 1–17
    UNREGISTERED_ADULT = "unregistered_adult"  # 18+ outside the resident register
    ADULT = "adult"  # 18+
    DISABILITY_AGE = "disability_age"  # 15–64


ROUTES = ((Route.VISIT, 40), (Route.PHONE, 25), (Route.HOME_VISIT, 10), (Route.AGENCY, 10),
          (Route.WELFARE_COMMISSIONER, 6), (Route.RESIDENT, 4), (Route.OUTREACH, 3), (Route.EMAIL, 1),
          (Route.OTHER, 1))  # fmt: skip
ROUTES_NEIGHBOURS = ((Route.RESIDENT, 4), (Route.WELFARE_COMMISSIONER, 4), (Route.PHONE, 2), (Route.HOME_VISIT, 1))
ROUTES_OUTREACH = ((Route.OUTREACH, 5), (Route.WELFARE_COMMISSIONER, 2), (Route.RESIDENT, 1), (Route.AGENCY, 1))
ROUTES_ANONYMOUS = ((Route.PHONE, 5), (Route.RESIDENT, 3), (Route.WELFARE_COMMISSIONER, 2), (Route.VISIT, 1))


@dataclass(frozen=True)
class Scenario:
    """One kind of consultation: the receiving agency and programme, whom it concerns, what it is about."""

    agency: str  # the receiving organisation, by its name in the plan
    program: str  # the programme code in the plan
    weight: float  # share of the year's consultations
    pool: Pool
    main: tuple[tuple[str, float], ...]  # the main issue (◎), by 相談内容 code, with weights
    extra: tuple[str, ...]  # issues that come with it (0–3 of them)
    refer_to: tuple[str, ...] = ()  # programme codes a referral goes to first, in order
    routes: tuple[tuple[Route, int], ...] = ROUTES


HOUKATSU, ANSHIN, KOSODATE, SHAKYO = (
    "琴浦町地域包括支援センター",
    "福祉あんしん課",
    "子育て応援課",
    "琴浦町社会福祉協議会",
)
DISABILITY_CENTRES = (
    ("相談支援センターサポートりんくす", 5),
    ("障がい者地域生活支援センター", 3),
    ("中部障がい者地域生活支援センター", 2),
)
POVERTY_ISSUES = ("income", "debt", "job-search", "rent-loan", "tax-utilities", "work-trouble", "housing", "no-food")

# 地域包括 the most, then 福祉あんしん課 (生活困窮), 子育て応援課, the disability centres, 社協.
SCENARIOS: tuple[Scenario, ...] = (
    # 地域包括支援センター (36.5)
    Scenario(HOUKATSU, "community-general-support-centre", 26, Pool.ELDERLY,
             (("care", 6), ("health", 2), ("family", 0.5)),
             ("health", "family", "income", "isolation", "community", "housing"),
             ("self-reliance-consultation", "participation-support", "outreach")),
    Scenario(HOUKATSU, "community-general-support-centre", 4, Pool.ELDERLY_ALONE,
             (("isolation", 3), ("community", 1)), ("care", "health", "no-food"),
             ("participation-support", "outreach")),
    Scenario(HOUKATSU, "community-general-support-centre", 3, Pool.PARENT_OF_8050,
             (("8050", 1),), ("care", "income", "hikikomori", "family"), ("self-reliance-consultation", "outreach")),
    Scenario(HOUKATSU, "community-general-support-centre", 1.5, Pool.ELDERLY_ALONE,
             (("hoarding", 1),), ("isolation", "community", "care", "health"), ("outreach",), ROUTES_NEIGHBOURS),
    Scenario(HOUKATSU, "community-general-support-centre", 1, Pool.ELDERLY_WITH_FAMILY,
             (("dv-abuse", 1),), ("care", "family")),
    Scenario(HOUKATSU, "community-general-support-centre", 1, Pool.DOUBLE_CARE,
             (("double-care", 1),), ("care", "child-rearing", "work-trouble"), ("user-support",)),
    # 福祉あんしん課: 生活困窮者自立相談支援, アウトリーチ, 多機関協働 (19)
    Scenario(ANSHIN, "self-reliance-consultation", 13, Pool.WORKING_AGE,
             (("income", 4), ("debt", 2), ("job-search", 3), ("rent-loan", 1.5), ("tax-utilities", 1.5),
              ("work-trouble", 1)),
             ("income", "debt", "job-search", "housing", "health", "family", "no-food", "tax-utilities"),
             ("disability-consultation", "participation-support", "user-support")),
    Scenario(ANSHIN, "self-reliance-consultation", 2.5, Pool.CHILD_OF_8050,
             (("8050", 2), ("hikikomori", 1), ("job-search", 1)), ("income", "isolation", "family", "health"),
             ("community-general-support-centre", "participation-support")),
    Scenario(ANSHIN, "self-reliance-consultation", 1, Pool.UNREGISTERED_ADULT,
             (("housing", 2), ("no-food", 1), ("income", 1)), ("job-search", "health", "debt")),
    Scenario(ANSHIN, "outreach", 1.5, Pool.WORKING_ALONE,
             (("isolation", 2), ("hikikomori", 1)), ("health", "income", "family", "community"),
             ("participation-support", "disability-consultation"), ROUTES_OUTREACH),
    Scenario(ANSHIN, "multi-agency-collaboration", 1, Pool.WORKING_AGE,
             (("dv-abuse", 2), ("family", 1), ("other", 1)), ("housing", "income", "child-rearing", "health"),
             ("user-support", "self-reliance-consultation")),
    # 子育て応援課: 利用者支援事業 (15.5)
    Scenario(KOSODATE, "user-support", 11.5, Pool.PARENT,
             (("child-rearing", 1),), ("income", "health", "family", "isolation", "work-trouble"),
             ("self-reliance-consultation", "disability-consultation")),
    Scenario(KOSODATE, "user-support", 1.5, Pool.SCHOOL_CHILD,
             (("hikikomori", 1),), ("child-rearing", "family", "health"),
             ("outreach", "participation-support", "disability-consultation")),
    Scenario(KOSODATE, "user-support", 1, Pool.YOUNG_CARER,
             (("young-carer", 1),), ("care", "family", "hikikomori"), ("community-general-support-centre",)),
    Scenario(KOSODATE, "user-support", 1, Pool.MINOR, (("dv-abuse", 1),), ("child-rearing", "family")),
    Scenario(KOSODATE, "user-support", 0.5, Pool.DOUBLE_CARE,
             (("double-care", 1),), ("child-rearing", "care"), ("community-general-support-centre",)),
    # 障害者相談支援事業: the three centres, 5:3:2 (14)
    *(Scenario(name, "disability-consultation", 12 * share / 10, Pool.DISABILITY_AGE,
               (("health", 1),),
               ("job-search", "family", "isolation", "income", "community", "housing", "work-trouble"),
               ("self-reliance-consultation", "participation-support"))
      for name, share in DISABILITY_CENTRES),
    *(Scenario(name, "disability-consultation", 2 * share / 10, Pool.DISABILITY_AGE,
               (("hikikomori", 1), ("isolation", 1)), ("health", "family"), ("participation-support", "outreach"))
      for name, share in DISABILITY_CENTRES),
    # 社協: 共助の基盤づくり and 生活支援体制整備 (10)
    Scenario(SHAKYO, "mutual-aid-foundation", 7, Pool.ADULT,
             (("isolation", 2), ("community", 2), ("no-food", 1.5), ("income", 1)),
             ("income", "job-search", "health", "family"), ("self-reliance-consultation", "participation-support")),
    Scenario(SHAKYO, "life-support-system", 3, Pool.ELDERLY,
             (("community", 2), ("isolation", 2), ("care", 1)), ("care", "health", "housing"),
             ("community-general-support-centre",)),
)  # fmt: skip
