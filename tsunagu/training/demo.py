"""``demo_town``'s 研修: a year of sessions held by the coordinator organisation, through the real services.

The extension hook of ``tsunagu.people.demo.generator`` calls ``extend_demo_town``. Eight sessions over the
twelve months before ``as_of`` (one theme each, from the 多機関協働事業's duties), each attended by the demo
accounts' organisations — their staff, and a few others per organisation — with a material or two. Needs the
demo coordinator (``setup_demo``); without it nothing is made and the line says so.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from tsunagu.access.policy import casework_memberships
from tsunagu.core.demo import DEMO_ACCOUNTS
from tsunagu.core.models import Municipality, Organization, User
from tsunagu.training import services
from tsunagu.training.selectors import attendee_memberships

COORDINATOR = "coordinator"
THEMES = (
    ("重層的支援体制整備事業の概要と各機関の役割", "事業の全体像、相談の受け止めとつなぎ方"),
    ("8050世帯の支援：事例検討", "高齢の親とひきこもりの子の世帯。アセスメントと役割分担"),
    ("支援会議（社会福祉法第106条の6）と守秘義務", "同意のない情報共有の範囲と記録"),
    ("アウトリーチの実践", "自ら相談に来られない人への訪問と関係づくり"),
    ("参加支援と地域資源", "作業所・社協の居場所へのつなぎと定着支援"),
    ("生活困窮とこどもの貧困", "子育て世帯の困りごとの早期発見"),
    ("支援プランの作成とモニタリング", "目標の立て方、評価と再プラン"),
    ("年度のふりかえりと次年度に向けて", "実績の共有と課題の整理"),
)
MATERIALS = (
    ("研修スライド", "https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/0000184346.html"),
    ("事例シート（配布資料）", ""),
)


def _dates(as_of: date) -> list[date]:
    """Eight weekdays in the year before ``as_of``, about six weeks apart, the last a fortnight before it."""
    days = []
    for i in range(len(THEMES)):
        d = as_of - timedelta(days=14 + 44 * (len(THEMES) - 1 - i))
        while d.weekday() >= 5:
            d -= timedelta(days=1)
        days.append(d)
    return days


def extend_demo_town(*, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User) -> str:
    """Add the year's training sessions; return a summary line. ``user`` (the system user) writes nothing."""
    demo = {u.username: u for u in User.objects.filter(
        username__in=[a.username for a in DEMO_ACCOUNTS], municipality=municipality, is_active=True)}  # fmt: skip
    coordinator = demo.get(COORDINATOR)
    if coordinator is None or not casework_memberships(coordinator):
        return "研修: デモ用のコーディネーターがいないため作成しませんでした"
    staff: dict[int, tuple[Organization, list[User]]] = {}
    for m in attendee_memberships(municipality_id=municipality.pk).filter(user__in=demo.values()):
        staff.setdefault(m.organization_id, (m.organization, []))[1].append(m.user)
    attendees = 0
    for (theme, description), held_on in zip(THEMES, _dates(as_of), strict=True):
        participations = []
        for organization, users in staff.values():
            chosen = [u for u in users if rng.random() < 0.7]
            others = rng.randint(0, 4)
            if chosen or others:
                participations.append(services.ParticipationInput(organization=organization, other_attendees=others,
                                                                   staff=chosen))  # fmt: skip
                attendees += len(chosen) + others
        session = services.session_create(
            user=coordinator,
            data=services.SessionInput(held_on=held_on, theme=theme, place="琴浦町役場 大会議室",
                                       description=description, participations=participations),
        )  # fmt: skip
        for title, url in MATERIALS[: rng.randint(1, 2)]:
            services.material_add(
                user=coordinator, session=session,
                data=services.MaterialInput(title=title, url=url, description="" if url else "当日配布（紙）"),
            )  # fmt: skip
    return f"研修: {len(THEMES)}回（参加者{attendees}人、{len(staff)}機関から）を生成"
