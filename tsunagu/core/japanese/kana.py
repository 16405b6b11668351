"""Readings in kana (フリガナ): what is stored, what is accepted as a reading, and what is searched.

All three functions are total: they return for every ``str`` and never raise.

``normalize_kana_input`` gives what we STORE: full-width katakana, the parts of a name joined by one
full-width space. Hiragana becomes katakana, half-width katakana becomes full-width (``ﾊﾞ`` → ``バ``,
``ｳﾞ`` → ``ヴ``, also when the ``ﾞ`` follows a full-width kana), any run of spaces (ordinary,
ideographic, tabs) becomes one ``　``, and the ends are stripped. A hyphen-like character typed right
after a kana (``サト-``, ``サト‐``, ``サト－``, ``サト―``, ``サト—``, ``サト─``, also after ``ー``) is
the long vowel mark typed on a keyboard that lacks it, and becomes ``ー``. That is wider than
"between two kana": ``ー`` closes many readings (``ミー``), and a hyphen after a kana is never anything
else in a reading. Elsewhere a hyphen is left alone: ``A-1`` is not a reading, and rewriting it would
hide that. Small kana (``ァィゥェォッャュョヮヵヶ``) are kept: they are part of a correct reading.

NFKC is applied, after jaconv has joined half-width kana with their marks. For kana it only folds
compatibility forms (half-width kana, a lone ``ﾞ``, squared words such as ``㌔``); ``ヴ``, ``ヵ``,
``ヶ``, ``ゐ``, ``ゑ`` are not compatibility characters and come through unchanged. The one harmful case
is the spacing ``゛``/``゜`` (U+309B/U+309C), which NFKC turns into a space plus a combining mark and so
splits ``ハ゛`` in two; those two are made combining marks first, so ``ハ゛`` becomes ``バ``.

Historical and rare kana in a stored reading: ``ゔ`` becomes ``ヴ`` (never rewritten as ``ブ``: the
reading is the person's own); ``ゐ``/``ゑ`` become ``ヰ``/``ヱ`` and ``ヲ`` stays ``ヲ``, because some
registered readings use them. Only the search key folds them (see below).

``is_kana_reading`` says whether a text, once normalised, is a reading: at least one katakana letter
(``ァ`` to ``ヺ``, so ``ヴヵヶ`` and the small kana too), and otherwise only ``ー``, ``・`` (foreign names,
``ジョン・スミス``) and the full-width space. Kanji, latin letters and digits are not; neither are the
iteration marks ``ヽヾ`` (a reading spells every sound) nor the empty text.

``kana_search_key`` gives what we INDEX and SEARCH: the normalised reading without spaces and ``・``,
with small kana made large (``ッ`` → ``ツ``, ``ャ`` → ``ヤ``, ``ヮ`` → ``ワ``, ``ヵ`` → ``カ``), voiced
and semi-voiced kana made plain (``ガ`` → ``カ``, ``パ`` → ``ハ``, ``ヴ`` → ``ウ``), ``ヰ``/``ヱ``/``ヲ`` made
``イ``/``エ``/``オ``, and ``ー`` removed. So ``ｻﾄｳ``, ``さとう``, ``サトウ`` and ``ザトウ`` all give
``サトウ``.

Why the search key ignores voicing and size: for 名寄せ and name search, recall matters more than
precision. Readings are often misheard or mistyped on the 濁点 (ヤマザキ/ヤマサキ, ナカジマ/ナカシマ),
older systems and paper forms wrote them without small kana (キヨウコ for キョウコ), and ヰ/ヱ/ヲ sound
like イ/エ/オ, so a person typing a search cannot know which spelling the record holds. Missing a person
the municipality already knows is worse than listing a few more: results are shown with the full name
and the birth date, and a person decides.

Why ``ー`` is removed rather than matched to a vowel: ``サトー`` gives ``サト`` and does NOT meet
``サトウ``. Making them meet would mean reading ``ー`` as the vowel it lengthens (``トー`` → ``トオ``),
which is still not the ``ウ`` that readings of Japanese names use for a long o, and equating ``ウ``,
``オ`` and ``ー`` after an o-row kana would merge readings that registers keep apart (オオタ/オウタ).
Dropping the mark is simple and predictable, and ``ー`` is rare in readings of Japanese names; it is
common in foreign names, which still match each other with or without it.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

FULL_WIDTH_SPACE = "\u3000"
MIDDLE_DOT = "・"
LONG_VOWEL_MARK = "ー"

_COMBINING_VOICED = "\u3099"
_COMBINING_SEMI_VOICED = "\u309a"

# The spacing ゛ and ゜ would become "space + combining mark" under NFKC and cut the reading in two;
# as combining marks they join the kana typed before them (ハ゛ → バ).
_SPACING_TO_COMBINING = str.maketrans({"\u309b": _COMBINING_VOICED, "\u309c": _COMBINING_SEMI_VOICED})

# What people type for ー: hyphen-minus, hyphen, full-width hyphen-minus, horizontal bar, em dash, box
# drawing line, and the figure dash, en dash and minus sign that some input methods give for the same key.
_LONG_VOWEL_LOOKALIKES = "-‐－―—─‒–−"
_KATAKANA_LETTERS = "\u30a1-\u30fa"  # ァ … ヺ: every katakana letter, small, voiced and ヴヵヶ included
_LOOKALIKES_AFTER_KANA = re.compile(
    f"(?<=[{_KATAKANA_LETTERS}{LONG_VOWEL_MARK}])[{re.escape(_LONG_VOWEL_LOOKALIKES)}]+"
)

# jaconv 0.5.0 enlarges ァィゥェォッャュョヵヶ but leaves ヮ small; ヰヱヲ sound as イエオ today.
_SEARCH_FOLD = str.maketrans({"ヮ": "ワ", "ヰ": "イ", "ヱ": "エ", "ヲ": "オ"})


def _long_vowel_marks(match: re.Match[str]) -> str:
    return LONG_VOWEL_MARK * len(match.group())


def _is_katakana_letter(char: str) -> bool:
    return "\u30a1" <= char <= "\u30fa"


def normalize_kana_input(text: str) -> str:
    """The reading to store: full-width katakana, parts joined by one full-width space."""
    text = text.translate(_SPACING_TO_COMBINING)
    # jaconv joins a half-width kana with the ﾞ/ﾟ after it (ﾊﾞ → バ, ｳﾞ → ヴ) and widens the rest.
    text = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    # NFKC folds what is left: a lone ﾞ after a full-width kana, full-width latin and digits, the
    # ideographic space (made ordinary here, rejoined below), squared words.
    text = unicodedata.normalize("NFKC", text)
    text = jaconv.hira2kata(text)
    # hira2kata can make a pair that only now has a precomposed form (ゐ + ゛ has none, ヰ + ゛ is ヸ):
    # composing it here keeps the function idempotent.
    text = unicodedata.normalize("NFC", text)
    text = _LOOKALIKES_AFTER_KANA.sub(_long_vowel_marks, text)
    return FULL_WIDTH_SPACE.join(text.split())


def is_kana_reading(text: str) -> bool:
    """True when the normalised text is a reading: katakana letters, ``ー``, ``・`` and full-width spaces."""
    reading = normalize_kana_input(text)
    return any(_is_katakana_letter(char) for char in reading) and all(
        _is_katakana_letter(char) or char in (FULL_WIDTH_SPACE, MIDDLE_DOT, LONG_VOWEL_MARK) for char in reading
    )


def kana_search_key(text: str) -> str:
    """The key to index and search readings by: no spaces, ``・`` or ``ー``, no voicing, no small kana."""
    key = normalize_kana_input(text).replace(FULL_WIDTH_SPACE, "").replace(MIDDLE_DOT, "")
    # NFD splits every voiced kana into the plain kana and U+3099/U+309A (ガ → カ + ゛, ヴ → ウ + ゛,
    # ヷ → ワ + ゛); dropping the marks unvoices them all without a table of our own.
    key = unicodedata.normalize("NFD", key)
    key = key.replace(_COMBINING_VOICED, "").replace(_COMBINING_SEMI_VOICED, "")
    key = jaconv.enlarge_smallkana(key).translate(_SEARCH_FOLD)
    # Taking out spaces, ・ and voicing marks can leave a hyphen right after a kana (ア・-): it is a ー
    # too, so the key of a key is the key itself.
    key = _LOOKALIKES_AFTER_KANA.sub(_long_vowel_marks, key)
    return key.replace(LONG_VOWEL_MARK, "")
