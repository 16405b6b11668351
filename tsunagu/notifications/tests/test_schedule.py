"""The schedule and its jobs, with a moved clock: the worker runs what the scheduler enqueued, once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tsunagu.consultations.tests.referrals import person_of_centre_a, referral_to_anshin
from tsunagu.notifications import jobs as notification_jobs
from tsunagu.notifications import schedule
from tsunagu.notifications.models import Event, Notice, ScheduledRun, SystemStatus
from tsunagu.notifications.schedule import enqueue_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_once(monkeypatch):
    """The database worker, once over everything queued (as `make run`'s worker does continuously).

    Inside the test's transaction: the worker's ``close_old_connections`` would end the test's PostgreSQL
    connection (a moved clock makes it look obsolete), so it is a no-op here, as it is in a request's test.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0)

    return run


def notices_of(user, event: Event) -> list[Notice]:
    return list(Notice.objects.filter(user=user, event=event))


def test_an_unanswered_referral_past_its_date_is_told_to_both_organisations_without_a_page(personas, worker_once):
    referral = referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a))
    sender_side = [personas.caseworker_a, personas.colleague_a]
    receiver_side = [personas.coordinator, personas.supervisor]
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=False):
        call_command("run_scheduler", "--once", verbosity=0)
        worker_once()
        assert not Notice.objects.filter(event=Event.REFERRAL_OVERDUE).exists()  # due tomorrow: not late yet
    with time_machine.travel(timezone.now() + timedelta(days=8, hours=1), tick=False):
        call_command("run_scheduler", "--once", verbosity=0)
        worker_once()
        for user in sender_side + receiver_side:
            [notice] = notices_of(user, Event.REFERRAL_OVERDUE)
            assert (notice.record_kind, notice.record_id) == ("referral", referral.pk)
            assert "花子" not in notice.summary  # the summary names organisations and the date, never the person
        assert notices_of(personas.caseworker_b, Event.REFERRAL_OVERDUE) == []
        assert notices_of(personas.stranger, Event.REFERRAL_OVERDUE) == []
        assert SystemStatus.objects.get(name="worker").ok
        # The job again (by hand, or a second scheduler's run): nothing new.
        before = Notice.objects.count()
        schedule.job("referrals_overdue").run(timezone.now())
        assert Notice.objects.count() == before


def test_two_schedulers_enqueue_a_slot_once(personas):
    moment = timezone.make_aware(datetime(2026, 6, 1, 10, 7))
    first = enqueue_due(now=moment)
    assert "referrals_overdue" in first and "audit_verify" in first
    assert enqueue_due(now=moment + timedelta(minutes=1)) == []  # the same slots
    assert ScheduledRun.objects.filter(job="referrals_overdue").count() == 1
    # The next quarter hour is a new slot for the interval jobs; the daily jobs wait for the next day.
    later = enqueue_due(now=moment + timedelta(minutes=10))
    assert "referrals_overdue" in later and "audit_verify" not in later
    assert ScheduledRun.objects.filter(job="referrals_overdue").count() == 2


def test_a_daily_job_runs_once_its_time_has_passed():
    job = schedule.job("audit_verify")  # 02:30 local time
    zone = timezone.get_current_timezone()
    assert job.slot(datetime(2026, 6, 2, 2, 29, tzinfo=zone)) == "2026-06-01"
    assert job.slot(datetime(2026, 6, 2, 2, 30, tzinfo=zone)) == "2026-06-02"
    assert job.slot(datetime(2026, 6, 2, 23, 0, tzinfo=zone)) == "2026-06-02"


def test_a_next_step_whose_day_has_come_is_told_to_who_planned_it(personas):
    from tsunagu.consultations.models import Counterpart, Means
    from tsunagu.consultations.services import CaseNoteInput, case_note_add

    person = person_of_centre_a(personas.caseworker_a)
    note = case_note_add(user=personas.caseworker_a, person=person, data=CaseNoteInput(
        occurred_at=timezone.now() - timedelta(hours=1), means=Means.PHONE, counterpart=Counterpart.PERSON,
        content="電話で様子を聞いた", next_step="自宅を訪問する", next_step_on=timezone.localdate() + timedelta(days=3),
    ))  # fmt: skip
    job = schedule.job("next_steps_due")
    job.run(timezone.now() + timedelta(days=2))
    assert not Notice.objects.filter(event=Event.NEXT_STEP_DUE).exists()
    for _ in range(2):
        job.run(timezone.now() + timedelta(days=3))
    [notice] = Notice.objects.filter(event=Event.NEXT_STEP_DUE)
    assert (notice.user, notice.record_kind, notice.record_id) == (personas.caseworker_a, "case_note", note.pk)


def test_audit_verify_failure_becomes_a_notice_for_the_auditors(personas, monkeypatch):
    job = schedule.job("audit_verify")
    job.run(timezone.now())
    status = SystemStatus.objects.get(name="audit_verify")
    assert status.ok, status.detail

    def damaged(*args, **kwargs):
        raise CommandError("監査ログの破損を検出しました（1件: 記録の書き換え）。")

    monkeypatch.setattr(notification_jobs, "call_command", damaged)
    job.run(timezone.now())
    job.run(timezone.now())
    status = SystemStatus.objects.get(name="audit_verify")
    assert not status.ok and "破損" in status.detail
    [notice] = Notice.objects.filter(event=Event.AUDIT_DAMAGE)
    assert notice.user == personas.auditor and notice.url_name == "audit:log"


def test_an_emergency_grant_is_told_to_its_reviewers_and_again_when_overdue(personas, settings):
    from tsunagu.access import reviews
    from tsunagu.access.services import emergency_access_request

    person = person_of_centre_a(personas.caseworker_a)
    grant = emergency_access_request(
        user=personas.caseworker_b, person=person, reason="本人と連絡が取れず、倒れている恐れがある", hours=24
    )
    reviewers = {u.pk for u in reviews.emergency_reviewers(grant)}
    assert personas.supervisor.pk in reviewers
    job = schedule.job("emergency_reviews")
    job.run(timezone.now())
    job.run(timezone.now())
    assert set(Notice.objects.filter(event=Event.EMERGENCY_REVIEW).values_list("user_id", flat=True)) == reviewers
    assert not Notice.objects.filter(event=Event.EMERGENCY_OVERDUE).exists()
    job.run(timezone.now() + timedelta(days=settings.TSUNAGU_EMERGENCY_REVIEW_DAYS, hours=1))
    assert set(Notice.objects.filter(event=Event.EMERGENCY_OVERDUE).values_list("user_id", flat=True)) == reviewers
    assert Notice.objects.filter(event=Event.EMERGENCY_OVERDUE, user=personas.caseworker_b).count() == 0


def test_clearsessions_and_the_seal_run_as_jobs(personas):
    schedule.job("clear_sessions").run(timezone.now())
    schedule.job("audit_seal").run(timezone.now())
    assert SystemStatus.objects.get(name="audit_seal").ok
    assert mail.outbox == []


def test_with_worker_needs_the_command_it_runs_beside():
    with pytest.raises(CommandError, match="実行するコマンド"):
        call_command("with_worker")
