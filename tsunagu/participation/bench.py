"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): 参加支援's index, registry and supports."""

from __future__ import annotations

from django.urls import reverse

from tsunagu.core.bench import BenchPage

BENCH_PAGES = [
    BenchPage("participation:index", "参加支援", lambda user: reverse("participation:index")),
    BenchPage("participation:resource-list", "社会資源の一覧", lambda user: reverse("participation:resource-list")),
    BenchPage("participation:support-list", "参加支援の一覧", lambda user: reverse("participation:support-list")),
    BenchPage("api:participation-resource-list", "API 社会資源の一覧",
              lambda user: reverse("api:participation-resource-list"), api=True),
    BenchPage("api:participation-support-list", "API 参加支援の一覧",
              lambda user: reverse("api:participation-support-list"), api=True),
]  # fmt: skip
