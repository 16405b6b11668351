"""``demo_town``'s meetings: a year of 支援会議 and 重層的支援会議, called by the extension hook of
``tsunagu.people.demo.generator`` after support_plans' and outreach's (INSTALLED_APPS order).

Every step goes through the meetings' services — holding, members, 守秘義務の確認, agenda, minutes, decisions,
tasks, their completion and the follow-up's close — so the law (grants with the meeting as source, the
consent check, revocation) is that of real work. Which type is which follows the plan file's
configuration (a statutory basis, or ``consent_required``), never the name.

- Each month before ``as_of``, one meeting of each kind, chaired by the coordinator with 地域包括, サポート
  りんくす and 社協 as members; the next month's two are on the calendar already, their agendas prepared.
- 支援会議: people without consent, brought by the member whose organisation holds them (a 受付 case
  without consent first, then people known through outreach, then people an agency registered);
  decisions to assign outreach or watching-over, or a policy, with a task each.
- 重層的支援会議: support_plans' demo cases, whose consent covers every member; a policy with a task each. One
  new case, planned by support_plans' demo helper, is decided (支援決定) by the meeting three months back.
- Meetings held more than two months before ``as_of`` have their tasks done and their follow-up closed
  (the 支援会議's grants revoked); the recent ones are still being followed up.

Timestamps the services take from the clock (acknowledgements, decisions) are the run's; the meetings'
own dates are spread over the year. Random draws come from the run's seed only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis, Consent
from tsunagu.access.policy import casework_memberships, decide
from tsunagu.collaboration.models import CaseState, CollaborationCase
from tsunagu.core.demo import DEMO_ACCOUNTS
from tsunagu.core.models import Municipality, Organization, User
from tsunagu.meetings import services
from tsunagu.meetings.models import FollowUpTask, Meeting
from tsunagu.people.models import HouseholdMember, Person
from tsunagu.plans.models import DecisionKind, MeetingType
from tsunagu.plans.selectors import plan_current_for_municipality
from tsunagu.records import registry

CHAIR = "coordinator"
MEMBERS = ("houkatsu", "links", "shakyo")
MONTHS = 12
CLOSED_AFTER_DAYS = 60  # meetings held longer ago than this have finished their follow-up
DECIDED_MONTHS_BACK = 3  # the 重層的支援会議 that decides the new case

SUPPORT_TOPICS = ("長期のひきこもりと高齢の親の世帯", "近隣から心配の声がある独居の方", "ごみの片付けが進まない住まい",
                  "支援を拒んでいる方への関わり方", "家族の介護で外出できない若者")  # fmt: skip
CASE_TOPICS = ("プランの進み具合の確認", "モニタリングの報告と役割の見直し", "評価に向けた協議",
               "主担当機関への引き継ぎ")  # fmt: skip
SUPPORT_DECISIONS = (
    (DecisionKind.OUTREACH, "福祉あんしん課が月2回の訪問を続ける（デモ）", "訪問の記録を次回報告する"),
    (DecisionKind.WATCHING, "民生委員と社協が見守り、変化があれば連絡する（デモ）", "見守りの状況を確認する"),
    (DecisionKind.POLICY, "本人の同意が得られるまで、関係機関で情報を共有して見守る（デモ）", "関わりの経過をまとめる"),
)


@dataclass
class Counts:
    by_kind: dict[str, int] = field(default_factory=lambda: {"statutory": 0, "consent": 0})
    items: int = 0
    acknowledgements: int = 0
    decisions: int = 0
    tasks: int = 0
    closed: int = 0


def refreshed(meeting: Meeting) -> Meeting:
    """The meeting as the services read it (members and acknowledgements prefetched, as its pages fetch it)."""
    return (
        Meeting.objects.select_related("meeting_type", "convener", "chair")
        .prefetch_related("members", "acknowledgements")
        .get(pk=meeting.pk)
    )


class DemoMeetings:
    def __init__(self, *, municipality: Municipality, rng: random.Random, as_of: date) -> None:
        self.municipality, self.rng, self.as_of = municipality, rng, as_of
        self.counts = Counts()
        users = {u.username: u for u in User.objects.filter(
            username__in=[a.username for a in DEMO_ACCOUNTS], municipality=municipality, is_active=True)}  # fmt: skip
        self.chair = users.get(CHAIR)
        self.members = [users[name] for name in MEMBERS if name in users]

    # -- the types, by their configuration

    def types(self) -> tuple[MeetingType | None, MeetingType | None]:
        plan = plan_current_for_municipality(municipality=self.municipality)
        kinds = list(MeetingType.objects.filter(plan=plan).select_related("convener").order_by("order", "pk"))
        statutory = next((k for k in kinds if k.statutory and not k.consent_required), None)
        consent = next((k for k in kinds if k.consent_required), None)
        return statutory, consent

    # -- who is discussed

    def without_consent(self, organizations: list[Organization]) -> list[Person]:
        """People with no consent at all: a case waiting for consent first, then people outreach knows, then
        people a member's organisation registered (its own record)."""
        no_consent = ~Exists(Consent.objects.filter(person_id=OuterRef("pk")))
        waiting = list(
            Person.objects.filter(
                no_consent, pk__in=CollaborationCase.objects.filter(
                    municipality=self.municipality, state__in=[CaseState.RECEIVED, CaseState.MEETING_TRACK]
                ).values("person_id"),
            ).order_by("pk")
        )  # fmt: skip
        # Known through outreach: the people of the records outreach registers (by the registry, so that this
        # app imports no other app of its level), before they consented to anything.
        reached: set[int] = set()
        for kind in registry.kinds():
            if kind.key.startswith("outreach"):
                rows = kind.model.objects.filter(**{f"{kind.person_field}__isnull": False})  # type: ignore[attr-defined]
                reached |= set(rows.values_list(kind.person_field, flat=True))
        outreach = list(Person.objects.filter(no_consent, pk__in=sorted(reached), municipality=self.municipality)
                        .exclude(pk__in=[p.pk for p in waiting]).order_by("pk"))  # fmt: skip
        own = AccessGrant.objects.active().filter(basis=Basis.OWN_RECORD, organization__in=organizations)
        registered = list(
            Person.objects.filter(no_consent, municipality=self.municipality, pk__in=own.values("person_id"))
            .exclude(pk__in=[p.pk for p in waiting + outreach])
            .order_by("pk")[:60]
        )
        self.rng.shuffle(registered)
        return waiting + outreach + registered[:20]

    def cases_consented(self, organization_ids: list[int]) -> list[CollaborationCase]:
        """Cases past planning whose consent covers every member (support_plans' demo writes such consents)."""
        from tsunagu.meetings.law import organizations_lacking_consent

        rows = CollaborationCase.objects.filter(municipality=self.municipality).exclude(
            state__in=[CaseState.RECEIVED, CaseState.MEETING_TRACK, CaseState.ASSESSMENT]
        )
        return [c for c in rows.order_by("pk") if not organizations_lacking_consent(c.person_id, organization_ids)]

    # -- holding

    def held_at(self, months_back: int, day: int, hour: int) -> datetime:
        first = date(self.as_of.year, self.as_of.month, 1)
        month = (first.month - 1 - months_back) % 12 + 1
        year = first.year + (first.month - 1 - months_back) // 12
        return datetime.combine(date(year, month, day), time(hour), timezone.get_current_timezone())

    def hold(self, kind: MeetingType, at: datetime) -> Meeting:
        assert self.chair is not None
        meeting = services.meeting_create(user=self.chair, meeting_type=kind, held_at=at,
                                          place="琴浦町役場 第1会議室（デモ）")  # fmt: skip
        for member in self.members:
            organization = casework_memberships(member)[0].organization
            services.member_add(user=self.chair, meeting=refreshed(meeting), member=member, organization=organization)
        self.counts.by_kind["statutory" if kind.statutory and not kind.consent_required else "consent"] += 1
        return refreshed(meeting)

    def acknowledge_all(self, meeting: Meeting, *, leave_one: bool = False) -> None:
        assert self.chair is not None
        everyone = [self.chair, *self.members]
        for user in everyone[:-1] if leave_one else everyone:
            services.acknowledge(user=user, meeting=refreshed(meeting))
            self.counts.acknowledgements += 1

    def bring(self, meeting: Meeting, person: Person, topic: str, case: CollaborationCase | None = None):
        """The member who may see the person puts them on the agenda (the chair first)."""
        for user in [self.chair, *self.members]:
            assert user is not None
            if decide(user, person.pk).allowed and (meeting.meeting_type.consent_required or any(
                    a.user_id == user.pk for a in meeting.acknowledgements.all())):  # fmt: skip
                item = services.agenda_item_add(user=user, meeting=meeting, data=services.AgendaItemInput(
                    person=person, topic=topic, case=case, household=case.household if case else None))  # fmt: skip
                self.counts.items += 1
                return item
        return None

    def decide(self, meeting: Meeting, item, kind: str, content: str, task: str | None, owner: User) -> None:
        assert self.chair is not None
        minutes = (
            f"{item.topic}について、各機関が把握している状況を共有した。\n"
            "本人の思いを確かめながら関わることを確認した。"
        )
        item = services.minutes_record(user=self.chair, item=item, minutes=minutes)
        due = timezone.localtime(meeting.held_at).date() + timedelta(days=self.rng.choice((14, 21, 28)))
        tasks = [services.TaskInput(title=task, owner=owner, due_on=due)] if task else []
        organization = None
        if kind in services.ASSIGNING:
            organization = casework_memberships(owner)[0].organization
        services.decision_record(user=self.chair, item=item, data=services.DecisionInput(
            kind=kind, content=content, assigned_organization=organization, tasks=tasks))  # fmt: skip
        self.counts.decisions += 1
        self.counts.tasks += len(tasks)

    def finish(self, meeting: Meeting) -> None:
        """The follow-up of a meeting held long enough ago: its tasks done (the last closes it), or closed."""
        for task in FollowUpTask.objects.filter(meeting=meeting, done_at__isnull=True).select_related("owner"):
            services.task_complete(user=task.owner, task=task)
        meeting = refreshed(meeting)
        if meeting.closed_at is None:
            assert self.chair is not None
            services.meeting_close(user=self.chair, meeting=meeting)
        self.counts.closed += 1

    # -- the year

    def support_meeting(self, kind: MeetingType, months_back: int, people: list[Person]) -> None:
        at = self.held_at(months_back, self.rng.randint(8, 12), 14)
        meeting = self.hold(kind, at)
        upcoming = at.date() >= self.as_of
        self.acknowledge_all(meeting, leave_one=upcoming)
        meeting = refreshed(meeting)
        for index in range(self.rng.choice((1, 2))):
            if not people:
                break
            person = people.pop(0)
            item = self.bring(meeting, person, SUPPORT_TOPICS[(months_back + index) % len(SUPPORT_TOPICS)])
            if item is None or upcoming:
                continue
            kind_, content, task = SUPPORT_DECISIONS[self.rng.randrange(len(SUPPORT_DECISIONS))]
            owner = self.members[self.rng.randrange(len(self.members))]
            self.decide(meeting, item, kind_, content, task, owner)
        if not upcoming and self.as_of - at.date() > timedelta(days=CLOSED_AFTER_DAYS):
            self.finish(meeting)

    def consent_meeting(self, kind: MeetingType, months_back: int, cases: list[CollaborationCase],
                        decided: CollaborationCase | None) -> None:  # fmt: skip
        at = self.held_at(months_back, self.rng.randint(18, 24), 10)
        meeting = self.hold(kind, at)
        upcoming = at.date() >= self.as_of
        if cases:
            case = cases[(MONTHS - months_back) % len(cases)]
            item = self.bring(meeting, case.person, CASE_TOPICS[months_back % len(CASE_TOPICS)], case)
            if item is not None and not upcoming:
                owner = self.members[self.rng.randrange(len(self.members))]
                self.decide(refreshed(meeting), item, DecisionKind.POLICY,
                            "プランの役割分担どおりに支援を続け、次回の会議で進み具合を確かめる（デモ）",
                            "担当の支援の進み具合を報告する", owner)  # fmt: skip
        if decided is not None:
            item = self.bring(refreshed(meeting), decided.person, "支援プランの適切さの協議と支援決定", decided)
            assert item is not None
            self.decide(refreshed(meeting), item, DecisionKind.SUPPORT_DECISION,
                        "プランの内容は適切であり、支援を決定する（デモ）", None, self.members[0])  # fmt: skip
        if not upcoming and self.as_of - at.date() > timedelta(days=CLOSED_AFTER_DAYS):
            self.finish(meeting)

    def planned_case(self, rng: random.Random) -> CollaborationCase | None:
        """A new case up to a complete draft plan, by support_plans' demo helper, for a household no case has."""
        from tsunagu.support_plans.demo import ROLE_ACCOUNTS, DemoPlans

        plans = DemoPlans(municipality=self.municipality, rng=rng, as_of=self.as_of)
        plans.role_users = [plans.users[name] for name in ROLE_ACCOUNTS if name in plans.users]
        if self.chair is None or len(plans.role_users) < len(ROLE_ACCOUNTS):
            return None
        plans.coordinator = self.chair
        plans.coordinating = casework_memberships(self.chair)[0].organization
        plans.roles = [casework_memberships(u)[0].organization for u in plans.role_users]
        taken = CollaborationCase.objects.filter(municipality=self.municipality)
        member = (
            HouseholdMember.objects.filter(municipality=self.municipality)
            .exclude(household_id__in=taken.values("household_id"))
            .exclude(person_id__in=taken.values("person_id"))
            .select_related("person", "household")
            .order_by("household_id", "pk")[: 200]
        )  # fmt: skip
        candidates = list(member)
        if not candidates:
            return None
        chosen = candidates[rng.randrange(len(candidates))]
        plans.make_case(CaseState.PLANNING, chosen.person, chosen.household, None, 22)
        self.role_acknowledge = plans.acknowledge
        return CollaborationCase.objects.filter(person=chosen.person).order_by("-pk").first()

    def make(self) -> str:
        statutory, consent = self.types()
        if self.chair is None or len(self.members) < len(MEMBERS) or statutory is None or consent is None:
            return "会議: デモ用の職員か会議の種別がないため作成しませんでした"
        organizations = [casework_memberships(u)[0].organization for u in [self.chair, *self.members]]
        people = self.without_consent(organizations)
        cases = self.cases_consented([o.pk for o in organizations])
        decided = self.planned_case(random.Random(self.rng.random()))  # noqa: S311 - demo data, seeded
        for months_back in range(MONTHS - 1, -2, -1):  # a year back to this month, then next month (-1)
            self.support_meeting(statutory, months_back, people)
            self.consent_meeting(consent, months_back, cases,
                                 decided if months_back == DECIDED_MONTHS_BACK else None)  # fmt: skip
        if decided is not None:
            decided.refresh_from_db()
            self.role_acknowledge(decided)
        c = self.counts
        return (
            f"会議: 支援会議{c.by_kind['statutory']}回・重層的支援会議{c.by_kind['consent']}回・検討事項{c.items}件・"
            f"守秘義務の確認{c.acknowledgements}件・決定{c.decisions}件・タスク{c.tasks}件"
            f"（フォローアップ終了{c.closed}回）を生成"
        )


def extend_demo_town(*, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User) -> str:
    """Add the demo year of meetings; return a summary line. ``user`` (the inactive system user) does no
    casework: the demo accounts do, as the services require."""
    return DemoMeetings(municipality=municipality, rng=rng, as_of=as_of).make()
