"""In-process figures: each registered page through Django's test client (middleware, access check, audit
entry and its commit included), and the kana search beside the admin-style search on the same data."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tsunagu.core.bench import BenchPage
from tsunagu.core.models import User
from tsunagu.people.search import PersonQuery
from tsunagu.people.selectors import person_list_for_user, person_search_for_user


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class PageFigures:
    name: str
    label: str
    persona: str
    api: bool
    path: str = ""
    status: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int = 0  # of the last request
    queries_min: int = 0
    queries_max: int = 0
    note: str = ""  # why it was not measured

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def page_figures(page: BenchPage, client: Client, user: User, *, requests: int, warmup: int) -> PageFigures:
    figures = PageFigures(name=page.name, label=page.label, persona=page.persona, api=page.api)
    path = page.path(user)
    if path is None:
        figures.note = "例となる記録がない"
        return figures
    figures.path = path
    accept = "application/json" if page.api else "text/html"
    for _ in range(warmup):
        client.get(path, HTTP_ACCEPT=accept)
    times: list[float] = []
    counts: list[int] = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, HTTP_ACCEPT=accept)
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(captured.captured_queries))
        figures.status = response.status_code
        if response.status_code != 200:
            figures.note = f"HTTP {response.status_code}"
            return figures
    figures.p50_ms = statistics.median(times)
    figures.p95_ms = percentile(times, 0.95)
    figures.queries, figures.queries_min, figures.queries_max = counts[-1], min(counts), max(counts)
    return figures


@dataclass
class SearchFigures:
    length: int
    queries: int
    kana_p50_ms: float
    kana_p95_ms: float
    admin_p50_ms: float
    admin_p95_ms: float

    @property
    def ratio(self) -> float:
        return self.admin_p95_ms / self.kana_p95_ms if self.kana_p95_ms else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def search_figures(user: User, *, length: int, queries: int, seed: int) -> SearchFigures:
    """Prefixes of visible family-name readings (common surnames dominate, as in real searches); both searches
    in one transaction that is rolled back (the kana search's audit entries are written and timed, then
    discarded). The admin-style search is the ``icontains`` OR over three columns with its count."""
    rng = random.Random(seed + length)  # noqa: S311 - sampling queries, not a secret
    kana = list(person_list_for_user(user=user).order_by("pk").values_list("family_name_kana", flat=True)[:5000])
    terms = [rng.choice(kana)[:length] for _ in range(queries)] if kana else []
    fast: list[float] = []
    slow: list[float] = []
    with transaction.atomic():
        for term in terms:
            started = time.perf_counter()
            list(person_search_for_user(user=user, query=PersonQuery(name=term))[:51])
            fast.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            admin_style = person_list_for_user(user=user).filter(
                Q(family_name_kana__icontains=term)
                | Q(given_name_kana__icontains=term)
                | Q(family_name__icontains=term)
            )
            admin_style.count()
            list(admin_style.order_by("family_name_kana")[:50])
            slow.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    if not terms:
        return SearchFigures(length, 0, 0.0, 0.0, 0.0, 0.0)
    return SearchFigures(
        length=length,
        queries=len(terms),
        kana_p50_ms=statistics.median(fast),
        kana_p95_ms=percentile(fast, 0.95),
        admin_p50_ms=statistics.median(slow),
        admin_p95_ms=percentile(slow, 0.95),
    )
