"""住民記録の取込: loading an extract of the resident register (住民基本台帳) into Tsunagu.

``python manage.py import_residents FILE.csv --organization 福祉あんしん課 [--municipality CODE] [--dry-run]``

File format
-----------
A CSV file with a header row; columns may come in any order, and extra columns are ignored (and named
in the output, so that a misspelt optional column is noticed). Header names are compared after NFKC
and with spaces removed, so ``氏　名`` and ``ﾌﾘｶﾞﾅ`` are understood.

=========== ======== ==========================================================================
column      required meaning
=========== ======== ==========================================================================
宛名番号    yes      the person's number in the municipal systems (half-width letters and
                     digits, up to 20; leading zeros are kept: 0001234567 is not 1234567)
世帯番号    yes      the register household's number (same form)
氏名        yes      ``氏　名``: split at the first run of spaces (full- or half-width); no space
                     means the name is all 氏. Kanji are stored as written (髙, 﨑 stay)
カナ        yes      the reading, split like 氏名 (also headed フリガナ or カナ氏名); hiragana and
                     half-width kana are accepted and stored as full-width katakana
生年月日    yes      和暦 or 西暦, as ``tsunagu.core.japanese.wareki.parse_date`` reads them
性別        yes      男・男性・1 → male, 女・女性・2 → female, blank → unknown
続柄        yes      the register's word (世帯主, 妻, 長男, 子の妻, 妻の父, 孫, 甥 …), see
                     ``relationship_of``
住所        yes      the address; may be blank only on a 転出/死亡 row
異動事由    yes      the last movement (転入, 出生, 転居, 世帯変更 …, 転出, 死亡 …); blank = none
異動日      yes      its date (may be blank)
郵便番号    no       7 digits, with or without the hyphen
電話番号    no       10 or 11 digits from the area code
=========== ======== ==========================================================================

The file is UTF-8 (with or without BOM) or Shift_JIS. Shift_JIS is read as cp932, Microsoft's
variant that municipal systems actually write: it has the NEC and IBM extensions where 髙 and 﨑
live, which plain Shift_JIS lacks. Detection is strict UTF-8 first (a Japanese cp932 text is almost
never valid UTF-8), then cp932; bytes that are neither are refused with a clear message. CRLF, LF
and quoted fields are all fine. 外字 (characters a municipal system maps to the private use area)
and control characters are refused: they would be stored as characters no screen can show and no
search can find; the register system can export them as standard characters.

All or nothing
--------------
Every row is validated before anything is written, and a file with any bad row loads nothing: each
problem is listed as ``行N: 理由`` (N is the line in the file, the header being 行1) so that the
whole file can be corrected at once. A partial import would leave households half-built (a 世帯主
loaded, the spouse refused), and the next import could not tell which rows had been loaded. A
register extract is cheap to regenerate; a half-loaded one is hard to repair. The writing itself
is one transaction: if anything fails there, nothing remains either. ``--dry-run`` does all the
checking and counting but writes nothing.

Matching and re-import
----------------------
People are matched by (municipality, 宛名番号) among records not merged into another (名寄せ). A
re-import updates instead of duplicating: changed fields are written, unchanged rows are not
touched at all (no write, no audit entry). The import never infers anything from a person's
*absence* from the file, because an extract may be a list of changes (差分) only.

Which fields the register decides:

- 氏名, カナ, 生年月日 and the resident status always come from the register.
- 住所 and 郵便番号 come from the register when the cell is filled; a blank cell means "not in this
  extract", never "erase".
- 性別 and 電話番号 only fill a blank. The register holds legal sex, while Tsunagu records how the
  person describes themselves (``Gender`` allows "other" with their own words): a register value
  must not overwrite what a caseworker was told. A phone number the caseworker has is usually more
  current than the register's. Where the register's 性別 differs, the output says so.

転出・死亡 (the person leaves the register)
------------------------------------------
A row whose 異動事由 is 転出, 国外転出, 死亡, 失踪宣告 or 職権消除 means the person is no longer a
registered resident. The person's record is **kept** (their support history must not be lost, and
nobody is ever deleted by an import): ``is_registered_resident`` becomes False, and their register
household memberships are kept with ``lives_together=False``, so the household page still shows who
belonged to it and that they no longer live there. Such a row for someone Tsunagu does not know is
skipped (and counted): collecting data on people who have already left serves no support purpose.
The 異動事由 words are an explicit list; any other word is an error rather than a guess, because
``転出取消`` contains 転出 and means the opposite.

Households
----------
Register households are matched by (municipality, 世帯番号) and created when missing, with the
address of the 世帯主's row (of the first row when the 世帯主 is not in the file); later, a household's
address changes only with its 世帯主's row, since a file of changes may carry one member alone. A
person whose 世帯番号 changed is moved: their membership in the old household is removed only when
that household came from the register (it has a 世帯番号); households that caseworkers put together
themselves are never touched. The move is recorded in the person's audit entry. ``lives_together`` is the
caseworkers' knowledge (someone registered at home may live in a care home): the import sets it only
when a person leaves the register (False) or returns to it (True). Two 世帯主 in one household are
refused, in the file and against the database; a 世帯主 who leaves does not count, so a 死亡 and the
世帯主変更 that follows it load together. A household with a member whose address is protected
(DV等) gets no address from the import: the household page is shown to anyone who may see any member.

Access and audit
----------------
A new person is registered by the named organisation (which must belong to the municipality) and
created by the system user ``system-import`` (inactive, no usable password), and the organisation is
given an own-record grant (source ``resident-register``). People already in Tsunagu get no new grant:
the import updates their details, but must not widen who may see a record another agency holds.
The audit log gets one CREATE entry per new person (which also names the grant and the household),
one UPDATE entry per changed person with ``{field: [old, new]}``, one UPDATE entry per household
whose address changed, and one summary entry with the counts, the new households' ids, the file name
and its SHA-256 (so that it can later be told exactly which extract was loaded). Grants and households
are not given entries of their own: ``audit_record`` costs more per entry the more entries a transaction
already holds (see ``tsunagu.audit.chain``), and a town-sized file would otherwise take far longer.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record, changes_between
from tsunagu.core.japanese.kana import FULL_WIDTH_SPACE, is_kana_reading, kana_search_key, normalize_kana_input
from tsunagu.core.japanese.wareki import WarekiError, parse_date
from tsunagu.core.models import Municipality, Organization, User
from tsunagu.people.models import Gender, Household, HouseholdMember, Person, Relationship
from tsunagu.people.search import phone_key

REGISTER_SOURCE = "resident-register"
SYSTEM_USERNAME = "system-import"
SYSTEM_DISPLAY_NAME = "住民記録取込"

ENCODING_UTF8 = "UTF-8"
ENCODING_UTF8_BOM = "UTF-8（BOM付き）"
ENCODING_CP932 = "Shift_JIS（cp932）"

# Rows per IN (...) query: below SQLite's 999 parameters, and small enough for PostgreSQL's planner.
CHUNK = 500


class ResidentImportError(Exception):
    """The file or the request cannot be loaded; ``problems`` are Japanese lines shown as they are."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


# ---- columns -------------------------------------------------------------------------------------

# (key, the header as the documentation names it); the first ten are required.
COLUMNS = (
    ("resident_number", "宛名番号"),
    ("household_number", "世帯番号"),
    ("name", "氏名"),
    ("kana", "カナ"),
    ("birth_date", "生年月日"),
    ("gender", "性別"),
    ("relationship", "続柄"),
    ("address", "住所"),
    ("movement", "異動事由"),
    ("movement_date", "異動日"),
    ("postal_code", "郵便番号"),
    ("phone", "電話番号"),
)
REQUIRED_COLUMNS = tuple(key for key, _ in COLUMNS[:10])
COLUMN_LABELS = dict(COLUMNS)
_HEADER_ALIASES = {label: key for key, label in COLUMNS} | {"フリガナ": "kana", "カナ氏名": "kana"}


def _header_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).replace("\ufeff", "").split())


# ---- values --------------------------------------------------------------------------------------

# 宛名番号 and 世帯番号 are identifiers, not numbers: letters are allowed (some systems use them) and
# leading zeros are significant. Anything else is most likely a shifted column.
_NUMBER = re.compile(r"[0-9A-Za-z]{1,20}")
_NAME_SEPARATOR = re.compile(r"\s+")  # \s includes the ideographic space U+3000
_POSTAL_SEPARATORS = re.compile(r"[\s〒\-‐－ー−]")

GENDER_WORDS = {
    "男": Gender.MALE,
    "男性": Gender.MALE,
    "1": Gender.MALE,
    "女": Gender.FEMALE,
    "女性": Gender.FEMALE,
    "2": Gender.FEMALE,
    "": Gender.UNSTATED,
}

# 異動事由 after which the person is still (or again) a registered resident, and those after which
# they are not. Both lists are explicit: see the module docstring for why nothing is guessed.
CONTINUING_MOVEMENTS = frozenset(
    {
        "",
        "転入",
        "国外転入",
        "出生",
        "転居",
        "世帯変更",
        "世帯分離",
        "世帯合併",
        "世帯主変更",
        "続柄変更",
        "氏名変更",
        "転籍",
        "帰化",
        "国籍取得",
        "職権記載",
        "職権修正",
        "職権回復",
        "転出取消",
        "住所設定",
    }
)
ENDING_MOVEMENT_WORDS = ("転出", "国外転出", "死亡", "失踪宣告", "職権消除")  # in the order messages name them
ENDING_MOVEMENTS = frozenset(ENDING_MOVEMENT_WORDS)

_R = Relationship
RELATIONSHIP_WORDS: dict[str, Relationship] = {
    "世帯主": _R.HEAD,
    "妻": _R.SPOUSE,
    "夫": _R.SPOUSE,
    # 住民票 writes a common-law spouse as 妻（未届） or 未届の妻 (NFKC makes the brackets half-width).
    "妻(未届)": _R.SPOUSE,
    "夫(未届)": _R.SPOUSE,
    "未届の妻": _R.SPOUSE,
    "未届の夫": _R.SPOUSE,
    "子": _R.CHILD,
    "養子": _R.CHILD,
    "養女": _R.CHILD,
    "子の妻": _R.CHILD_SPOUSE,
    "子の夫": _R.CHILD_SPOUSE,
    "父": _R.PARENT,
    "母": _R.PARENT,
    "養父": _R.PARENT,
    "養母": _R.PARENT,
    "妻の父": _R.SPOUSE_PARENT,
    "妻の母": _R.SPOUSE_PARENT,
    "夫の父": _R.SPOUSE_PARENT,
    "夫の母": _R.SPOUSE_PARENT,
    "孫": _R.GRANDCHILD,
    "子の子": _R.GRANDCHILD,  # how 住民票 usually writes a grandchild
    "祖父": _R.GRANDPARENT,
    "祖母": _R.GRANDPARENT,
    "父の父": _R.GRANDPARENT,
    "父の母": _R.GRANDPARENT,
    "母の父": _R.GRANDPARENT,
    "母の母": _R.GRANDPARENT,
    "兄": _R.SIBLING,
    "姉": _R.SIBLING,
    "弟": _R.SIBLING,
    "妹": _R.SIBLING,
    "兄弟": _R.SIBLING,
    "姉妹": _R.SIBLING,
    "同居人": _R.UNRELATED,
    "縁故者": _R.UNRELATED,
}
# 戸籍-style child words: 長男, 次女, 二男, 三女, 十一男 … (住民票 has said 子 since 1995; old extracts do not).
_ORDINAL = r"(?:長|次|[0-9一二三四五六七八九十]+)[男女]"
_CHILD = re.compile(_ORDINAL)
_CHILD_SPOUSE = re.compile(rf"(?:子|{_ORDINAL})の[妻夫]")
# Words that ARE the Japanese label of their Relationship: nothing more specific to keep in the note.
_LABEL_WORDS = frozenset({"世帯主", "子", "孫"})
# Any other word ending in a kinship term is a relative of the head (甥, 姪, おじ, 叔母, 兄の妻, 曾孫 …).
_KINSHIP_ENDINGS = ("父", "母", "子", "男", "女", "孫", "兄", "姉", "弟", "妹", "甥", "姪", "妻", "夫", "嫁", "婿",
                    "おじ", "おば", "いとこ", "従兄弟", "従姉妹")  # fmt: skip
# The lodger's child is not the head's relative, although the word ends in 子.
_UNRELATED_PREFIXES = ("同居人", "縁故者")
RELATIONSHIP_NOTE_MAX = 30  # HouseholdMember.relationship_note


def relationship_of(word: str) -> tuple[Relationship, str] | None:
    """The Relationship for a register's 続柄 word, and the note that keeps the word when more specific.

    None when the word is not a 続柄 we can read.
    """
    word = "".join(unicodedata.normalize("NFKC", word).split())
    if not word:
        return None
    relationship: Relationship | None = RELATIONSHIP_WORDS.get(word)
    if relationship is None:
        if _CHILD.fullmatch(word):
            relationship = Relationship.CHILD
        elif _CHILD_SPOUSE.fullmatch(word):
            relationship = Relationship.CHILD_SPOUSE
        elif word.startswith(_UNRELATED_PREFIXES):
            relationship = Relationship.UNRELATED
        elif word.endswith(_KINSHIP_ENDINGS):
            relationship = Relationship.OTHER_RELATIVE
        else:
            return None
    return relationship, "" if word in _LABEL_WORDS else word


# ---- reading the file ----------------------------------------------------------------------------


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
        key = _HEADER_ALIASES.get(_header_key(name))
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
        row, row_problems = _parse_row(line, values, today)
        problems.extend((line, message) for message in row_problems)
        # Checks across rows use whatever of the row could be read, so that one bad cell does not hide
        # a duplicate: every problem of the file is reported in one go.
        number = unicodedata.normalize("NFKC", values["resident_number"])
        if _NUMBER.fullmatch(number):
            if number in first_line_of:
                problems.append(
                    (line, f"宛名番号 {number} がこのファイル内で重複しています（行{first_line_of[number]}）")
                )
            else:
                first_line_of[number] = line
        household = unicodedata.normalize("NFKC", values["household_number"])
        read = relationship_of(values["relationship"])
        movement = _movement_key(values["movement"])
        # Only a head who stays counts: a 死亡 世帯主 and the new 世帯主 after 世帯主変更 both appear.
        if read and read[0] == Relationship.HEAD and movement not in ENDING_MOVEMENTS and _NUMBER.fullmatch(household):
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


def _movement_key(text: str) -> str:
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


def _parse_row(line: int, values: dict[str, str], today: date) -> tuple[ResidentRow | None, list[str]]:
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
        elif not _NUMBER.fullmatch(value):
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

    movement = _movement_key(values["movement"])
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


# ---- the import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    encoding: str
    rows: int
    created: int
    updated: int
    unchanged: int
    deregistered: int  # of the updated: taken off the register by 転出・死亡
    skipped_departed: int  # 転出・死亡 rows of people Tsunagu does not know: not loaded
    households_created: int
    households_updated: int
    warnings: tuple[str, ...]
    dry_run: bool


def import_target(*, organization_name: str, municipality_code: str = "") -> tuple[Municipality, Organization]:
    """The municipality (by code; the only one when none is given) and its organisation (by name)."""
    if municipality_code:
        municipality = Municipality.objects.filter(code=municipality_code.strip()).first()
        if municipality is None:
            raise ResidentImportError(f"全国地方公共団体コード {municipality_code} の自治体は登録されていません。")
    else:
        municipalities = list(Municipality.objects.order_by("code")[:2])
        if len(municipalities) != 1:
            raise ResidentImportError(
                "自治体が一つに決まりません。--municipality で全国地方公共団体コードを指定してください。"
            )
        municipality = municipalities[0]
    organization = Organization.objects.filter(municipality=municipality, name=organization_name.strip()).first()
    if organization is None:
        raise ResidentImportError(f"機関「{organization_name}」は{municipality.name}の機関にありません。")
    return municipality, organization


# Person fields the import may write; search keys follow the readings and the phone.
PERSON_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "gender",
                 "postal_code", "address", "phone", "is_registered_resident")  # fmt: skip
_KEY_FIELDS = ("kana_key", "family_kana_key", "phone_key", "phone2_key")
MEMBER_FIELDS = ("relationship", "relationship_note", "lives_together")


def _register_values(row: ResidentRow, person: Person | None) -> dict[str, Any]:
    """What the register says about the person, under the rules of the module docstring."""
    values: dict[str, Any] = {
        "family_name": row.family_name,
        "given_name": row.given_name,
        "family_name_kana": row.family_name_kana,
        "given_name_kana": row.given_name_kana,
        "birth_date": row.birth_date,
        "is_registered_resident": not row.departed,
    }
    if row.address:
        values["address"] = row.address
    if row.postal_code:
        values["postal_code"] = row.postal_code
    if person is None or person.gender == Gender.UNSTATED:
        values["gender"] = row.gender
    if row.phone and (person is None or not person.phone):
        values["phone"] = row.phone
    return values


def _set_values(person: Person, values: dict[str, Any]) -> None:
    # The same keys as tsunagu.people.services keeps, from the same functions, so search finds them.
    for name, value in values.items():
        setattr(person, name, value)
    person.family_name_kana = normalize_kana_input(person.family_name_kana)
    person.given_name_kana = normalize_kana_input(person.given_name_kana)
    person.kana_key = kana_search_key(person.family_name_kana + person.given_name_kana)
    person.family_kana_key = kana_search_key(person.family_name_kana)
    person.phone_key = phone_key(person.phone)
    person.phone2_key = phone_key(person.phone2)


_T = TypeVar("_T")


def _chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


@dataclass
class _PersonPlan:
    row: ResidentRow
    person: Person
    created: bool
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class _Plan:
    """Everything the import would write, worked out before writing anything."""

    register: RegisterFile
    people: list[_PersonPlan] = field(default_factory=list)
    unchanged: int = 0
    skipped_departed: int = 0
    households: dict[str, Household] = field(default_factory=dict)  # 世帯番号 → existing or new
    household_changes: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    touched_households: set[int] = field(default_factory=set)  # existing households whose members change
    new_members: list[HouseholdMember] = field(default_factory=list)
    changed_members: dict[int, HouseholdMember] = field(default_factory=dict)
    removed_members: dict[int, HouseholdMember] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def created(self) -> list[_PersonPlan]:
        return [p for p in self.people if p.created]

    @property
    def updated(self) -> list[_PersonPlan]:
        return [p for p in self.people if not p.created]

    @property
    def new_households(self) -> list[Household]:
        return [h for h in self.households.values() if h.pk is None]

    def result(self, *, dry_run: bool) -> ImportResult:
        updated = self.updated
        return ImportResult(
            encoding=self.register.encoding,
            rows=len(self.register.rows),
            created=len(self.created),
            updated=len(updated),
            unchanged=self.unchanged,
            deregistered=sum(1 for p in updated if p.changes.get("is_registered_resident") == [True, False]),
            skipped_departed=self.skipped_departed,
            households_created=len(self.new_households),
            households_updated=len(
                self.touched_households
                | {h.pk for n, h in self.households.items() if h.pk is not None and n in self.household_changes}
            ),
            warnings=tuple(self.warnings),
            dry_run=dry_run,
        )


def _plan(register: RegisterFile, municipality: Municipality, organization: Organization, *, lock: bool) -> _Plan:
    plan = _Plan(register=register)
    if register.ignored_columns:
        plan.warnings.append(f"取込の対象でない列は読んでいません: {'、'.join(register.ignored_columns)}")
    rows = register.rows
    file_numbers = {row.resident_number for row in rows}

    existing: dict[str, Person] = {}
    for resident_numbers in _chunks([row.resident_number for row in rows]):
        people = Person.objects.filter(
            municipality=municipality, merged_into__isnull=True, resident_number__in=resident_numbers
        )
        # Rows being changed are locked (PostgreSQL) so that an edit made meanwhile is not overwritten.
        for found in people.select_for_update() if lock else people:
            existing[found.resident_number] = found

    numbers = sorted({row.household_number for row in rows})
    for household_numbers in _chunks(numbers):
        for household in Household.objects.filter(
            municipality=municipality, resident_household_number__in=household_numbers
        ).order_by("pk"):
            number = household.resident_household_number
            if number in plan.households:
                plan.warnings.append(
                    f"世帯番号 {number} の世帯が複数あります（世帯ID {plan.households[number].pk}・{household.pk}）。"
                    f"世帯ID {plan.households[number].pk} を使いました。"
                )
            else:
                plan.households[number] = household

    # One object per membership row, whether reached from its household or from its person.
    members: dict[int, HouseholdMember] = {}
    for household_ids in _chunks([h.pk for h in plan.households.values()]):
        query = HouseholdMember.objects.filter(household_id__in=household_ids)
        for member in query.select_related("person", "household"):
            members[member.pk] = member
    register_memberships: dict[int, list[HouseholdMember]] = {}
    for person_ids in _chunks([p.pk for p in existing.values()]):
        query = HouseholdMember.objects.filter(person_id__in=person_ids).exclude(
            household__resident_household_number=""
        )
        for member in query.select_related("person", "household"):
            member = members.setdefault(member.pk, member)
            register_memberships.setdefault(member.person_id, []).append(member)

    new_members_of: dict[str, list[tuple[ResidentRow, HouseholdMember]]] = {}

    def household_for(row: ResidentRow) -> Household:
        household = plan.households.get(row.household_number)
        if household is None:
            household = plan.households[row.household_number] = Household(
                municipality=municipality,
                resident_household_number=row.household_number,
                registered_by=organization,
            )
        return household

    for row in rows:
        person = existing.get(row.resident_number)
        if person is None:
            if row.departed:
                plan.skipped_departed += 1
                continue
            person = Person(municipality=municipality, resident_number=row.resident_number, registered_by=organization)
            _set_values(person, _register_values(row, None))
            item = _PersonPlan(row=row, person=person, created=True)
            membership = HouseholdMember(
                municipality=municipality,
                household=household_for(row),
                person=person,
                relationship=row.relationship,
                relationship_note=row.relationship_note,
                lives_together=True,
            )
            new_members_of.setdefault(row.household_number, []).append((row, membership))
            plan.people.append(item)
            continue

        values = _register_values(row, person)
        if person.gender != Gender.UNSTATED and row.gender not in (Gender.UNSTATED, person.gender):
            plan.warnings.append(
                f"行{row.line}: 性別は記録済みの「{person.get_gender_display()}」のままにしました"
                f"（住民記録では「{Gender(row.gender).label}」）。"
            )
        before = {name: getattr(person, name) for name in values}
        returning = not person.is_registered_resident and not row.departed
        _set_values(person, values)
        changes = changes_between(before, values)
        changes.update(_plan_memberships(plan, row, person, returning, register_memberships, household_for,
                                         new_members_of))  # fmt: skip
        if changes:
            plan.people.append(_PersonPlan(row=row, person=person, created=False, changes=changes))
        else:
            plan.unchanged += 1

    _order_new_members(plan, members, new_members_of)
    _check_heads(plan, members, file_numbers)
    _plan_household_addresses(plan, members, new_members_of)
    return plan


def _plan_memberships(
    plan: _Plan, row: ResidentRow, person: Person, returning: bool,
    register_memberships: dict[int, list[HouseholdMember]], household_for: Callable[[ResidentRow], Household],
    new_members_of: dict[str, list[tuple[ResidentRow, HouseholdMember]]],
) -> dict[str, list[Any]]:  # fmt: skip
    """The membership changes of an existing person; records them in the plan and returns them for audit."""
    changes: dict[str, list[Any]] = {}
    current = register_memberships.get(person.pk, [])
    if row.departed:
        # Kept, not removed: the household page goes on showing who belonged, and that they left.
        for member in current:
            if member.lives_together:
                member.lives_together = False
                plan.changed_members[member.pk] = member
                plan.touched_households.add(member.household_id)
                changes["lives_together"] = [True, False]
        return changes
    household = household_for(row)
    target = next((m for m in current if household.pk is not None and m.household_id == household.pk), None)
    previous: HouseholdMember | None = None
    for member in current:
        if member is not target:
            previous = member
            plan.removed_members[member.pk] = member
            plan.touched_households.add(member.household_id)
            changes["household"] = [member.household.resident_household_number, row.household_number]
    if target is None:
        membership = HouseholdMember(
            municipality_id=person.municipality_id,
            household=household,
            person=person,
            relationship=row.relationship,
            relationship_note=row.relationship_note,
            lives_together=True,
        )
        new_members_of.setdefault(row.household_number, []).append((row, membership))
        changes.setdefault("household", [None, row.household_number])
        # A move compares with the membership it replaces; joining a first register household, with nothing.
        before = {"relationship": None, "relationship_note": ""}
        if previous is not None:
            before = {"relationship": previous.relationship, "relationship_note": previous.relationship_note}
        changes.update(
            changes_between(before, {"relationship": row.relationship, "relationship_note": row.relationship_note})
        )
        if household.pk is not None:
            plan.touched_households.add(household.pk)
        return changes
    after: dict[str, Any] = {"relationship": row.relationship, "relationship_note": row.relationship_note}
    if returning:
        after["lives_together"] = True
    member_changes = changes_between({name: getattr(target, name) for name in after}, after)
    if member_changes:
        for name, value in after.items():
            setattr(target, name, value)
        plan.changed_members[target.pk] = target
        plan.touched_households.add(target.household_id)
        changes.update(member_changes)
    return changes


def _order_new_members(
    plan: _Plan, members: dict[int, HouseholdMember],
    new_members_of: dict[str, list[tuple[ResidentRow, HouseholdMember]]],
) -> None:  # fmt: skip
    """New members go after the existing ones, the 世帯主 first, then in the order of the file."""
    last_order: dict[int, int] = {}
    for member in members.values():
        last_order[member.household_id] = max(last_order.get(member.household_id, -1), member.order)
    for number, joining in new_members_of.items():
        household = plan.households[number]
        start = last_order.get(household.pk, -1) + 1 if household.pk is not None else 0
        joining.sort(key=lambda item: (item[0].relationship != Relationship.HEAD, item[0].line))
        for offset, (_, membership) in enumerate(joining):
            membership.order = start + offset
            plan.new_members.append(membership)


def _check_heads(plan: _Plan, members: dict[int, HouseholdMember], file_numbers: set[str]) -> None:
    """A 世帯主 in the file must not meet another one, not in the file, still living in the household.

    People in the file are left out: their membership already says what the file says of them.
    """
    problems = []
    heads_living_in: dict[int, list[HouseholdMember]] = {}
    for member in members.values():
        if (
            member.relationship == Relationship.HEAD
            and member.lives_together
            and member.pk not in plan.removed_members
            and member.person.resident_number not in file_numbers
        ):
            heads_living_in.setdefault(member.household_id, []).append(member)
    for row in plan.register.rows:
        if row.relationship != Relationship.HEAD or row.departed:
            continue
        household = plan.households[row.household_number]
        if household.pk is None:
            continue
        for member in heads_living_in.get(household.pk, []):
            number = member.person.resident_number
            who = f"宛名番号 {number}" if number else "宛名番号のない方"
            problems.append(
                f"行{row.line}: 世帯番号 {row.household_number} にはすでに世帯主（{who}）がいます。"
                "その方の異動（世帯主変更・転出など）の行もファイルに含めてください"
            )
    if problems:
        raise ResidentImportError(problems)


def _plan_household_addresses(
    plan: _Plan, members: dict[int, HouseholdMember],
    new_members_of: dict[str, list[tuple[ResidentRow, HouseholdMember]]],
) -> None:  # fmt: skip
    """Household addresses from the 世帯主's row (a new household: from its first row when no 世帯主)."""
    protected: set[str] = set()
    for member in members.values():
        if member.person.address_protected:
            protected.add(member.household.resident_household_number)
    for number, joining in new_members_of.items():
        if any(membership.person.address_protected for _, membership in joining):
            protected.add(number)
    address_rows: dict[str, ResidentRow] = {}
    for row in plan.register.rows:
        if row.departed:
            continue
        chosen = address_rows.get(row.household_number)
        if chosen is None or (row.relationship == Relationship.HEAD and chosen.relationship != Relationship.HEAD):
            address_rows[row.household_number] = row
    for number, household in plan.households.items():
        address_row = address_rows.get(number)
        if number in protected:
            # The household page is shown to whoever may see any member: a protected address stays off it.
            if household.pk is None:
                plan.warnings.append(f"世帯番号 {number}: 住所非開示の方がいるため、世帯の住所は登録していません。")
            continue
        if address_row is None:
            continue
        if household.pk is None:
            household.address, household.postal_code = address_row.address, address_row.postal_code
        elif address_row.relationship == Relationship.HEAD:
            # An existing household's address follows its 世帯主's row only: a file of changes may carry
            # one member alone, whose row says where that member lives, not where the household does.
            after = {"address": address_row.address}
            if address_row.postal_code:
                after["postal_code"] = address_row.postal_code
            changes = changes_between({name: getattr(household, name) for name in after}, after)
            if changes:
                for name, value in after.items():
                    setattr(household, name, value)
                plan.household_changes[number] = changes


def _system_user(municipality: Municipality) -> User:
    """The inactive user new records are created by: nobody can log in as it."""
    username = SYSTEM_USERNAME
    user = User.objects.filter(username=username).first()
    if user is not None and user.municipality_id != municipality.pk:
        # Usernames are unique across the installation; each town gets its own import user.
        username = f"{SYSTEM_USERNAME}-{municipality.code}"
        user = User.objects.filter(username=username).first()
    if user is None:
        user = User(municipality=municipality, username=username, display_name=SYSTEM_DISPLAY_NAME, is_active=False)
        user.set_unusable_password()
        user.save()
    elif user.is_active or user.has_usable_password():
        # Everything the import writes is attributed to this user: it must not be one somebody logs in as.
        raise ResidentImportError(
            f"利用者「{username}」がログインできる状態になっています。無効にしてから取り込んでください。"
        )
    return user


def _bulk_delete(members: Iterable[HouseholdMember]) -> None:
    pks = [m.pk for m in members]
    for chunk in _chunks(pks):
        HouseholdMember.objects.filter(pk__in=chunk).delete()


def _write(plan: _Plan, result: ImportResult, municipality: Municipality, organization: Organization,
           source_name: str, digest: str) -> None:  # fmt: skip
    user = _system_user(municipality)
    now = timezone.now()
    created, updated = plan.created, plan.updated
    for item in created:
        item.person.created_by = user
    Person.objects.bulk_create([item.person for item in created], batch_size=CHUNK)
    for item in updated:
        item.person.updated_at = now  # bulk_update does not apply auto_now
    Person.objects.bulk_update(
        [item.person for item in updated], [*PERSON_FIELDS, *_KEY_FIELDS, "updated_at"], batch_size=CHUNK
    )

    new_households = plan.new_households
    for household in new_households:
        household.created_by = user
    Household.objects.bulk_create(new_households, batch_size=CHUNK)
    changed_households = [plan.households[number] for number in plan.household_changes]
    for household in changed_households:
        household.updated_at = now
    Household.objects.bulk_update(changed_households, ["address", "postal_code", "updated_at"], batch_size=CHUNK)

    # Removed before the new ones are added: a person moves, and is never a member of both at once.
    _bulk_delete(plan.removed_members.values())
    HouseholdMember.objects.bulk_create(plan.new_members, batch_size=CHUNK)
    HouseholdMember.objects.bulk_update(list(plan.changed_members.values()), list(MEMBER_FIELDS), batch_size=CHUNK)

    # As tsunagu.access.services.grant_create does, in bulk: the organisation's own record.
    grants = AccessGrant.objects.bulk_create(
        [
            AccessGrant(
                municipality=municipality,
                organization=organization,
                person=item.person,
                basis=Basis.OWN_RECORD,
                source=REGISTER_SOURCE,
                granted_by=user,
            )
            for item in created
        ],
        batch_size=CHUNK,
    )

    def movement(row: ResidentRow) -> str:
        if not row.movement:
            return ""
        return f"（{row.movement} {row.movement_date.isoformat()}）" if row.movement_date else f"（{row.movement}）"

    audit: dict[str, Any] = {
        "user": user,
        "organization": organization,
        "basis": Basis.OWN_RECORD,
        "basis_source": REGISTER_SOURCE,
    }
    for item, grant in zip(created, grants, strict=True):
        person = item.person
        values = {name: getattr(person, name) for name in ("resident_number", *PERSON_FIELDS)}
        changes = changes_between({}, {k: v for k, v in values.items() if v not in ("", None, False)})
        changes["household"] = [None, item.row.household_number]
        changes["relationship"] = [None, item.row.relationship]
        if item.row.relationship_note:
            changes["relationship_note"] = [None, item.row.relationship_note]
        changes["access_grant"] = [None, {"id": grant.pk, "organization": organization.name, "basis": grant.basis}]
        audit_record(
            action=Action.CREATE,
            obj=person,
            person_id=person.pk,
            summary=f"住民記録取込で本人を登録: {person.full_name}{movement(item.row)}",
            changes=changes,
            **audit,
        )
    for item in updated:
        audit_record(
            action=Action.UPDATE,
            obj=item.person,
            person_id=item.person.pk,
            summary=f"住民記録取込で本人の記録を変更{movement(item.row)}: {', '.join(item.changes)}",
            changes=item.changes,
            **audit,
        )
    for household in changed_households:
        audit_record(
            action=Action.UPDATE,
            obj=household,
            summary="住民記録取込で世帯の住所を変更",
            changes=plan.household_changes[household.resident_household_number],
            **audit,
        )
    audit_record(
        action=Action.CREATE,
        summary=f"住民記録取込: 新規{result.created}件・更新{result.updated}件・変更なし{result.unchanged}件",
        changes={
            "file": source_name,
            "sha256": digest,
            "encoding": result.encoding,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "deregistered": result.deregistered,
            "skipped_departed": result.skipped_departed,
            "households_created": [h.pk for h in new_households],
            "households_updated": result.households_updated,
        },
        **audit,
    )


def import_residents(
    *, data: bytes, municipality: Municipality, organization: Organization, dry_run: bool = False,
    source_name: str = "",
) -> ImportResult:  # fmt: skip
    """Validate the whole file, then load it in one transaction (or, with ``dry_run``, only count).

    Raises ``ResidentImportError`` listing every problem; nothing is written then.
    """
    if organization.municipality_id != municipality.pk:
        raise ResidentImportError(f"機関「{organization.name}」は{municipality.name}の機関ではありません。")
    register = read_register(data)
    if dry_run:
        return _plan(register, municipality, organization, lock=False).result(dry_run=True)
    try:
        with transaction.atomic():
            plan = _plan(register, municipality, organization, lock=True)
            # Counted before writing: what is new is told by the records not yet having a primary key.
            result = plan.result(dry_run=False)
            _write(plan, result, municipality, organization, source_name, hashlib.sha256(data).hexdigest())
    except IntegrityError as exc:
        # Another import (or a registration) took a 宛名番号 between our reading and our writing.
        raise ResidentImportError(
            "取込中に同じ宛名番号の記録が別に登録されました。何も取り込んでいません。もう一度実行してください。"
        ) from exc
    return result
