"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): a 支援プラン (the latest the coordinator sees)."""

from __future__ import annotations

from django.urls import reverse

from tsunagu.core.bench import BenchPage
from tsunagu.core.models import User
from tsunagu.support_plans.selectors import plans_visible


def _plan(user: User) -> str | None:
    pk = plans_visible(user).order_by("-pk").values_list("pk", flat=True).first()
    return reverse("support_plans:plan-detail", args=[pk]) if pk else None


BENCH_PAGES = [
    BenchPage("support_plans:plan-detail", "支援プラン", _plan, persona="coordinator"),
    BenchPage("api:support-plan-list", "API 支援プランの一覧", lambda user: reverse("api:support-plan-list"),
              persona="coordinator", api=True),
]  # fmt: skip
