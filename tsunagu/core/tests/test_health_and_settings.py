import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "detail": "DatabaseError"}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "TSUNAGU_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_says_what_it_could_not_check(tmp_path):
    """Production settings with an unreachable database and no static build: only those two are reported.

    The clean run, on a migrated database with the built files, is in test_production.py.
    """
    result = run_manage(
        "check",
        "--deploy",
        env={
            "SECRET_KEY": "x" * 20 + "production-secret-from-the-vault-0123456789",
            "DATABASE_URL": "postgres://tsunagu@db.internal:5432/tsunagu",
            "ALLOWED_HOSTS": "tsunagu.town.example.jp",
            "TSUNAGU_VAR_DIR": str(tmp_path),
            "TSUNAGU_AUDIT_KEY": "k" * 40,
        },
    )
    assert result.returncode != 0
    reported = sorted(set(re.findall(r"\((\w+\.[EW]\d+)\)", result.stderr)))
    assert reported == ["tsunagu.E002", "tsunagu.W001"], result.stderr


def test_demo_mode_generates_and_keeps_its_secret(tmp_path):
    env = {"TSUNAGU_VAR_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.DEMO_MODE, settings.SECRET_KEY)"
    first = run_manage("shell", "-v", "0", "-c", code, env=env)
    second = run_manage("shell", "-v", "0", "-c", code, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.startswith("True ")
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
