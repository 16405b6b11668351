"""The schedule of background jobs. django-tasks runs tasks but has no scheduler; this is a small one.

Apps register jobs in their ``jobs`` module (``register``): a name, an interval or a daily local time, and a
function of the time it runs at. ``enqueue_due`` (the ``run_scheduler`` command, every few seconds) works
out each job's current slot — the start of the interval, or the day whose time has passed — records it in
``ScheduledRun`` and enqueues ``tasks.run_job`` in the same transaction. The unique (job, slot) is what
keeps two schedulers, or one restarted, from enqueueing a run twice; the jobs are idempotent besides, so a
run repeated by hand changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], object]
    every: timedelta | None = None
    daily_at: time | None = None  # local time (TIME_ZONE)
    description: str = ""

    def slot(self, now: datetime) -> str:
        """The run due at ``now``: the interval it falls in, or the day whose ``daily_at`` last passed."""
        if self.every is not None:
            seconds = int(self.every.total_seconds())
            start = int(now.timestamp()) // seconds * seconds
            return datetime.fromtimestamp(start, tz=timezone.get_current_timezone()).strftime("%Y-%m-%dT%H:%M")
        assert self.daily_at is not None
        local = timezone.localtime(now)
        day = local.date() if local.time() >= self.daily_at else local.date() - timedelta(days=1)
        return day.isoformat()


_jobs: dict[str, Job] = {}


def register(job: Job) -> Job:
    if (job.every is None) == (job.daily_at is None):
        raise ValueError(f"job {job.name!r} needs either an interval or a daily time")
    if job.name in _jobs and _jobs[job.name] != job:
        raise ValueError(f"job {job.name!r} is registered twice")
    _jobs[job.name] = job
    return job


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def job(name: str) -> Job:
    return _jobs[name]


def enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has no run yet; the names enqueued."""
    from tsunagu.notifications.models import ScheduledRun
    from tsunagu.notifications.tasks import run_job

    now = now or timezone.now()
    enqueued = []
    for each in jobs():
        slot = each.slot(now)
        if ScheduledRun.objects.filter(job=each.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=each.name, slot=slot, enqueued_at=now)
                result = run_job.enqueue(each.name, slot)
                run.task_id = str(result.id)[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler took this slot first
        enqueued.append(each.name)
    return enqueued
