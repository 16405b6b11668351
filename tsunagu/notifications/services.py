"""Writes of お知らせ: notices created in the caller's transaction (the event's own), marked read by their
reader, and the optional mail that says only that there is something new."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tsunagu.core.models import User
from tsunagu.notifications.models import Event, Notice, SystemStatus

# The whole mail: no name, no record, no organisation — only that the system has something to read.
MAIL_SUBJECT = "【つなぐ】新しいお知らせがあります"
MAIL_BODY = "つなぐに新しいお知らせがあります。内容はシステムにログインして確認してください。\n{url}\n"


def notify(
    *, user_ids: Iterable[int], municipality_id: int, event: Event, summary: str, key: str,
    record_kind: str = "", record_id: int | None = None, url_name: str = "", actor: User | None = None,
    now: datetime | None = None,
) -> None:  # fmt: skip
    """Give each user a notice, once per ``key``: calling again (a job run twice) adds nothing.

    Runs in the caller's transaction, so a notice exists exactly when its event does. ``summary`` must hold
    no personal data: the list adds the person's name only where the reader may see the record.
    """
    ids = sorted(set(user_ids) - {actor.pk if actor else 0})
    if not ids:
        return
    at = now or timezone.now()
    existing = set(Notice.objects.filter(user_id__in=ids, key=key).values_list("user_id", flat=True))
    new = [uid for uid in ids if uid not in existing]
    Notice.objects.bulk_create(
        [
            Notice(municipality_id=municipality_id, user_id=uid, event=event, summary=summary[:200], key=key,
                   record_kind=record_kind, record_id=record_id, url_name=url_name, actor=actor, created_at=at)
            for uid in new
        ],
        ignore_conflicts=True,  # a concurrent run of the same job: the unique (user, key) decides
    )  # fmt: skip
    if new and settings.TSUNAGU_NOTICE_MAIL:
        transaction.on_commit(lambda: _mail(new))


def _mail(user_ids: list[int]) -> None:
    url = settings.TSUNAGU_SITE_URL.rstrip("/") + reverse("notifications:list")
    addresses = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").values_list("email", flat=True)
    send_mass_mail(
        [(MAIL_SUBJECT, MAIL_BODY.format(url=url), None, [address]) for address in addresses], fail_silently=True
    )


def notices_mark_read(*, user: User, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notices read (all unread when ``notice_ids`` is None); others' ids are ignored."""
    rows = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        rows = rows.filter(pk__in=list(notice_ids))
    return rows.update(read_at=timezone.now())


def status_record(*, name: str, ok: bool = True, detail: str = "", now: datetime | None = None) -> None:
    SystemStatus.objects.update_or_create(
        name=name, defaults={"at": now or timezone.now(), "ok": ok, "detail": detail[:300]}
    )
