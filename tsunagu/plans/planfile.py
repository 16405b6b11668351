"""Reading and validating a plan file (TOML) without touching the database.

The file is checked whole before anything is loaded: every problem is collected with the file name,
the line and the key path (``programs[2].operating_form``), so a town's staff can fix all of them in
one pass. The result is a tree of plain dataclasses that ``services.plan_load`` writes in one
transaction.

Enumerated values (category, domain, operating form, organisation kind) may be written either as the
Japanese word the plan uses (``直営・委託``) or as the code (``direct_commissioned``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.utils import translation

from tsunagu.core.models import OrganizationKind
from tsunagu.core.tomlerrors import toml_syntax_problem
from tsunagu.plans.models import Category, DecisionKind, Domain, MeetingBasis, OperatingForm, law_article

SUPPORTED_FORMAT_VERSIONS = {1}


@dataclass(frozen=True)
class PlanFileProblem:
    path: str
    message: str
    line: int | None = None

    def render(self, filename: str) -> str:
        where = f"{filename}:{self.line}" if self.line else filename
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


class PlanFileError(Exception):
    """The plan file cannot be loaded. ``problems`` lists every mistake found."""

    def __init__(self, filename: str, problems: list[PlanFileProblem]):
        self.filename = filename
        self.problems = problems
        super().__init__("\n".join(p.render(filename) for p in problems))


@dataclass
class MunicipalityData:
    code: str
    name: str
    name_kana: str
    prefecture: str


@dataclass
class DivisionData:
    name: str


@dataclass
class OrganizationData:
    name: str
    short_name: str
    kind: str
    division: str | None


@dataclass
class IndicatorData:
    code: str
    name: str
    unit: str
    description: str
    targets: dict[str, int]


@dataclass
class ProgramData:
    code: str
    category: str
    domain: str
    domain_label: str
    name: str
    target_population: str
    service_area: str
    duties: list[str]
    implementing_bodies: list[str]
    responsible_division: str
    operating_form: str
    indicators: list[IndicatorData] = field(default_factory=list)


@dataclass
class MeetingTypeData:
    code: str
    name: str
    legal_basis: str
    convener: str
    consent_required: bool
    decisions: list[str]
    member_organizations: list[str]


@dataclass
class PlanData:
    title: str
    legal_basis: str
    period_text: str
    start_fiscal_year: int | None
    end_fiscal_year: int | None
    purpose: str
    position: str
    outline: str
    parent_plan: str
    platform_sectors: list[str]


@dataclass
class PlanFile:
    filename: str
    sha256: str
    municipality: MunicipalityData
    plan: PlanData
    divisions: list[DivisionData]
    organizations: list[OrganizationData]
    programs: list[ProgramData]
    # [emergency_review] reviewer: the town body whose supervisors review every emergency access.
    emergency_reviewer: str | None = None
    meeting_types: list[MeetingTypeData] = field(default_factory=list)


def municipality_code_is_valid(code: str) -> bool:
    """全国地方公共団体コード: five digits and a check digit (modulus 11, weights 6..2)."""
    if not re.fullmatch(r"\d{6}", code):
        return False
    total = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2), strict=True))
    remainder = total % 11
    check = (11 - remainder) % 10 if remainder else 0
    return check == int(code[5])


def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[str(value)] = str(value)
        lookup[str(label)] = str(value)
    return lookup


class _Reader:
    """Walks the parsed TOML, converting values and recording problems with their key path."""

    def __init__(self, filename: str, text: str):
        self.filename = filename
        self.lines = text.splitlines()
        self.problems: list[PlanFileProblem] = []

    # -- locating a key path in the text, so that an error can name its line ---------------------
    def _line_of(self, path: str) -> int | None:
        """The 1-based line of ``programs[3].indicators[0].code`` and the like, or None if absent."""
        header = re.compile(r"\s*\[")
        segments = path.split(".") if path else []
        cursor = -1  # the line of the table we are inside; -1 for the top level
        prefix = ""
        for position, segment in enumerate(segments):
            last = position == len(segments) - 1
            indexed = re.fullmatch(r"(\w+)\[(\d+)\]", segment)
            if indexed or not last:
                name = indexed.group(1) if indexed else segment
                wanted = int(indexed.group(2)) if indexed else 0
                pattern = (
                    rf"\s*\[\[\s*{re.escape(prefix + name)}\s*\]\]"
                    if indexed
                    else rf"\s*\[\s*{re.escape(prefix + name)}\s*\]"
                )
                seen = -1
                for number in range(cursor + 1, len(self.lines)):
                    if re.match(pattern, self.lines[number]):
                        seen += 1
                        if seen == wanted:
                            cursor = number
                            break
                else:
                    return cursor + 1 if cursor >= 0 else None
                prefix += name + "."
                continue
            for number in range(cursor + 1, len(self.lines)):
                line = self.lines[number]
                if header.match(line):
                    break
                if re.match(rf"\s*{re.escape(segment)}\s*=", line):
                    return number + 1
        return cursor + 1 if cursor >= 0 else None

    def problem(self, path: str, message: str) -> None:
        self.problems.append(PlanFileProblem(path=path, message=message, line=self._line_of(path)))

    # -- typed getters ---------------------------------------------------------------------------
    def table(self, data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.problem(path, "テーブルがありません。" if value is None else "テーブルである必要があります。")
            return {}
        return value

    def array_of_tables(self, data: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(path, f"[[{key}]] の表の並びである必要があります。")
            return []
        return value

    def text(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, "必須の項目がありません。")
            return ""
        if not isinstance(value, str):
            self.problem(path, "文字列である必要があります。")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(path, "空にはできません。")
        return value

    def texts(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> list[str]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, "必須の項目がありません。")
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(path, "文字列の配列である必要があります。")
            return []
        items = [item.strip() for item in value]
        if any(not item for item in items):
            self.problem(path, "空の項目があります。")
        return items

    def fiscal_year(self, data: dict[str, Any], key: str, path: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 1989 <= value <= 2200:
            self.problem(path, "年度は西暦の整数（例: 2025）で指定してください。")
            return None
        return value

    def choice(self, data: dict[str, Any], key: str, path: str, choices: type[models.TextChoices], what: str) -> str:
        raw = self.text(data, key, path)
        if not raw:
            return ""
        lookup = _choice_lookup(choices)
        if raw not in lookup:
            allowed = "、".join(str(label) for label in choices.labels)
            self.problem(path, f"{what}「{raw}」は不明です。次のいずれかを指定してください: {allowed}")
            return ""
        return lookup[raw]

    def no_unknown_keys(self, data: dict[str, Any], allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                self.problem(where, f"不明な項目「{key}」です（綴りを確認してください）。")


def read_plan_file(path: str | Path) -> PlanFile:
    """Parse and validate a plan file; raise ``PlanFileError`` listing every problem."""
    import hashlib

    file_path = Path(path)
    filename = str(path)
    try:
        raw_bytes = file_path.read_bytes()
    except OSError as exc:
        raise PlanFileError(filename, [PlanFileProblem("", f"ファイルを読めません: {exc.strerror}")]) from exc
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError(
            filename, [PlanFileProblem("", "UTF-8 で保存してください（文字コードを読み取れません）。")]
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        syntax = toml_syntax_problem(exc, text)
        raise PlanFileError(filename, [PlanFileProblem("", syntax.message(), line=syntax.line)]) from exc
    reader = _Reader(filename, text)
    # The file is written with the choices' Japanese labels, whatever language the reader's screen is in.
    with translation.override("ja"):
        plan_file = _validate(reader, data, filename, hashlib.sha256(raw_bytes).hexdigest())
    if reader.problems:
        raise PlanFileError(filename, reader.problems)
    return plan_file


def _validate(r: _Reader, data: dict[str, Any], filename: str, sha256: str) -> PlanFile:
    top_level = {
        "format_version",
        "municipality",
        "plan",
        "divisions",
        "organizations",
        "programs",
        "emergency_review",
        "meeting_types",
    }
    r.no_unknown_keys(data, top_level, "")
    version = data.get("format_version")
    if version not in SUPPORTED_FORMAT_VERSIONS:
        r.problem("format_version", f"format_version は {sorted(SUPPORTED_FORMAT_VERSIONS)} のいずれかです。")

    m = r.table(data, "municipality", "municipality")
    r.no_unknown_keys(m, {"code", "name", "name_kana", "prefecture"}, "municipality")
    municipality = MunicipalityData(
        code=r.text(m, "code", "municipality.code"),
        name=r.text(m, "name", "municipality.name"),
        name_kana=r.text(m, "name_kana", "municipality.name_kana", required=False),
        prefecture=r.text(m, "prefecture", "municipality.prefecture"),
    )
    if municipality.code and not municipality_code_is_valid(municipality.code):
        r.problem(
            "municipality.code",
            f"全国地方公共団体コード「{municipality.code}」が正しくありません（6桁、検査数字付き）。",
        )

    p = r.table(data, "plan", "plan")
    plan_keys = {
        "title",
        "legal_basis",
        "period",
        "start_fiscal_year",
        "end_fiscal_year",
        "purpose",
        "position",
        "outline",
        "parent_plan",
        "platform_sectors",
    }
    r.no_unknown_keys(p, plan_keys, "plan")
    plan = PlanData(
        title=r.text(p, "title", "plan.title"),
        legal_basis=r.text(p, "legal_basis", "plan.legal_basis"),
        period_text=r.text(p, "period", "plan.period"),
        start_fiscal_year=r.fiscal_year(p, "start_fiscal_year", "plan.start_fiscal_year"),
        end_fiscal_year=r.fiscal_year(p, "end_fiscal_year", "plan.end_fiscal_year"),
        purpose=r.text(p, "purpose", "plan.purpose"),
        position=r.text(p, "position", "plan.position"),
        outline=r.text(p, "outline", "plan.outline"),
        parent_plan=r.text(p, "parent_plan", "plan.parent_plan", required=False),
        platform_sectors=r.texts(p, "platform_sectors", "plan.platform_sectors", required=False),
    )
    if plan.start_fiscal_year and plan.end_fiscal_year and plan.start_fiscal_year > plan.end_fiscal_year:
        r.problem("plan.end_fiscal_year", "終了年度が開始年度より前です。")

    divisions: list[DivisionData] = []
    division_names: set[str] = set()
    for i, d in enumerate(r.array_of_tables(data, "divisions", "divisions")):
        path = f"divisions[{i}]"
        r.no_unknown_keys(d, {"name"}, path)
        name = r.text(d, "name", f"{path}.name")
        if name in division_names:
            r.problem(f"{path}.name", f"所管課「{name}」が重複しています。")
        division_names.add(name)
        divisions.append(DivisionData(name=name))

    organizations: list[OrganizationData] = []
    organization_names: set[str] = set()
    for i, o in enumerate(r.array_of_tables(data, "organizations", "organizations")):
        path = f"organizations[{i}]"
        r.no_unknown_keys(o, {"name", "short_name", "kind", "division"}, path)
        name = r.text(o, "name", f"{path}.name")
        if name in organization_names:
            r.problem(f"{path}.name", f"機関「{name}」が重複しています。")
        organization_names.add(name)
        division = r.text(o, "division", f"{path}.division", required=False) or None
        if division and division not in division_names:
            r.problem(f"{path}.division", f"所管課「{division}」は divisions にありません。")
        organizations.append(
            OrganizationData(
                name=name,
                short_name=r.text(o, "short_name", f"{path}.short_name", required=False),
                kind=r.choice(o, "kind", f"{path}.kind", OrganizationKind, "機関の種別"),
                division=division,
            )
        )

    programs: list[ProgramData] = []
    program_codes: set[str] = set()
    program_names: set[str] = set()
    program_keys = {
        "code",
        "category",
        "law_article",
        "domain",
        "domain_label",
        "name",
        "target_population",
        "service_area",
        "duties",
        "implementing_bodies",
        "responsible_division",
        "operating_form",
        "indicators",
    }
    for i, g in enumerate(r.array_of_tables(data, "programs", "programs")):
        path = f"programs[{i}]"
        r.no_unknown_keys(g, program_keys, path)
        code = r.text(g, "code", f"{path}.code")
        if code and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", code):
            r.problem(f"{path}.code", "事業コードは半角英小文字・数字・ハイフンで書いてください。")
        if code in program_codes:
            r.problem(f"{path}.code", f"事業コード「{code}」が重複しています。")
        program_codes.add(code)
        name = r.text(g, "name", f"{path}.name")
        if name in program_names:
            r.problem(f"{path}.name", f"事業名「{name}」が重複しています。")
        program_names.add(name)
        category = r.choice(g, "category", f"{path}.category", Category, "事業区分")
        declared_article = r.text(g, "law_article", f"{path}.law_article", required=False)
        if category and declared_article and declared_article != law_article(category):
            r.problem(
                f"{path}.law_article",
                f"根拠条文「{declared_article}」は事業区分「{Category(category).label}」"
                f"（{law_article(category)}）と一致しません。",
            )
        domain = r.choice(g, "domain", f"{path}.domain", Domain, "分野")
        division = r.text(g, "responsible_division", f"{path}.responsible_division")
        if division and division not in division_names:
            r.problem(f"{path}.responsible_division", f"所管課「{division}」は divisions にありません。")
        bodies = r.texts(g, "implementing_bodies", f"{path}.implementing_bodies", required=False)
        for body in bodies:
            if body not in organization_names:
                r.problem(f"{path}.implementing_bodies", f"実施機関「{body}」は organizations にありません。")
        if len(set(bodies)) != len(bodies):
            r.problem(f"{path}.implementing_bodies", "同じ実施機関が二度書かれています。")
        duties = r.texts(g, "duties", f"{path}.duties")
        if not duties and "duties" in g:
            r.problem(f"{path}.duties", "業務内容を一つ以上書いてください。")
        indicators = _indicators(r, g, path)
        programs.append(
            ProgramData(
                code=code,
                category=category,
                domain=domain,
                domain_label=r.text(g, "domain_label", f"{path}.domain_label", required=False)
                or (str(Domain(domain).label) if domain else ""),
                name=name,
                target_population=r.text(g, "target_population", f"{path}.target_population"),
                service_area=r.text(g, "service_area", f"{path}.service_area"),
                duties=duties,
                implementing_bodies=bodies,
                responsible_division=division,
                operating_form=r.choice(g, "operating_form", f"{path}.operating_form", OperatingForm, "運営形態"),
                indicators=indicators,
            )
        )
    if not programs:
        r.problem("programs", "事業が一つもありません。")

    return PlanFile(
        emergency_reviewer=_emergency_reviewer(r, data, organizations),
        meeting_types=_meeting_types(r, data, organization_names),
        filename=filename,
        sha256=sha256,
        municipality=municipality,
        plan=plan,
        divisions=divisions,
        organizations=organizations,
        programs=programs,
    )


def _emergency_reviewer(r: _Reader, data: dict[str, Any], organizations: list[OrganizationData]) -> str | None:
    """The optional ``[emergency_review]`` table: ``reviewer`` names a 町の課 of ``[[organizations]]``.

    A town body, because its supervisors read the names and reasons of every agency's emergency access.
    """
    if "emergency_review" not in data:
        return None
    table = r.table(data, "emergency_review", "emergency_review")
    r.no_unknown_keys(table, {"reviewer"}, "emergency_review")
    name = r.text(table, "reviewer", "emergency_review.reviewer")
    if not name:
        return None
    kinds = {o.name: o.kind for o in organizations}
    if name not in kinds:
        r.problem("emergency_review.reviewer", f"緊急閲覧の確認を行う機関「{name}」は organizations にありません。")
        return None
    if kinds[name] != OrganizationKind.TOWN_DIVISION:
        r.problem(
            "emergency_review.reviewer",
            f"緊急閲覧の確認を行う機関「{name}」は町の課ではありません（種別「町の課」の機関を指定してください）。",
        )
        return None
    return name


def _indicators(r: _Reader, program: dict[str, Any], program_path: str) -> list[IndicatorData]:
    indicators: list[IndicatorData] = []
    codes: set[str] = set()
    for j, item in enumerate(r.array_of_tables(program, "indicators", f"{program_path}.indicators")):
        path = f"{program_path}.indicators[{j}]"
        r.no_unknown_keys(item, {"code", "name", "unit", "description", "targets"}, path)
        code = r.text(item, "code", f"{path}.code")
        if code in codes:
            r.problem(f"{path}.code", f"指標コード「{code}」が重複しています。")
        codes.add(code)
        raw_targets = item.get("targets", {})
        targets: dict[str, int] = {}
        if not isinstance(raw_targets, dict):
            r.problem(f"{path}.targets", "目標値は 年度 = 数値 の表で書いてください（例: 2025 = 120）。")
        else:
            for year, value in raw_targets.items():
                if not re.fullmatch(r"\d{4}", str(year)) or not isinstance(value, int) or value < 0:
                    r.problem(
                        f"{path}.targets",
                        f"目標値「{year} = {value}」は 西暦年度 = 0以上の整数 で書いてください。",
                    )
                else:
                    targets[str(year)] = value
        indicators.append(
            IndicatorData(
                code=code,
                name=r.text(item, "name", f"{path}.name"),
                unit=r.text(item, "unit", f"{path}.unit"),
                description=r.text(item, "description", f"{path}.description", required=False),
                targets=targets,
            )
        )
    return indicators


MEETING_TYPE_KEYS = {"code", "name", "legal_basis", "convener", "consent_required", "decisions", "member_organizations"}


def _meeting_types(r: _Reader, data: dict[str, Any], organization_names: set[str]) -> list[MeetingTypeData]:
    """The optional ``[[meeting_types]]``: the meetings the plan holds, with the law they are held under.

    What a meeting may do follows from these keys, never from its name (``tsunagu.meetings.law``); so a
    meeting under 本人同意 must require consent, and its convener and members are organisations of the plan.
    """
    types: list[MeetingTypeData] = []
    codes: set[str] = set()
    names: set[str] = set()
    decision_lookup = _choice_lookup(DecisionKind)
    for i, t in enumerate(r.array_of_tables(data, "meeting_types", "meeting_types")):
        path = f"meeting_types[{i}]"
        r.no_unknown_keys(t, MEETING_TYPE_KEYS, path)
        code = r.text(t, "code", f"{path}.code")
        if code and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", code):
            r.problem(f"{path}.code", "会議種別コードは半角英小文字・数字・ハイフンで書いてください。")
        if code in codes:
            r.problem(f"{path}.code", f"会議種別コード「{code}」が重複しています。")
        codes.add(code)
        name = r.text(t, "name", f"{path}.name")
        if name in names:
            r.problem(f"{path}.name", f"会議の名称「{name}」が重複しています。")
        names.add(name)
        basis = r.choice(t, "legal_basis", f"{path}.legal_basis", MeetingBasis, "会議の法的根拠")
        convener = r.text(t, "convener", f"{path}.convener")
        if convener and convener not in organization_names:
            r.problem(f"{path}.convener", f"開催する機関「{convener}」は organizations にありません。")
        consent_required = t.get("consent_required")
        if not isinstance(consent_required, bool):
            r.problem(f"{path}.consent_required", "true または false で指定してください（本人同意が必要か）。")
            consent_required = True
        if basis == MeetingBasis.CONSENT and not consent_required:
            r.problem(
                f"{path}.consent_required",
                "法的根拠が「本人同意」の会議は consent_required = true にしてください（同意なしには共有できません）。",
            )
        decisions: list[str] = []
        for raw in r.texts(t, "decisions", f"{path}.decisions"):
            if raw not in decision_lookup:
                allowed = "、".join(str(label) for label in DecisionKind.labels)
                r.problem(
                    f"{path}.decisions", f"決定事項「{raw}」は不明です。次のいずれかを指定してください: {allowed}"
                )
            elif decision_lookup[raw] in decisions:
                r.problem(f"{path}.decisions", f"決定事項「{raw}」が二度書かれています。")
            else:
                decisions.append(decision_lookup[raw])
        members = r.texts(t, "member_organizations", f"{path}.member_organizations", required=False)
        for member in members:
            if member not in organization_names:
                r.problem(f"{path}.member_organizations", f"構成員の機関「{member}」は organizations にありません。")
        types.append(MeetingTypeData(
            code=code, name=name, legal_basis=basis, convener=convener, consent_required=consent_required,
            decisions=decisions, member_organizations=members,
        ))  # fmt: skip
    return types
