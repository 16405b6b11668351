"""Uploads are bounded while they arrive, not only after: the first of ``FILE_UPLOAD_HANDLERS``.

Django reads a whole request before a form can look at it, and spools each file to a temporary file on the
way. A file larger than ``TSUNAGU_SCAN_MAX_BYTES`` (the largest any page accepts: a scanned consent form) is
kept no further than the limit: the chunks past it are counted and dropped before the handlers that store
them, and the upload arrives as an empty placeholder of the counted size — so the form still says how large
the file was (``tsunagu.core.scans``), and a 2 GB upload does not fill the disk.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from tsunagu.core.scans import max_scan_bytes


class OversizedUpload(UploadedFile):
    """A file refused for its size while it arrived: its name and size, none of its content."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class SizeLimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        # None: the handlers after this one (memory, temporary file) never see the chunk.
        return None if self.received > max_scan_bytes() else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= max_scan_bytes():
            return None  # the next handler's file is the upload
        assert self.file_name is not None
        return OversizedUpload(self.file_name, self.content_type or "", self.received, self.charset)
