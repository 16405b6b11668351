"""``manage.py demo_town``: fill the plan's municipality with clearly fictional people, for demos and benchmarks.

Runs only in demo mode (a production database must never receive invented residents), and does
nothing — after one quick query — when the municipality already has people, so that ``make run`` can
call it on every start.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tsunagu.core.bulk_load import bulk_session
from tsunagu.core.japanese.wareki import WarekiError, parse_date
from tsunagu.core.models import Municipality
from tsunagu.people.demo.generator import SCALES, SYSTEM_USERNAME, DemoTownError, demo_town_create
from tsunagu.people.models import Person
from tsunagu.plans.models import Plan


class Command(BaseCommand):
    help = (
        "デモ用の架空の住民・世帯を生成する（デモモードのみ）。town は琴浦町と同じ規模（約16,000人・6,500世帯）、"
        "city は性能検証用（50万人・25万世帯、相談200万件・支援経過1,000万件）。"
        f"記録の登録者は利用者「{SYSTEM_USERNAME}」。"
        "本人の記録がすでにある自治体では何もしない。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="town", help="規模（既定: town）")
        parser.add_argument(
            "--seed", type=int, default=1, help="乱数の種。同じ種と基準日なら同じデータになる（既定: 1）"
        )
        parser.add_argument(
            "--as-of", dest="as_of", default="", help="年齢・同意日の基準日（西暦または和暦。既定: 今日）"
        )
        parser.add_argument(
            "--municipality", default="", help="自治体コード（計画が複数の自治体にあるときに指定。例: 313718）"
        )
        parser.add_argument(
            "--people", type=int, default=None, help="人数だけを変える（テスト・検証用。世帯の構成は規模のまま）"
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "デモデータはデモモードでのみ作成できます（本番のデータベースに架空の住民を登録しないため）。"
                "性能検証用のデータベースでは TSUNAGU_DEMO=1 を設定してください。"
            )
        municipality = self.municipality(str(options["municipality"] or ""))
        if Person.objects.filter(municipality=municipality).exists():
            self.stdout.write(f"{municipality.name}には本人の記録がすでにあるため、デモデータは作成しませんでした。")
            return
        as_of = self.as_of(str(options["as_of"] or ""))
        scale = SCALES[str(options["scale"])]
        people = options["people"]
        if people is not None:
            if not isinstance(people, int) or people < 1:
                raise CommandError("--people には1以上の人数を指定してください。")
            scale = scale.with_people(people)
        seed = options["seed"]
        assert isinstance(seed, int)
        started = time.monotonic()
        try:
            # A city's load is one transaction of gigabytes: on SQLite a rollback journal and a large cache.
            with bulk_session():
                totals = demo_town_create(
                    municipality=municipality, scale=scale, seed=seed, as_of=as_of, stdout=self.stdout
                )
        except DemoTownError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        settings_used = f"規模 {scale.name}・seed {seed}・基準日 {as_of.isoformat()}"
        self.stdout.write(
            f"{municipality.name}にデモデータを生成しました（{settings_used}）。\n"
            f"  人数: {totals.people:,}人\n"
            f"  世帯数: {totals.households:,}世帯\n"
            f"  高齢化率: {totals.aging_rate:.1%}（生年月日の分かる{totals.with_birth_date:,}人のうち65歳以上）\n"
            f"  住民登録なし: {totals.unregistered:,}人\n"
            f"  本人同意: {totals.consents:,}件\n"
            f"  所要時間: {elapsed:.1f}秒"
        )

    def municipality(self, code: str) -> Municipality:
        """The municipality of the loaded plan; with several, the one named by ``--municipality``."""
        municipalities = list(
            Municipality.objects.filter(pk__in=Plan.objects.values("municipality_id")).order_by("code")
        )
        if code:
            for municipality in municipalities:
                if municipality.code == code:
                    return municipality
            raise CommandError(f"自治体コード {code} の計画は読み込まれていません。")
        if not municipalities:
            raise CommandError("計画が読み込まれていません。先に setup_demo（または plan_load）を実行してください。")
        if len(municipalities) > 1:
            listed = "、".join(f"{m.code} {m.name}" for m in municipalities)
            raise CommandError(f"計画のある自治体が複数あります。--municipality で指定してください（{listed}）。")
        return municipalities[0]

    def as_of(self, text: str) -> date:
        if not text:
            return timezone.localdate()
        try:
            as_of = parse_date(text)
        except WarekiError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        if as_of > timezone.localdate():
            raise CommandError("--as-of に未来の日付は指定できません（生年月日や同意日が未来になるため）。")
        return as_of
