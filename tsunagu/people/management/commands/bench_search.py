"""Benchmark of the kana name search against the admin-style search it replaces (DESIGN §8).

Runs both on the same data, in one transaction that is rolled back (the searches' audit entries are
written and timed, then discarded), and prints median and p95 in milliseconds.
"""

from __future__ import annotations

import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q

from tsunagu.access.policy import casework_organization_ids
from tsunagu.core.models import Role, User
from tsunagu.people.models import Person
from tsunagu.people.search import PersonQuery
from tsunagu.people.selectors import person_list_for_user, person_search_for_user


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "本人検索（カナ前方一致）の速度を、管理画面風の部分一致検索と同じデータで比較する。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help="検索する職員（既定: 福祉あんしん課の相談業務の職員）")
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: object, **options: object) -> None:
        user = self._user(options.get("username"))  # type: ignore[arg-type]
        people = Person.objects.filter(municipality_id=user.municipality_id).count()
        if people == 0:
            raise CommandError("本人の記録がありません。先に demo_town を実行してください。")
        rng = random.Random(int(options["seed"]))  # type: ignore[call-overload]  # noqa: S311 - sampling queries
        kana = list(person_list_for_user(user=user).order_by("pk").values_list("family_name_kana", flat=True)[:5000])
        queries = [rng.choice(kana)[:2] for _ in range(int(options["queries"]))]  # type: ignore[call-overload]
        fast: list[float] = []
        slow: list[float] = []
        with transaction.atomic():
            for q in queries:
                started = time.perf_counter()
                list(person_search_for_user(user=user, query=PersonQuery(name=q))[:51])
                fast.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                admin_style = person_list_for_user(user=user).filter(
                    Q(family_name_kana__icontains=q) | Q(given_name_kana__icontains=q) | Q(family_name__icontains=q)
                )
                admin_style.count()
                list(admin_style.order_by("family_name_kana")[:50])
                slow.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
        self.stdout.write(f"本人の記録: {people}件、検索{len(queries)}回（2文字のカナ、前方一致）")
        for label, values in (("つなぐの検索（権限確認・監査ログ込み）", fast), ("管理画面風の部分一致＋件数", slow)):
            self.stdout.write(
                f"{label}: 中央値 {statistics.median(values):.2f} ms, p95 {_percentile(values, 0.95):.2f} ms"
            )
        self.stdout.write(f"p95 の比: {_percentile(slow, 0.95) / _percentile(fast, 0.95):.1f} 倍")

    def _user(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
        else:
            user = (
                User.objects.filter(
                    memberships__organization__name="福祉あんしん課",
                    memberships__role__in=[Role.CASEWORKER, Role.COORDINATOR],
                    is_active=True,
                )
                .order_by("pk")
                .first()
            )
        if user is None or not casework_organization_ids(user):
            raise CommandError("相談業務の役割を持つ職員が見つかりません（--username で指定してください）。")
        return user
