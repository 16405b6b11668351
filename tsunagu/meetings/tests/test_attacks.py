"""Attacks on a meeting's 資料 and the API's writes (review of 2026-12-04): each is kept as a test, the ones
that found a hole (a version 0 If-Match) and the ones the system held — another meeting's item through a
member's URLs, a removed item's file, another town's token, an unacknowledged chair's minutes, HTML in a
title, a path in an upload's name, a PNG header before HTML, an SVG."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tsunagu.api.tests.test_people_api import auth, token_for
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.meetings.models import AgendaItem, Attachment
from tsunagu.meetings.tests.factories import acknowledge, attach, hold, kotoura_type, png_upload, put_on_agenda
from tsunagu.meetings.tests.test_prints import pdf_text
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_meeting(personas):
    """A 支援会議 chaired by the coordinator, A (acknowledged) and B members; A's person on the agenda with an
    assessment sheet attached to the item."""
    person = register(personas.caseworker_a)
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "shien-kaigi"),
                   members=(personas.caseworker_a, personas.caseworker_b))  # fmt: skip
    acknowledge(personas.coordinator, meeting)
    acknowledge(personas.caseworker_a, meeting)
    item = put_on_agenda(personas.caseworker_a, meeting, person)
    sheet = attach(personas.caseworker_a, meeting, title="アセスメントシート", item=item)
    return meeting, item, person, sheet


def put_minutes(client, item, text: str, etag: str | None, **headers):
    if etag is not None:
        headers["HTTP_IF_MATCH"] = etag
    return client.put(reverse("api:agenda-item-minutes", args=[item.pk]), data=json.dumps({"minutes": text}),
                      content_type="application/json", **headers)  # fmt: skip


def test_an_if_match_of_version_zero_is_stale_and_overwrites_nothing(client, personas, support_meeting):
    """Finding: ``"0"`` was read as "no version given" and the write went through over another's change."""
    _meeting, item, _person, _sheet = support_meeting
    client.force_login(personas.coordinator)
    assert put_minutes(client, item, "一人目の記録", '"1"').status_code == 200
    blind = put_minutes(client, item, "読まずに上書き", '"0"')
    assert blind.status_code == 409 and blind.json()["error"]["current_version"] == 2
    item.refresh_from_db()
    assert (item.minutes, item.version) == ("一人目の記録", 2)


def test_an_unacknowledged_chair_neither_reads_nor_writes_the_minutes(client, personas):
    person = register(personas.caseworker_a)
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "shien-kaigi"), members=(personas.caseworker_a,))
    acknowledge(personas.caseworker_a, meeting)
    item = put_on_agenda(personas.caseworker_a, meeting, person)
    client.force_login(personas.coordinator)  # the chair, who has not acknowledged
    assert client.get(reverse("api:agenda-item-minutes", args=[item.pk])).status_code == 404
    assert put_minutes(client, item, "議事録", '"1"').status_code == 404
    item.refresh_from_db()
    assert (item.minutes, item.version) == ("", 1)


def test_another_meetings_item_is_not_reached_through_a_members_urls(client, personas, support_meeting):
    """B is an acknowledged member of meeting Y only; item X is on meeting Z: attaching to X, listing X's 資料
    and opening X's file are 404, and nothing is written."""
    _z, item_x, _person, sheet_x = support_meeting
    meeting_y = hold(personas.coordinator, kotoura_type(personas.town, "shien-kaigi"), members=(personas.caseworker_b,))
    acknowledge(personas.caseworker_b, meeting_y)
    acknowledge(personas.coordinator, meeting_y)
    attach(personas.coordinator, meeting_y, title="Yの配布資料")
    client.force_login(personas.caseworker_b)
    assert client.get(reverse("api:meeting-attachments", args=[meeting_y.pk])).status_code == 200
    before = Attachment.objects.count()
    added = client.post(reverse("meetings:item-attachment-add", args=[item_x.pk]),
                        {"title": "紛れ込ませる資料", "file": png_upload()})  # fmt: skip
    assert added.status_code == 404 and Attachment.objects.count() == before
    assert client.get(reverse("api:agenda-item-attachments", args=[item_x.pk])).status_code == 404
    assert client.get(reverse("meetings:attachment-download", args=[sheet_x.pk])).status_code == 404
    assert not AuditEntry.objects.filter(user=personas.caseworker_b, action=Action.READ,
                                         model="meetings.attachment").exists()  # fmt: skip


def test_a_removed_items_file_is_served_to_nobody(client, personas, support_meeting):
    _meeting, item, _person, sheet = support_meeting
    AgendaItem.objects.filter(pk=item.pk).update(removed_at=timezone.now())
    for persona in (personas.caseworker_a, personas.coordinator):
        client.force_login(persona)
        assert client.get(reverse("meetings:attachment-download", args=[sheet.pk])).status_code == 404
        assert client.post(reverse("meetings:attachment-remove", args=[sheet.pk])).status_code == 404
    assert Attachment.objects.get(pk=sheet.pk).removed_at is None


def test_another_towns_token_reaches_no_list_and_no_write(client, personas, support_meeting):
    meeting, item, _person, _sheet = support_meeting
    stranger = auth(token_for(personas.stranger))
    assert client.get(reverse("api:meeting-attachments", args=[meeting.pk]), **stranger).status_code == 404
    assert client.get(reverse("api:agenda-item-attachments", args=[item.pk]), **stranger).status_code == 404
    assert put_minutes(client, item, "他の町から", '"1"', **stranger).status_code == 404
    assert client.post(reverse("api:meeting-close", args=[meeting.pk]), **stranger).status_code == 404
    members = client.post(reverse("api:meeting-members", args=[meeting.pk]),
                          {"user": personas.stranger.pk, "organization": 1}, content_type="application/json",
                          **stranger)  # fmt: skip
    assert members.status_code == 404
    # The same lists with the holder's own token: there.
    own = auth(token_for(personas.caseworker_a))
    assert client.get(reverse("api:agenda-item-attachments", args=[item.pk]), **own).status_code == 200


def test_html_in_a_title_is_text_on_the_page_in_the_api_and_in_the_print(client, personas, support_meeting):
    meeting, item, _person, _sheet = support_meeting
    title = '<script>alert("x")</script><b>太字</b>'
    attach(personas.caseworker_a, meeting, title=title, item=item)
    client.force_login(personas.caseworker_a)
    page = client.get(reverse("meetings:agenda-item-detail", args=[item.pk])).content.decode()
    assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page
    listed = client.get(reverse("api:agenda-item-attachments", args=[item.pk])).json()
    assert title in [row["title"] for row in listed]
    printed = client.get(reverse("meetings:meeting-minutes-print", args=[meeting.pk]))
    assert printed.status_code == 200 and "<b>太字</b>" in pdf_text(printed.content)


def test_a_path_in_the_uploaded_name_is_not_kept(personas, support_meeting, settings):
    meeting, item, _person, _sheet = support_meeting
    row = attach(personas.caseworker_a, meeting, title="経過", item=item,
                 upload=png_upload("../../../../etc/cron.d/山田太郎.png"))  # fmt: skip
    assert row.file.name.startswith("meetings/") and ".." not in row.file.name and "山田" not in row.file.name
    assert row.file.storage.path(row.file.name).startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"),  # a PNG header, then a page
        ("a.pdf", b"%PDF-1.4\n<html><body onload=alert(1)>\n%%EOF"),  # a PDF header, then a page
        ("a.png", b"%PDF-1.4\n%%EOF"),  # a name that says PNG over a PDF
    ],
)
def test_a_known_header_does_not_carry_a_page_or_a_false_name_in(client, personas, support_meeting, name, content):
    """A polyglot (an accepted header, then HTML) or a name that disagrees with the content: refused at
    upload with the reason, nothing saved — it is never stored to be served."""
    _meeting, item, _person, _sheet = support_meeting
    client.force_login(personas.caseworker_a)
    before = Attachment.objects.count()
    response = client.post(reverse("meetings:item-attachment-add", args=[item.pk]),
                           {"title": "多言語ファイル", "file": SimpleUploadedFile(name, content,
                                                                              content_type="image/png")})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400 and ("埋め込まれている" in body or "拡張子を内容に合わせて" in body)
    assert Attachment.objects.count() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("a.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("a.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ],
)
def test_svg_and_html_are_refused_whatever_the_name(client, personas, support_meeting, name, content):
    _meeting, item, _person, _sheet = support_meeting
    client.force_login(personas.caseworker_a)
    before = Attachment.objects.count()
    response = client.post(reverse("meetings:item-attachment-add", args=[item.pk]),
                           {"title": "画像", "file": SimpleUploadedFile(name, content, content_type="image/png")})  # fmt: skip
    assert response.status_code == 400 and "PDF・JPEG・PNG・TIFF" in response.content.decode()
    assert Attachment.objects.count() == before


def test_a_consent_meeting_member_the_consent_does_not_cover_gets_no_file_and_no_list(client, personas):
    """The file follows the basis on the person, not the seat: a member sitting for an organisation the
    person's consent does not reach (put there behind the service's back) reads neither the item nor its file."""
    from tsunagu.collaboration.tests.factories import consent_for
    from tsunagu.core.models import Organization
    from tsunagu.meetings.models import MeetingMember

    a, b = personas.caseworker_a, personas.caseworker_b
    orgs = {o.name: o for o in Organization.objects.filter(municipality=personas.town)}
    person = register(a)
    consent_for(a, person, orgs["福祉あんしん課"])
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi"), members=(a,))
    item = put_on_agenda(a, meeting, person)
    sheet = attach(a, meeting, title="本人同意の範囲の資料", item=item)
    MeetingMember.objects.create(municipality=personas.town, meeting=meeting, user=b,
                                 organization=orgs["相談支援センターサポートりんくす"], added_by=personas.coordinator)  # fmt: skip
    client.force_login(b)
    assert client.get(reverse("meetings:attachment-download", args=[sheet.pk])).status_code == 404
    assert client.get(reverse("api:agenda-item-attachments", args=[item.pk])).status_code == 404
    assert (
        "本人同意の範囲の資料" not in client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    )
    client.force_login(a)
    assert client.get(reverse("meetings:attachment-download", args=[sheet.pk])).status_code == 200


def test_after_the_follow_up_closes_the_coordinators_print_names_no_title_of_an_item_it_does_not_print(
    client, personas, support_meeting
):
    from tsunagu.meetings import services

    meeting, _item, _person, _sheet = support_meeting
    attach(personas.coordinator, meeting, title="当日配布資料")
    services.meeting_close(user=personas.coordinator, meeting=meeting)
    client.force_login(personas.coordinator)
    text = pdf_text(client.get(reverse("meetings:meeting-minutes-print", args=[meeting.pk])).content)
    assert "当日配布資料" in text and "アセスメントシート" not in text


def test_a_member_who_is_not_the_chair_learns_nothing_of_who_works_where(client, personas, support_meeting):
    """Finding: the API looked the staff member up before the chair's check, so a member's refusal said
    whether that user did casework at that organisation. Now both answers are the chair's refusal."""
    from tsunagu.core.models import Organization
    from tsunagu.meetings.models import MeetingMember

    meeting, _item, _person, _sheet = support_meeting
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    client.force_login(personas.caseworker_a)
    answers = []
    for user in (personas.supervisor, personas.caseworker_b, personas.stranger):  # works there; elsewhere; no
        response = client.post(reverse("api:meeting-members", args=[meeting.pk]),
                               {"user": user.pk, "organization": anshin.pk}, content_type="application/json")  # fmt: skip
        answers.append((response.status_code, response.json()["error"]["message"]))
    assert answers == [(400, "この操作は会議の議長だけが行えます。")] * 3
    assert not MeetingMember.objects.filter(meeting=meeting, user=personas.supervisor).exists()
