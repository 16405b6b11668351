"""The types of 支援プラン as data (``data/plan_types.toml``): owning programme, whether a 多機関協働 case holds
the plan, how a version is decided, and each type's own sections. Checked whole on loading: a mistake fails
loudly, naming the type and the field. A stored plan names its type by code; codes are never reused.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tsunagu.collaboration.assessment_forms import FieldDefinition, SectionDefinition, field_definition

TYPES_FILE = Path(__file__).resolve().parent / "data" / "plan_types.toml"
APPROVALS = {"case_decision", "organization"}
_CODE = re.compile(r"[a-z][a-z0-9-]{0,39}")


class PlanTypeError(ValueError):
    """The types file cannot be loaded; names every mistake."""


@dataclass(frozen=True)
class PlanType:
    code: str
    name: str
    form_title: str
    program: str  # a programme code of the plan file
    needs_case: bool
    approval: str  # "case_decision": the 支援決定 of the case's meeting; "organization": the holder records it
    decided_by: str  # what decides a version, as the page names it (重層的支援会議, 支援調整会議 …)
    sections: tuple[SectionDefinition, ...]

    @property
    def fields(self) -> list[FieldDefinition]:
        return [f for s in self.sections for f in s.fields]


def _type(data: dict[str, Any], index: int, problems: list[str]) -> PlanType | None:
    code = data.get("code", "")
    where = f"types[{index}]"
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        problems.append(f"{where}: code が正しくありません（{code!r}）")
        return None
    where = f"types.{code}"
    for key in ("name", "form_title", "program", "decided_by"):
        if not isinstance(data.get(key), str) or not data[key]:
            problems.append(f"{where}: {key} がありません")
    if data.get("approval") not in APPROVALS:
        problems.append(f"{where}: approval は {sorted(APPROVALS)} のいずれかです")
    if data.get("approval") == "case_decision" and not data.get("needs_case"):
        problems.append(f"{where}: 会議の支援決定で決まるプランは多機関協働ケースのものです（needs_case = true）")
    sections = []
    keys: set[str] = set()
    for s_index, section in enumerate(data.get("sections", [])):
        fields = []
        for field_data in section.get("fields", []):
            found = field_definition(field_data, f"{where}.sections[{s_index}]", problems)
            if found is None:
                continue
            if found.key in keys:
                problems.append(f"{where}.{found.key}: 同じ key が二度あります")
            keys.add(found.key)
            fields.append(found)
        sections.append(SectionDefinition(str(section.get("key", "")), "plan", str(section.get("title", "")),
                                          tuple(fields)))  # fmt: skip
    if problems:
        return None
    return PlanType(
        code=code, name=data["name"], form_title=data["form_title"], program=data["program"],
        needs_case=bool(data.get("needs_case")), approval=data["approval"], decided_by=data["decided_by"],
        sections=tuple(sections),
    )  # fmt: skip


def parse_types(text: str, filename: str) -> dict[str, PlanType]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PlanTypeError(f"{filename}: TOML として読めません（{error}）") from error
    problems: list[str] = []
    found: dict[str, PlanType] = {}
    for index, data in enumerate(raw.get("types", [])):
        plan_type = _type(data, index, problems)
        if plan_type is not None:
            if plan_type.code in found:
                problems.append(f"types.{plan_type.code}: 同じ code が二度あります")
            found[plan_type.code] = plan_type
    if not found and not problems:
        problems.append("types がありません")
    if problems:
        raise PlanTypeError(f"{filename} に誤りがあります:\n" + "\n".join(f"- {p}" for p in problems))
    return found


@cache
def _load(path: Path) -> dict[str, PlanType]:
    return parse_types(path.read_text(encoding="utf-8"), path.name)


def all_types() -> list[PlanType]:
    return list(_load(TYPES_FILE).values())


def get(code: str) -> PlanType:
    """The type a plan names; an unknown code is a ``LookupError`` (codes are added, never removed)."""
    types = _load(TYPES_FILE)
    if code not in types:
        raise LookupError(f"支援プランの種類 {code!r} がありません")
    return types[code]


def case_type() -> PlanType:
    """The type a 多機関協働 case's plan is written in."""
    return next(t for t in all_types() if t.needs_case)
