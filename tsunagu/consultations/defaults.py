"""The default 相談内容 list and つなぎ先の提案ルール, written into a municipality's tables on first use.

Both are data the municipality owns: once loaded, administrators change them in the administration and
the files in ``data/`` are not read again for that municipality. So the ensure functions load only when
the municipality has no rows at all (retired rows count: loading again would bring back what an
administrator retired), and cost a single query on every later call.

The files are checked whole before anything is written, so that a mistake in a shipped default fails
loudly and names the file and the rule, instead of routing consultations wrongly. What depends on the
municipality (the plan's programme codes, its organisation names) cannot be checked from the file: a rule
naming what the municipality does not have is skipped with a warning, and the others still load.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from tsunagu.consultations.models import ConsultationIssue, RoutingRule
from tsunagu.consultations.routing import AGE_BANDS, domains_value
from tsunagu.core.models import Municipality, Organization
from tsunagu.core.tomlerrors import toml_syntax_problem
from tsunagu.plans.models import Domain, Program
from tsunagu.plans.selectors import plan_current_for_municipality

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
ISSUES_FILE = DATA_DIR / "issues.toml"
ROUTING_FILE = DATA_DIR / "routing.toml"

# 児童福祉法の「児童」: a household condition beyond this is not about children any more.
CHILD_UNDER_MAX = 18
AGE_MAX = 150
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")

_ISSUE_KEYS = {"code", "name", "domains", "domains_by_age"}
_RULE_KEYS = {"code", "name", "any_issues", "min_age", "max_age", "child_under", "program", "organizations", "reason"}


class DefaultsFileError(ValueError):
    """A default file cannot be loaded; ``problems`` lists every mistake, each naming the item."""

    def __init__(self, filename: str, problems: list[str]):
        self.filename = filename
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"{filename} に誤りがあります:\n{lines}")


@dataclass(frozen=True)
class IssueData:
    code: str
    name: str
    domains: tuple[str, ...]
    # (band, domains) pairs of ``domains_by_age``, in the order of ``AGE_BANDS``; empty when none.
    domains_by_age: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def stored_domains(self) -> list[str] | dict[str, list[str]]:
        """The ``domains`` value stored on the item: a list, or the table routing.issue_domains reads."""
        return domains_value({"all": list(self.domains), **{band: list(d) for band, d in self.domains_by_age}})


@dataclass(frozen=True)
class RuleData:
    code: str
    name: str
    any_issues: tuple[str, ...]
    min_age: int | None
    max_age: int | None
    child_under: int | None
    program: str
    organizations: tuple[str, ...]
    reason: str


# ---- reading the files -----------------------------------------------------------------------------


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DefaultsFileError(str(path), [f"ファイルを読めません: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise DefaultsFileError(str(path), ["UTF-8 で保存してください（文字コードを読み取れません）。"]) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefaultsFileError(str(path), [toml_syntax_problem(exc, text).message()]) from exc


def _items(data: dict[str, Any], key: str, problems: list[str]) -> list[dict[str, Any]]:
    for unknown in sorted(set(data) - {key}):
        problems.append(f"不明な項目「{unknown}」です（[[{key}]] の表だけを書きます）。")
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        problems.append(f"[[{key}]] の表の並びである必要があります。")
        return []
    return items


class _Item:
    """Typed reads of one table, recording problems under the item's label (``rules[3]（livelihood）``)."""

    def __init__(self, table: dict[str, Any], label: str, allowed: set[str], problems: list[str]):
        self.table, self.label, self.problems = table, label, problems
        for unknown in sorted(set(table) - allowed):
            self.problem(f"不明な項目「{unknown}」です（綴りを確認してください）。")

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.label}: {message}")

    def text(self, key: str, *, max_length: int, slug: bool = False) -> str:
        value = self.table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{key} は必須の文字列です。")
            return ""
        value = value.strip()
        if len(value) > max_length:
            self.problem(f"{key} は{max_length}文字以内です。")
        if slug and not _SLUG.fullmatch(value):
            self.problem(f"{key}「{value}」には半角英数字・ハイフン・下線だけを使えます。")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(f"{key} は空でない文字列の配列です。")
            return ()
        return tuple(v.strip() for v in value)

    def age(self, key: str, *, low: int, high: int) -> int | None:
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.problem(f"{key} は{low}から{high}までの整数です。")
            return None
        return value


def read_issues_file(path: Path = ISSUES_FILE) -> list[IssueData]:
    """The 相談内容 items of ``path``, checked; raises ``DefaultsFileError`` listing every problem."""
    problems: list[str] = []
    issues: list[IssueData] = []
    seen: set[str] = set()
    for index, table in enumerate(_items(_load_toml(path), "issues", problems)):
        item = _Item(table, f"issues[{index}]（{table.get('code', '')}）", _ISSUE_KEYS, problems)
        code = item.text("code", max_length=30, slug=True)
        if code in seen:
            item.problem(f"コード「{code}」が重複しています。")
        seen.add(code)
        domains = _domains(item, "domains", item.table.get("domains", []))
        by_age = _domains_by_age(item)
        issues.append(
            IssueData(code=code, name=item.text("name", max_length=50), domains=domains, domains_by_age=by_age)
        )
    if problems:
        raise DefaultsFileError(str(path), problems)
    return issues


def _domains(item: _Item, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        item.problem(f"{key} は分野の配列です。")
        return ()
    for domain in value:
        if domain not in Domain.values:
            item.problem(f"分野「{domain}」は不明です。次のいずれかです: {'、'.join(Domain.values)}")
    return tuple(d for d in value if d in Domain.values)


def _domains_by_age(item: _Item) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``domains_by_age``: the fields added for a person of each age band (see the header of issues.toml)."""
    table = item.table.get("domains_by_age")
    if table is None:
        return ()
    if not isinstance(table, dict):
        item.problem(f"domains_by_age は年齢区分（{'、'.join(AGE_BANDS)}）ごとの分野の表です。")
        return ()
    for unknown in sorted(set(table) - set(AGE_BANDS)):
        item.problem(f"domains_by_age の年齢区分「{unknown}」は不明です。次のいずれかです: {'、'.join(AGE_BANDS)}")
    return tuple((band, _domains(item, f"domains_by_age.{band}", table[band])) for band in AGE_BANDS if band in table)


def read_routing_file(path: Path = ROUTING_FILE, *, issue_codes: set[str] | None = None) -> list[RuleData]:
    """The rules of ``path``, checked against the 相談内容 codes of ``issues.toml`` (or ``issue_codes``).

    Raises ``DefaultsFileError`` listing every problem, each naming the rule's position and code.
    """
    known = issue_codes if issue_codes is not None else {issue.code for issue in read_issues_file()}
    problems: list[str] = []
    rules: list[RuleData] = []
    seen: set[str] = set()
    for index, table in enumerate(_items(_load_toml(path), "rules", problems)):
        item = _Item(table, f"rules[{index}]（{table.get('code', '')}）", _RULE_KEYS, problems)
        code = item.text("code", max_length=40, slug=True)
        if code in seen:
            item.problem(f"コード「{code}」が重複しています。")
        seen.add(code)
        any_issues = item.texts("any_issues")
        for unknown in [c for c in any_issues if c not in known]:
            item.problem(f"any_issues の相談内容コード「{unknown}」は相談内容の一覧（issues.toml）にありません。")
        min_age = item.age("min_age", low=0, high=AGE_MAX)
        max_age = item.age("max_age", low=0, high=AGE_MAX)
        child_under = item.age("child_under", low=1, high=CHILD_UNDER_MAX)
        if min_age is not None and max_age is not None and min_age > max_age:
            item.problem(f"min_age（{min_age}）が max_age（{max_age}）より大きく、当てはまる人がいません。")
        if not any_issues and min_age is None and max_age is None and child_under is None:
            # A rule without conditions would be suggested for every consultation.
            item.problem("条件（any_issues、min_age、max_age、child_under）が一つもありません。")
        rules.append(
            RuleData(
                code=code,
                name=item.text("name", max_length=100),
                any_issues=any_issues,
                min_age=min_age,
                max_age=max_age,
                child_under=child_under,
                program=item.text("program", max_length=50, slug=True),
                organizations=item.texts("organizations"),
                reason=item.text("reason", max_length=200),
            )
        )
    if problems:
        raise DefaultsFileError(str(path), problems)
    return rules


# ---- writing them for a municipality ---------------------------------------------------------------


def _lock(municipality: Municipality) -> None:
    """Serialise first loads for one municipality: two first requests must not both insert the defaults."""
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()


def issues_ensure(municipality: Municipality, *, source: Path = ISSUES_FILE) -> list[ConsultationIssue]:
    """The municipality's active 相談内容 items in order, loading ``source`` first if it has none."""
    issues = list(ConsultationIssue.objects.filter(municipality=municipality).order_by("order", "id"))
    if not issues:
        data = read_issues_file(source)
        with transaction.atomic():
            _lock(municipality)
            issues = list(ConsultationIssue.objects.filter(municipality=municipality).order_by("order", "id"))
            if not issues:
                issues = ConsultationIssue.objects.bulk_create(
                    ConsultationIssue(
                        municipality=municipality, code=d.code, name=d.name, domains=d.stored_domains(), order=order
                    )
                    for order, d in enumerate(data)
                )
    return [issue for issue in issues if issue.is_active]


def routing_rules_ensure(
    municipality: Municipality, *, source: Path = ROUTING_FILE, issues_source: Path = ISSUES_FILE
) -> list[RoutingRule]:
    """The municipality's active rules in order, loading ``source`` first if it has none.

    Rules refer to programmes of the municipality's current plan by code and to organisations by exact
    name. A rule naming one the municipality lacks is skipped with a warning — a town whose plan differs
    from 琴浦町's still gets the rules that fit, and sees in the log which did not.
    """
    rules = list(RoutingRule.objects.filter(municipality=municipality).order_by("order", "id"))
    if not rules:
        data = read_routing_file(source, issue_codes={issue.code for issue in read_issues_file(issues_source)})
        with transaction.atomic():
            _lock(municipality)
            rules = list(RoutingRule.objects.filter(municipality=municipality).order_by("order", "id"))
            if not rules:
                rules = _rules_create(municipality, data, source)
    return [rule for rule in rules if rule.is_active]


def _rules_create(municipality: Municipality, data: list[RuleData], source: Path) -> list[RoutingRule]:
    plan = plan_current_for_municipality(municipality=municipality)
    programs = {p.code: p for p in Program.objects.filter(plan=plan)} if plan is not None else {}
    wanted = {name for d in data for name in d.organizations}
    organizations = {o.name: o for o in Organization.objects.filter(municipality=municipality, name__in=wanted)}

    kept: list[tuple[RoutingRule, list[Organization]]] = []
    for order, d in enumerate(data):
        program = programs.get(d.program)
        missing = [name for name in d.organizations if name not in organizations]
        if program is None:
            where = f"現在の計画「{plan}」" if plan is not None else "実施計画（未読込）"
            logger.warning(
                "%s: ルール「%s」（%s）を読み込みません: 事業コード「%s」が%sにありません。",
                source.name, d.code, d.name, d.program, where,
            )  # fmt: skip
            continue
        if missing:
            logger.warning(
                "%s: ルール「%s」（%s）を読み込みません: 機関「%s」が%sにありません。",
                source.name, d.code, d.name, "」「".join(missing), municipality,
            )  # fmt: skip
            continue
        rule = RoutingRule(
            municipality=municipality,
            code=d.code,
            order=order,
            name=d.name,
            any_issues=list(d.any_issues),
            min_age=d.min_age,
            max_age=d.max_age,
            child_under=d.child_under,
            program=program,
            reason=d.reason,
        )
        kept.append((rule, [organizations[name] for name in dict.fromkeys(d.organizations)]))

    rules = RoutingRule.objects.bulk_create(rule for rule, _ in kept)
    Through = RoutingRule.organizations.through
    Through.objects.bulk_create(
        Through(routingrule_id=rule.pk, organization_id=organization.pk)
        for rule, rule_organizations in kept
        for organization in rule_organizations
    )
    return rules
