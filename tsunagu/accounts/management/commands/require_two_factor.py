from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.accounts.services import municipality_two_factor_require
from tsunagu.core.management import command_operator
from tsunagu.core.models import Municipality, Role


class Command(BaseCommand):
    help = (
        "自治体ごとに、二要素認証（TOTP）を必須とする役割を設定する。"
        "例: require_two_factor --roles caseworker,coordinator --municipality 313718"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="全国地方公共団体コード（例: 313718）")
        parser.add_argument(
            "--roles",
            required=True,
            help="カンマ区切りの役割（{}）、all（すべて）または none（なし）".format(", ".join(Role.values)),
        )

    def handle(self, *args: object, **options: str) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"自治体コード {options['municipality']} の自治体は登録されていません。")
        raw = options["roles"].strip().lower()
        if raw == "all":
            roles = list(Role.values)
        elif raw == "none":
            roles = []
        else:
            roles = [role.strip() for role in raw.split(",") if role.strip()]
            if not roles:
                raise CommandError("役割を指定してください（すべてなら all、なしなら none）。")
        try:
            municipality_two_factor_require(
                municipality=municipality, roles=roles, by=command_operator("require_two_factor")
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        labels = [Role(role).label for role in municipality.two_factor_roles]
        if labels:
            self.stdout.write(f"{municipality.name}: 二要素認証が必要な役割 = {'、'.join(str(x) for x in labels)}")
        else:
            self.stdout.write(f"{municipality.name}: 二要素認証を必須とする役割はありません。")
