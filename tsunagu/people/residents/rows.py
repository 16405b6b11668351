"""One row of the file, validated: ``parse_row`` turns its cells into a ``ResidentRow`` or lists its problems."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from tsunagu.core.japanese.kana import FULL_WIDTH_SPACE, is_kana_reading, normalize_kana_input
from tsunagu.core.japanese.wareki import WarekiError, parse_date
from tsunagu.people.models import Relationship
from tsunagu.people.residents.columns import (
    COLUMN_LABELS,
    CONTINUING_MOVEMENTS,
    ENDING_MOVEMENT_WORDS,
    ENDING_MOVEMENTS,
    GENDER_WORDS,
    NUMBER,
    RELATIONSHIP_NOTE_MAX,
    relationship_of,
)
from tsunagu.people.search import phone_key

_NAME_SEPARATOR = re.compile(r"\s+")  # \s includes the ideographic space U+3000
_POSTAL_SEPARATORS = re.compile(r"[\s〒\-‐－ー−]")


@dataclass(frozen=True)
class ResidentRow:
    """One validated row of the file, in the values Tsunagu stores."""

    line: int
    resident_number: str
    household_number: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    birth_date: date
    gender: str
    relationship: str
    relationship_note: str
    address: str
    movement: str
    movement_date: date | None
    postal_code: str = ""
    phone: str = ""

    @property
    def departed(self) -> bool:
        """The row takes the person off the register (転出, 死亡 …)."""
        return self.movement in ENDING_MOVEMENTS


def movement_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _character_problem(label: str, value: str) -> str | None:
    for char in value:
        category = unicodedata.category(char)
        if category == "Co":
            return (
                f"{label}「{value}」に外字（U+{ord(char):04X}）が含まれています。標準の文字に置き換えて出力してください"
            )
        if category == "Cc":
            return f"{label}に改行や制御文字が含まれています"
    return None


def _parse_date(label: str, text: str, problems: list[str], today: date) -> date | None:
    try:
        value = parse_date(text)
    except WarekiError as exc:
        problems.append(f"{label}「{text}」: {exc}")
        return None
    if value > today:
        problems.append(f"{label}「{text}」は未来の日付です")
        return None
    return value


def parse_row(line: int, values: dict[str, str], today: date) -> tuple[ResidentRow | None, list[str]]:
    problems: list[str] = []
    for key, value in values.items():
        problem = _character_problem(COLUMN_LABELS[key], value)
        if problem:
            problems.append(problem)
    if problems:
        return None, problems

    def identifier(key: str) -> str:
        text = values[key]
        value = unicodedata.normalize("NFKC", text)
        if not value:
            problems.append(f"{COLUMN_LABELS[key]}が空です")
        elif not NUMBER.fullmatch(value):
            problems.append(f"{COLUMN_LABELS[key]}「{text}」は半角の英数字20文字以内で入力してください")
        return value

    resident_number = identifier("resident_number")
    household_number = identifier("household_number")

    # Names are stored exactly as written (no NFKC: it would change some kanji of people's names).
    name = values["name"]
    name_parts = _NAME_SEPARATOR.split(name, maxsplit=1) if name else []
    family_name, given_name = [*name_parts, "", ""][:2]
    if not name:
        problems.append("氏名が空です")
    elif len(family_name) > 50 or len(given_name) > 50:
        problems.append(f"氏名「{name}」が長すぎます（氏・名それぞれ50文字まで）")
    kana = normalize_kana_input(values["kana"])
    kana_parts = kana.split(FULL_WIDTH_SPACE, 1) if kana else []
    family_kana, given_kana = [*kana_parts, "", ""][:2]
    if not kana:
        problems.append("カナが空です")
    elif not all(is_kana_reading(part) for part in kana_parts):
        problems.append(f"カナ「{values['kana']}」はカタカナで入力してください")
    elif len(family_kana) > 100 or len(given_kana) > 100:
        problems.append(f"カナ「{values['kana']}」が長すぎます（氏・名それぞれ100文字まで）")
    elif name and len(name_parts) != len(kana_parts):
        if len(name_parts) == 2:
            problems.append(f"カナ「{values['kana']}」に名の読みがありません（氏名「{name}」は氏と名に分かれています）")
        else:
            problems.append(f"氏名「{name}」に氏と名の区切りの空白がありません（カナは氏と名に分かれています）")

    birth_date = None
    if not values["birth_date"]:
        problems.append("生年月日が空です")
    else:
        birth_date = _parse_date("生年月日", values["birth_date"], problems, today)

    gender = GENDER_WORDS.get(unicodedata.normalize("NFKC", values["gender"]).replace(" ", ""))
    if gender is None:
        problems.append(f"性別「{values['gender']}」は 男・女・男性・女性・1・2 のいずれか、または空欄にしてください")

    relationship: tuple[Relationship, str] | None = None
    if not values["relationship"]:
        problems.append("続柄が空です")
    else:
        relationship = relationship_of(values["relationship"])
        if relationship is None:
            problems.append(
                f"続柄「{values['relationship']}」を読み取れません（例: 世帯主・妻・子・長男・父・孫・同居人）"
            )
        elif len(relationship[1]) > RELATIONSHIP_NOTE_MAX:
            problems.append(f"続柄「{values['relationship']}」が長すぎます（{RELATIONSHIP_NOTE_MAX}文字まで）")
            relationship = None

    movement = movement_key(values["movement"])
    if movement not in CONTINUING_MOVEMENTS | ENDING_MOVEMENTS:
        problems.append(
            f"異動事由「{values['movement']}」は取り扱えません（住民として取込: 転入・出生・転居・世帯変更 など、"
            f"住民登録なしに変更: {'・'.join(ENDING_MOVEMENT_WORDS)}）"
        )
    movement_date = None
    if values["movement_date"]:
        movement_date = _parse_date("異動日", values["movement_date"], problems, today)
        if movement_date and birth_date and movement_date < birth_date:
            problems.append(f"異動日「{values['movement_date']}」が生年月日より前です")

    address = values["address"]
    if not address and movement not in ENDING_MOVEMENTS:
        problems.append("住所が空です（転出・死亡などの行でなければ必要です）")
    elif len(address) > 200:
        problems.append("住所が長すぎます（200文字まで）")

    postal_code = _POSTAL_SEPARATORS.sub("", unicodedata.normalize("NFKC", values.get("postal_code", "")))
    if postal_code and not (len(postal_code) == 7 and postal_code.isascii() and postal_code.isdigit()):
        problems.append(f"郵便番号「{values['postal_code']}」は7桁の数字で入力してください（例: 689-2392）")
    phone = values.get("phone", "")
    if phone and not 10 <= len(phone_key(phone)) <= 11:
        problems.append(f"電話番号「{phone}」は市外局番から10桁または11桁で入力してください")
    elif len(phone) > 20:
        problems.append(f"電話番号「{phone}」が長すぎます（20文字まで）")

    if problems or birth_date is None or gender is None or relationship is None:
        return None, problems
    return (
        ResidentRow(
            line=line,
            resident_number=resident_number,
            household_number=household_number,
            family_name=family_name,
            given_name=given_name,
            family_name_kana=family_kana,
            given_name_kana=given_kana,
            birth_date=birth_date,
            gender=gender,
            relationship=relationship[0],
            relationship_note=relationship[1],
            address=address,
            movement=movement,
            movement_date=movement_date,
            postal_code=postal_code,
            phone=phone,
        ),
        [],
    )
