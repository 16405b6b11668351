"""``manage.py bench`` (``make bench``): DESIGN §8's budgets measured on the database present (issue 16).

1. Every page and API call the apps register (``tsunagu.core.bench``), in-process as its persona: p50, p95
   and the SQL queries of a request, access check, audit entry and its commit included.
2. The kana name search for 2- and 3-character queries beside the admin-style ``icontains`` search.
3. The inbox's list under gunicorn on loopback beside a bare view of the same rows (``--no-server`` skips it).

The result is written to ``var/bench/<database>-<scale>.json`` (scale: ``--scale``, or town/city from the
number of people) and ``docs/benchmarks.md`` is rewritten from every result there; the run's table is
printed. Each measured request writes its audit entries, as it would in service: run it on a demo or a
scratch database.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.utils import timezone

from tsunagu.access.policy import casework_organization_ids
from tsunagu.consultations.models import CaseNote, Consultation
from tsunagu.core.bench import PERSONAS, BenchPage, bench_pages
from tsunagu.core.models import Role, User
from tsunagu.home.benchmark import report
from tsunagu.home.benchmark.load import HOST, gunicorn, load, server_database_url
from tsunagu.home.benchmark.measure import PageFigures, page_figures, search_figures
from tsunagu.home.benchmark.urls import BARE_PATH
from tsunagu.people.models import Household, Person

# Each persona is an active member of this organisation with this role, unless --as names someone.
PERSONA_ORGANIZATION = "福祉あんしん課"
PERSONA_ROLES = {"caseworker": [Role.CASEWORKER, Role.COORDINATOR], "coordinator": [Role.COORDINATOR]}
CITY_PEOPLE = 100_000  # fewer people than this is a town (5,000–16,000), more a city (500,000)


class Command(BaseCommand):
    help = "主な画面・API の応答時間と SQL 件数、本人検索、一覧の処理能力を測り、docs/benchmarks.md に書く。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=30, help="画面ごとの計測回数（既定 30）")
        parser.add_argument("--warmup", type=int, default=3, help="画面ごとの予備の要求（既定 3）")
        parser.add_argument("--search-queries", type=int, default=60, help="検索の回数（文字数ごと、既定 60）")
        parser.add_argument("--seconds", type=float, default=5.0, help="処理能力の計測時間（一覧ごと、既定 5 秒）")
        parser.add_argument("--clients", type=int, default=4, help="負荷をかける同時接続（既定 4）")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn のワーカー数（既定 2）")
        parser.add_argument("--no-server", action="store_true", help="gunicorn での処理能力を測らない")
        parser.add_argument("--scale", default="", help="結果の規模名（既定: 人数から town か city）")
        parser.add_argument("--only", default="", help="測る画面の名前の一部（例: consultations）")
        parser.add_argument("--as", dest="personas", action="append", default=[], metavar="PERSONA=USERNAME",
                            help=f"閲覧者の指定（{', '.join(PERSONAS)}）")  # fmt: skip
        parser.add_argument("--results-dir", default="", help="結果の JSON の置き場所（既定 var/bench）")
        parser.add_argument("--docs", default="", help="書き出す文書（既定 docs/benchmarks.md、- で書かない）")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: object, **options: Any) -> None:
        users = self._personas(options["personas"])
        counts = {
            "本人": Person.objects.count(),
            "世帯": Household.objects.count(),
            "相談": Consultation.objects.count(),
            "支援経過": CaseNote.objects.count(),
        }
        if not counts["本人"]:
            raise CommandError("本人の記録がありません。先に setup_demo と demo_town を実行してください。")
        scale = options["scale"] or ("city" if counts["本人"] >= CITY_PEOPLE else "town")
        started = time.monotonic()
        pages = self._pages(users, options)
        pages_done = time.monotonic()
        search = [
            search_figures(users["caseworker"], length=length, queries=options["search_queries"], seed=options["seed"])
            for length in (2, 3)
        ]
        result: dict[str, Any] = {
            "vendor": connection.vendor,
            "database": report.database_version(),
            "scale": scale,
            "date": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z"),
            "machine": report.machine(),
            "counts": counts,
            "statistics": _has_statistics(),
            "personas": {name: user.username for name, user in users.items()},
            "pages": [p.as_dict() for p in pages],
            "search": [s.as_dict() for s in search],
            "throughput": None if options["no_server"] else self._throughput(users["caseworker"], options),
        }
        result["seconds"] = round(time.monotonic() - started, 1)
        result["pages_seconds"] = round(pages_done - started, 1)
        directory = Path(options["results_dir"] or Path(settings.VAR_DIR) / "bench")
        saved = report.save(result, directory)
        self.stdout.write(report.markdown(result))
        results = report.load_all(directory)
        ratios = report.growth(results)
        if ratios:
            self.stdout.write(ratios)
        docs = options["docs"] or str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md")
        if docs != "-":
            target = Path(docs)
            previous = target.read_text(encoding="utf-8") if target.exists() else ""
            target.write_text(report.document(results, previous), encoding="utf-8")
        self.stdout.write(f"結果: {saved}（{result['seconds']}秒）" + (f"、文書: {docs}" if docs != "-" else ""))
        failed = [p for p in pages if p.note and p.status not in (0, 200)]
        if failed:
            raise CommandError("応答しなかった画面: " + "、".join(f"{p.name}（{p.note}）" for p in failed))

    def _personas(self, overrides: list[str]) -> dict[str, User]:
        named: dict[str, str] = {}
        for item in overrides:
            persona, _, username = item.partition("=")
            if persona not in PERSONAS or not username:
                raise CommandError(f"--as は {'、'.join(PERSONAS)} のいずれか=利用者名 で指定してください（{item}）。")
            named[persona] = username
        users = {}
        for persona in PERSONAS:
            if persona in named:
                user = User.objects.filter(username=named[persona], is_active=True).first()
            else:
                user = (
                    User.objects.filter(
                        memberships__organization__name=PERSONA_ORGANIZATION,
                        memberships__role__in=PERSONA_ROLES[persona],
                        is_active=True,
                    )
                    .order_by("pk")
                    .first()
                )
            if user is None or not casework_organization_ids(user):
                raise CommandError(f"閲覧者「{persona}」になる相談業務の職員が見つかりません（--as で指定できます）。")
            users[persona] = user
        return users

    def _pages(self, users: dict[str, User], options: dict[str, Any]) -> list[PageFigures]:
        clients = {}
        for persona, user in users.items():
            clients[persona] = Client(SERVER_NAME=HOST)
            clients[persona].force_login(user)
        figures = []
        # A page that fails is reported in the table; Django's request log would print its traceback too.
        request_log = logging.getLogger("django.request")
        level = request_log.level
        request_log.setLevel(logging.CRITICAL)
        try:
            for page in self._selected(options["only"]):
                figures.append(self._page(page, clients, users, options))
        finally:
            request_log.setLevel(level)
        return figures

    def _selected(self, only: str) -> list[BenchPage]:
        return [page for page in bench_pages() if not only or only in page.name]

    def _page(
        self, page: BenchPage, clients: dict[str, Client], users: dict[str, User], options: dict[str, Any]
    ) -> PageFigures:
        try:
            return page_figures(
                page, clients[page.persona], users[page.persona], requests=options["requests"], warmup=options["warmup"]
            )
        except Exception as exc:  # one broken page is reported, the others still measured
            note = f"{type(exc).__name__}: {str(exc)[:100]}".replace("|", "/").replace("\n", " ")
            return PageFigures(page.name, page.label, page.persona, page.api, status=500, note=note)

    def _throughput(self, user: User, options: dict[str, Any]) -> dict[str, Any]:
        client = Client(SERVER_NAME=HOST)
        client.force_login(user)  # a session in the database, which the server's workers read
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        scratch = Path(options["results_dir"] or Path(settings.VAR_DIR) / "bench")
        scratch.mkdir(parents=True, exist_ok=True)
        log = scratch / "gunicorn.log"
        seconds, clients = options["seconds"], options["clients"]
        real_path = "/consultations/"
        bare_path = "/" + BARE_PATH
        database_url = server_database_url(scratch)  # after the login: a copy must hold its session
        with gunicorn(workers=options["workers"], log=log, database_url=database_url) as port:
            for path in (real_path, bare_path):  # warm both: templates compiled, connections open
                load(port=port, path=path, cookie=cookie, clients=clients, seconds=min(1.0, seconds))
            # Interleaved halves, so that a neighbour's burst on the shared cores does not fall on one side only.
            halves = [
                (path, load(port=port, path=path, cookie=cookie, clients=clients, seconds=seconds / 2))
                for _ in range(2)
                for path in (real_path, bare_path)
            ]
        return {
            "workers": options["workers"],
            "clients": clients,
            "seconds": seconds,
            "list": _combined([t for p, t in halves if p == real_path]),
            "bare": _combined([t for p, t in halves if p == bare_path]),
        }


def _combined(runs: list[Any]) -> dict[str, Any]:
    requests = sum(r.requests for r in runs)
    errors = sum(r.errors for r in runs)
    seconds = sum(r.seconds for r in runs)
    return {
        "path": runs[0].path,
        "requests": requests,
        "errors": errors,
        "seconds": seconds,
        "per_second": (requests - errors) / seconds if seconds else 0.0,
        # The worse half's: a percentile of two halves is not their mean.
        "p50_ms": max(r.p50_ms for r in runs),
        "p95_ms": max(r.p95_ms for r in runs),
    }


def _has_statistics() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            return bool(cursor.fetchone()[0])
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'people_person'"
        )
        return bool(cursor.fetchone()[0])
