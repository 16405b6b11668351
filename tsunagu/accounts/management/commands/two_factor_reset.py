from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.accounts.services import two_factor_reset
from tsunagu.core.management import command_operator
from tsunagu.core.models import User


class Command(BaseCommand):
    help = "スマートフォンを替えた・失くした利用者の二要素認証の端末を削除する。次のログインで設定し直す。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="ユーザー名")

    def handle(self, *args: object, **options: str) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"ユーザー名 {options['username']} の利用者はいません。")
        count = two_factor_reset(user=user, by=command_operator("two_factor_reset"))
        self.stdout.write(
            f"{user.get_username()}: 二要素認証の端末を{count}台削除しました。次のログインで設定し直します。"
        )
