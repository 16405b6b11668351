"""List throughput under a real server: gunicorn on loopback (the production configuration, sync workers,
persistent database connections), and a load generator bounded in clients, requests and seconds.

The generator is ``http.client`` in threads, each keeping its connection alive while the server does (a
sync worker closes it after each response, as in production behind the proxy, and the client opens the
next). It runs on the same cores as the server, as the anchors' ``wrk`` did: compare the two figures of
one run, not absolute numbers across machines.
"""

from __future__ import annotations

import http.client
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from tsunagu.home.benchmark.measure import percentile

HOST = "127.0.0.1"
# A client thread stops at whichever comes first; the whole run is bounded by clients × this.
MAX_REQUESTS_PER_CLIENT = 20_000


@dataclass
class Throughput:
    path: str
    requests: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def server_database_url(scratch: Path) -> str:
    """The database this process is connected to, as the server's ``DATABASE_URL``. An in-memory SQLite
    database (the test suite's) cannot be shared: the server gets a file copy of it in ``scratch``."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            copy = scratch / "bench-server.sqlite3"
            copy.unlink(missing_ok=True)
            connection.ensure_connection()
            target = sqlite3.connect(copy)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            name = str(copy)
        return f"sqlite:///{Path(name).resolve()}"
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{settings_dict.get('HOST') or ''}{port}/{quote(str(settings_dict['NAME']))}"


@contextmanager
def gunicorn(*, workers: int, log: Path, database_url: str) -> Iterator[int]:
    """gunicorn with ``config/gunicorn.conf.py`` and ``config.settings_bench`` on a free loopback port."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # The same secret and mode as this process: the session it logged in is checked against the secret.
        "SECRET_KEY": settings.SECRET_KEY,
        "TSUNAGU_DEMO": "1" if settings.DEMO_MODE else "0",
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    base = Path(settings.BASE_DIR)
    command = [sys.executable, "-m", "gunicorn", "--config", str(base / "config" / "gunicorn.conf.py"), "config.wsgi"]
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=base, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        _wait_until_up(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn が終了しました（終了コード {process.returncode}）")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn が起動しませんでした")


def _client(port: int, path: str, cookie: str, until: float, times: list[float], errors: list[int]) -> None:
    connection: http.client.HTTPConnection | None = None
    headers = {"Cookie": cookie, "Connection": "keep-alive"}
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= until:
            break
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException):
            errors.append(0)
            if connection is not None:
                connection.close()
            connection = None
            continue
        times.append((time.perf_counter() - started) * 1000)
    if connection is not None:
        connection.close()


def load(*, port: int, path: str, cookie: str, clients: int, seconds: float) -> Throughput:
    times: list[float] = []
    errors: list[int] = []
    until = time.monotonic() + seconds
    started = time.perf_counter()
    threads = [
        threading.Thread(target=_client, args=(port, path, cookie, until, times, errors), daemon=True)
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - started
    done = len(times)
    return Throughput(
        path=path,
        requests=done,
        errors=len(errors),
        seconds=elapsed,
        per_second=(done - len(errors)) / elapsed if elapsed else 0.0,
        p50_ms=statistics.median(times) if times else 0.0,
        p95_ms=percentile(times, 0.95) if times else 0.0,
    )
