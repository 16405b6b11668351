"""The first account of a new installation: a システム管理者 at one of the municipality's organisations.

Everyone else is then added on the administration pages. The password comes from the terminal (asked
twice), from standard input with ``--password-stdin`` (one line), or from TSUNAGU_ADMIN_PASSWORD; never
from the command line, where it would stay in the shell history and the process list.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.demo import DEMO_PASSWORD
from tsunagu.core.management import command_operator
from tsunagu.core.models import Municipality, Organization, Role, User
from tsunagu.core.services import user_create

PASSWORD_ENV = "TSUNAGU_ADMIN_PASSWORD"  # noqa: S105 (the variable's name, not a password)


class Command(BaseCommand):
    help = (
        "最初のシステム管理者アカウントを作る。"
        '例: create_administrator --username kanri --organization "福祉あんしん課" --municipality 313718'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="ユーザー名")
        parser.add_argument("--organization", required=True, help="所属する機関の名前（実施計画に載っているもの）")
        parser.add_argument("--municipality", help="全国地方公共団体コード（自治体が一つだけなら省略可）", default="")
        parser.add_argument("--display-name", default="", help="表示名（例: 管理 太郎）")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="パスワードを標準入力の1行目から読む")

    def handle(self, *args: object, **options: str) -> None:
        municipality = self._municipality(options["municipality"])
        organization = Organization.objects.filter(municipality=municipality, name=options["organization"]).first()
        if organization is None:
            names = "、".join(Organization.objects.filter(municipality=municipality).values_list("name", flat=True))
            raise CommandError(f"機関「{options['organization']}」は{municipality.name}にありません。登録済み: {names}")
        username = options["username"].strip()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"ユーザー名「{username}」はすでに使われています。")
        candidate = User(
            municipality=municipality, username=username, display_name=options["display_name"], email=options["email"]
        )
        password = self._password(bool(options["password_stdin"]))
        if password == DEMO_PASSWORD:
            raise CommandError("デモ用に公開されているパスワードは使えません。")
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError("パスワードが弱すぎます: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            try:
                user = user_create(
                    municipality=municipality,
                    username=username,
                    password=password,
                    display_name=options["display_name"],
                    email=options["email"],
                    memberships=[(organization, Role.ADMINISTRATOR)],
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            audit_record(
                user=None,
                username=command_operator("create_administrator"),
                action=Action.CREATE,
                organization=organization,
                obj=user,
                summary=f"システム管理者アカウントを作成: {username}（{organization.name}）",
                changes={"memberships": [[], [[organization.name, Role.ADMINISTRATOR.value]]]},
            )
        self.stdout.write(f"{municipality.name} {organization.name} のシステム管理者「{username}」を作りました。")

    def _municipality(self, code: str) -> Municipality:
        if code:
            municipality = Municipality.objects.filter(code=code).first()
            if municipality is None:
                raise CommandError(f"自治体コード {code} の自治体は登録されていません。")
            return municipality
        municipalities = list(Municipality.objects.all()[:2])
        if len(municipalities) == 1:
            return municipalities[0]
        if not municipalities:
            raise CommandError("自治体がまだありません。先に plan_load で実施計画を読み込んでください。")
        raise CommandError("自治体が複数あります。--municipality で自治体コードを指定してください。")

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if not sys.stdin.isatty():
            raise CommandError(f"パスワードは端末で入力するか、--password-stdin か {PASSWORD_ENV} で渡してください。")
        first = getpass.getpass("パスワード: ")
        if first != getpass.getpass("パスワード（確認）: "):
            raise CommandError("二つのパスワードが一致しません。")
        return first
