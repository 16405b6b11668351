"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): 地域づくり's index (its counts) and places."""

from __future__ import annotations

from django.urls import reverse

from tsunagu.core.bench import BenchPage

BENCH_PAGES = [
    BenchPage("community:index", "地域づくり", lambda user: reverse("community:index")),
    BenchPage("community:place-list", "拠点・居場所の一覧", lambda user: reverse("community:place-list")),
    BenchPage("api:community-place-list", "API 拠点・居場所の一覧", lambda user: reverse("api:community-place-list"),
              api=True),
]  # fmt: skip
