"""Django's SQLite backend, but the database file is created 0o600 before SQLite opens it.

SQLite creates a new database file with the process umask (usually 0o644: readable by every local
account), and its ``-wal`` and ``-shm`` files with the permissions of the database file. So the file is
created here first, empty and private — an empty file is a valid empty database — and SQLite's own files
follow it. Changing the mode after SQLite has created the file would leave a moment in which another
account could open it and keep reading. A file an older installation left readable by others is made
private when the service next connects (and said so in the log if it cannot be). docs/uploads.md.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700


def _is_file_path(name: object) -> bool:
    # A URI ("file:…?mode=memory", the test databases) or ":memory:" is SQLite's own business.
    text = str(name)
    return bool(text) and text != ":memory:" and not text.startswith("file:")


def make_private(path: Path) -> None:
    """Create ``path`` (and missing parent directories) for the service account only; tighten an existing
    file (and its WAL and shared-memory files) that others may read."""
    path.parent.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    except FileExistsError:
        pass
    else:
        os.close(descriptor)
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(each.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            try:
                each.chmod(mode & PRIVATE_FILE)  # the owner keeps reading and writing; nobody else
            except PermissionError:
                logger.warning("%s is readable by other accounts and could not be made private (mode %o)", each, mode)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        if _is_file_path(conn_params["database"]):
            make_private(Path(conn_params["database"]))
        return super().get_new_connection(conn_params)
