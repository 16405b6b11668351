"""``manage.py import_residents FILE.csv --organization 福祉あんしん課``: load a resident-register extract.

The format, the all-or-nothing rule and what 転出・死亡 do are described in ``tsunagu.people.residents``.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.people.residents import ImportResult, ResidentImportError, import_residents, import_target


class Command(BaseCommand):
    help = (
        "住民記録（CSV、UTF-8 または Shift_JIS）を検証し、一つのトランザクションで取り込む。"
        "誤りが一つでもあれば何も取り込まず、誤りのある行をすべて表示する。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="住民記録の CSV ファイル")
        parser.add_argument("--organization", required=True, help="新規の方を登録する機関の名前（例: 福祉あんしん課）")
        parser.add_argument(
            "--municipality", default="", help="自治体の全国地方公共団体コード（自治体が一つなら省略可）"
        )
        parser.add_argument("--dry-run", action="store_true", help="検証と件数の表示だけを行い、何も書き込まない")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"ファイル「{path}」を読めません（{exc.strerror}）。") from exc
        started = time.monotonic()
        try:
            municipality, organization = import_target(
                organization_name=str(options["organization"]), municipality_code=str(options["municipality"] or "")
            )
            result = import_residents(
                data=data,
                municipality=municipality,
                organization=organization,
                dry_run=bool(options["dry_run"]),
                source_name=path.name,
            )
        except ResidentImportError as exc:
            raise CommandError(
                f"住民記録を取り込めません（{len(exc.problems)}件の誤り。何も取り込んでいません）:\n{exc}"
            ) from exc
        self._report(result, path, time.monotonic() - started)

    def _report(self, result: ImportResult, path: Path, seconds: float) -> None:
        write = self.stdout.write
        write(f"{path.name}: 文字コード {result.encoding}、データ {result.rows}行")
        for warning in result.warnings:
            write(self.style.WARNING(f"注意: {warning}"))
        write(f"新規: {result.created}件")
        write(f"更新: {result.updated}件")
        write(f"変更なし: {result.unchanged}件")
        write(f"転出・死亡により住民登録なしに変更: {result.deregistered}件（更新に含む）")
        if result.skipped_departed:
            write(f"取り込まなかった行（記録のない方の転出・死亡）: {result.skipped_departed}件")
        write(f"世帯: 新規{result.households_created}件・変更{result.households_updated}件")
        if result.dry_run:
            write(self.style.WARNING("試行（--dry-run）のため、何も書き込んでいません。"))
        else:
            write(self.style.SUCCESS(f"取り込みました（{seconds:.1f}秒）。"))
