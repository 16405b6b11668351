"""``demo_town``'s 参加支援: the extension hook of ``tsunagu.people.demo.generator`` calls ``extend_demo_town`` after
the support plans' (INSTALLED_APPS order).

Everything goes through the real services as the workshop's demo account (作業所 参加): hosts and resources
across the cross-sector fields, a 開拓 log with every outcome, and the supports of a few people a demo
agency registered, each with a consent naming the workshop taken by that agency — then matches in every state
(提案, 見学・体験, 参加中, 定着, 終了) with follow-ups for the person and the host, dated before ``as_of``; and one
support begun from a demo support plan's role line asking for 参加支援 (``from_plan``).
Deterministic: the same seed and date give the same records.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from tsunagu.access.models import AccessGrant, Basis, ConsentMethod
from tsunagu.access.policy import casework_memberships
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.core.demo import DEMO_ACCOUNTS
from tsunagu.core.models import District, Municipality, User
from tsunagu.participation import selectors, services
from tsunagu.participation.defaults import kinds_ensure
from tsunagu.participation.models import (
    DevelopmentOutcome,
    EndReason,
    FollowUpAbout,
    MatchState,
    Resource,
    Transport,
)
from tsunagu.people.models import HouseholdMember, Person
from tsunagu.support_plans import services as plans
from tsunagu.support_plans.models import Application, PlanAction, PlanStatus, SupportPlan

WORKSHOP_ACCOUNT = "sagyousho"

# (host, sector, resource, kind, district index or None for 町外, weekdays, hours, capacity, keywords, support, pickup)
RESOURCES = (
    (
        "山田農園",
        "農業",
        "農作業体験（野菜の収穫）",
        "work-experience",
        0,
        "火木",
        (9, 12),
        3,
        "農作業、屋外、野菜",
        True,
        False,
    ),
    ("東伯みかん園", "農業", "みかんの選果", "farming", 1, "月水金", (9, 15), 4, "農作業、屋外", False, True),
    ("ことうら道の駅", "観光", "売店の品出し", "work", 2, "土日", (10, 14), 2, "接客、観光", False, False),
    ("倉吉駅前ダイニング", "観光", "夜の接客アルバイト", "work", None, "月火水木金", (18, 22), 2, "接客", False, False),
    (
        "社協ふれあいサロン",
        "まちづくり",
        "居場所カフェ",
        "ibasho",
        0,
        "水",
        (13, 16),
        None,
        "お茶、話す、ゲーム",
        True,
        False,
    ),
    ("町立図書館", "教育", "図書の整理ボランティア", "volunteer", 1, "火", (10, 12), 3, "本、静か", True, False),
    ("浜のクリーン隊", "環境", "海岸清掃", "volunteer", 2, "土", (8, 10), None, "屋外、環境", False, False),
    (
        "あかさき消費生活サークル",
        "消費者相談",
        "暮らしの学び講座",
        "learning",
        2,
        "木",
        (14, 16),
        10,
        "お金、学び",
        True,
        False,
    ),
    (
        "中部居住支援センター",
        "まちづくり",
        "住まい探しの相談",
        "housing",
        None,
        "月火水木金",
        (9, 17),
        None,
        "住まい",
        True,
        False,
    ),
    ("町保健センター", "保健・医療", "体を動かす会", "circle", 1, "金", (10, 11), 8, "運動、体操", True, True),
)
DEVELOPMENTS = (
    ("山田農園", "農業", "訪問", DevelopmentOutcome.ACCEPTED, "職員が付き添う条件で受け入れ可"),
    ("琴浦町商工会", "地方創生", "商工会の会合で説明", DevelopmentOutcome.CONSIDERING, "会員事業所に周知してもらう"),
    ("赤碕港の水産加工場", "農業", "電話", DevelopmentOutcome.DECLINED, "繁忙期のため今年度は難しい"),
    ("町立図書館", "教育", "訪問", DevelopmentOutcome.CONDITIONAL, "平日の午前に限り受け入れ"),
    ("ことうら道の駅", "観光", "訪問", DevelopmentOutcome.ACCEPTED, "週末の品出しを依頼"),
)
INTERESTS = ("農作業、屋外", "お茶、話す", "本、静か")
# The demo people's matches: the state each one's first match reaches (and a second ended match for one).
STORIES = (MatchState.PROPOSED, MatchState.TRIAL, MatchState.PARTICIPATING, MatchState.SETTLED, MatchState.ENDED,
           MatchState.PARTICIPATING)  # fmt: skip


class DemoParticipation:
    def __init__(self, *, municipality: Municipality, rng: random.Random, as_of: date) -> None:
        self.municipality, self.rng, self.as_of = municipality, rng, as_of
        self.counts = {"hosts": 0, "resources": 0, "developments": 0, "supports": 0, "matches": 0, "follow_ups": 0}

    def day(self, days_before: int) -> date:
        return self.as_of - timedelta(days=days_before)

    def registry(self, user: User) -> list[Resource]:
        districts = list(District.objects.filter(municipality=self.municipality).order_by("order", "pk")[:3])
        kinds = {k.code: k for k in kinds_ensure(self.municipality.pk)}
        hosts = {}
        made = []
        for name, sector, title, kind, where, days, (start, end), capacity, keywords, support, pickup in RESOURCES:
            if name not in hosts:
                hosts[name] = services.host_create(user=user, data=services.HostInput(
                    name=name, sector=sector, contact_name="担当者（デモ）", contact_phone="0858-00-0000"))  # fmt: skip
                self.counts["hosts"] += 1
            district = districts[where % len(districts)] if where is not None and districts else None
            made.append(services.resource_create(user=user, data=services.ResourceInput(
                host=hosts[name], name=title, kind=kinds[kind], description=f"{title}（デモ）", sector=sector,
                district=district, outside_town=where is None, address="倉吉市" if where is None else "",
                weekdays=days, starts_at=time(start), ends_at=time(end), capacity=capacity, keywords=keywords,
                staff_support=support, pickup=pickup, public_transport=where is None,
            )))  # fmt: skip
            self.counts["resources"] += 1
        for i, (name, sector, method, outcome, note) in enumerate(DEVELOPMENTS):
            services.development_record(user=user, data=services.DevelopmentInput(
                approached_on=self.day(300 - 40 * i), approached=name, sector=sector, method=method, outcome=outcome,
                note=note, host=hosts.get(name),
            ))  # fmt: skip
            self.counts["developments"] += 1
        return made

    def people(self, n: int) -> list[tuple[Person, User]]:
        """Adults (18–64) a demo agency holds as its own record, each with a consent naming the workshop taken
        by that agency's demo account."""
        takers = {m.organization_id: u for u in User.objects.filter(
            username__in=[a.username for a in DEMO_ACCOUNTS if a.username != WORKSHOP_ACCOUNT],
            municipality=self.municipality, is_active=True).order_by("username")
            for m in casework_memberships(u)}  # fmt: skip
        young, old = self.day(18 * 366), self.day(64 * 365)
        grants = (
            AccessGrant.objects.active().filter(
                municipality=self.municipality, basis=Basis.OWN_RECORD, organization_id__in=list(takers),
                person__birth_date__lte=young, person__birth_date__gte=old,
            ).select_related("person").order_by("person_id")[:200]
        )  # fmt: skip
        pool = list({g.person_id: g for g in grants}.values())
        self.rng.shuffle(pool)
        found = []
        for grant in pool[:n]:
            taker = takers[grant.organization_id]
            consent_record(user=taker, person=grant.person, data=ConsentInput(
                purpose="参加支援（社会参加の場の紹介と定着支援）のため（デモ）", method=ConsentMethod.WRITTEN,
                given_on=self.day(200), organizations=[grant.organization, self.workshop],
            ))  # fmt: skip
            found.append((grant.person, taker))
        return found

    def story(self, user: User, person: Person, target: MatchState, index: int, *,
              plan_action: PlanAction | None = None, start: int | None = None) -> None:  # fmt: skip
        start = 180 - index * 15 if start is None else start
        household = HouseholdMember.objects.filter(person=person).select_related("household").first()
        support = services.support_open(user=user, data=services.SupportInput(
            person=person, household=household.household if household else None, plan_action=plan_action,
            wishes="人と関わる場所を少しずつ増やしたい（デモ）", interests=INTERESTS[index % 3],
            weekdays="月火水木金", available_from=time(9), available_until=time(15),
            transport=(Transport.BICYCLE, Transport.NEEDS_PICKUP, Transport.CAR)[index % 3],
            needs_staff_support=index % 2 == 0, started_on=self.day(start),
        ))  # fmt: skip
        self.counts["supports"] += 1
        ranked = [s for s in selectors.ranking_for(support) if not s.excluded]
        choice = ranked[index % min(3, len(ranked))].resource
        match = services.match_propose(user=user, support=support, resource=choice, proposed_on=self.day(start - 5),
                                       note="本人・家族と相談して提案（デモ）")  # fmt: skip
        self.counts["matches"] += 1
        steps = {MatchState.TRIAL: 20, MatchState.PARTICIPATING: 35, MatchState.SETTLED: 120}
        # An ended story is a visit that did not suit; the others go as far as their state.
        path = (MatchState.TRIAL,) if target == MatchState.ENDED else _up_to(target)
        for state in path:
            match = services.match_advance(user=user, match=match, data=services.StateInput(
                to=state, on=self.day(start - steps[state]), note=f"{state.label}（デモ）"))  # fmt: skip
        if match.received:
            first = match.trial_on or match.started_on
            assert first is not None
            for about, content, worries in (
                (FollowUpAbout.PERSON, "緊張したが、また行きたいと話した（デモ）", ""),
                (FollowUpAbout.HOST, "受け入れ先と振り返り（デモ）", "休むときの連絡方法を決めておきたい"),
            ):
                services.follow_up_record(user=user, match=match, data=services.FollowUpInput(
                    about=about, content=content, worries=worries, on=min(first + timedelta(days=7), self.as_of),
                ))  # fmt: skip
                self.counts["follow_ups"] += 1
        if target == MatchState.ENDED:
            services.match_advance(user=user, match=match, data=services.StateInput(
                to=MatchState.ENDED, on=self.day(start - 40), end_reason=EndReason.NOT_SUITED,
                note="作業が体に合わなかった（デモ）"))  # fmt: skip

    def make(self) -> str:
        user = User.objects.filter(username=WORKSHOP_ACCOUNT, municipality=self.municipality, is_active=True).first()
        workshop = services.participation_membership_organization(user) if user is not None else None
        if user is None or workshop is None:
            return "参加支援: デモ用の職員（作業所）がいないため作成しませんでした"
        self.workshop = workshop
        self.registry(user)
        people = self.people(len(STORIES))
        for index, (person, _taker) in enumerate(people):
            self.story(user, person, STORIES[index], index)
        self.from_plan(user, {p.pk for p, _t in people})
        c = self.counts
        return (
            f"参加支援: 受け入れ先{c['hosts']}件・社会資源{c['resources']}件・開拓{c['developments']}件・"
            f"参加支援{c['supports']}件・マッチング{c['matches']}件・フォローアップ{c['follow_ups']}件を生成"
        )

    def from_plan(self, user: User, taken: set[int]) -> None:
        """One support begun from a plan's role line: the demo case still in プラン作成 gets, from its writer, a
        consent naming the workshop and a line for the workshop applying for 参加支援事業 (a draft can still take
        one); the workshop confirms its role and opens the support from the line, which reaches 見学・体験."""
        plan = (
            SupportPlan.objects.filter(municipality=self.municipality, status=PlanStatus.DRAFT, case__isnull=False,
                                       staff__is_active=True)
            .exclude(person_id__in=taken).select_related("person", "organization", "staff").order_by("pk").first()
        )  # fmt: skip
        if plan is None or plan.person is None:
            return
        consent_record(user=plan.staff, person=plan.person, data=ConsentInput(
            purpose="参加支援（社会参加の場の紹介と定着支援）のため（デモ）", method=ConsentMethod.WRITTEN,
            given_on=self.day(40), organizations=[plan.organization, self.workshop],
        ))  # fmt: skip
        action = plans.action_add(user=plan.staff, plan=plan, data=plans.ActionInput(
            content="日中の居場所・就労体験の利用調整（参加支援事業）", organization=self.workshop,
            staff_name="作業所 担当（デモ）", frequency="週1回", application=Application.PARTICIPATION,
        ))  # fmt: skip
        plans.action_acknowledge(user=user, action=action)
        self.story(user, plan.person, MatchState.TRIAL, len(STORIES), plan_action=action, start=30)


def _up_to(target: MatchState) -> tuple[MatchState, ...]:
    order = (MatchState.TRIAL, MatchState.PARTICIPATING, MatchState.SETTLED)
    return order[: order.index(target) + 1] if target in order else ()


def extend_demo_town(*, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User) -> str:
    """Add the demo 参加支援 records; return a summary line. ``user`` (the inactive system user) does no casework:
    the workshop's demo account does, as the services require."""
    return DemoParticipation(municipality=municipality, rng=rng, as_of=as_of).make()
