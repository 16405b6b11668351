"""When a referral is overdue and a next step is due: the one rule the lists, the home page and the
scheduled jobs share (the lists used to compare ``due_on < today`` in their templates)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from tsunagu.consultations.models import Referral, ReferralStatus

NEXT_STEP_NOTICE_DAYS = 14  # a next step more than this far past is old history, not a reminder


def referral_overdue(today: date) -> Q:
    """Unanswered, and its answer date has passed (an answer due today is not late yet)."""
    return Q(status=ReferralStatus.SENT, due_on__lt=today)


def referral_is_overdue(referral: Referral, today: date) -> bool:
    """``referral_overdue`` for a row already fetched (the pages' 期限超過 badge); tested to agree with it."""
    return referral.status == ReferralStatus.SENT and referral.due_on < today


def next_step_within(today: date, days: int) -> Q:
    """A next step planned between today and ``days`` from now (the 「今後の予定」 lists)."""
    return Q(next_step_on__gte=today, next_step_on__lte=today + timedelta(days=days))


def next_step_due(today: date) -> Q:
    """A next step whose day has come (today, or in the last NEXT_STEP_NOTICE_DAYS days)."""
    return Q(next_step_on__lte=today, next_step_on__gte=today - timedelta(days=NEXT_STEP_NOTICE_DAYS))
