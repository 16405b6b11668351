"""The bench's results: one JSON file per database and scale (``var/bench/<database>-<scale>.json``), the
Markdown table of a run, the growth ratio when town and city of one database both exist, and
``docs/benchmarks.md`` made of every result present."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

import django
from django.db import connection

# DESIGN §8's budgets, shown beside the figures.
PAGE_P95_MS = 50.0
SEARCH_P95_MS = 10.0
SEARCH_RATIO = 20.0
GROWTH = 1.3
THROUGHPUT_SHARE = 0.70


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database_version(),
        # Other work on the same cores when the run began: the figures of a loaded machine are slower.
        "load": " / ".join(f"{value:.1f}" for value in os.getloadavg()),
    }


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def result_path(directory: Path, vendor: str, scale: str) -> Path:
    return directory / f"{vendor}-{scale}.json"


def save(result: dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = result_path(directory, result["vendor"], result["scale"])
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def load_all(directory: Path) -> list[dict[str, Any]]:
    results = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            results.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return results


def _ms(value: float) -> str:
    return f"{value:.1f}"


def _mark(ok: bool) -> str:
    return "" if ok else " ✗"


def markdown(result: dict[str, Any]) -> str:
    """One run: its data, the pages, the search and the throughput."""
    counts = result["counts"]
    lines = [
        f"### {result['database']} — {result['scale']}（{result['date']}）",
        "",
        f"開始時の負荷（1・5・15分平均）: {result['machine'].get('load', '')}。",
        "",
        "データ: " + "、".join(f"{label} {value:,}" for label, value in counts.items())
        + f"。統計情報: {'あり' if result['statistics'] else 'なし'}。",
        "",
        "| ページ・API | 閲覧者 | p50 ms | p95 ms | SQL 件数 | 備考 |",
        "|---|---|---:|---:|---:|---|",
    ]  # fmt: skip
    for page in result["pages"]:
        if page["note"]:
            lines.append(f"| {page['label']} | {page['persona']} | | | | {page['note']} |")
            continue
        queries = str(page["queries"])
        if page["queries_min"] != page["queries_max"]:
            queries += f"（{page['queries_min']}–{page['queries_max']}）"
        over = _mark(page["p95_ms"] <= PAGE_P95_MS)
        lines.append(
            f"| {page['label']} | {page['persona']} | {_ms(page['p50_ms'])}"
            f" | {_ms(page['p95_ms'])}{over} | {queries} | |"
        )
    lines += [
        "",
        "| 本人検索 | 回数 | カナ p50 ms | カナ p95 ms | 管理画面風 p50 ms | 管理画面風 p95 ms | p95 の比 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for search in result["search"]:
        kana = _ms(search["kana_p95_ms"]) + _mark(search["kana_p95_ms"] <= SEARCH_P95_MS)
        ratio = f"{search['ratio']:.1f}×" + _mark(search["ratio"] >= SEARCH_RATIO)
        lines.append(
            f"| {search['length']}文字 | {search['queries']} | {_ms(search['kana_p50_ms'])} | {kana}"
            f" | {_ms(search['admin_p50_ms'])} | {_ms(search['admin_p95_ms'])} | {ratio} |"
        )
    server = result.get("throughput")
    if server:
        real, bare = server["list"], server["bare"]
        share = real["per_second"] / bare["per_second"] if bare["per_second"] else 0.0
        lines += [
            "",
            f"gunicorn {server['workers']} ワーカー（同期）、負荷 {server['clients']} 接続 × {server['seconds']:g} 秒:",
            "",
            "| 一覧 | 件数 | 誤り | 件/秒 | p50 ms | p95 ms |",
            "|---|---:|---:|---:|---:|---:|",
            f"| 相談の一覧（権限確認・監査込み） | {real['requests']} | {real['errors']} | {real['per_second']:.0f}"
            f" | {_ms(real['p50_ms'])} | {_ms(real['p95_ms'])} |",
            f"| 同じ行の素の Django ビュー | {bare['requests']} | {bare['errors']} | {bare['per_second']:.0f}"
            f" | {_ms(bare['p50_ms'])} | {_ms(bare['p95_ms'])} |",
            "",
            f"素のビューに対する比: {share:.0%}{_mark(share >= THROUGHPUT_SHARE)}（目標 {THROUGHPUT_SHARE:.0%} 以上）",
        ]
    return "\n".join(lines) + "\n"


def growth(results: list[dict[str, Any]]) -> str:
    """City against town, per database, where both were measured."""
    by_key = {(r["vendor"], r["scale"]): r for r in results}
    sections = []
    for vendor in sorted({r["vendor"] for r in results}):
        town, city = by_key.get((vendor, "town")), by_key.get((vendor, "city"))
        if not town or not city:
            continue
        lines = [
            f"### 規模による伸び: {city['database']}（city / town）",
            "",
            "| ページ・API | town p95 ms | city p95 ms | 比 | SQL 件数 town → city |",
            "|---|---:|---:|---:|---|",
        ]
        town_pages = {p["name"]: p for p in town["pages"]}
        for page in city["pages"]:
            before = town_pages.get(page["name"])
            if not before or page["note"] or before["note"] or not before["p95_ms"]:
                continue
            ratio = page["p95_ms"] / before["p95_ms"]
            grows = page["queries_max"] > before["queries_max"]
            lines.append(
                f"| {page['label']} | {_ms(before['p95_ms'])} | {_ms(page['p95_ms'])}"
                f" | {ratio:.2f}{_mark(ratio <= GROWTH)}"
                f" | {before['queries']} → {page['queries']}{_mark(not grows)} |"
            )
        sections.append("\n".join(lines) + "\n")
    return "\n".join(sections)


# What follows this line in docs/benchmarks.md is written by hand (findings) and kept by every run.
NOTES_MARKER = "<!-- 以下は手書き（bench は書き換えない） / hand-written below, kept by make bench -->"


def document(results: list[dict[str, Any]], previous: str = "") -> str:
    """The whole document; the hand-written part of ``previous`` (after NOTES_MARKER) is kept."""
    latest = max(results, key=lambda r: r["date"]) if results else None
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`manage.py bench`): every page and API call the apps register (their `bench.py`,",
        'README "Benchmarks") measured in-process as the persona named, the kana name search beside the admin-style',
        "search, and the inbox's list under gunicorn beside a bare view of the same rows. DESIGN §8's budgets:",
        f"p95 ≤ {PAGE_P95_MS:.0f} ms per page, growth ≤ {GROWTH}× from town to city with no more queries, kana search",
        f"p95 ≤ {SEARCH_P95_MS:.0f} ms and ≥ {SEARCH_RATIO:.0f}× the admin-style search, list throughput"
        f" ≥ {THROUGHPUT_SHARE:.0%} of the bare view;",
        "✗ marks a figure outside its budget. The machine's figures vary by ±20–35% between runs",
        "(reference/perf-anchors.md): compare within a run.",
        "",
    ]
    if latest:
        m = latest["machine"]
        lines += [
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['system']}; Python {m['python']},"
            f" Django {m['django']}. Latest run: {latest['date']}.",
            "",
        ]
    for result in sorted(results, key=lambda r: (r["vendor"], r["scale"])):
        lines.append(markdown(result))
    ratios = growth(results)
    if ratios:
        lines.append(ratios)
    generated = "\n".join(lines).rstrip() + "\n"
    if NOTES_MARKER in previous:
        generated += "\n" + NOTES_MARKER + previous.split(NOTES_MARKER, 1)[1]
    return generated
