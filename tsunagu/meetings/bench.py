"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): the meetings list, in the page and the API."""

from __future__ import annotations

from django.urls import reverse

from tsunagu.core.bench import BenchPage

BENCH_PAGES = [
    BenchPage("meetings:meeting-list", "会議の一覧", lambda user: reverse("meetings:meeting-list"),
              persona="coordinator"),
    BenchPage("api:meeting-list", "API 会議の一覧", lambda user: reverse("api:meeting-list"), persona="coordinator",
              api=True),
]  # fmt: skip
