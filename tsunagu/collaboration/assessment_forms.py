"""The インテーク・アセスメントシート's definition as versioned data (``data/assessment/<version>.toml``).

A definition is read by its version key and kept for the process; the newest file is the version new
assessments are written in. A stored assessment names its version (``Assessment.form_version``) and is
validated and shown with that version's definition, so a record written in v1 stays readable when v2
comes. Files are checked whole on loading: a mistake fails loudly, naming the file and the field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data" / "assessment"
FIELD_TYPES = {"checks", "choice", "text"}
SCOPES = {"household", "member"}
TEXT_LIMIT = 4000
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_VERSION = re.compile(r"v(\d{1,4})")


class AssessmentFormError(ValueError):
    """A definition file cannot be loaded; names the file and every mistake."""


@dataclass(frozen=True)
class FieldDefinition:
    key: str
    label: str
    type: str
    options: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class SectionDefinition:
    key: str
    scope: str
    title: str
    fields: tuple[FieldDefinition, ...]


@dataclass(frozen=True)
class FormDefinition:
    version: str
    name: str
    sections: tuple[SectionDefinition, ...]

    def sections_of(self, scope: str) -> list[SectionDefinition]:
        return [s for s in self.sections if s.scope == scope]

    def fields_of(self, scope: str) -> list[FieldDefinition]:
        return [f for s in self.sections_of(scope) for f in s.fields]


def field_definition(data: dict[str, Any], where: str, problems: list[str]) -> FieldDefinition | None:
    """One field of a definition file (shared with the support-plan types), or None with the problem noted."""
    key, kind = data.get("key", ""), data.get("type", "")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        problems.append(f"{where}: key が正しくありません（{key!r}）")
        return None
    if kind not in FIELD_TYPES:
        problems.append(f"{where}.{key}: type は {sorted(FIELD_TYPES)} のいずれかです（{kind!r}）")
        return None
    options = data.get("options", [])
    if kind in {"checks", "choice"} and (not options or not all(isinstance(o, str) and o for o in options)):
        problems.append(f"{where}.{key}: options に選択肢を並べてください")
        return None
    if len(set(options)) != len(options):
        problems.append(f"{where}.{key}: options に同じ選択肢が二度あります")
    if not isinstance(data.get("label"), str) or not data["label"]:
        problems.append(f"{where}.{key}: label がありません")
        return None
    return FieldDefinition(key, data["label"], kind, tuple(options), bool(data.get("required", False)))


def parse_definition(text: str, filename: str) -> FormDefinition:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AssessmentFormError(f"{filename}: TOML として読めません（{error}）") from error
    problems: list[str] = []
    version = raw.get("version", "")
    if not isinstance(version, str) or not _VERSION.fullmatch(version) or f"{version}.toml" != filename:
        problems.append(f"version（{version!r}）はファイル名と同じ v1, v2 … の形にします")
    sections: list[SectionDefinition] = []
    keys: set[tuple[str, str]] = set()
    for index, section in enumerate(raw.get("sections", [])):
        where = f"sections[{index}]"
        scope = section.get("scope")
        if scope not in SCOPES:
            problems.append(f"{where}: scope は household か member です（{scope!r}）")
            continue
        fields = [f for data in section.get("fields", []) if (f := field_definition(data, where, problems)) is not None]
        for field in fields:
            if (scope, field.key) in keys:
                problems.append(f"{where}.{field.key}: 同じ範囲（{scope}）に同じ key が二度あります")
            keys.add((scope, field.key))
        sections.append(
            SectionDefinition(str(section.get("key", "")), scope, str(section.get("title", "")), tuple(fields))
        )
    if not sections:
        problems.append("sections がありません")
    if problems:
        raise AssessmentFormError(f"{filename} に誤りがあります:\n" + "\n".join(f"- {p}" for p in problems))
    return FormDefinition(version=version, name=str(raw.get("name", version)), sections=tuple(sections))


def _number(version: str) -> int:
    match = _VERSION.fullmatch(version)
    return int(match[1]) if match else -1


def versions(directory: Path | None = None) -> list[str]:
    """The versions shipped, oldest first."""
    found = [p.stem for p in (directory or DATA_DIR).glob("v*.toml") if _VERSION.fullmatch(p.stem)]
    return sorted(found, key=_number)


@cache
def _load(directory: Path, version: str) -> FormDefinition:
    path = directory / f"{version}.toml"
    return parse_definition(path.read_text(encoding="utf-8"), path.name)


def definition(version: str, directory: Path | None = None) -> FormDefinition:
    """The definition a record was written in. An unknown version is a ``LookupError``: a stored record
    never names a version that was not shipped (files are added, never removed)."""
    if version not in versions(directory):
        raise LookupError(f"アセスメント様式 {version!r} がありません")
    return _load(directory or DATA_DIR, version)


def current(directory: Path | None = None) -> FormDefinition:
    """The newest definition: the one a new assessment is written in."""
    shipped = versions(directory)
    if not shipped:
        raise AssessmentFormError("アセスメント様式のファイルがありません")
    return definition(shipped[-1], directory)


def clean_answers(
    fields: list[FieldDefinition], raw: dict[str, Any], where: str = ""
) -> tuple[dict[str, Any], list[str]]:
    """Answers checked against the definition: options from the list only, required fields filled.

    Each field's value is ``{"value": …, "note": "…"}`` (``value`` a list for checks, a string for choice
    and text); unknown keys are dropped. Returns the cleaned answers and the problems, in Japanese.
    """
    cleaned: dict[str, Any] = {}
    problems: list[str] = []
    for field in fields:
        item = raw.get(field.key) or {}
        value = item.get("value") if isinstance(item, dict) else None
        note = item.get("note", "") if isinstance(item, dict) else ""
        note = note.strip()[:TEXT_LIMIT] if isinstance(note, str) else ""
        if field.type == "checks":
            chosen = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
            unknown = [v for v in chosen if v not in field.options]
            if unknown:
                problems.append(f"{where}「{field.label}」に選択肢にない値があります: {'、'.join(unknown)}")
            value = [o for o in field.options if o in chosen]
            filled = bool(value) or bool(note)
        elif field.type == "choice":
            value = value if isinstance(value, str) else ""
            if value and value not in field.options:
                problems.append(f"{where}「{field.label}」の値が選択肢にありません: {value}")
                value = ""
            filled = bool(value)
        else:
            value = value.strip()[:TEXT_LIMIT] if isinstance(value, str) else ""
            filled = bool(value)
        if field.required and not filled:
            problems.append(f"{where}「{field.label}」は国への報告に必要な項目です。入力してください。")
        if value or note:
            cleaned[field.key] = {"value": value, "note": note}
    return cleaned, problems


@dataclass(frozen=True)
class ShownField:
    key: str
    label: str
    type: str
    required: bool
    value: Any
    note: str


def shown(fields: list[FieldDefinition], answers: dict[str, Any]) -> list[ShownField]:
    """A stored section as the page and the API show it, with the labels of the version it was written in."""
    result = []
    for field in fields:
        item = answers.get(field.key) or {}
        result.append(
            ShownField(field.key, field.label, field.type, field.required, item.get("value", ""), item.get("note", ""))
        )
    return result
