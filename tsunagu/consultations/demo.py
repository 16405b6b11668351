"""A year of casework in the demo town: consultations, referrals (つなぎ) and progress records (支援経過).

``manage.py demo_town`` calls ``extend_demo_town`` through the extension hook of
``tsunagu.people.demo.generator`` once the people exist, inside the same transaction. The dependency runs
one way: this module reads people, people never import consultations.

What is made, so that every page has something true-looking to show:

- about 7.5% of the people (1,200 in ``town``) consult one of the plan's agencies in the twelve months
  before the reference date, in business hours: 地域包括 the most, then 福祉あんしん課 (生活困窮),
  子育て応援課, the three disability centres and 社協, each under the programme of the plan it runs
  (``SCENARIOS``). Issues fit the person's age and household (8050, ダブルケア and ヤングケアラー only
  where the household has that shape); 3% are anonymous, 20% are recorded without consent (the minimal
  form), the rest with a consent whose scope covers the receiving agency and where it is likely to refer;
- a quarter are referred to the routing suggestion's organisation (``routing.suggest``), about 5% that
  cross fields go to 多機関協働 / the 支援会議; most referrals are accepted, some declined with a reason,
  a few are still waiting — some past their due date, so that the inboxes show overdue referrals;
- one to six progress records for each named consultation, by the receiving agency and, after an
  accepted referral, by the receiver; a few next steps fall in the week after the reference date.

The records are in the shapes the services give (``consultation_record``, ``consent_record``,
``referral_send``, ``referral_accept``, ``case_note_add``) — grants included — but written with
``bulk_create`` and one audit entry for the whole run, as the town itself is: a per-record service call
would write thousands of audit entries and take minutes.

Deterministic: every draw comes from the ``rng`` the hook seeds from the run's seed and this app's name,
in an order fixed by the people's insertion order, so the same seed and date give the same year.
Primary keys are never drawn from, so the result does not depend on the database's sequences.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from itertools import accumulate, pairwise
from typing import TypeVar

from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis, Consent, ConsentGiver, ConsentMethod
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations.defaults import issues_ensure, routing_rules_ensure
from tsunagu.consultations.models import (
    CaseNote,
    ConsentVariant,
    Consultation,
    ConsultationIssue,
    Counterpart,
    Means,
    Outcome,
    Referral,
    ReferralBasis,
    ReferralStatus,
    Route,
    Urgency,
    Visitor,
)
from tsunagu.consultations.routing import (
    CHILD_AGE,
    COMPLEX_ISSUES,
    RoutingInput,
    RoutingResult,
    Suggestion,
    consultation_domains,
    rule_matches,
    suggest,
)
from tsunagu.consultations.services import meeting_secretariat
from tsunagu.core.demo import DEMO_ACCOUNTS
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import Membership, Municipality, Organization, Role, User
from tsunagu.people.demo import names
from tsunagu.people.models import Gender, HouseholdMember, Person, Relationship
from tsunagu.plans.models import Category, Program
from tsunagu.plans.selectors import plan_current_for_municipality

T = TypeVar("T")

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

CONSENT_PURPOSE = "相談支援のため、受付機関とつなぎ先の候補となる機関の間で本人の相談記録を共有すること（デモ）"
SHARED_WITH_CONSENT = "氏名・生年月日・連絡先、世帯の状況、相談の概要（本人が同意した範囲）"
SHARED_FOR_MEETING = "年代・世帯構成・相談の概要（支援会議での検討に必要な範囲に限る）"
DECLINE_REASONS = (
    "当機関の支援の対象に当たらないため。福祉あんしん課への相談をお勧めします。",
    "本人に連絡したところ、現時点では支援を希望しないとのことでした。",
    "定員に空きがなく、当面の受け入れが難しいため。空きが出次第ご連絡します。",
    "すでに他の機関が支援を始めているため、そちらとの連携をお願いします。",
)


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


# --- What is said and written ---------------------------------------------------------------------------------

WORDS: dict[str, tuple[str, ...]] = {
    "care": (
        "最近物忘れが増えて、一人で買い物に行くのが不安。",
        "足腰が弱って、家の中でも転びそうになる。",
        "一人でお風呂に入るのが難しくなってきた。",
    ),
    "health": (
        "持病の通院を続けられるか心配。",
        "気分の落ち込みが続いて、仕事に行けない日がある。",
        "障害福祉のサービスを使えるか知りたい。",
    ),
    "income": ("収入が減って、今月の生活費が足りない。", "給料日までお金が持たない。"),
    "debt": ("カードローンの返済が追いつかない。", "借金があって、誰にも言えずにいた。"),
    "job-search": (
        "仕事を探しているが、なかなか決まらない。",
        "長く働いていないので、何から始めればよいか分からない。",
    ),
    "rent-loan": ("家賃を2か月滞納している。", "住宅ローンの支払いが苦しい。"),
    "tax-utilities": ("電気代と水道代の支払いが遅れている。", "税金の督促状が届いた。"),
    "work-trouble": ("職場の人間関係がつらく、辞めたいと思っている。",),
    "housing": ("住むところがなくなりそう。", "アパートを出なければならなくなった。"),
    "no-food": ("今週食べるものがない。",),
    "community": ("近所付き合いがなく、困ったときに頼れる人がいない。", "地域の行事に参加したいが、きっかけがない。"),
    "family": ("家族と口論が絶えない。", "離れて暮らす子どもと連絡が取れない。"),
    "child-rearing": (
        "子どもの夜泣きがひどく、疲れてしまった。",
        "保育園の入園について相談したい。",
        "子どもの発達が気になる。",
    ),
    "hikikomori": ("外に出るのがつらく、家で過ごす日が続いている。", "人と会うのが怖くなった。"),
    "dv-abuse": ("家族からの暴言が続いていて怖い。", "叩かれることがある。"),
    "8050": ("親の年金で暮らしているが、親が倒れたらこの先どうなるのか不安。",),
    "young-carer": ("祖母の世話で、宿題をする時間がない。",),
    "double-care": ("子育てと親の介護が重なって、自分の時間がない。",),
    "hoarding": ("家の中に物があふれていて、近所から苦情が来ている。",),
    "isolation": ("何日も誰とも話していない。", "相談できる人が身近にいない。"),
    "other": ("どこに相談したらよいか分からない。",),
}
WISHES: dict[str, tuple[str, ...]] = {
    "care": ("介護保険のサービスを使いたい。", "できるだけ自宅で暮らしたい。"),
    "health": ("安心して通院を続けたい。", "日中に通える場所がほしい。"),
    "child-rearing": ("子育ての相談相手がほしい。", "保育園に預けて働きたい。"),
    "hikikomori": ("無理のない形で外に出るきっかけがほしい。",),
    "8050": ("親子で安心して暮らしたい。", "少しずつ働けるようになりたい。"),
    "dv-abuse": ("安全に暮らしたい。",),
    "isolation": ("話し相手がほしい。",),
    "community": ("地域の集まりに参加してみたい。",),
    "hoarding": ("少しずつ片付けたい。",),
    **dict.fromkeys(POVERTY_ISSUES, ("生活を立て直したい。", "安定した収入を得たい。")),
}
DEFAULT_WISHES = ("話を聞いてほしい。", "困ったときに相談できる先を知りたい。")
# What an older person says instead, where the words depend on age (the 8050 parent, not the child).
ELDERLY_WORDS: dict[str, tuple[str, ...]] = {
    "health": ("持病の通院を続けられるか心配。", "最近、体調を崩しがちで不安。"),
    "income": ("年金だけでは暮らしていけない。", "医療費がかさんで生活費が足りない。"),
    "8050": ("息子が仕事を辞めて家にいる。年金だけでは暮らしていけない。", "自分が倒れたら、子どもがどうなるか心配。"),
    "isolation": ("一人暮らしで、何日も誰とも話していない。", "夫を亡くしてから、家にこもりがちになった。"),
}
ELDERLY_WISHES: dict[str, tuple[str, ...]] = {
    "health": ("安心して通院を続けたい。",),
    "8050": ("息子に働いてほしい。", "親子で安心して暮らしたい。"),
}
# A child's words, or the parent's when a parent brings the child (under 15).
CHILD_WORDS: dict[str, tuple[str, ...]] = {
    "hikikomori": ("子どもが学校に行けなくなって3か月になる。", "朝になるとお腹が痛いと言って登校できない。"),
}

# A progress record: (手段, 相手, 相手の詳細, 内容, 今後の予定).
Note = tuple[Means, Counterpart, str, str, str]
# fmt: off
NOTES: dict[str, tuple[Note, ...]] = {
    "care": (
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問し、本人と面談。食事は取れている。",
         "再訪問して様子を確認する"),
        (Means.HOME_VISIT, Counterpart.FAMILY, "長女", "介護保険の申請について長女に説明し、申請書の記入を手伝った。",
         "認定調査に立ち会う"),
        (Means.PHONE, Counterpart.AGENCY, "居宅介護支援事業所", "ケアマネジャーとデイサービスの利用開始日を調整した。",
         "サービス担当者会議に出席する"),
        (Means.ACCOMPANY, Counterpart.PERSON, "", "かかりつけ医の受診に同行。主治医意見書の依頼を済ませた。",
         "認定結果を確認する"),
        (Means.MEETING, Counterpart.AGENCY, "サービス担当者会議",
         "サービス担当者会議に出席。週2回の訪問介護で合意した。", "ケアプランの実施状況を確認する"),
    ),
    "health": (
        (Means.VISIT, Counterpart.PERSON, "", "来所。通院の状況と服薬について確認した。", "次回面談"),
        (Means.PHONE, Counterpart.AGENCY, "医療機関", "病院の医療ソーシャルワーカーと退院後の生活について協議した。",
         "退院前カンファレンスに出席する"),
        (Means.ACCOMPANY, Counterpart.PERSON, "", "障害福祉サービスの申請に同行した。", "支給決定の結果を確認する"),
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問。体調は落ち着いており、日中は作業所の見学を希望。",
         "作業所の見学に同行する"),
    ),
    "poverty": (
        (Means.VISIT, Counterpart.PERSON, "", "来所。家計の状況を一緒に整理し、支出の見直しを提案した。",
         "家計表を一緒に確認する"),
        (Means.ACCOMPANY, Counterpart.PERSON, "", "ハローワークへ同行。求人を2件紹介された。",
         "応募書類の作成を手伝う"),
        (Means.PHONE, Counterpart.AGENCY, "法テラス", "法テラスの相談日を予約した。債務整理について相談する予定。",
         "相談の結果を本人に確認する"),
        (Means.VISIT, Counterpart.PERSON, "", "住居確保給付金の申請書類を一緒に作成した。", "支給決定を確認する"),
        (Means.DOCUMENT, Counterpart.AGENCY, "税務課", "分納の相談について税務課と文書で調整した。",
         "分納の開始を確認する"),
        (Means.PHONE, Counterpart.PERSON, "", "本人に電話。面接は不採用だったが、次の応募先を探している。",
         "次回面談"),
        (Means.VISIT, Counterpart.PERSON, "", "フードバンクの食料を手渡し、今月の生活費の見通しを確認した。",
         "給料日後に家計を確認する"),
    ),
    "child-rearing": (
        (Means.HOME_VISIT, Counterpart.PERSON, "", "家庭訪問。子どもの体重は順調に増えている。母の表情も明るい。",
         "乳児健診の結果を確認する"),
        (Means.PHONE, Counterpart.PERSON, "", "母に電話。夜泣きは少し落ち着いたとのこと。", "電話で状況を確認する"),
        (Means.VISIT, Counterpart.PERSON, "", "来所。保育園の入園手続きについて説明した。", "入園の可否を確認する"),
        (Means.PHONE, Counterpart.AGENCY, "保育園", "保育園と連絡を取り、登園の様子を確認した。",
         "保育園と情報共有する"),
    ),
    "hikikomori": (
        (Means.HOME_VISIT, Counterpart.FAMILY, "母", "自宅を訪問したが本人とは会えず、母と面談。手紙を置いてきた。",
         "再訪問し、本人に手紙を渡す"),
        (Means.PHONE, Counterpart.FAMILY, "母", "母に電話。本人は夜型の生活が続いているが、食事は家族と取っている。",
         "再訪問する"),
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問し、本人と初めて短時間話ができた。表情が和らいだ。",
         "次回訪問の約束を確認する"),
        (Means.PHONE, Counterpart.AGENCY, "学校", "学校の担任と登校の状況について情報交換した。",
         "学校と情報共有する"),
    ),
    "dv-abuse": (
        (Means.PHONE, Counterpart.PERSON, "", "安全確認のため電話。現在は落ち着いているとのこと。",
         "電話で安全を確認する"),
        (Means.VISIT, Counterpart.PERSON, "", "来所。避難先の候補と緊急時の連絡方法を一緒に確認した。", "次回面談"),
        (Means.MEETING, Counterpart.AGENCY, "関係機関", "関係機関でケース会議。見守りの分担を確認した。",
         "ケース会議で経過を確認する"),
    ),
    "8050": (
        (Means.HOME_VISIT, Counterpart.FAMILY, "長男", "母と長男に面談。長男は就労について話すことを避ける様子。",
         "再訪問して長男と話す"),
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問。母の介護サービスの利用状況を確認した。",
         "ケアマネジャーと情報共有する"),
        (Means.PHONE, Counterpart.FAMILY, "長男", "長男に電話。自立相談支援の相談日を伝えた。", "相談日に同席する"),
    ),
    "young-carer": (
        (Means.PHONE, Counterpart.AGENCY, "学校", "学校と連絡を取り、本人の出席状況と様子を確認した。",
         "学校と情報共有する"),
        (Means.HOME_VISIT, Counterpart.FAMILY, "父",
         "家庭訪問。祖母の介護について家族と話し合い、サービスの利用を提案した。",
         "地域包括支援センターと調整する"),
    ),
    "double-care": (
        (Means.VISIT, Counterpart.PERSON, "",
         "来所。育児と介護の一日の流れを聞き取り、負担の大きい時間帯を整理した。", "利用できるサービスを提案する"),
        (Means.PHONE, Counterpart.AGENCY, "地域包括支援センター",
         "地域包括支援センターと親の介護サービスについて情報交換した。", "関係機関と情報共有する"),
    ),
    "hoarding": (
        (Means.HOME_VISIT, Counterpart.PERSON, "",
         "自宅前で本人と立ち話。片付けには拒否的。無理をせず関係づくりを続ける。", "再訪問する"),
        (Means.HOME_VISIT, Counterpart.PERSON, "", "民生委員と訪問。玄関周りのごみを本人と一緒に袋にまとめた。",
         "次回の片付けの日を決める"),
    ),
    "isolation": (
        (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問。近所のサロンの開催日を案内した。", "サロンに同行する"),
        (Means.PHONE, Counterpart.AGENCY, "民生委員", "民生委員と連絡を取り、見守りをお願いした。",
         "見守りの状況を確認する"),
        (Means.ACCOMPANY, Counterpart.PERSON, "", "サロンに同行。本人は他の参加者と笑顔で話していた。",
         "次回のサロンの参加を確認する"),
    ),
    "family": (
        (Means.VISIT, Counterpart.PERSON, "", "来所。家族との関係について話を聞いた。", "次回面談"),
        (Means.PHONE, Counterpart.FAMILY, "家族", "家族に電話。本人の最近の様子を聞き取った。",
         "電話で状況を確認する"),
    ),
}
GENERIC_NOTES: tuple[Note, ...] = (
    (Means.PHONE, Counterpart.PERSON, "", "本人に電話。変わりなく過ごしているとのこと。", "電話で状況を確認する"),
    (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問し、生活の様子を確認した。", "再訪問して様子を確認する"),
    (Means.MEETING, Counterpart.AGENCY, "関係機関", "関係機関とケース会議。今後の役割分担を確認した。",
     "ケース会議で支援方針を確認する"),
)
FIRST_NOTES: tuple[Note, ...] = (
    (Means.VISIT, Counterpart.PERSON, "", "来所。相談内容を聞き取り、利用できる制度とサービスを説明した。",
     "次回面談"),
    (Means.HOME_VISIT, Counterpart.PERSON, "", "自宅を訪問し、本人と面談。食事は取れている。",
     "再訪問して様子を確認する"),
    (Means.PHONE, Counterpart.PERSON, "", "本人に電話し、相談内容を確認。来週の面談を約束した。", "面談"),
)
CLOSING_NOTE: Note = (Means.PHONE, Counterpart.PERSON, "",
                      "状況が落ち着いたため、支援を終結。困ったときは連絡するよう伝えた。", "")
INFORMATION_NOTE: Note = (Means.VISIT, Counterpart.PERSON, "",
                          "制度の案内のみで終了。必要なときは再度相談するよう伝えた。", "")
# fmt: on
NOTES["community"] = NOTES["isolation"]
NOTES.update(dict.fromkeys(POVERTY_ISSUES, NOTES["poverty"]))
OUTCOME_NOTES = {
    Outcome.HANDLED: "当機関で継続して支援する。",
    Outcome.INFORMATION: "制度の情報提供のみ。",
    Outcome.ENDED: "助言により当面の不安が解消したため終了。",
    Outcome.REFERRED: "本人の同意を得て、他機関につなぐ。",
    Outcome.COLLABORATION: "複数の分野にまたがるため、多機関協働での検討につなぐ。",
}
CONCERNED = {
    "elderly": ("ケアマネジャー", "病院の医療ソーシャルワーカー", "かかりつけ医の看護師"),
    "children": ("学校の担任", "保育園の園長", "保健師"),
    "adults": ("ハローワークの職員", "病院の医療ソーシャルワーカー", "勤務先の上司"),
}


# --- The town as this module sees it ------------------------------------------------------------------------


@dataclass(slots=True)
class Resident:
    """A person of the town as far as drawing consultations needs: no contact details, no addresses."""

    pk: int
    family_name: str
    given_name: str
    birth_date: date | None
    gender: str
    registered: bool
    age: int | None  # on the reference date
    household: int | None = None
    relationship: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.family_name}　{self.given_name}".strip("　")  # as Person.full_name


@dataclass(slots=True)
class Draft:
    """One consultation before it is written, with what its referral and records need."""

    scenario: Scenario
    organization: Organization
    program: Program
    received_at: datetime
    staff: User
    route: Route
    issues: list[ConsultationIssue]
    main: ConsultationIssue
    person: Resident | None
    anonymous_description: str = ""
    variant: ConsentVariant = ConsentVariant.WITH_CONSENT
    age: int | None = None
    household: int | None = None
    routing: RoutingResult | None = None
    outcome: Outcome = Outcome.HANDLED
    consent: Consent | None = None
    target: tuple[Organization, Program | None] | None = None  # where a referral goes
    to_meeting: bool = False
    record: Consultation | None = None


@dataclass(slots=True)
class Sending:
    """A referral before it is written: what is decided about it, and when."""

    draft: Draft
    referral: Referral
    sent_at: datetime
    responded_at: datetime | None = None


@dataclass
class Counts:
    """What a run made: the summary line and the audit entry say it."""

    consultations: int = 0
    referrals: int = 0
    waiting: int = 0
    overdue: int = 0
    notes: int = 0
    consents: int = 0
    grants: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def extend_demo_town(*, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User) -> str:
    """Add a year of consultations, referrals and progress records to the demo town; return a summary line.

    The extension hook of ``tsunagu.people.demo.generator`` calls this inside the run's transaction.
    """
    year = _Year(municipality=municipality, rng=rng, as_of=as_of, user=user)
    counts = year.make(round(people * SHARE_OF_PEOPLE))
    audit_record(
        user=user,
        action=Action.CREATE,
        summary=f"demo_town: 相談{counts.consultations}件・つなぎ{counts.referrals}件・支援経過{counts.notes}件を生成",
        changes={
            "consultations": counts.consultations,
            "outcomes": counts.outcomes,
            "referrals": counts.referrals,
            "referrals_waiting": counts.waiting,
            "referrals_overdue": counts.overdue,
            "case_notes": counts.notes,
            "consents": counts.consents,
            "grants": counts.grants,
            "as_of": as_of,
        },
    )
    return (
        f"相談・つなぎ: 相談{counts.consultations:,}件・つなぎ{counts.referrals:,}件"
        f"（回答待ち{counts.waiting:,}件、うち期限超過{counts.overdue:,}件）・"
        f"支援経過{counts.notes:,}件・本人同意{counts.consents:,}件を生成"
    )


class _Year:
    """One run: the town read once, the year's drafts, and the bulk writes."""

    def __init__(self, *, municipality: Municipality, rng: random.Random, as_of: date, user: User) -> None:
        self.municipality = municipality
        self.rng = rng
        self.as_of = as_of
        self.user = user
        self.zone = timezone.get_default_timezone()
        self.counts = Counts()
        self.organizations = {o.name: o for o in Organization.objects.filter(municipality=municipality)}
        plan = plan_current_for_municipality(municipality=municipality)
        self.programs = {p.code: p for p in Program.objects.filter(plan=plan)} if plan is not None else {}
        self.issues = {issue.code: issue for issue in issues_ensure(municipality)}
        # The rules ``suggest`` applies (active, for a programme of the plan in force): which of them
        # match, with the domains and the complex issues, is all its answer depends on — so it is asked
        # once for each such combination, not once per consultation.
        program_ids = {p.pk for p in self.programs.values()}
        self.rules = [r for r in routing_rules_ensure(municipality) if r.program_id in program_ids]
        self.routing_cache: dict[tuple[object, ...], RoutingResult] = {}
        self.collaboration_program = next(
            (p for p in self.programs.values() if p.category == Category.COLLABORATION), None
        )
        self.secretariat = meeting_secretariat(municipality.pk)
        self.staff = self._staff()
        self.days = self._business_days()
        self.scenarios = [s for s in SCENARIOS if self._usable(s)]
        self._read_town()

    # -- reading the town

    def _usable(self, scenario: Scenario) -> bool:
        """A scenario needs its agency, its programme and its main issues in this municipality."""
        return (
            scenario.agency in self.organizations
            and scenario.program in self.programs
            and any(code in self.issues for code, _ in scenario.main)
        )

    def _staff(self) -> dict[int, list[tuple[User, str]]]:
        """The demo accounts doing casework at each organisation (none: the inactive system user stands in)."""
        usernames = [a.username for a in DEMO_ACCOUNTS if a.role in (Role.CASEWORKER, Role.COORDINATOR)]
        memberships = (
            Membership.objects.filter(
                municipality=self.municipality,
                user__username__in=usernames,
                user__is_active=True,
                role__in=[Role.CASEWORKER, Role.COORDINATOR],
            )
            .select_related("user")
            .order_by("user__username", "pk")
        )
        staff: dict[int, list[tuple[User, str]]] = defaultdict(list)
        for membership in memberships:
            staff[membership.organization_id].append((membership.user, membership.role))
        return staff

    def _read_town(self) -> None:
        people = Person.objects.filter(municipality=self.municipality, merged_into__isnull=True).order_by("pk")
        self.residents: list[Resident] = []
        by_pk: dict[int, Resident] = {}
        for pk, family, given, birth, gender, registered in people.values_list(
            "pk", "family_name", "given_name", "birth_date", "gender", "is_registered_resident"
        ):
            age = age_on(birth, self.as_of) if birth is not None and birth <= self.as_of else None
            resident = Resident(pk, family, given, birth, gender, registered, age)
            self.residents.append(resident)
            by_pk[pk] = resident
        self.households: dict[int, list[Resident]] = defaultdict(list)
        members = HouseholdMember.objects.filter(municipality=self.municipality).order_by("household_id", "order", "pk")
        for household_id, person_id, relationship in members.values_list("household_id", "person_id", "relationship"):
            member = by_pk.get(person_id)
            if member is not None:
                member.household, member.relationship = household_id, relationship
                self.households[household_id].append(member)
        # Who already holds what on whom: own records (to prefer an agency's own clients, and not to
        # grant twice) and every active grant (as referral_accept looks before it grants).
        self.grants: set[tuple[int, int, str]] = set(
            AccessGrant.objects.active()
            .filter(municipality=self.municipality)
            .values_list("organization_id", "person_id", "basis")
        )
        self.clients: dict[int, set[int]] = defaultdict(set)
        for organization_id, person_id, basis in self.grants:
            if basis == Basis.OWN_RECORD:
                self.clients[organization_id].add(person_id)
        # The consents in force, with their scope: a consultation with consent uses one that covers it.
        self.consents: dict[int, list[tuple[Consent, set[int]]]] = defaultdict(list)
        scopes: dict[int, set[int]] = defaultdict(set)
        through = Consent.organizations.through.objects.filter(consent__municipality=self.municipality)
        for consent_id, organization_id in through.values_list("consent_id", "organization_id"):
            scopes[consent_id].add(organization_id)
        active = Consent.objects.filter(municipality=self.municipality, withdrawn_on__isnull=True)
        for consent in active.order_by("given_on", "pk"):
            self.consents[consent.person_id].append((consent, scopes[consent.pk]))
        self.pools = self._pools()
        self.own_clients: dict[tuple[Pool, int], list[Resident]] = {}
        # The older, the likelier to need the 地域包括: 65–74, 75–84, 85+ as 1 : 2.5 : 4.
        bands = (1.0 if (r.age or 0) < 75 else 2.5 if (r.age or 0) < 85 else 4.0 for r in self.pools[Pool.ELDERLY])
        self.elderly_weights = list(accumulate(bands))

    def _pools(self) -> dict[Pool, list[Resident]]:
        pools: dict[Pool, list[Resident]] = {pool: [] for pool in Pool}
        for r in self.residents:
            if r.age is None:
                continue
            house = self.households.get(r.household, []) if r.household is not None else []
            others = [m.age for m in house if m is not r and m.age is not None]
            alone = not others
            if r.age >= 65:
                pools[Pool.ELDERLY].append(r)
                pools[Pool.ELDERLY_ALONE if alone else Pool.ELDERLY_WITH_FAMILY].append(r)
            if not any(a < 18 for a in others):
                if r.age >= 70 and any(35 <= a <= 64 for a in others):
                    pools[Pool.PARENT_OF_8050].append(r)
                if 35 <= r.age <= 64 and any(a >= 70 for a in others):
                    pools[Pool.CHILD_OF_8050].append(r)
            if 18 <= r.age <= 64:
                pools[Pool.WORKING_AGE].append(r)
                if alone:
                    pools[Pool.WORKING_ALONE].append(r)
            if 18 <= r.age <= 54 and any(a < 18 for a in others):
                pools[Pool.PARENT].append(r)
            if 25 <= r.age <= 55 and any(a < 12 for a in others) and any(a >= 70 for a in others):
                pools[Pool.DOUBLE_CARE].append(r)
            if 6 <= r.age <= 15:
                pools[Pool.SCHOOL_CHILD].append(r)
            if 10 <= r.age <= 17 and any(a >= 70 for a in others):
                pools[Pool.YOUNG_CARER].append(r)
            if 1 <= r.age <= 17:
                pools[Pool.MINOR].append(r)
            if r.age >= 18:
                pools[Pool.ADULT].append(r)
                if not r.registered:
                    pools[Pool.UNREGISTERED_ADULT].append(r)
            if 15 <= r.age <= 64:
                pools[Pool.DISABILITY_AGE].append(r)
        return pools

    def _business_days(self) -> list[date]:
        first = self.as_of - timedelta(days=400)
        days = (first + timedelta(days=n) for n in range(480))
        return [d for d in days if d.weekday() < 5 and (d.month, d.day) not in YEAR_END]

    # -- time

    def _day_after(self, day: date, business_days: int) -> date:
        """The business day ``business_days`` after ``day`` (0: ``day`` itself, or the next if it is closed)."""
        index = bisect_left(self.days, day) + business_days
        return self.days[min(index, len(self.days) - 1)]

    def _business_day_between(self, first: date, last: date) -> date:
        """A business day from ``first`` to ``last``: a due date or a planned visit falls on one (if any)."""
        days = self.days[bisect_left(self.days, first) : bisect_left(self.days, last + timedelta(days=1))]
        return self.rng.choice(days) if days else first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def _moment(self, day: date, after: datetime | None = None, *, until: int = CLOSES) -> datetime | None:
        """A time in business hours on ``day``; on the day of ``after``, within three hours after it.

        None when the day has no time left.
        """
        earliest, latest = OPENS, until
        if after is not None and timezone.localtime(after, self.zone).date() == day:
            local = timezone.localtime(after, self.zone)
            earliest = max(earliest, local.hour * 60 + local.minute + 10)
            latest = min(until, earliest + 180)
        if earliest > latest:
            return None
        minute = self.rng.randint(earliest, latest)
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)

    def _later(self, after: datetime, low: int, high: int) -> datetime | None:
        """A moment ``low``–``high`` business days after ``after``, before the reference date; else None."""
        day = self._day_after(timezone.localtime(after, self.zone).date(), self.rng.randint(low, high))
        while day < self.as_of:
            moment = self._moment(day, after)
            if moment is not None:
                return moment
            day = self._day_after(day, 1)
        return None

    # -- drawing

    def pick(self, choices: Sequence[tuple[T, float]]) -> T:
        values = [value for value, _ in choices]
        return self.rng.choices(values, cum_weights=list(accumulate(w for _, w in choices)))[0]

    def make(self, total: int) -> Counts:
        if not self.scenarios or total <= 0:
            return self.counts
        weights = list(accumulate(s.weight for s in self.scenarios))
        year = [d for d in self.days if self.as_of - timedelta(days=365) <= d < self.as_of]
        drafts: list[Draft] = []
        for _ in range(total):
            scenario = self.rng.choices(self.scenarios, cum_weights=weights)[0]
            draft = self._draft(scenario, self.rng.choice(year))
            if draft is not None:
                drafts.append(draft)
        drafts.sort(key=lambda d: d.received_at)  # stable: equal times keep the order they were drawn in
        self._outcomes(drafts)
        consents = self._consents(drafts)
        self._write_consultations(drafts, consents)
        plans = self._referrals(drafts)
        self._write_notes(drafts, plans)
        return self.counts

    def _person(self, scenario: Scenario) -> Resident | None:
        """Someone the scenario fits: an agency's own clients are drawn first more often than not."""
        pool = self.pools[scenario.pool]
        if not pool:
            return None
        organization = self.organizations[scenario.agency]
        clients = self.clients.get(organization.pk, set())
        # Not for the registering division, whose own records are everybody.
        if clients and len(clients) < len(self.residents) // 2 and self.rng.random() < 0.6:
            key = (scenario.pool, organization.pk)
            own = self.own_clients.get(key)
            if own is None:
                own = self.own_clients[key] = [r for r in pool if r.pk in clients]
            if own:
                return self.rng.choice(own)
        if scenario.pool == Pool.ELDERLY:
            return self.rng.choices(pool, cum_weights=self.elderly_weights)[0]
        return self.rng.choice(pool)

    def _draft(self, scenario: Scenario, day: date) -> Draft | None:
        person = self._person(scenario)
        if person is None:
            return None
        organization = self.organizations[scenario.agency]
        program = self.programs[scenario.program]
        received_at = self._moment(day, until=LAST_INTAKE)
        assert received_at is not None  # a whole business day is open
        main = self.issues[self.pick([(c, w) for c, w in scenario.main if c in self.issues])]
        extra = [self.issues[c] for c in scenario.extra if c in self.issues and c != main.code]
        issues = [main, *self.rng.sample(extra, min(len(extra), self.pick(((0, 25), (1, 40), (2, 25), (3, 10)))))]
        issues.sort(key=lambda i: i.order)
        draw = self.rng.random()
        variant = ConsentVariant.WITH_CONSENT if draw >= ANONYMOUS + WITHOUT_CONSENT else ConsentVariant.WITHOUT_CONSENT
        route = self.pick(ROUTES_ANONYMOUS if draw < ANONYMOUS else scenario.routes)
        draft = Draft(
            scenario=scenario, organization=organization, program=program, received_at=received_at,
            staff=self._staff_of(organization, program), route=route, issues=issues, main=main, person=person,
            variant=variant,
        )  # fmt: skip
        if draw < ANONYMOUS:
            # Anonymous: someone like the person, described, never linked to them.
            draft.person, draft.anonymous_description = None, self._describe(person, route)
        else:
            draft.age = age_on(person.birth_date, day) if person.birth_date is not None else None
            if variant == ConsentVariant.WITH_CONSENT and (draft.age or 0) < 18 and self._guardian(person) is None:
                draft.variant = ConsentVariant.WITHOUT_CONSENT  # nobody at home to consent for the child
            if draft.variant == ConsentVariant.WITH_CONSENT:
                draft.household = person.household
        draft.routing = self._routing(draft, day)
        return draft

    def _staff_of(self, organization: Organization, program: Program) -> User:
        """A caseworker of the organisation; 多機関協働 is the coordinator's."""
        staff = self.staff.get(organization.pk, [])
        if not staff:
            return self.user
        wanted = Role.COORDINATOR if program.category == Category.COLLABORATION else Role.CASEWORKER
        preferred = [u for u, role in staff if role == wanted] or [u for u, _ in staff]
        return self.rng.choice(preferred)

    def _describe(self, person: Resident, route: Route) -> str:
        """「70代女性（近隣住民から）」: an age band, a gender when known, and who called."""
        age = person.age or 0
        sex = {Gender.FEMALE.value: "女性", Gender.MALE.value: "男性"}.get(person.gender, "")
        child = {"女性": "女の子", "男性": "男の子"}.get(sex, "子ども")
        if age < 6:
            who = f"幼児（{child}）"
        elif age < 13:
            who = f"小学生くらいの{child}"
        else:
            who = f"{max(10, age // 10 * 10)}代{sex}"
        source = {
            Route.RESIDENT: "近隣住民から",
            Route.WELFARE_COMMISSIONER: "民生委員から",
            Route.PHONE: "電話での相談",
            Route.VISIT: "来所での相談",
        }.get(route, "匿名での相談")
        return f"{who}（{source}）"

    def _guardian(self, person: Resident) -> Resident | None:
        """An adult of the child's household, a parent's generation first: who consents and comes along."""
        if person.household is None:
            return None
        adults = [m for m in self.households[person.household] if m is not person and (m.age or 0) >= 20]
        adults.sort(key=lambda m: abs((m.age or 0) - (person.age or 0) - 30))
        return adults[0] if adults else None

    def _routing(self, draft: Draft, day: date) -> RoutingResult:
        """``routing.suggest`` for the draft (without excluding the receiving agency: ``_doors`` does that).

        Asked once per distinct answer: the rules that match, the domains and the complex issues named.
        """
        child_ages: tuple[int, ...] = ()
        if draft.person is not None and draft.person.household is not None:
            child_ages = tuple(
                sorted(
                    age_on(m.birth_date, day)
                    for m in self.households[draft.person.household]
                    if m is not draft.person and m.birth_date is not None and m.birth_date <= day
                    and age_on(m.birth_date, day) < CHILD_AGE
                )
            )  # fmt: skip
        codes = frozenset(i.code for i in draft.issues)
        data = RoutingInput(issue_codes=codes, age=draft.age, household_child_ages=child_ages)
        key = (
            tuple(rule.pk for rule in self.rules if rule_matches(rule, data)),
            consultation_domains(draft.issues, draft.age),
            tuple(code for code in COMPLEX_ISSUES if code in codes),
        )
        result = self.routing_cache.get(key)
        if result is None:
            result = self.routing_cache[key] = suggest(municipality=self.municipality, data=data)
        return result

    def _doors(self, draft: Draft) -> list[Suggestion]:
        """The suggestions with somewhere to go: other organisations than the receiving one, as the intake
        page shows them (``suggest`` with ``exclude_organization``)."""
        assert draft.routing is not None
        doors = []
        for suggestion in draft.routing.suggestions:
            others = tuple(o for o in suggestion.organizations if o.pk != draft.organization.pk)
            if others:
                doors.append(Suggestion(program=suggestion.program, organizations=others, reasons=suggestion.reasons))
        return doors

    # -- outcomes, consents

    def _target(self, draft: Draft) -> tuple[Organization, Program | None] | None:
        """Where a referral would go: one of the routing suggestions that is a usual next door for the
        scenario (地域包括 passes money worries to 生活困窮, not an older person's illness to a disability
        centre), or — for a scenario without usual doors — the first suggestion of another programme."""
        doors = [s for s in self._doors(draft) if s.program.pk != draft.program.pk]
        if draft.scenario.refer_to:
            usual = [s for code in draft.scenario.refer_to for s in doors if s.program.code == code]
            if not usual:
                return None
            chosen = self.rng.choices(usual, weights=range(len(usual), 0, -1))[0]
        else:
            ordinary = [s for s in doors if s.program.category != Category.COLLABORATION] or doors
            if not ordinary:
                return None
            chosen = ordinary[0]
        return self.rng.choice(chosen.organizations), chosen.program

    def _outcomes(self, drafts: list[Draft]) -> None:
        """About 5% to 多機関協働 (those crossing fields), 25% referred (with consent), the rest as drawn."""
        collaborative = [d for d in drafts if d.routing is not None and d.routing.collaboration]
        if self.secretariat is not None:
            count = min(len(collaborative), round(COLLABORATION * len(drafts)))
            for draft in self.rng.sample(collaborative, count):
                draft.outcome = Outcome.COLLABORATION
                if draft.organization.pk != self.secretariat.pk:
                    draft.to_meeting = True  # the receiving agency asks the 支援会議 (the secretariat itself does not)
                    draft.target = (self.secretariat, self.collaboration_program)
        candidates = []
        for draft in drafts:
            if draft.outcome == Outcome.HANDLED and draft.variant == ConsentVariant.WITH_CONSENT:
                target = self._target(draft)
                if target is not None:
                    candidates.append((draft, target))
        for draft, target in self.rng.sample(candidates, min(len(candidates), round(REFERRED * len(drafts)))):
            draft.outcome, draft.target = Outcome.REFERRED, target
        chosen = {id(d) for d in drafts if d.outcome != Outcome.HANDLED}
        for draft in drafts:
            if id(draft) not in chosen:
                draft.outcome = self.pick(OTHER_OUTCOMES)

    def _consents(self, drafts: list[Draft]) -> list[tuple[Consent, list[Organization], Draft]]:
        """The consent each consultation with consent rests on: one the person gave that covers it, or a new one.

        A new consent covers the receiving agency and where it is likely to refer (every suggestion, and
        多機関協働 when the routing proposes it), as a caseworker would write it on the consent form.
        """
        created: list[tuple[Consent, list[Organization], Draft]] = []
        by_pk = {o.pk: o for o in self.organizations.values()}
        for draft in drafts:
            if draft.variant != ConsentVariant.WITH_CONSENT or draft.person is None:
                continue
            assert draft.routing is not None
            needed = {draft.organization.pk} | ({draft.target[0].pk} if draft.target else set())
            day = timezone.localtime(draft.received_at, self.zone).date()
            for consent, scope in reversed(self.consents[draft.person.pk]):
                if consent.given_on <= day and needed <= scope:
                    draft.consent = consent
                    break
            if draft.consent is not None:
                continue
            wanted = set(needed) | {o.pk for s in self._doors(draft) for o in s.organizations}
            if draft.routing.collaboration and self.secretariat is not None:
                wanted.add(self.secretariat.pk)
            scope_organizations = sorted((by_pk[pk] for pk in wanted), key=lambda o: (o.order, o.pk))
            guardian = self._guardian(draft.person) if (draft.age or 0) < 18 else None
            consent = Consent(
                municipality=self.municipality,
                person_id=draft.person.pk,
                all_plan_agencies=False,
                purpose=CONSENT_PURPOSE,
                method=ConsentMethod.WRITTEN if self.rng.random() < 0.8 else ConsentMethod.ORAL,
                given_by=ConsentGiver.PARENT if guardian else ConsentGiver.SELF,
                representative_name=guardian.full_name if guardian else "",
                representative_relationship=self._relation(guardian, draft.person) if guardian else "",
                given_on=day,
                taken_by=draft.staff,
                taken_by_organization=draft.organization,
            )
            draft.consent = consent
            self.consents[draft.person.pk].append((consent, wanted))
            created.append((consent, scope_organizations, draft))
        return created

    def _relation(self, visitor: Resident, person: Resident) -> str:
        """How the visitor is related to the person, as staff write it on the form."""
        gap = (visitor.age or 0) - (person.age or 0)
        female = visitor.gender == Gender.FEMALE
        if gap >= 45:
            return "祖母" if female else "祖父"
        if gap >= 16:
            return "母" if female else "父"
        if gap <= -16:
            return "娘" if female else "息子"
        return "妻" if female and visitor.relationship in (Relationship.HEAD, Relationship.SPOUSE) else "家族"

    # -- writing consultations, consents and their grants

    def _grant(self, organization_id: int, person_id: int, basis: Basis, source: str, at: datetime, *,
               by: User | None, consent: Consent | None = None, reason: str = "") -> AccessGrant:  # fmt: skip
        self.grants.add((organization_id, person_id, basis))
        self.counts.grants += 1
        return AccessGrant(
            municipality=self.municipality, organization_id=organization_id, person_id=person_id, basis=basis,
            source=source, consent=consent, reason=reason, granted_by=by, granted_at=at, valid_from=at,
        )  # fmt: skip

    def _visitor(self, draft: Draft) -> tuple[Visitor, str, str]:
        """Who came or called: the child's parent, a family member, or the agency or neighbour who told us."""
        person = draft.person
        if person is None:
            return Visitor.PERSON, "", ""
        if draft.route in (Route.AGENCY, Route.WELFARE_COMMISSIONER, Route.RESIDENT):
            if draft.route == Route.AGENCY:
                group = "children" if (draft.age or 0) < 18 else "elderly" if (draft.age or 0) >= 65 else "adults"
                relation = self.rng.choice(CONCERNED[group])
            else:
                relation = "民生委員" if draft.route == Route.WELFARE_COMMISSIONER else "近隣住民"
            family = self.rng.choice(names.COMMON_FAMILY_NAMES)[0]
            given = self.rng.choice(names.all_given_names())[0]
            return Visitor.CONCERNED, f"{family}　{given}", relation
        family_member = None
        if (draft.age or 0) < 15:
            family_member = self._guardian(person)
        elif (draft.age or 0) >= 75 and person.household is not None and self.rng.random() < 0.3:
            younger = [m for m in self.households[person.household] if 20 <= (m.age or 0) < (draft.age or 0) - 15]
            family_member = younger[0] if younger else None
        if family_member is None:
            return Visitor.PERSON, "", ""
        return Visitor.FAMILY, family_member.full_name, self._relation(family_member, person)

    def _urgency(self, draft: Draft) -> Urgency:
        if draft.main.code == "dv-abuse":
            return self.pick(((Urgency.URGENT, 3), (Urgency.SOON, 5), (Urgency.NORMAL, 2)))
        if draft.main.code in ("hoarding", "8050", "no-food", "housing", "young-carer"):
            return self.pick(((Urgency.SOON, 3), (Urgency.NORMAL, 7)))
        return self.pick(((Urgency.NORMAL, 85), (Urgency.SOON, 12), (Urgency.URGENT, 3)))

    def _consultation(self, draft: Draft) -> Consultation:
        visitor, visitor_name, visitor_relationship = self._visitor(draft)
        full = draft.variant == ConsentVariant.WITH_CONSENT
        code, age = draft.main.code, draft.age or 0
        words_by_age = ELDERLY_WORDS if age >= 65 else CHILD_WORDS if age < 18 else {}
        wishes_by_age = ELDERLY_WISHES if age >= 65 else {}
        words = self.rng.choice(words_by_age.get(code) or WORDS.get(code, WORDS["other"])) if full else ""
        wishes = self.rng.choice(wishes_by_age.get(code) or WISHES.get(code, DEFAULT_WISHES)) if full else ""
        return Consultation(
            municipality=self.municipality,
            organization=draft.organization,
            program=draft.program,
            received_at=draft.received_at,
            staff=draft.staff,
            route=draft.route,
            visitor=visitor,
            visitor_name=visitor_name,
            visitor_relationship=visitor_relationship,
            person_id=draft.person.pk if draft.person else None,
            household_id=draft.household,
            is_anonymous=draft.person is None,
            anonymous_description=draft.anonymous_description,
            consent_variant=draft.variant,
            consent=draft.consent,
            main_issue=draft.main,
            words=words,
            wishes=wishes,
            urgency=self._urgency(draft),
            outcome=draft.outcome,
            outcome_note=OUTCOME_NOTES[draft.outcome] if full else "",
            domains=list(consultation_domains(draft.issues, draft.age)),
        )

    def _write_consultations(self, drafts: list[Draft], consents: list[tuple[Consent, list[Organization], Draft]]):
        Consent.objects.bulk_create([c for c, _, _ in consents], batch_size=BATCH_SIZE)
        Through = Consent.organizations.through
        Through.objects.bulk_create(
            [Through(consent_id=c.pk, organization_id=o.pk) for c, scope, _ in consents for o in scope],
            batch_size=BATCH_SIZE,
        )
        grants: list[AccessGrant] = []
        for consent, scope, draft in consents:
            # As consent_record's grant_create: one grant per organisation in scope, naming the consent.
            grants += [
                self._grant(o.pk, consent.person_id, Basis.CONSENT, f"consent:{consent.pk}", draft.received_at,
                            by=consent.taken_by, consent=consent, reason=consent.purpose)
                for o in scope
            ]  # fmt: skip
        for draft in drafts:
            person = draft.person
            if person is not None and (draft.organization.pk, person.pk, Basis.OWN_RECORD) not in self.grants:
                # The receiving agency's own record of the person, as registering them there would give it.
                grants.append(self._grant(draft.organization.pk, person.pk, Basis.OWN_RECORD, "registration",
                                          draft.received_at, by=self.user))  # fmt: skip
        AccessGrant.objects.bulk_create(grants, batch_size=BATCH_SIZE)
        records = [self._consultation(d) for d in drafts]
        Consultation.objects.bulk_create(records, batch_size=BATCH_SIZE)
        Issues = Consultation.issues.through
        Issues.objects.bulk_create(
            [Issues(consultation_id=c.pk, consultationissue_id=i.pk) for c, d in zip(records, drafts, strict=True)
             for i in d.issues],
            batch_size=BATCH_SIZE,
        )  # fmt: skip
        for record, draft in zip(records, drafts, strict=True):
            draft.record = record
            outcome = str(draft.outcome)
            self.counts.outcomes[outcome] = self.counts.outcomes.get(outcome, 0) + 1
        self.counts.consultations = len(records)
        self.counts.consents = len(consents)

    # -- referrals

    def _referrals(self, drafts: list[Draft]) -> list[Sending]:
        """Referrals in referral_send's shape; answered (or not) as the days allow, a few left overdue."""
        plans: list[Sending] = []
        for draft in drafts:
            if draft.target is None or draft.record is None:
                continue
            sent_at = self._later(draft.received_at, 0, 3) or self._moment(
                timezone.localtime(draft.received_at, self.zone).date(), draft.received_at, until=23 * 60
            )
            assert sent_at is not None  # the evening is always later than office hours
            organization, program = draft.target
            sent = timezone.localtime(sent_at, self.zone).date()
            with_consent = draft.variant == ConsentVariant.WITH_CONSENT
            if draft.to_meeting:
                names_ = "・".join(i.name for i in draft.issues)
                reason = f"{names_}が重なり、単独の機関では対応が難しいため、支援会議での検討を依頼する。"
            else:
                reason = f"{draft.main.name}について、{organization.name}での支援が必要と考えるため。"
            referral = Referral(
                municipality=self.municipality,
                consultation=draft.record,
                from_organization=draft.organization,
                to_organization=organization,
                to_program=program,
                to_meeting=draft.to_meeting,
                reason=reason,
                shared_information=SHARED_WITH_CONSENT if with_consent else SHARED_FOR_MEETING,
                basis=ReferralBasis.CONSENT if with_consent else ReferralBasis.ART106_6,
                consent=draft.consent if with_consent else None,
                due_on=self._business_day_between(sent + timedelta(days=7), sent + timedelta(days=14)),
                sent_by=draft.staff,
            )
            plan = Sending(draft=draft, referral=referral, sent_at=sent_at)
            responded = self._later(sent_at, 1, 7)  # 1–10 days later
            if responded is not None and timezone.localtime(responded, self.zone).date() < self.as_of:
                plan.responded_at = responded
            plans.append(plan)
        for plan in self._left_overdue(plans):
            plan.responded_at = None
        grants: list[AccessGrant] = []
        for plan in plans:
            referral = plan.referral
            if plan.responded_at is None:
                continue
            staff = self.staff.get(referral.to_organization.pk, [])
            referral.responded_by = self.rng.choice(staff)[0] if staff else self.user
            referral.responded_at = plan.responded_at
            if self.rng.random() < DECLINED:
                referral.status, referral.decline_reason = ReferralStatus.DECLINED, self.rng.choice(DECLINE_REASONS)
            else:
                referral.status = ReferralStatus.ACCEPTED
        referrals = [p.referral for p in plans]
        Referral.objects.bulk_create(referrals, batch_size=BATCH_SIZE)
        # sent_at is auto_now_add, which bulk_create sets to now: put back when each was sent.
        for plan in plans:
            plan.referral.sent_at = plan.sent_at
        Referral.objects.bulk_update(referrals, ["sent_at"], batch_size=BATCH_SIZE)
        for plan in plans:
            referral, person = plan.referral, plan.draft.person
            if referral.status != ReferralStatus.ACCEPTED or person is None:
                continue
            # As referral_accept: the receiver is granted access on the referral's basis, unless it has it.
            basis = Basis.CONSENT if referral.basis == ReferralBasis.CONSENT else Basis.ART106_6
            if (referral.to_organization.pk, person.pk, basis) not in self.grants:
                assert referral.responded_at is not None
                grants.append(self._grant(referral.to_organization.pk, person.pk, basis, f"referral:{referral.pk}",
                                          referral.responded_at, by=referral.responded_by, consent=referral.consent,
                                          reason=referral.reason))  # fmt: skip
        AccessGrant.objects.bulk_create(grants, batch_size=BATCH_SIZE)
        self.counts.referrals = len(plans)
        waiting = [p.referral for p in plans if p.referral.status == ReferralStatus.SENT]
        self.counts.waiting = len(waiting)
        self.counts.overdue = sum(1 for r in waiting if r.due_on < self.as_of)
        return plans

    def _left_overdue(self, plans: list[Sending]) -> list[Sending]:
        """The referrals nobody answered before their due date passed: 3% of them, and at least one for
        each agency with many referrals (either side), so that the busy inboxes show what is overdue.

        Recent ones first: an inbox shows a referral forgotten last month, seldom one from last spring.
        """
        due = [p for p in plans if p.referral.due_on < self.as_of]
        recent = [p for p in due if p.sent_at.date() >= self.as_of - timedelta(days=90)] or due
        involved: dict[int, int] = defaultdict(int)
        for plan in plans:
            involved[plan.referral.from_organization.pk] += 1
            involved[plan.referral.to_organization.pk] += 1
        chosen: list[Sending] = []
        for organization_id in sorted(k for k, n in involved.items() if n >= OVERDUE_PER_AGENCY):
            sides = [
                p for p in recent if organization_id in (p.referral.from_organization.pk, p.referral.to_organization.pk)
            ]
            if sides and not any(any(p is c for c in chosen) for p in sides):
                chosen.append(self.rng.choice(sides))
        rest = [p for p in recent if all(p is not c for c in chosen)]
        extra = max(0, max(1, round(OVERDUE * len(plans))) - len(chosen))
        return chosen + self.rng.sample(rest, min(extra, len(rest)))

    # -- progress records

    def _write_notes(self, drafts: list[Draft], plans: list[Sending]) -> None:
        """One to six records per named consultation (an anonymous one has nobody to record about)."""
        referral_of = {id(p.draft): p for p in plans}
        notes: list[CaseNote] = []
        last_notes: list[CaseNote] = []
        for draft in drafts:
            if draft.person is None:
                continue
            plan = referral_of.get(id(draft))
            series = self._sender_notes(draft, plan)
            if plan is not None and plan.referral.status == ReferralStatus.ACCEPTED:
                received = self._receiver_notes(draft, plan)
                self._plan_next_steps(received, ongoing=True)
                notes += received
                last_notes += received[-1:]
            self._plan_next_steps(series, ongoing=draft.outcome in (Outcome.HANDLED, Outcome.COLLABORATION))
            notes += series
            last_notes += [n for n in series[-1:] if n.next_step_on is not None]
        self._this_week(last_notes)
        CaseNote.objects.bulk_create(notes, batch_size=BATCH_SIZE)
        self.counts.notes = len(notes)

    def _note(self, draft: Draft, organization: Organization, staff: User, at: datetime, note: Note) -> CaseNote:
        means, counterpart, detail, content, next_step = note
        return CaseNote(
            municipality=self.municipality, organization=organization,
            person_id=draft.person.pk if draft.person else None, consultation=draft.record, occurred_at=at,
            means=means, staff=staff, counterpart=counterpart, counterpart_detail=detail, content=content,
            next_step=next_step,
        )  # fmt: skip

    def _topic_notes(self, draft: Draft) -> tuple[Note, ...]:
        """The follow-ups that fit the main issue; an older person's illness is followed up as care is."""
        code = "care" if draft.main.code == "health" and (draft.age or 0) >= 65 else draft.main.code
        return NOTES.get(code, GENERIC_NOTES) + GENERIC_NOTES[:1]

    def _sender_notes(self, draft: Draft, plan: Sending | None) -> list[CaseNote]:
        """The receiving agency's records: a first contact, the follow-ups, the handover or the close."""
        count = self.pick(NOTE_COUNTS)
        if draft.outcome == Outcome.INFORMATION:
            count = 1
        elif draft.outcome in (Outcome.ENDED, Outcome.REFERRED):
            count = min(count, 3)
        series: list[CaseNote] = []
        at: datetime | None = self._later(draft.received_at, 0, 0) if self.rng.random() < 0.5 else None
        at = at or self._later(draft.received_at, 1, 5)
        if at is None:
            # Received on the last day: written up that evening.
            day = timezone.localtime(draft.received_at, self.zone).date()
            at = self._moment(day, draft.received_at, until=23 * 60)
        topics = self._topic_notes(draft)
        while at is not None and len(series) < count:
            if draft.outcome == Outcome.INFORMATION:
                note = INFORMATION_NOTE
            elif draft.outcome == Outcome.ENDED and len(series) == count - 1:
                note = CLOSING_NOTE
            elif not series:
                note = self.rng.choice(FIRST_NOTES)
            else:
                note = self.rng.choice(topics)
            series.append(self._note(draft, draft.organization, draft.staff, at, note))
            at = self._later(at, 3, 15)
        if plan is not None:
            # The handover, just after sending: the sender's record of the つなぎ.
            to = plan.referral.to_organization.name
            content = (
                f"支援会議での検討を依頼。事務局（{to}）に概要を伝えた。"
                if plan.referral.to_meeting
                else f"{to}へつなぐ。本人の同意の範囲で相談の概要を伝えた。"
            )
            handover: Note = (Means.PHONE, Counterpart.AGENCY, to, content, "つなぎ先の回答を確認する")
            at = plan.sent_at + timedelta(minutes=5)
            series = [n for n in series if n.occurred_at < at][: count - 1]
            series.append(self._note(draft, draft.organization, draft.staff, at, handover))
            series[-1].next_step_on = plan.referral.due_on
        return series

    def _receiver_notes(self, draft: Draft, plan: Sending) -> list[CaseNote]:
        """After accepting, the receiver's own records of the same person, from the next days on."""
        referral = plan.referral
        assert referral.responded_at is not None and referral.responded_by is not None
        receiver, staff = referral.to_organization, referral.responded_by
        sender = referral.from_organization.name
        if referral.to_meeting:
            first: Note = (Means.MEETING, Counterpart.AGENCY, "支援会議",
                           f"支援会議で検討（{sender}から依頼）。関係機関の役割分担と見守りの方針を確認した。",
                           "支援会議で経過を確認する")  # fmt: skip
        else:
            first = (Means.VISIT, Counterpart.PERSON, "", f"{sender}からのつなぎを受け、本人と初回面談。", "次回面談")
        series: list[CaseNote] = []
        at = self._later(referral.responded_at, 0, 3)
        count = self.rng.randint(1, 4)
        while at is not None and len(series) < count:
            note = first if not series else self.rng.choice(self._topic_notes(draft))
            series.append(self._note(draft, receiver, staff, at, note))
            at = self._later(at, 3, 15)
        return series

    def _plan_next_steps(self, series: list[CaseNote], *, ongoing: bool) -> None:
        """Each record's next step is the next record's date; the last one's lies ahead, while support goes on."""
        for note, following in pairwise(series):
            if note.next_step:
                note.next_step_on = timezone.localtime(following.occurred_at, self.zone).date()
        if series:
            last = series[-1]
            if ongoing and last.next_step and last.next_step_on is None:
                day = timezone.localtime(last.occurred_at, self.zone).date()
                last.next_step_on = self._business_day_between(day + timedelta(days=7), day + timedelta(days=45))
            elif last.next_step_on is None:
                last.next_step = ""
        for note in series:
            if note.next_step_on is None:
                note.next_step = ""

    def _this_week(self, last_notes: Iterable[CaseNote]) -> None:
        """Make sure "今週の予定" has something: for each agency the latest open case's next step falls in
        the week after the reference date (and a few more at random)."""
        latest: dict[int, CaseNote] = {}
        candidates: list[CaseNote] = []
        for note in last_notes:
            if note.next_step_on is None or note.occurred_at.date() < self.as_of - timedelta(days=90):
                continue
            candidates.append(note)
            current = latest.get(note.organization_id)
            if current is None or note.occurred_at > current.occurred_at:
                latest[note.organization_id] = note
        chosen = [latest[k] for k in sorted(latest)]
        chosen += self.rng.sample(candidates, min(len(candidates), max(1, len(candidates) // 20)))
        for note in chosen:
            note.next_step_on = self._business_day_between(self.as_of, self.as_of + timedelta(days=6))
