"""The registry of pages ``manage.py bench`` measures (DESIGN §8, issue 16): data each capability extends.

An app lists its main pages and API calls in ``tsunagu/<app>/bench.py`` as ``BENCH_PAGES``, a list of
``BenchPage``; the bench finds every installed app's module (as ``demo_town`` finds its extensions), so a
new capability adds its pages there and nowhere else (README, "Benchmarks"). An entry names its page and how
to find an example at the scale present: ``path(user)`` returns the URL to fetch as the entry's persona, or
``None`` when the database holds no example (the bench then reports the page as not measured).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from tsunagu.core.models import User

# The personas the bench signs in as (``manage.py bench --as persona=username`` overrides the defaults):
# the bench command resolves each to an active member of 福祉あんしん課 with this role.
PERSONAS = ("caseworker", "coordinator")


@dataclass(frozen=True)
class BenchPage:
    name: str  # unique, "<app>:<page>"
    label: str  # what the table shows (Japanese, as the page's own title)
    path: Callable[[User], str | None]
    persona: str = "caseworker"
    api: bool = False  # an API call (JSON) rather than a page

    def __post_init__(self) -> None:
        if self.persona not in PERSONAS:
            raise ValueError(f"bench page {self.name!r}: unknown persona {self.persona!r}")


MODULE = "bench"


def bench_pages() -> list[BenchPage]:
    """Every installed ``tsunagu.*`` app's ``BENCH_PAGES``, in ``INSTALLED_APPS`` order.

    Only a missing ``<app>.bench`` module means "nothing to measure"; one that fails to import for another
    reason is an error, not a silent gap in the table.
    """
    found: list[BenchPage] = []
    for app in apps.get_app_configs():
        if not app.name.startswith("tsunagu."):
            continue
        module_name = f"{app.name}.{MODULE}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        found.extend(getattr(module, "BENCH_PAGES", []))
    names = [page.name for page in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"bench pages registered twice: {', '.join(duplicates)}")
    return found
