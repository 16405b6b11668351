from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.outreach.district_config import DistrictConfigError, districts_load, read_district_file


class Command(BaseCommand):
    help = "民生委員の地区と地区の地図（TOML）を検証し、一つのトランザクションで読み込む（既存の設定は置き換え）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="設定ファイルのパス（例: plans/kotoura-districts.toml）")

    def handle(self, *args: object, **options: object) -> None:
        try:
            loaded = districts_load(data=read_district_file(str(options["file"])))
        except DistrictConfigError as exc:
            raise CommandError(f"読み込めません（{len(exc.problems)}件の誤り、何も変えていません）:\n{exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"{loaded.municipality.name}: 民生委員の地区{loaded.commissioner_districts}件、地図の地区{loaded.placed}件"
        ))  # fmt: skip
