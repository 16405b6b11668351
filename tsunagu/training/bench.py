"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): the 研修 list with its 年度 counts."""

from __future__ import annotations

from django.urls import reverse

from tsunagu.core.bench import BenchPage

BENCH_PAGES = [
    BenchPage("training:session-list", "研修", lambda user: reverse("training:session-list")),
    BenchPage("api:training-session-list", "API 研修の一覧", lambda user: reverse("api:training-session-list"),
              api=True),
]  # fmt: skip
