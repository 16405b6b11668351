"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): the アウトリーチ target list, page and API."""

from __future__ import annotations

from django.urls import reverse

from tsunagu.core.bench import BenchPage

BENCH_PAGES = [
    BenchPage("outreach:target-list", "アウトリーチの対象者一覧", lambda user: reverse("outreach:target-list"),
              persona="coordinator"),
    BenchPage("api:outreach-target-list", "API 対象者の一覧", lambda user: reverse("api:outreach-target-list"),
              persona="coordinator", api=True),
]  # fmt: skip
