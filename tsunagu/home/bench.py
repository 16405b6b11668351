"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): the home page each user starts from."""

from __future__ import annotations

from django.urls import reverse

from tsunagu.core.bench import BenchPage

BENCH_PAGES = [BenchPage("core:home", "ホーム", lambda user: reverse("core:home"))]
