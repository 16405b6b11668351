"""``manage.py bench`` end to end on a tiny town, so that ``make bench`` cannot rot (issue 16): every registered
page answers as its persona and is measured, both searches run, and gunicorn serves the inbox and the bare
view it is compared with; the results and the document are written. The figures themselves are not judged
here (DESIGN §8: budgets are measured by the benchmark, not by timed tests)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse

from tsunagu.core.bench import BenchPage, bench_pages
from tsunagu.core.models import User
from tsunagu.home.benchmark import report

MAIN_PAGES = {
    "people:person-search", "people:person-detail", "people:person-timeline", "people:household-detail",
    "people:household-timeline", "consultations:inbox", "consultations:referrals-open",
    "consultations:consultation-detail", "consultations:referral-detail", "api:consultation-list",
    "api:person-list", "collaboration:case-list", "collaboration:case-detail", "support_plans:plan-detail",
    "meetings:meeting-list", "outreach:target-list",
}  # fmt: skip


@pytest.fixture
def tiny_town(kotoura, settings):
    settings.DEMO_MODE = True
    call_command("setup_demo", stdout=StringIO())
    call_command("demo_town", "--people", "80", "--seed", "2", stdout=StringIO())


# Committed data: the server the bench starts is another process and reads what this one wrote.
@pytest.mark.django_db(transaction=True)
def test_the_bench_measures_every_registered_page_and_the_server(tiny_town, tmp_path):
    notes = f"{report.NOTES_MARKER}\n\n## 所見\n\n手書きの所見。\n"
    (tmp_path / "benchmarks.md").write_text(f"# 前回の表\n\n{notes}", encoding="utf-8")
    out = StringIO()
    call_command(
        "bench", "--requests", "1", "--warmup", "0", "--search-queries", "3", "--seconds", "0.4",
        "--clients", "2", "--workers", "1", "--scale", "tiny", "--results-dir", str(tmp_path),
        "--docs", str(tmp_path / "benchmarks.md"), stdout=out,
    )  # fmt: skip
    result = json.loads((tmp_path / f"{connection.vendor}-tiny.json").read_text(encoding="utf-8"))
    pages = {page["name"]: page for page in result["pages"]}
    assert set(pages) == {page.name for page in bench_pages()}
    assert set(pages) >= MAIN_PAGES
    for name in MAIN_PAGES:
        page = pages[name]
        assert (page["status"], page["note"]) == (200, ""), name
        assert page["queries"] > 0 and page["p95_ms"] >= page["p50_ms"] > 0, name
    assert [s["length"] for s in result["search"]] == [2, 3]
    assert all(s["queries"] == 3 and s["kana_p95_ms"] > 0 and s["admin_p95_ms"] > 0 for s in result["search"])
    served = result["throughput"]
    for side in ("list", "bare"):
        assert served[side]["requests"] > 0 and served[side]["errors"] == 0, side
    document = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert "| 相談・つなぎの一覧 | caseworker |" in document
    assert "同じ行の素の Django ビュー" in document
    assert "前回の表" not in document and document.endswith(notes)  # the table is new, the findings kept
    assert result["machine"]["cores"]
    assert "| 本人のページ | caseworker |" in out.getvalue()

    # Town and city of one database: the growth ratio is printed.
    common = ["--requests", "1", "--warmup", "0", "--search-queries", "1", "--no-server", "--only", "inbox",
              "--results-dir", str(tmp_path), "--docs", "-"]  # fmt: skip
    call_command("bench", "--scale", "town", *common, stdout=StringIO())
    out = StringIO()
    call_command("bench", "--scale", "city", *common, stdout=out)
    assert "規模による伸び" in out.getvalue()
    assert "| 相談・つなぎの一覧 |" in out.getvalue().split("規模による伸び")[1]


@pytest.mark.django_db
def test_every_registered_page_is_a_route_of_the_site_and_the_bare_view_is_not(tiny_town):
    """A name is the page's URL name and its example resolves to that page (the bench measures what it says);
    the bare view the throughput is compared with is mounted by the bench's server only."""
    users = {"caseworker": User.objects.get(username="anshin"), "coordinator": User.objects.get(username="coordinator")}
    user = users["coordinator"]
    for page in bench_pages():
        path = page.path(users[page.persona])
        assert path is not None, page.name
        assert resolve(path.split("?")[0]).view_name == page.name
    with pytest.raises(NoReverseMatch):
        reverse("bench-bare-list")
    client = Client()
    client.force_login(user)
    assert client.get("/bench/bare/consultations/").status_code == 404


def test_a_page_registered_twice_is_refused(monkeypatch):
    import tsunagu.home.bench as home_bench

    page = BenchPage("core:home", "ホーム", lambda user: "/")
    monkeypatch.setattr(home_bench, "BENCH_PAGES", [page, page])
    with pytest.raises(ValueError, match="core:home"):
        bench_pages()


def test_an_unknown_persona_is_refused():
    with pytest.raises(ValueError, match="persona"):
        BenchPage("x:y", "x", lambda user: None, persona="stranger")
