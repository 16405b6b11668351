from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.plans.planfile import PlanFileError, read_plan_file
from tsunagu.plans.services import plan_load


class Command(BaseCommand):
    help = "実施計画ファイル（TOML）を検証し、一つのトランザクションで読み込む（既存の計画は更新）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="計画ファイルのパス（例: plans/kotoura.toml）")

    def handle(self, *args: object, **options: object) -> None:
        path = str(options["file"])
        try:
            result = plan_load(plan_file=read_plan_file(path))
        except PlanFileError as exc:
            raise CommandError(
                f"計画ファイルを読み込めません（{len(exc.problems)}件の誤り、何も読み込んでいません）:\n{exc}"
            ) from exc
        verb = "読み込みました" if result.created else "更新しました"
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.plan.municipality.name}「{result.plan.title}」を{verb}: "
                f"事業 新規{result.programs_created}件・更新{result.programs_updated}件"
                f"・削除{result.programs_removed}件"
            )
        )
