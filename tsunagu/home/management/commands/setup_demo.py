from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tsunagu.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create
from tsunagu.plans.models import Plan
from tsunagu.plans.planfile import PlanFileError, read_plan_file
from tsunagu.plans.services import plan_load

DEFAULT_PLAN = Path(settings.BASE_DIR) / "plans" / "kotoura.toml"


class Command(BaseCommand):
    help = "空のデータベースに既定の計画（琴浦町）を読み込み、デモモードならデモ用アカウントを作る。"

    def handle(self, *args: object, **options: object) -> None:
        plan = Plan.objects.select_related("municipality").first()
        if plan is None:
            try:
                result = plan_load(plan_file=read_plan_file(DEFAULT_PLAN))
            except PlanFileError as exc:
                raise CommandError(str(exc)) from exc
            plan = result.plan
            self.stdout.write(f"既定の計画を読み込みました: {plan.municipality.name}「{plan.title}」")
        if not settings.DEMO_MODE:
            return
        created = demo_accounts_create(municipality=plan.municipality)
        if created:
            self.stdout.write(f"デモ用アカウントを{len(created)}件作りました（パスワード: {DEMO_PASSWORD}）:")
            for account in DEMO_ACCOUNTS:
                self.stdout.write(f"  {account.username:<12} {account.organization} / {account.role.label}")
