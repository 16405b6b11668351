"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): the name search, in the page and the API.

The person's and household's pages and timelines are registered by consultations (``consultations/bench.py``):
their heaviest example is a person with consultations and referrals, which this app cannot see.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.urls import reverse

from tsunagu.core.bench import BenchPage
from tsunagu.core.models import User
from tsunagu.people.selectors import person_list_for_user


def _kana_prefix(user: User) -> str | None:
    """The first two kana of a visible family name: the most common kind of search, with many matches."""
    kana = person_list_for_user(user=user).order_by("pk").values_list("family_name_kana", flat=True).first()
    return kana[:2] if kana else None


def _search(name: str) -> Callable[[User], str | None]:
    def path(user: User) -> str | None:
        prefix = _kana_prefix(user)
        return f"{reverse(name)}?{urlencode({'name': prefix})}" if prefix else None

    return path


BENCH_PAGES = [
    BenchPage("people:person-search", "本人検索（カナ2文字）", _search("people:person-search")),
    BenchPage("api:person-list", "API 本人検索", _search("api:person-list"), api=True),
]
