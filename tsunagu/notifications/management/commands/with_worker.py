import signal
import subprocess
import sys
from argparse import REMAINDER, ArgumentParser

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "タスクのワーカー（db_worker）と定期実行（run_scheduler）を起動したうえで、続くコマンド（例: runserver）を"
        "実行する。そのコマンドが終わるか Ctrl-C で、すべてを止める"
        "（make run 用。本番ではそれぞれをサービスとして動かす）。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("command", nargs=REMAINDER, help="前面で実行するコマンド（-- の後に）")

    def handle(self, *args: object, **options: object) -> None:
        command = [c for c in options["command"] if c != "--"]  # type: ignore[attr-defined]
        if not command:
            raise CommandError("実行するコマンドを -- の後に指定してください（例: -- python manage.py runserver）。")
        manage = [sys.executable, sys.argv[0]]
        helpers = [
            subprocess.Popen([*manage, "db_worker", "--no-reload", "--queue-name", "*", "--verbosity", "0"]),  # noqa: S603
            subprocess.Popen([*manage, "run_scheduler", "--verbosity", "0"]),  # noqa: S603
        ]
        self.stdout.write("ワーカーと定期実行を起動しました。")
        main = subprocess.Popen(command)  # noqa: S603

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)  # a service manager's stop: the same clean shutdown as Ctrl-C
        stopped = False
        try:
            code = main.wait()
        except KeyboardInterrupt:
            stopped = True
            main.send_signal(signal.SIGINT)
            code = main.wait()
        finally:
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                try:
                    helper.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    helper.kill()
        if code and not stopped:
            raise CommandError(f"終了コード {code}", returncode=code)
