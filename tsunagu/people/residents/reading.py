"""Reading the file: its encoding (``decode_register``), the CSV and its header, and the checks across rows."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from tsunagu.people.models import Relationship
from tsunagu.people.residents.columns import (
    COLUMN_LABELS,
    ENDING_MOVEMENTS,
    HEADER_ALIASES,
    NUMBER,
    REQUIRED_COLUMNS,
    header_key,
    relationship_of,
)
from tsunagu.people.residents.report import ResidentImportError
from tsunagu.people.residents.rows import ResidentRow, movement_key, parse_row

ENCODING_UTF8 = "UTF-8"
ENCODING_UTF8_BOM = "UTF-8（BOM付き）"
ENCODING_CP932 = "Shift_JIS（cp932）"


def decode_register(data: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding; ``ResidentImportError`` if it is not readable text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ResidentImportError(
            "ファイルが UTF-16 で保存されています。CSV（UTF-8 または Shift_JIS）で保存し直してください。"
        )
    try:
        text = data.decode("utf-8-sig")
        encoding = ENCODING_UTF8_BOM if data.startswith(codecs.BOM_UTF8) else ENCODING_UTF8
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp932")
            encoding = ENCODING_CP932
        except UnicodeDecodeError as cp932_error:
            # The line of each failure helps find one broken character in an otherwise good file.
            utf8_line = data.count(b"\n", 0, utf8_error.start) + 1
            cp932_line = data.count(b"\n", 0, cp932_error.start) + 1
            raise ResidentImportError(
                f"ファイルの文字コードを判別できません（UTF-8 としては{utf8_line}行目、Shift_JIS（cp932）としては"
                f"{cp932_line}行目に読めない文字があります）。UTF-8 または Shift_JIS の CSV で保存してください。"
            ) from None
    if "\x00" in text:
        raise ResidentImportError(
            "ファイルに NUL 文字が含まれています（UTF-16 や表計算ソフトの形式のままではありませんか）。"
            "CSV（UTF-8 または Shift_JIS）で保存してください。"
        )
    return text, encoding


@dataclass(frozen=True)
class RegisterFile:
    encoding: str
    rows: tuple[ResidentRow, ...]
    ignored_columns: tuple[str, ...] = ()


def read_register(data: bytes, *, today: date | None = None) -> RegisterFile:
    """Decode, parse and validate a whole file; ``ResidentImportError`` lists every problem."""
    text, encoding = decode_register(data)
    return parse_register(text, encoding=encoding, today=today)


def parse_register(text: str, *, encoding: str = ENCODING_UTF8, today: date | None = None) -> RegisterFile:
    """Parse and validate the text of a register file; ``ResidentImportError`` lists every problem."""
    today = today or timezone.localdate()
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []  # (line where the record starts, cells); blank lines left out
    last = 0
    try:
        for cells in reader:
            # A quoted field may span lines: a record starts on the line after the previous one ended.
            start, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
    except csv.Error:
        raise ResidentImportError(
            f'行{reader.line_num}: CSV として読めません（項目が長すぎるか、引用符「"」が閉じていません）'
        ) from None
    if not records:
        raise ResidentImportError("ファイルが空です（見出しの行もありません）。")
    header_line, header = records[0]
    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[tuple[int, str]] = []
    for index, name in enumerate(header):
        key = HEADER_ALIASES.get(header_key(name))
        if key is None:
            if name.strip():
                ignored.append(name.strip())
        elif key in columns:
            problems.append((header_line, f"列「{name.strip()}」が重複しています（{header[columns[key]].strip()}）"))
        else:
            columns[key] = index
    missing = [COLUMN_LABELS[key] for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        problems.append((header_line, f"必要な列がありません: {'、'.join(missing)}"))
    if problems:
        # Without the columns no row can be read: report the header alone.
        raise ResidentImportError([f"行{line}: {message}" for line, message in problems])
    if len(records) == 1:
        raise ResidentImportError("データの行がありません（見出しの行だけです）。")

    rows: list[ResidentRow] = []
    first_line_of: dict[str, int] = {}  # 宛名番号 → line
    head_line_of: dict[str, int] = {}  # 世帯番号 → line of its (continuing) 世帯主
    width = len(header)
    for line, cells in records[1:]:
        if len(cells) < width or any(cell.strip() for cell in cells[width:]):
            problems.append((line, f"列の数が見出しと違います（見出しは{width}列、この行は{len(cells)}列）"))
            continue
        values = {key: cells[index].strip() for key, index in columns.items()}
        row, row_problems = parse_row(line, values, today)
        problems.extend((line, message) for message in row_problems)
        # Checks across rows use whatever of the row could be read, so that one bad cell does not hide
        # a duplicate: every problem of the file is reported in one go.
        number = unicodedata.normalize("NFKC", values["resident_number"])
        if NUMBER.fullmatch(number):
            if number in first_line_of:
                problems.append(
                    (line, f"宛名番号 {number} がこのファイル内で重複しています（行{first_line_of[number]}）")
                )
            else:
                first_line_of[number] = line
        household = unicodedata.normalize("NFKC", values["household_number"])
        read = relationship_of(values["relationship"])
        movement = movement_key(values["movement"])
        # Only a head who stays counts: a 死亡 世帯主 and the new 世帯主 after 世帯主変更 both appear.
        if read and read[0] == Relationship.HEAD and movement not in ENDING_MOVEMENTS and NUMBER.fullmatch(household):
            if household in head_line_of:
                problems.append(
                    (line, f"続柄「世帯主」が同じ世帯番号 {household} に二人います（行{head_line_of[household]}）")
                )
            else:
                head_line_of[household] = line
        if row is not None:
            rows.append(row)
    if problems:
        problems.sort(key=lambda problem: problem[0])  # stable: a row's problems keep their order
        raise ResidentImportError([f"行{line}: {message}" for line, message in problems])
    return RegisterFile(encoding=encoding, rows=tuple(rows), ignored_columns=tuple(ignored))
