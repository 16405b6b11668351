"""``demo_town``'s 地域づくり: the extension hook of ``tsunagu.people.demo.generator`` calls ``extend_demo_town``.

Through the real services, by the demo accounts that run each programme: the plan's 多分野協働のプラットフォーム
sectors with a partner or two in each; the seed's places by name — みどり保育園 and 赤碕こども園's 地域子育て支援
拠点, the 地域活動支援センター, 社協's サロン of 共助の基盤づくり and the 介護予防 通いの場 — each with a year of
sessions before ``as_of`` (head counts, age bands where the place knows them, volunteers, partners); a few
known persons linked where the writer's agency already serves them; and the 生活支援コーディネーター's monthly
log. Deterministic: everything depends on ``rng`` and ``as_of`` only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from tsunagu.access.models import AccessGrant
from tsunagu.community import services
from tsunagu.community.models import CoordinatorActivity, Partner, Place, PlaceKind, PlatformSector
from tsunagu.community.staff import community_memberships, community_programs, writing_organization
from tsunagu.core.demo import DEMO_ACCOUNTS
from tsunagu.core.models import District, Municipality, Organization, User
from tsunagu.people.models import Person

# Partner organisations by platform sector (the seed's nine): names of the kind a town has.
PARTNERS = {
    "消費者相談": ["琴浦町消費生活相談窓口"],
    "教育": ["琴浦町教育委員会", "八橋小学校"],
    "保健・医療": ["琴浦町食生活改善推進員会", "町内の診療所（協力医）"],
    "若年層支援": ["町内の高校 ボランティア部"],
    "地方創生": ["琴浦町商工会"],
    "環境": ["地区の環境美化ボランティア"],
    "まちづくり": ["地区まちづくり協議会", "琴浦町老人クラブ連合会"],
    "観光": ["琴浦町観光協会"],
    "農業": ["JA鳥取中央 琴浦地区"],
}


@dataclass(frozen=True)
class DemoPlace:
    name: str
    program: str  # the plan's programme code
    kind: PlaceKind
    writer: str  # the demo account that records it
    host: str  # an organisation of the plan by name, or a residents' group
    schedule: str
    every_days: int  # how often it meets
    size: tuple[int, int]  # head count range
    bands: tuple[str, ...]  # the age bands it counts
    partners: tuple[str, ...]
    title: str


PLACES = (
    DemoPlace("みどり保育園 子育て支援センター", "child-rearing-hub", PlaceKind.CHILD_REARING_HUB, "kosodate",
              "みどり保育園", "月〜金 9:00〜12:00", 14, (6, 18), ("age_0_5", "age_18_39"),
              ("琴浦町食生活改善推進員会",), "親子のひろば"),
    DemoPlace("赤碕こども園 子育て支援センター", "child-rearing-hub", PlaceKind.CHILD_REARING_HUB, "kosodate",
              "赤碕こども園", "月〜金 9:30〜12:00", 14, (4, 14), ("age_0_5", "age_18_39"),
              ("八橋小学校",), "子育て講座・親子あそび"),
    DemoPlace("琴浦町地域活動支援センター", "community-activity-support-centre", PlaceKind.ACTIVITY_CENTRE, "anshin",
              "地域活動支援センター運営法人（委託先）", "月〜金 10:00〜16:00", 7, (5, 12), ("age_18_39", "age_40_64"),
              ("JA鳥取中央 琴浦地区",), "創作活動・軽作業"),
    DemoPlace("ふれあい・いきいきサロン 八橋", "mutual-aid-foundation", PlaceKind.SALON, "shakyo",
              "琴浦町社会福祉協議会", "第2・第4木曜 13:30〜15:30", 14, (8, 20), ("age_65_74", "age_75_over"),
              ("地区まちづくり協議会", "町内の高校 ボランティア部"), "茶話会・健康チェック"),
    DemoPlace("つながりカフェ 赤碕", "mutual-aid-foundation", PlaceKind.DROP_IN, "shakyo", "赤碕地区の住民有志",
              "毎月第1土曜 10:00〜14:00", 30, (10, 30), (), ("琴浦町商工会", "琴浦町消費生活相談窓口"),
              "多世代交流カフェ"),
    DemoPlace("いきいき百歳体操 浦安の会", "care-prevention-activities", PlaceKind.CARE_PREVENTION, "houkatsu",
              "浦安地区自治会", "毎週水曜 10:00〜11:00", 7, (8, 16), ("age_65_74", "age_75_over"),
              ("琴浦町老人クラブ連合会",), "いきいき百歳体操"),
    DemoPlace("ころばん体操 下郷の会", "care-prevention-activities", PlaceKind.CARE_PREVENTION, "houkatsu",
              "下郷地区の住民有志", "毎週金曜 9:30〜10:30", 7, (6, 12), ("age_75_over",),
              ("町内の診療所（協力医）",), "ころばん体操・口腔体操"),
)  # fmt: skip
LOG = (
    (CoordinatorActivity.COUNCIL, "協議体で買い物の困りごとを話し合った", ("琴浦町商工会", "地区まちづくり協議会")),
    (CoordinatorActivity.RESOURCE_SURVEY, "地区の通いの場と移動販売の巡回を調べた", ("JA鳥取中央 琴浦地区",)),
    (CoordinatorActivity.RESOURCE_DEVELOPMENT, "ゴミ出し支援の担い手講座を開いた", ("地区の環境美化ボランティア",)),
    (CoordinatorActivity.NETWORK, "観光協会と高齢者の案内ボランティアを相談した", ("琴浦町観光協会",)),
    (CoordinatorActivity.MATCHING, "サロンの送迎を地区の有志につないだ", ("琴浦町老人クラブ連合会",)),
)  # fmt: skip


class DemoCommunity:
    def __init__(self, *, municipality: Municipality, rng: random.Random, as_of: date) -> None:
        self.municipality, self.rng = municipality, rng
        # Sessions stop at the day before as_of (and never reach today: the service refuses a future date).
        self.last = min(as_of - timedelta(days=1), timezone.localdate())
        self.users = {u.username: u for u in User.objects.filter(
            username__in=[a.username for a in DEMO_ACCOUNTS], municipality=municipality, is_active=True)}  # fmt: skip
        self.programs = {p.code: p for p in community_programs(municipality.pk)}
        self.counts = {"places": 0, "sessions": 0, "known": 0, "log": 0, "partners": 0}

    def partners(self, writer: User) -> dict[str, Partner]:
        sectors = {s.name: s for s in services.platform_sectors_ensure(municipality=self.municipality)}
        made: dict[str, Partner] = {}
        for sector_name, names in PARTNERS.items():
            sector: PlatformSector | None = sectors.get(sector_name)
            for name in names:
                made[name] = services.partner_create(user=writer, data=services.PartnerInput(name=name, sector=sector))
                self.counts["partners"] += 1
        return made

    def known_people(self, writer: User, limit: int) -> list[Person]:
        """People the writer's agency already serves (its grants), in id order: the only ones it may link."""
        organization = next(iter(community_memberships(writer)), None)
        if organization is None:
            return []
        ids = (AccessGrant.objects.active().filter(organization=organization).order_by("person_id")
               .values_list("person_id", flat=True).distinct()[:limit])  # fmt: skip
        return list(Person.objects.filter(pk__in=list(ids)).order_by("pk"))

    def place(self, spec: DemoPlace, writer: User, districts: list[District], index: int) -> Place:
        host = Organization.objects.filter(municipality=self.municipality, name=spec.host).first()
        return services.place_create(user=writer, data=services.PlaceInput(
            program=self.programs[spec.program], name=spec.name, kind=spec.kind,
            opened_on=self.last - timedelta(days=730), host_organization=host, host_name="" if host else spec.host,
            coordinator=self.users.get("shakyo") if spec.program == "mutual-aid-foundation" else writer,
            district=districts[index % len(districts)] if districts else None, schedule=spec.schedule,
            description=spec.title,
        ))  # fmt: skip

    def sessions(self, spec: DemoPlace, place: Place, writer: User, partners: dict[str, Partner]) -> None:
        known = self.known_people(writer, 3) if spec.program == "care-prevention-activities" else []
        day = self.last - timedelta(days=364)
        while day <= self.last:
            total = self.rng.randint(*spec.size)
            ages: dict[str, int | None] = {}
            left = total
            for band in spec.bands:
                ages[band] = self.rng.randint(0, left)
                left -= ages[band] or 0
            session = services.session_record(user=writer, place=place, data=services.SessionInput(
                held_on=day, title=spec.title, participants=total, volunteers=self.rng.randint(0, 3), ages=ages,
                partners=[partners[n] for n in spec.partners if self.rng.random() < 0.7],
            ))  # fmt: skip
            self.counts["sessions"] += 1
            for person in known[: min(len(known), total)]:
                if self.rng.random() < 0.5:
                    services.participation_link(user=writer, session=session, person=person)
                    self.counts["known"] += 1
            day += timedelta(days=spec.every_days)

    def log(self, coordinator: User, partners: dict[str, Partner], places: list[Place]) -> None:
        for month in range(12):
            activity, content, names = LOG[month % len(LOG)]
            services.log_record(user=coordinator, data=services.LogInput(
                worked_on=self.last - timedelta(days=30 * month + self.rng.randint(0, 20)), activity=activity,
                content=content, place=places[month % len(places)] if places and month % 3 == 0 else None,
                partners=[partners[n] for n in names], program=self.programs.get("life-support-system"),
            ))  # fmt: skip
            self.counts["log"] += 1

    def make(self) -> str:
        shakyo = self.users.get("shakyo")
        if shakyo is None or not self.programs:
            return "地域づくり: デモ用の職員または地域づくり事業がないため作成しませんでした"
        partners = self.partners(shakyo)
        districts = list(District.objects.filter(municipality=self.municipality).order_by("order", "name"))
        places: list[Place] = []
        for index, spec in enumerate(PLACES):
            writer = self.users.get(spec.writer)
            program = self.programs.get(spec.program)
            if writer is None or program is None or writing_organization(writer, program) is None:
                continue
            place = self.place(spec, writer, districts, index)
            places.append(place)
            self.counts["places"] += 1
            self.sessions(spec, place, writer, partners)
        self.log(shakyo, partners, places)
        c = self.counts
        return (f"地域づくり: 参加機関{c['partners']}・拠点{c['places']}か所・活動{c['sessions']}回"
                f"（名前の分かる参加{c['known']}件）・コーディネーターの活動記録{c['log']}件を生成")  # fmt: skip


def extend_demo_town(*, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User) -> str:
    """Add the demo 地域づくり records; return a summary line. ``user`` (the inactive system user) records
    nothing: the demo accounts of the programmes do, as the services require."""
    return DemoCommunity(municipality=municipality, rng=rng, as_of=as_of).make()
