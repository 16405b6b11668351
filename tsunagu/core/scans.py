"""Scanned documents (a signed consent form): what may be attached, judged by the content, never the name.

A file is accepted when its first bytes are those of a PDF, JPEG, PNG or TIFF, its name's extension says
the same type, it is not larger than ``TSUNAGU_SCAN_MAX_BYTES``, and it is whole: an image decodes with
Pillow, a PDF has its header at byte 0 and its end-of-file marker. Refused as well: markup or a Windows
program inside an accepted type (a polyglot that a browser or an operating system could run), and a PDF
that declares active content (JavaScript, launch actions, embedded files), which a scanner never writes.
PDFs are checked structurally only — pypdf is a development dependency, not a runtime one — so active
content hidden in a compressed object stream is not seen: the page that shows a scan serves it with
headers that keep it inert (``tsunagu.people.access_views.consent_document``).

Every refusal is a ``ValidationError`` in Japanese that names the file and what it was found to be.
"""

from __future__ import annotations

import io
import logging
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image

logger = logging.getLogger(__name__)
MB = 1024 * 1024


@dataclass(frozen=True)
class ScanType:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one a stored file is given
    pillow_format: str = ""  # "" for PDF: not an image

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = ScanType("pdf", "PDF", "application/pdf", (".pdf",))
JPEG = ScanType("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), "JPEG")
PNG = ScanType("png", "PNG", "image/png", (".png",), "PNG")
TIFF = ScanType("tiff", "TIFF", "image/tiff", (".tif", ".tiff"), "TIFF")
ACCEPTED = (PDF, JPEG, PNG, TIFF)

_SIGNATURES: tuple[tuple[bytes, ScanType], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)

# What a refused file was found to be, for the message ("… は HTML 形式です").
_OTHER_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows の実行ファイル"),
    (b"\x7fELF", "Linux の実行ファイル"),
    (b"\xcf\xfa\xed\xfe", "macOS の実行ファイル"),
    (b"\xfe\xed\xfa\xcf", "macOS の実行ファイル"),
    (b"\xca\xfe\xba\xbe", "macOS の実行ファイル"),
    (b"#!", "スクリプト"),
    (b"PK\x03\x04", "ZIP（Word・Excel の文書を含む）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧形式の Office 文書"),
    (b"{\\rtf", "RTF"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\x1f\x8b", "gzip"),
)
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<meta", b"<a ", b"<div")

# Markup or a program inside an accepted file makes it a polyglot: a browser that sniffs it, or a user who
# renames it, could run it. Each marker is long enough that compressed image data does not contain it by chance.
_EMBEDDED_MARKERS = (
    b"<script", b"<html", b"<!doctype", b"<iframe", b"<svg xmlns", b"<object", b"<embed", b"javascript:",
    b"this program cannot be run in dos mode",
)  # fmt: skip
_MARKER_OVERLAP = max(map(len, _EMBEDDED_MARKERS))

# PDF names that make a document do something when opened. A scanner writes none of them. Looked for in
# the document's dictionaries, outside its streams: compressed image data holds "/JS" by chance.
_PDF_ACTIVE_NAMES = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"XFA", b"SubmitForm",
     b"ImportData", b"GoToE"}
)  # fmt: skip
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def max_scan_bytes() -> int:
    return int(settings.TSUNAGU_SCAN_MAX_BYTES)


def format_size(size: int) -> str:
    """A size as staff read it: 10MB, 12.4MB, 850KB. Rounded up, so that a file just over the limit is not
    said to be the limit's size."""
    if size >= MB:
        return f"{math.ceil(size * 10 / MB) / 10:.1f}".removesuffix(".0") + "MB"
    return f"{max(1, math.ceil(size / 1024))}KB"


def sniff(head: bytes) -> ScanType | None:
    """The accepted type whose signature the file starts with, or None."""
    return next((scan for signature, scan in _SIGNATURES if head.startswith(signature)), None)


def describe(head: bytes) -> str:
    """What a refused file is, in words for the message ("" when it cannot be told)."""
    for signature, label in _OTHER_SIGNATURES:
        if head.startswith(signature):
            return label
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "SVG"
    if text.startswith(_HTML_STARTS) or b"<html" in text or b"<script" in text:
        return "HTML"
    if text.startswith(b"<?xml"):
        return "XML"
    if head[12:] and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "HEIC"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return "テキスト"


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _extension_of(name: str) -> str:
    return PurePath(name).suffix.lower()


def _has_embedded_markup(data: bytes) -> bool:
    # In slices, lower-cased, overlapping by the longest marker: the whole file is never copied at once.
    step = 1 * MB
    for start in range(0, len(data), step):
        chunk = data[max(0, start - _MARKER_OVERLAP) : start + step].lower()
        if any(marker in chunk for marker in _EMBEDDED_MARKERS):
            return True
    return False


def _pdf_problem(data: bytes) -> str:
    if not re.match(rb"%PDF-[12]\.\d", data):
        return "broken"
    if b"%%EOF" not in data[-1024:]:
        return "broken"
    for part in _PDF_STREAM.split(data):
        for match in _PDF_NAME.finditer(part):
            # A name may hide its letters as #xx escapes (/J#61vaScript); compare the decoded name.
            name = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
            if name in _PDF_ACTIVE_NAMES:
                return "active"
    return ""


def _image_problem(data: bytes, scan: ScanType) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a broken file's warnings, and the size one: answered below
            with Image.open(io.BytesIO(data), formats=[scan.pillow_format]) as image:
                width, height = image.size
                if width * height > (Image.MAX_IMAGE_PIXELS or width * height):
                    return f"too_large:{width}×{height}画素"
                image.load()
    except Image.DecompressionBombError:  # far too large: Pillow refuses to open it at all
        return "too_large:"
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError …) for a broken file
        return "broken"
    # Data after the image's end marker is where a polyglot keeps its second self.
    if scan is PNG and not data.endswith(b"IEND\xaeB`\x82"):
        return "trailing"
    if scan is JPEG and not data.rstrip(b"\x00\xff\r\n ").endswith(b"\xff\xd9"):
        return "trailing"
    return ""


def check_scan(upload: File | IO[bytes], *, name: str = "") -> ScanType:
    """The type of an uploaded scan, after every check in this module's docstring; ``ValidationError`` else.

    Reads the whole file (at most ``TSUNAGU_SCAN_MAX_BYTES``) and leaves it at the start for saving.
    """
    name = name or PurePath(str(getattr(upload, "name", "") or "")).name or "ファイル"
    limit = max_scan_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _refuse(
            f"同意書のファイルは{format_size(limit)}までです（{name} は{format_size(size)}です）。"
            "解像度を下げる（300dpi程度）か、白黒でスキャンしてください。",
            "too_big",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise _refuse(
            f"同意書のファイルは{format_size(limit)}までです（{name} はそれより大きいファイルです）。", "too_big"
        )
    if not data:
        raise _refuse(f"{name} は空のファイルです。", "empty")
    accepted = "PDF・JPEG・PNG・TIFF の画像のみ添付できます"
    scan = sniff(data)
    if scan is None:
        found = describe(data[:4096])
        detail = f"{name} は{found}形式です" if found else f"{name} の形式は判別できません"
        raise _refuse(f"{accepted}（{detail}）。", "type")
    extension = _extension_of(name)
    if extension not in scan.extensions:
        written = f"拡張子は {extension} です" if extension else "拡張子がありません"
        raise _refuse(
            f"{name} の内容は{scan.label}形式ですが、{written}。拡張子を内容に合わせてください"
            f"（{scan.label}なら {'・'.join(scan.extensions)}）。",
            "extension",
        )
    if _has_embedded_markup(data):
        raise _refuse(
            f"{name} には{scan.label}の中に HTML やプログラムが埋め込まれているため、添付できません。"
            "スキャナーで読み取ったファイルをそのまま添付してください。",
            "polyglot",
        )
    problem = _pdf_problem(data) if scan is PDF else _image_problem(data, scan)
    if problem == "active":
        raise _refuse(
            f"{name} には JavaScript や埋め込みファイルなど、開くと動作する内容が含まれているため添付できません。"
            "スキャナーで読み取ったファイルをそのまま添付してください。",
            "active",
        )
    if problem == "trailing":
        raise _refuse(
            f"{name} は{scan.label}の画像の後ろに別のデータが付いているため、添付できません。"
            "スキャナーで読み取ったファイルをそのまま添付してください。",
            "polyglot",
        )
    if problem.startswith("too_large:"):
        pixels = problem.split(":", 1)[1]
        raise _refuse(
            f"{name} の画像が大きすぎます{f'（{pixels}）' if pixels else ''}。"
            "解像度を下げて（300dpi程度）スキャンしてください。",
            "pixels",
        )
    if problem:
        raise _refuse(
            f"{name} は{scan.label}形式として読み取れません（ファイルが壊れている可能性があります）。", "broken"
        )
    return scan


def open_stored(stored: Any, *, what: str) -> tuple[IO[bytes], ScanType] | None:
    """A stored scan opened for serving, checked again by its first bytes — a file stored before uploads were
    checked by content, or changed in the store, is not served. None (logged, naming ``what``) when the file
    is missing or not of an accepted type; the caller answers 404."""
    try:
        file = stored.open("rb")
    except FileNotFoundError:
        logger.error("%s: the file %s is missing from the file store", what, stored.name)
        return None
    scan_type = sniff(file.read(16))
    file.seek(0)
    if scan_type is None or not stored.name.lower().endswith(scan_type.extensions):
        file.close()
        logger.error("%s: the file %s is not an accepted type", what, stored.name)
        return None
    return file, scan_type
