"""A TOML syntax error said in Japanese, with where it is: for the town staff who edit plan and rule files.

``tomllib`` words its errors in English (``Invalid value (at line 3, column 10)``) and, on Python 3.11,
gives the position only inside that text; both are read here into a message that says what is wrong,
where, and shows the line as written.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)$")
_AT_END = "(at end of document)"

# tomllib's messages (Python 3.11 ``tomllib._parser``) by how they begin, most specific first.
_REASONS = (
    ("Unterminated string", '文字列の引用符（"）が閉じていません'),
    # A one-line string that runs into the end of its line: the "illegal character" is the line break.
    ("Illegal character '\\n'", '文字列の引用符（"）が閉じていません（行の終わりまでに閉じてください）'),
    ("Unclosed array", "配列の「[」が「]」で閉じていません"),
    ("Unclosed inline table", "「{」が「}」で閉じていません"),
    ("Expected '=' after a key", "項目名の後に「=」がありません"),
    ("Expected ']]'", "表の並びの見出しが「]]」で閉じていません"),
    ("Expected ']'", "表の見出しが「]」で閉じていません"),
    ("Invalid value", '値の書き方が正しくありません（文字列は "…" で囲みます）'),
    ("Invalid statement", "この行は「項目 = 値」または「[表]」の形になっていません"),
    ("Invalid initial character for a key part", "項目名が使えない文字で始まっています"),
    ("Invalid date or datetime", "日付・日時の書き方が正しくありません（例: 2025-04-01）"),
    ("Cannot overwrite a value", "同じ項目が二度書かれています"),
    ("Cannot declare", "同じ表が二度書かれています"),
    ("Cannot redefine namespace", "同じ表が二度書かれています"),
    ("Cannot mutate immutable namespace", "書き終えた表や値に項目を足そうとしています"),
    ("Duplicate inline table key", "同じ項目が二度書かれています"),
    ("Unescaped '\\'", "文字列の中の「\\」は「\\\\」と書きます"),
    ("Invalid hex value", "「\\u」の後の16進数が正しくありません"),
    ("Escaped character is not a Unicode scalar value", "「\\u」で書いた文字が正しくありません"),
    ("Illegal character", "使えない文字（制御文字など）が含まれています"),
    ("Found invalid character", "使えない文字（制御文字など）が含まれています"),
    ("Expected", "必要な記号がありません"),
)


@dataclass(frozen=True)
class TomlSyntaxProblem:
    line: int
    column: int | None  # None at the end of the file
    reason: str
    source_line: str

    def message(self) -> str:
        where = f"{self.line}行目・{self.column}文字目" if self.column else f"ファイルの終わり、{self.line}行目"
        text = f"TOML の書式に誤りがあります（{where}）: {self.reason}。"
        if self.source_line.strip():
            text += f"該当行: {self.source_line.strip()[:80]}"
        return text


def toml_syntax_problem(error: tomllib.TOMLDecodeError, text: str) -> TomlSyntaxProblem:
    """What ``tomllib.loads(text)`` refused, and where."""
    detail = str(error)
    lines = text.splitlines()
    match = _POSITION.search(detail)
    if match:
        line, column = int(match[1]), int(match[2])
    else:
        line, column = max(len(lines), 1), None
    english = _POSITION.sub("", detail).replace(_AT_END, "").strip()
    reason = next((jp for prefix, jp in _REASONS if english.startswith(prefix)), "書式が正しくありません")
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return TomlSyntaxProblem(line=line, column=column, reason=reason, source_line=source)
