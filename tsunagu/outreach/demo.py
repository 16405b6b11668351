"""``demo_town``'s アウトリーチ: the extension hook of ``tsunagu.people.demo.generator`` calls ``extend_demo_town``
after support_plans' and before meetings' (INSTALLED_APPS order).

- The town's 民生委員 districts and the district map's cells, as configuration data (``CommissionerDistrict``,
  ``DistrictSetting``), when the town has none: the 地区 sharing a name before 「第」 (東伯第1地区 …) form one
  地区民生委員児童委員協議会 and one row of the map.
- Targets in every stage, worked by the demo account ``anshin`` of the organisation that runs the plan's
  outreach programme (福祉あんしん課, 直営 in the seed), with realistic histories: 気になる情報 from several
  sources about one household side by side, a long series of failed visits, first contacts, a consent and
  a つなぎ to 自立相談支援, a 多機関協働 case opened from a target by the coordinator, 見守り and an end.

Every record goes through the outreach services (and the consent register, consultations and collaboration
through theirs). The services date a target's opening and a manual stage change by the clock; the demo then
moves those timestamps back to the story's days, so that lists show real days since the last contact.
Random draws come from the run's seed only.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tsunagu.access.models import AccessGrant, ConsentMethod
from tsunagu.access.services import ConsentInput
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import ConsultationIssue
from tsunagu.core.models import District, Municipality, User
from tsunagu.outreach import collaborate, services
from tsunagu.outreach.models import (
    CommissionerDistrict,
    DistrictSetting,
    EndReason,
    Means,
    OutreachStageChange,
    OutreachTarget,
    Result,
    SourceType,
    Stage,
    Urgency,
)
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.plans.models import Program

WORKER, COORDINATOR = "anshin", "coordinator"
FAILED = (Result.ABSENT, Result.NO_ANSWER, Result.LEFT_LETTER, Result.ABSENT, Result.REFUSED, Result.HEARD_FROM_OTHERS)
WORRIES = (
    "長くひきこもっている様子。親も高齢で、先のことを心配している。",
    "家の周りにごみがたまり、においがすると近所から。",
    "電気・ガスの料金の滞納が続いている。",
    "子どもが学校を長く休んでいる。家庭の様子が分からない。",
    "一人暮らしの高齢の方。最近姿を見かけない。",
    "介護している家族が疲れ切っている様子。",
    "近所とのトラブルが増え、孤立している。",
    "金銭の管理が難しくなっている様子。",
)


@dataclass(frozen=True)
class Story:
    """One target: its stage at the end, days before ``as_of`` it was opened, failed attempts, then what."""

    stage: Stage
    opened: int
    failures: int
    identified: bool = True


STORIES = (
    Story(Stage.UNCONTACTED, opened=4, failures=0, identified=False),
    Story(Stage.ATTEMPTING, opened=150, failures=12),  # the long series of failed attempts
    Story(Stage.ATTEMPTING, opened=30, failures=3, identified=False),
    Story(Stage.CONTACTED, opened=90, failures=5),
    Story(Stage.RELATIONSHIP, opened=120, failures=4),
    Story(Stage.CONNECTED, opened=200, failures=6),  # consent, つなぎ to 自立相談支援
    Story(Stage.CONNECTED, opened=180, failures=2),  # consent, a 多機関協働 case
    Story(Stage.WATCHING, opened=160, failures=3),
    Story(Stage.ENDED, opened=240, failures=2),
)


def configure_districts(municipality: Municipality) -> int:
    """The 民生委員 districts and map cells of the town's 地区, when none is configured yet (data, not code)."""
    if CommissionerDistrict.objects.filter(municipality=municipality).exists():
        return 0
    groups: dict[str, list[District]] = {}
    for district in District.objects.filter(municipality=municipality).order_by("order", "pk"):
        groups.setdefault(re.split(r"第", district.name)[0], []).append(district)
    for row, (prefix, members) in enumerate(groups.items(), start=1):
        commissioner = CommissionerDistrict.objects.create(
            municipality=municipality, name=f"{prefix}地区民生委員児童委員協議会", order=row
        )
        for column, district in enumerate(members, start=1):
            DistrictSetting.objects.update_or_create(district=district, defaults={
                "commissioner_district": commissioner, "map_column": column, "map_row": row})  # fmt: skip
    return len(groups)


class DemoOutreach:
    def __init__(self, *, municipality: Municipality, rng: random.Random, as_of: date) -> None:
        self.municipality, self.rng, self.as_of = municipality, rng, as_of
        found = User.objects.filter(username__in=[WORKER, COORDINATOR], municipality=municipality, is_active=True)
        self.users = {u.username: u for u in found}
        self.districts = list(District.objects.filter(municipality=municipality).order_by("order", "pk"))
        self.contacts = 0

    def at(self, days_before: float) -> datetime:
        """A moment ``days_before`` days before ``as_of`` (from 10:00 local), never after now."""
        moment = datetime.combine(self.as_of, time(10), timezone.get_current_timezone()) - timedelta(days=days_before)
        return min(moment, timezone.now() - timedelta(minutes=1))

    def ahead(self, days: int) -> date:
        return max(self.as_of, timezone.localdate()) + timedelta(days=days)

    def people(self, worker: User, wanted: int) -> list[tuple[Person, Household]]:
        """People of households the outreach organisation already holds (so its records stay readable)."""
        organization = services.outreach_membership_organization(worker)
        person_ids = list(
            AccessGrant.objects.active().filter(organization=organization, person__municipality=self.municipality)
            .values_list("person_id", flat=True).order_by("person_id").distinct()[:300]
        )  # fmt: skip
        members = list(
            HouseholdMember.objects.filter(person_id__in=person_ids).select_related("person", "household")
            .order_by("household_id", "pk")
        )  # fmt: skip
        self.rng.shuffle(members)
        found: list[tuple[Person, Household]] = []
        seen: set[int] = set()
        for member in members:
            if member.household_id in seen:
                continue
            seen.add(member.household_id)
            found.append((member.person, member.household))
            if len(found) == wanted:
                break
        return found

    def contact(self, worker: User, target: OutreachTarget, result: Result, at: datetime, means: Means = Means.VISIT,
                content: str = "") -> None:  # fmt: skip
        data = services.ContactInput(occurred_at=at, means=means, result=result,
                                     content=content or f"{result.label}（デモ）")  # fmt: skip
        services.contact_record(user=worker, target=OutreachTarget.objects.get(pk=target.pk), data=data)
        self.contacts += 1

    def settle(self, target: OutreachTarget, at: datetime) -> None:
        """The clock-dated steps (opening, manual stage changes) moved back to the story's days."""
        OutreachStageChange.objects.filter(target=target, occurred_at__gt=at).update(occurred_at=at)
        last = OutreachStageChange.objects.filter(target=target).order_by("-occurred_at", "-id").first()
        OutreachTarget.objects.filter(pk=target.pk).update(
            last_action_at=at, stage_since=last.occurred_at if last else at
        )

    def open(self, worker: User, story: Story, n: int, who: tuple[Person, Household] | None) -> OutreachTarget:
        opened = self.at(story.opened)
        district = self.districts[n % len(self.districts)] if self.districts else None
        person, household = who if who else (None, None)
        sources = [SourceType.WELFARE_COMMISSIONER]
        if n == 1:  # weak signals from several agencies about one household, side by side
            sources += [SourceType.SCHOOL, SourceType.UTILITY]
        infos = [
            services.information_record(user=worker, data=services.InformationInput(
                content=WORRIES[n % len(WORRIES)] if i == 0 else f"{source.label}から: 気になる様子がある（デモ）",
                source_type=source, urgency=Urgency.SOON if n % 3 == 0 else Urgency.NORMAL,
                source_name="民生委員（デモ）" if source == SourceType.WELFARE_COMMISSIONER else "",
                person=person, household=household, district=district,
                description="" if person else "60代男性（一人暮らしの様子）",
                address="" if person else "琴浦町内（デモ）",
                occurred_at=opened - timedelta(days=i + 1),
            ))
            for i, source in enumerate(sources)
        ]  # fmt: skip
        target = services.target_open(user=worker, data=services.TargetInput(
            worry=WORRIES[n % len(WORRIES)], worker=worker, information=infos, district=district,
            next_action="訪問する（デモ）", next_action_on=self.ahead(3 + n),
        ))  # fmt: skip
        OutreachTarget.objects.filter(pk=target.pk).update(occurred_at=opened, stage_since=opened)
        OutreachStageChange.objects.filter(target=target).update(occurred_at=opened)
        return OutreachTarget.objects.get(pk=target.pk)

    def consent(self, worker: User, target: OutreachTarget) -> None:
        organization = target.organization
        services.target_consent_record(user=worker, target=target, data=ConsentInput(
            purpose="支援につなぐため（デモ）", method=ConsentMethod.WRITTEN,
            given_on=min(self.as_of, timezone.localdate()), organizations=[organization],
        ))  # fmt: skip

    def story(self, worker: User, coordinator: User | None, story: Story, n: int,
              who: tuple[Person, Household] | None) -> None:  # fmt: skip
        target = self.open(worker, story, n, who)
        day = float(story.opened)
        step = max(2.0, (story.opened - 2) / (story.failures + 2))
        for i in range(story.failures):
            day -= step
            means = Means.LETTER if FAILED[i % len(FAILED)] == Result.LEFT_LETTER else Means.VISIT
            self.contact(worker, target, FAILED[i % len(FAILED)], self.at(day), means)
        last = self.at(day)
        if story.stage in (Stage.UNCONTACTED, Stage.ATTEMPTING):
            self.settle(target, last if story.failures else self.at(story.opened))
            return
        day -= step
        last = self.at(day)
        self.contact(worker, target, Result.MET, last, content="玄関先で少し話せた（デモ）")
        target = OutreachTarget.objects.get(pk=target.pk)
        if story.stage == Stage.WATCHING:
            services.target_stage_change(user=worker, target=target, data=services.StageInput(
                Stage.WATCHING, note="本人の希望で、当面は民生委員と見守る（デモ）"))  # fmt: skip
        elif story.stage == Stage.ENDED:
            services.target_stage_change(user=worker, target=target, data=services.StageInput(
                Stage.ENDED, note="町外へ転居（デモ）", end_reason=EndReason.MOVED))  # fmt: skip
        elif story.stage != Stage.CONTACTED:
            services.target_stage_change(user=worker, target=target,
                                         data=services.StageInput(Stage.RELATIONSHIP))  # fmt: skip
        if story.stage == Stage.CONNECTED:
            self.consent(worker, OutreachTarget.objects.get(pk=target.pk))
            target = OutreachTarget.objects.get(pk=target.pk)
            if n == 6 and coordinator is not None:
                collaborate.target_case_open(user=coordinator, target=target)
            else:
                self.connect(worker, target)
        self.settle(target, self.at(max(day - 1, 0)))

    def connect(self, worker: User, target: OutreachTarget) -> None:
        program = Program.objects.filter(municipality=self.municipality, code="self-reliance-consultation").first()
        if program is None:
            return
        issues_ensure(self.municipality)
        issue = ConsultationIssue.objects.filter(municipality=self.municipality, is_active=True).order_by("order")[0]
        services.target_connect(user=worker, target=target, data=services.ConnectInput(
            program=program, organization=target.organization, issues=[issue], main_issue=issue,
            reason="家計と就労の相談を希望（デモ）", shared_information=target.worry, due_on=self.ahead(7),
        ))  # fmt: skip

    def make(self) -> str:
        configured = configure_districts(self.municipality)
        worker = self.users.get(WORKER)
        if worker is None or services.outreach_membership_organization(worker) is None:
            return f"アウトリーチ: 民生委員の地区{configured}件（対象なし: 実施機関のデモ職員がいません）"
        identified = [s for s in STORIES if s.identified]
        people = iter(self.people(worker, len(identified)))
        for n, story in enumerate(STORIES):
            who = next(people, None) if story.identified else None
            if story.identified and who is None:
                continue
            self.story(worker, self.users.get(COORDINATOR), story, n, who)
        targets = OutreachTarget.objects.filter(municipality=self.municipality).count()
        return f"アウトリーチ: 対象{targets}件、接触の記録{self.contacts}件、民生委員の地区{configured}件"


def extend_demo_town(*, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User) -> str:
    """Add the demo outreach targets and the district configuration; return a summary line."""
    return DemoOutreach(municipality=municipality, rng=rng, as_of=as_of).make()
