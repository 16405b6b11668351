"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): the 多機関協働 case list and a case, as the
coordinator of 福祉あんしん課 who runs them."""

from __future__ import annotations

from django.urls import reverse

from tsunagu.collaboration.selectors import cases_visible
from tsunagu.core.bench import BenchPage
from tsunagu.core.models import User


def _case(user: User) -> str | None:
    pk = cases_visible(user).order_by("-pk").values_list("pk", flat=True).first()
    return reverse("collaboration:case-detail", args=[pk]) if pk else None


BENCH_PAGES = [
    BenchPage("collaboration:case-list", "多機関協働のケース一覧", lambda user: reverse("collaboration:case-list"),
              persona="coordinator"),
    BenchPage("collaboration:case-detail", "多機関協働のケース", _case, persona="coordinator"),
    BenchPage("api:collaboration-case-list", "API ケースの一覧", lambda user: reverse("api:collaboration-case-list"),
              persona="coordinator", api=True),
]  # fmt: skip
