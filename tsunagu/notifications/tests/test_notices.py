"""お知らせ from the side of the people who get them: made with the event, shown through the access core,
marked read by their reader only, counted in the header with one query, and never mailed with a name."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.services import consent_withdraw
from tsunagu.audit.models import AuditEntry
from tsunagu.consultations.services import referral_accept, referral_decline
from tsunagu.consultations.tests.referrals import consent_for_anshin, person_of_centre_a, referral_to_anshin
from tsunagu.notifications.models import Event, Notice
from tsunagu.notifications.services import notify

pytestmark = pytest.mark.django_db


def events_of(user) -> list[str]:
    return sorted(Notice.objects.filter(user=user).values_list("event", flat=True))


def listing(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_referral_is_told_to_the_receiving_organisation_and_its_answer_to_the_sender(client, personas):
    person = person_of_centre_a(personas.caseworker_a)
    referral = referral_to_anshin(
        personas.caseworker_a, person, consent=consent_for_anshin(personas.caseworker_a, person)
    )
    assert events_of(personas.coordinator) == ["referral_received"]
    assert events_of(personas.supervisor) == ["referral_received"]
    assert events_of(personas.caseworker_a) == []  # the sender does not notify themself
    assert events_of(personas.caseworker_b) == [] and events_of(personas.auditor) == []

    referral_decline(user=personas.coordinator, referral=referral, reason="対象の事業が違うため生活困窮の窓口へ")
    [notice] = Notice.objects.filter(user=personas.caseworker_a, event=Event.REFERRAL_DECLINED)
    assert notice.actor == personas.coordinator and "福祉あんしん課" in notice.summary
    assert events_of(personas.colleague_a) == ["referral_declined"]  # the sending centre's staff too
    page = listing(client, personas.caseworker_a)
    assert "花子" in page  # the sender may read its own referral: the person's name and the reason
    assert "対象の事業が違うため生活困窮の窓口へ" in page and "担当: coord" in page
    assert reverse("consultations:referral-detail", args=[referral.pk]) in page
    # Showing the name was a read, audited with the notices list's summary.
    assert AuditEntry.objects.filter(
        user=personas.caseworker_a, summary__startswith="お知らせの一覧を表示", records__referral=[referral.pk]
    ).exists()


def test_an_accepted_referral_names_who_accepted(personas):
    referral = referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a))
    referral_accept(user=personas.coordinator, referral=referral)
    [notice] = Notice.objects.filter(user=personas.caseworker_a, event=Event.REFERRAL_ACCEPTED)
    assert notice.actor == personas.coordinator and "受理" in notice.summary


def test_a_notice_whose_record_is_out_of_reach_shows_neither_name_nor_link(client, personas):
    person = person_of_centre_a(personas.caseworker_a)
    consent = consent_for_anshin(personas.caseworker_a, person)
    referral = referral_to_anshin(personas.caseworker_a, person, consent=consent)
    assert "花子" in listing(client, personas.coordinator)
    consent_withdraw(user=personas.caseworker_a, consent=consent, withdrawn_on=timezone.localdate())
    page = listing(client, personas.coordinator)
    assert "閲覧できなくなった記録" in page
    assert "花子" not in page
    assert reverse("consultations:referral-detail", args=[referral.pk]) not in page


def test_mark_read_is_a_post_of_the_readers_own_notices(client, personas):
    referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a))
    mine = Notice.objects.get(user=personas.coordinator)
    theirs = Notice.objects.get(user=personas.supervisor)
    client.force_login(personas.coordinator)
    assert client.get(reverse("notifications:mark-read"), {"notice": mine.pk}).status_code == 405
    client.post(reverse("notifications:mark-read"), {"notice": theirs.pk})
    assert Notice.objects.get(pk=theirs.pk).read_at is None  # another user's id changes nothing
    client.post(reverse("notifications:mark-read"), {"notice": mine.pk})
    assert Notice.objects.get(pk=mine.pk).read_at is not None
    assert "既読" in listing(client, personas.coordinator)
    assert client.get(reverse("notifications:list"), {"unread": "1"}).content.decode().count("data-notice=") == 0


def test_mark_read_needs_the_csrf_token(personas):
    from django.test import Client

    referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.coordinator)
    assert strict.post(reverse("notifications:mark-read"), {"all": "1"}).status_code == 403
    assert Notice.objects.filter(user=personas.coordinator, read_at__isnull=True).count() == 1


def header_queries(client, user) -> tuple[str, int]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("plans:plan-detail")).content.decode()
    return page, sum(1 for q in queries if "notifications_notice" in q["sql"])


def test_the_header_counts_unread_notices_with_one_query(client, personas):
    page, queries = header_queries(client, personas.coordinator)
    assert queries == 1 and 'id="notices-unread"' not in page
    for i in range(12):
        notify(user_ids=[personas.coordinator.pk], municipality_id=personas.town.pk, event=Event.REFERRAL_OVERDUE,
               summary="つなぎの回答期限を過ぎています", key=f"test:{i}")  # fmt: skip
    page, queries = header_queries(client, personas.coordinator)
    assert queries == 1
    assert '<span class="badge" id="notices-unread">12</span>' in page


def test_the_list_reads_each_kind_once_however_many_notices(client, personas):
    referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a, 0))
    client.force_login(personas.coordinator)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    for i in range(1, 8):
        referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a, i))
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("notifications:list")).content.decode()
    assert page.count("data-notice=") == 8
    assert len(many) == len(few)


def test_the_optional_mail_says_only_that_there_is_something_new(
    personas, settings, django_capture_on_commit_callbacks
):
    personas.coordinator.email = "coord@example.jp"
    personas.coordinator.save(update_fields=["email"])
    assert settings.TSUNAGU_NOTICE_MAIL is False  # off by default
    with django_capture_on_commit_callbacks(execute=True):
        referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a))
    assert mail.outbox == []
    settings.TSUNAGU_NOTICE_MAIL = True
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a, 1))
    [message] = mail.outbox
    assert message.to == ["coord@example.jp"]
    text = f"{message.subject}\n{message.body}"
    assert "新しいお知らせ" in text and reverse("notifications:list") in text
    person = referral.person
    assert person is not None
    for personal in [person.family_name, person.given_name, person.full_name, person.given_name_kana,
                     "地域包括支援センター", "福祉あんしん課", referral.reason, f"/{referral.pk}/"]:  # fmt: skip
        assert personal not in text


def test_a_stranger_sees_none_of_the_towns_notices(client, personas):
    referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a))
    assert "data-notice=" not in listing(client, personas.stranger)
