from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from tsunagu.audit.seals import SealError, audit_seal, seal_path


class Command(BaseCommand):
    help = (
        "監査ログの各チェーンの先頭と記録数を、データベースの外の封印ファイルに署名して追記する（定期実行用。"
        "変化がなければ何もしない）。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--full", action="store_true", help="直近の記録だけでなく、すべての記録を見て封印する")
        parser.add_argument("--quiet", action="store_true", help="問題がなければ何も出力しない")

    def handle(self, *args: object, **options: object) -> None:
        try:
            result = audit_seal(full=bool(options["full"]))
        except SealError as error:
            raise CommandError(str(error)) from error
        if result.regressions:
            # Sealed all the same (forward only): new entries must not go unsealed because of old damage.
            raise CommandError(
                ("封印しましたが、" if result.written else "")
                + "封印時より記録が減っています。audit_verify で確認してください"
                f"（データベースを作り直したのなら、古い封印 {seal_path().parent} を別の場所へ移してください）:\n"
                + "\n".join(f"・{line}" for line in result.regressions)
            )
        if options["quiet"]:
            return
        if result.written:
            self.stdout.write(
                self.style.SUCCESS(
                    f"封印しました（第{result.number}号、{seal_path()}）: 記録{result.entries}件、"
                    f"先頭が進んだチェーン{result.chains}。"
                )
            )
        else:
            self.stdout.write(f"前回の封印（第{result.number}号）から変化がないため、封印は追加していません。")
