from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from tsunagu.audit.verify import audit_verify


class Command(BaseCommand):
    help = (
        "監査ログを検証する: 追記専用トリガー、鍵付きハッシュチェーン、封印（audit_seal）との照合。"
        "破損があれば種類ごとに報告し、終了コード1で終わる（定期実行向け: --quiet）。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--quiet", action="store_true", help="正常なときは何も出力しない（cron 等から実行するとき）"
        )

    def handle(self, *args: object, **options: object) -> None:
        report = audit_verify()
        if not report.intact:
            kinds = "、".join(damage.value for damage in report.counts)
            total = sum(report.counts.values())
            raise CommandError(f"監査ログの破損を検出しました（{total}件: {kinds}）。\n" + "\n".join(report.lines()))
        if not options["quiet"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"監査ログは正常です: {report.entries}件・{report.chains}チェーンを検証しました"
                    f"（封印 第{report.seals}号まで照合）。"
                )
            )
