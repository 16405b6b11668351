"""Tiny files of each kind a scan may (or may not) be, built in the test: valid PDF, JPEG, PNG and TIFF, and
the attacks (an HTML page named .pdf, a Windows program named .jpg, …)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image(fmt: str, size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size, color=200).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf(body: bytes = b"") -> bytes:
    """A one-page PDF with a correct cross-reference table; ``body`` is added to the page's dictionary."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]" + body + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def jpeg() -> bytes:
    return image("JPEG")


def png() -> bytes:
    return image("PNG")


def tiff() -> bytes:
    return image("TIFF")


HTML = b"<!DOCTYPE html><html><body><script>fetch('/people/').then(r => r.text())</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
# The start of a Windows program and of a Linux one: what the operating system looks at.
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"This program cannot be run"
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """As the browser sends it: the content type it claims is whatever the name suggests, so it is ignored."""
    return SimpleUploadedFile(name, content, content_type=content_type)
