"""A scan is judged by its content (tsunagu.core.scans): the attacks of review finding 8 and the files a
scanner really writes; and the SQLite database is created readable by the service account only."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db.utils import ConnectionHandler

from tsunagu.core import scans
from tsunagu.core.tests import scan_samples as samples

VALID = [
    ("同意書.pdf", samples.pdf(), "pdf"),
    ("scan.JPG", samples.jpeg(), "jpeg"),
    ("scan.jpeg", samples.jpeg(), "jpeg"),
    ("scan.png", samples.png(), "png"),
    ("scan.tif", samples.tiff(), "tiff"),
    ("scan.tiff", samples.image("TIFF", (8, 8)), "tiff"),
]

# (name, content, words the refusal must contain): each is an attack or a mistake seen in the review.
REFUSED = [
    ("同意書.pdf", samples.HTML, "HTML形式です"),
    ("同意書.jpg", samples.WINDOWS_PROGRAM, "Windows の実行ファイル形式です"),
    ("同意書.jpg", samples.LINUX_PROGRAM, "Linux の実行ファイル形式です"),
    ("同意書.svg", samples.SVG, "SVG形式です"),
    ("同意書.pdf", samples.SVG, "SVG形式です"),
    ("同意書.pdf", b"  <html><body>%PDF-1.4</body></html>", "HTML形式です"),  # a PDF that starts with HTML
    ("同意書.docx", b"PK\x03\x04" + b"\x00" * 30, "ZIP"),
    ("同意書.gif", b"GIF89a" + b"\x00" * 20, "GIF形式です"),
    ("同意書.pdf", "同意します".encode(), "テキスト形式です"),
    ("同意書.pdf", b"\x00\x01\x02\x03\x9c\xff", "形式は判別できません"),
    ("同意書.png", samples.jpeg(), "内容はJPEG形式ですが、拡張子は .png です"),
    ("同意書.pdf", samples.png(), "内容はPNG形式ですが、拡張子は .pdf です"),
    ("同意書", samples.pdf(), "拡張子がありません"),
    ("同意書.jpg", samples.jpeg() + samples.HTML, "HTML やプログラムが埋め込まれている"),
    ("同意書.png", samples.png() + b"MZ" + b"This program cannot be run in DOS mode", "HTML やプログラム"),
    ("同意書.png", samples.png() + b"PK\x03\x04hidden.zip", "後ろに別のデータ"),
    ("同意書.jpg", samples.jpeg() + b"PK\x03\x04hidden.zip", "後ろに別のデータ"),
    ("同意書.pdf", samples.pdf(b" /AA << /O << /S /JavaScript /JS (app.alert(1)) >> >>"), "JavaScript"),
    ("同意書.pdf", samples.pdf(b" /AA << /O << /S /J#61vaScript /J#53 (x) >> >>"), "JavaScript"),  # #xx escapes
    ("同意書.pdf", samples.pdf(b" /AA << /O << /S /Launch /F (cmd.exe) >> >>"), "開くと動作する内容"),
    ("同意書.pdf", samples.pdf(b" /Names << /EmbeddedFiles 9 0 R >>"), "埋め込みファイル"),
    ("同意書.pdf", samples.pdf()[:-20], "PDF形式として読み取れません"),  # cut off before %%EOF
    ("同意書.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "JPEG形式として読み取れません"),
    ("同意書.png", samples.png()[:40], "PNG形式として読み取れません"),
    ("同意書.tif", b"II*\x00" + b"\xff" * 20, "TIFF形式として読み取れません"),
    ("同意書.pdf", b"", "空のファイルです"),
]


@pytest.mark.parametrize(("name", "content", "key"), VALID)
def test_what_a_scanner_writes_is_accepted(name, content, key):
    upload = samples.upload(name, content)
    assert scans.check_scan(upload).key == key
    assert upload.tell() == 0  # left at the start, for saving


@pytest.mark.parametrize(("name", "content", "words"), REFUSED, ids=[f"{i}-{r[0]}" for i, r in enumerate(REFUSED)])
def test_anything_else_is_refused_with_a_message_that_names_it(name, content, words):
    with pytest.raises(ValidationError) as refused:
        scans.check_scan(samples.upload(name, content))
    [message] = refused.value.messages
    assert words in message
    assert name in message  # the staff member is told which file


def test_the_claimed_content_type_is_not_believed():
    upload = samples.upload("同意書.pdf", samples.HTML, content_type="application/pdf")
    with pytest.raises(ValidationError, match="HTML形式です"):
        scans.check_scan(upload)


def test_the_size_limit_names_the_limit_and_the_size(settings):
    assert settings.TSUNAGU_SCAN_MAX_BYTES == 10 * scans.MB
    too_big = samples.upload("同意書.pdf", samples.pdf() + b"\n" * (10 * scans.MB))
    with pytest.raises(ValidationError) as refused:
        scans.check_scan(too_big)
    assert refused.value.messages == [
        "同意書のファイルは10MBまでです（同意書.pdf は10.1MBです）。解像度を下げる（300dpi程度）か、白黒でスキャンしてください。"
    ]
    settings.TSUNAGU_SCAN_MAX_BYTES = 2048
    with pytest.raises(ValidationError, match=r"2KBまでです（scan.png は[0-9]+KBです）"):
        scans.check_scan(samples.upload("scan.png", samples.image("PNG", (300, 300)) + b"\x00" * 4096))
    # A file that does not tell its size is cut at the limit, not read whole.
    with pytest.raises(ValidationError, match="2KBまでです"):
        scans.check_scan(io.BytesIO(b"%PDF-1.4\n" + b"0" * 5000), name="scan.pdf")


def test_an_image_too_large_to_decode_safely_is_refused(monkeypatch):
    from PIL import Image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500)  # the sample is 40×20 = 800 pixels
    with pytest.raises(ValidationError, match=r"画像が大きすぎます（40×20画素）。解像度を下げて"):
        scans.check_scan(samples.upload("scan.png", samples.png()))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # more than twice: Pillow will not open it
    with pytest.raises(ValidationError, match=r"scan.tif の画像が大きすぎます。解像度を下げて"):
        scans.check_scan(samples.upload("scan.tif", samples.tiff()))


def test_sizes_are_written_as_staff_read_them():
    assert [scans.format_size(n) for n in (10 * scans.MB, 12_900_000, 2048, 100)] == ["10MB", "12.4MB", "2KB", "1KB"]


# --- The database file ------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_backend_creates_the_database_and_its_wal_for_the_service_account_only(tmp_path, django_db_blocker):
    previous = os.umask(0o022)  # what most services run with: new files readable by everyone
    try:
        name = tmp_path / "new" / "tsunagu.sqlite3"
        handler = ConnectionHandler(
            {"default": {"ENGINE": "tsunagu.core.sqlite", "NAME": str(name),
                         "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"}}}
        )  # fmt: skip
        connection = handler["default"]
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
            modes = {p.name: _mode(p) for p in name.parent.iterdir()}
        connection.close()
    finally:
        os.umask(previous)
    assert modes == {"tsunagu.sqlite3": 0o600, "tsunagu.sqlite3-wal": 0o600, "tsunagu.sqlite3-shm": 0o600}
    assert _mode(name.parent) == 0o700


def test_a_database_file_left_readable_by_others_is_made_private_on_connecting(tmp_path, django_db_blocker):
    name = tmp_path / "old.sqlite3"
    name.touch()
    name.chmod(0o644)
    connection = ConnectionHandler({"default": {"ENGINE": "tsunagu.core.sqlite", "NAME": str(name)}})["default"]
    with django_db_blocker.unblock():
        connection.ensure_connection()
        connection.close()
    assert _mode(name) == 0o600


def test_a_new_installation_keeps_its_var_directory_and_database_private(tmp_path):
    """The settings as a fresh demo installation runs them: var/ 0o700, the database and its WAL 0o600."""
    var = tmp_path / "var"
    script = (
        "import django, json, os, stat; django.setup();"
        "from django.db import connection; from django.conf import settings;"
        "c = connection.cursor(); c.execute('CREATE TABLE t (x integer)'); c.execute('INSERT INTO t VALUES (1)');"
        "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], 'modes': {p: oct(stat.S_IMODE("
        "os.stat(os.path.join(settings.VAR_DIR, p)).st_mode)) for p in os.listdir(settings.VAR_DIR)}}))"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "TSUNAGU_MEDIA_DIR"}}
    environment |= {"TSUNAGU_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", f"import os; os.umask(0o022); exec({script!r})"],
        cwd=Path(__file__).resolve().parents[3], env=environment, capture_output=True, text=True, timeout=60,
        check=True,
    )  # fmt: skip
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["engine"] == "tsunagu.core.sqlite"
    assert found["modes"]["tsunagu.sqlite3"] == "0o600"
    assert found["modes"]["tsunagu.sqlite3-wal"] == "0o600"
    assert _mode(var) == 0o700
