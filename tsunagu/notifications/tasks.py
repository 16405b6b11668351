"""The one task the schedule enqueues: run a registered job (the worker, ``manage.py db_worker``, runs it)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from tsunagu.notifications import schedule
from tsunagu.notifications.services import status_record


@task()
def run_job(name: str, slot: str) -> str:
    """Run job ``name`` for ``slot``; each run is also the worker's heartbeat for the administrator's home."""
    now = timezone.now()
    status_record(name="worker", detail=f"{name} {slot}", now=now)
    schedule.job(name).run(now)
    return f"{name} {slot}"
