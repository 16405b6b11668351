import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from tsunagu.core.models import Municipality
from tsunagu.plans.export import plan_as_dict
from tsunagu.plans.selectors import plan_current_for_municipality


class Command(BaseCommand):
    help = "現在の実施計画を JSON で出力する（事業ごとに全項目）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--municipality", help="全国地方公共団体コード（複数の自治体がある場合は必須）")

    def handle(self, *args: object, **options: object) -> None:
        code = options.get("municipality")
        municipalities = Municipality.objects.all()
        if code:
            municipalities = municipalities.filter(code=code)
        found = list(municipalities[:2])
        if not found:
            raise CommandError("自治体が見つかりません。先に plan_load で計画を読み込んでください。")
        if len(found) > 1:
            raise CommandError("自治体が複数あります。--municipality で団体コードを指定してください。")
        plan = plan_current_for_municipality(municipality=found[0])
        if plan is None:
            raise CommandError(f"{found[0].name}の計画がありません。")
        with translation.override("ja"):  # the plan file's words, whatever language the shell runs in
            self.stdout.write(json.dumps(plan_as_dict(plan), ensure_ascii=False, indent=2))
