import time as clock
from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from tsunagu.notifications.schedule import enqueue_due, jobs


class Command(BaseCommand):
    help = (
        "定期実行の予定（期限超過のつなぎ、監査ログの検証など）を確認し、時刻になったものをタスクとして登録する。"
        "実行は db_worker が行う。二重に起動しても同じ回が二度登録されることはない。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="一度だけ確認して終わる")
        parser.add_argument("--interval", type=float, default=30.0, help="確認の間隔（秒、既定30）")
        parser.add_argument("--list", action="store_true", help="登録されている定期実行の一覧を表示して終わる")

    def handle(self, *args: object, **options: object) -> None:
        if options["list"]:
            for job in jobs():
                when = f"{job.every}ごと" if job.every else f"毎日 {job.daily_at:%H:%M}"
                self.stdout.write(f"{job.name}\t{when}\t{job.description}")
            return
        interval = float(options["interval"])  # type: ignore[arg-type]
        while True:
            for name in enqueue_due():
                self.stdout.write(f"登録: {name}")
            if options["once"]:
                return
            clock.sleep(interval)
