"""The columns of a register file, and the words its cells hold: 性別, 異動事由 and 続柄 (``relationship_of``)."""

from __future__ import annotations

import re
import unicodedata

from tsunagu.people.models import Gender, Relationship

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
HEADER_ALIASES = {label: key for key, label in COLUMNS} | {"フリガナ": "kana", "カナ氏名": "kana"}


def header_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).replace("\ufeff", "").split())


# ---- values --------------------------------------------------------------------------------------

# 宛名番号 and 世帯番号 are identifiers, not numbers: letters are allowed (some systems use them) and
# leading zeros are significant. Anything else is most likely a shifted column.
NUMBER = re.compile(r"[0-9A-Za-z]{1,20}")

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
