"""会議資料 (issue 13, item 2) from each persona's side: an agenda item's file goes to those who may read the
item's minutes — a 支援会議's members once they acknowledged secrecy, while the follow-up lasts, and the
convener's coordinator — where they hold a basis on the person; everyone else gets 404. Each download is
audited with its basis and the meeting; bad input saves nothing; a removal is recorded and keeps the file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.meetings import services
from tsunagu.meetings.attachments import services as attachments
from tsunagu.meetings.models import Attachment
from tsunagu.meetings.tests.factories import acknowledge, attach, hold, kotoura_type, png_upload, put_on_agenda
from tsunagu.meetings.tests.test_prints import pdf_text
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def download(attachment) -> str:
    return reverse("meetings:attachment-download", args=[attachment.pk])


@pytest.fixture
def support_meeting(personas):
    """A 支援会議 chaired by the supervisor of 福祉あんしん課 (the convener), caseworkers A and B its members; A
    (acknowledged) puts a person of 地域包括 with no consent on the agenda and attaches an assessment sheet
    to the item; the chair attaches the day's handout to the meeting."""
    chair, a = personas.supervisor, personas.caseworker_a
    person = register(a)
    meeting = hold(chair, kotoura_type(personas.town, "shien-kaigi"), members=(a, personas.caseworker_b))
    acknowledge(chair, meeting)
    acknowledge(a, meeting)
    item = put_on_agenda(a, meeting, person, topic="長男の長期ひきこもり")
    sheet = attach(a, meeting, title="アセスメントシート（地域包括）", item=item)
    handout = attach(chair, meeting, title="当日配布資料")
    return meeting, item, person, sheet, handout


def test_the_file_is_stored_under_a_random_name_with_who_and_when(personas, support_meeting):
    _meeting, item, _person, sheet, _handout = support_meeting
    assert sheet.agenda_item == item and sheet.uploaded_by == personas.caseworker_a
    assert sheet.organization.name == "琴浦町地域包括支援センター" and sheet.uploaded_at is not None
    assert sheet.file_type == "png" and sheet.size > 0
    assert "アセスメント" not in sheet.file.name and sheet.file.name.startswith("meetings/")
    assert len(sheet.file.name.rsplit("/", 1)[1]) == 32 + len(".png")
    created = AuditEntry.objects.get(action=Action.CREATE, model="meetings.attachment", object_id=str(sheet.pk))
    assert created.person_id == item.person_id


def test_a_member_downloads_only_after_acknowledging_and_the_read_is_audited(client, personas, support_meeting):
    meeting, item, person, sheet, handout = support_meeting
    client.force_login(personas.caseworker_b)
    # Not acknowledged yet: neither file, nor its title on the meeting page.
    assert client.get(download(sheet)).status_code == 404
    assert client.get(download(handout)).status_code == 404
    assert "当日配布資料" not in client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert not AuditEntry.objects.filter(user=personas.caseworker_b, model="meetings.attachment").exists()

    client.post(reverse("meetings:meeting-acknowledge", args=[meeting.pk]))
    assert "当日配布資料" in client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    page = client.get(reverse("meetings:agenda-item-detail", args=[item.pk])).content.decode()
    assert "アセスメントシート（地域包括）" in page and download(sheet) in page
    response = client.get(download(sheet))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert f'filename="meeting-attachment-{sheet.pk}.png"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    grant = AccessGrant.objects.active().get(person=person, organization__name="相談支援センターサポートりんくす")
    entry = AuditEntry.objects.get(user=personas.caseworker_b, action=Action.READ, model="meetings.attachment")
    assert entry.object_id == str(sheet.pk) and entry.person_id == person.pk
    assert entry.basis == Basis.ART106_6 and entry.basis_source == f"meeting:{meeting.pk} grant:{grant.pk}"
    assert entry.records == {"meeting": [meeting.pk], "agenda_item": [item.pk]}
    assert client.get(download(handout)).status_code == 200
    handout_read = AuditEntry.objects.filter(user=personas.caseworker_b, model="meetings.attachment").latest("id")
    assert handout_read.basis == Basis.ART106_6 and handout_read.basis_source == f"meeting:{meeting.pk}"


def test_non_members_and_strangers_get_404_and_no_entry(client, personas, support_meeting):
    _meeting, _item, _person, sheet, handout = support_meeting
    # colleague_a: her organisation holds the person, but she is not a member; the others read no case.
    for persona in (personas.colleague_a, personas.administrator, personas.auditor, personas.stranger):
        client.force_login(persona)
        for row in (sheet, handout):
            assert client.get(download(row)).status_code == 404, (persona, row)
            assert client.post(reverse("meetings:attachment-remove", args=[row.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action=Action.READ, model="meetings.attachment").exists()
    assert Attachment.objects.filter(removed_at__isnull=True).count() == 2


def test_the_coordinator_downloads_without_being_a_member(client, personas, support_meeting):
    meeting, _item, person, sheet, handout = support_meeting
    assert not meeting.members.filter(user=personas.coordinator).exists()
    client.force_login(personas.coordinator)
    assert client.get(download(sheet)).status_code == 200
    assert client.get(download(handout)).status_code == 200
    entry = AuditEntry.objects.filter(user=personas.coordinator, model="meetings.attachment",
                                      object_id=str(sheet.pk)).get()  # fmt: skip
    assert entry.basis == Basis.ART106_6 and entry.basis_source.startswith(f"meeting:{meeting.pk} grant:")
    assert entry.organization is not None and entry.organization.name == "福祉あんしん課"
    assert entry.person_id == person.pk
    # The API lists the meeting's 資料 to them as the page serves them (it answered 404 before).
    from tsunagu.api.tests.test_people_api import auth, token_for

    listed = client.get(reverse("api:meeting-attachments", args=[meeting.pk]), **auth(token_for(personas.coordinator)))
    assert listed.status_code == 200 and [a["title"] for a in listed.json()] == ["当日配布資料"]
    stranger = client.get(reverse("api:meeting-attachments", args=[meeting.pk]), **auth(token_for(personas.stranger)))
    assert stranger.status_code == 404


def test_after_the_follow_up_closes_the_member_gets_404(client, personas, support_meeting):
    meeting, _item, _person, sheet, handout = support_meeting
    client.force_login(personas.caseworker_a)
    assert client.get(download(sheet)).status_code == 200
    services.meeting_close(user=personas.supervisor, meeting=meeting)
    assert client.get(download(sheet)).status_code == 404
    assert client.get(download(handout)).status_code == 404
    # The coordinator keeps the meeting's own file; the item's is about a person no grant lets them see now.
    client.force_login(personas.coordinator)
    assert client.get(download(handout)).status_code == 200
    assert client.get(download(sheet)).status_code == 404


@pytest.mark.parametrize(
    ("title", "upload", "message"),
    [
        ("", "png", "資料名を入力してください。"),
        ("資料", None, "ファイルを選んでください。"),
        ("資料", "html", "PDF・JPEG・PNG・TIFF の画像のみ添付できます"),
        ("資料", "docx", "ZIP（Word・Excel の文書を含む）"),
        ("資料", "big", "資料のファイルは"),
    ],
)
def test_bad_input_is_refused_in_japanese_and_saves_nothing(client, personas, support_meeting, settings, title,
                                                            upload, message):  # fmt: skip
    meeting, item, _person, _sheet, _handout = support_meeting
    settings.TSUNAGU_SCAN_MAX_BYTES = 200
    files = {
        "png": lambda: png_upload("a.png"),
        "html": lambda: SimpleUploadedFile("a.pdf", b"<html><script>alert(1)</script></html>"),
        "docx": lambda: SimpleUploadedFile("a.docx", b"PK\x03\x04" + b"\x00" * 60),
        "big": lambda: SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 400 + b"\n%%EOF"),
    }
    data = {"title": title}
    if upload:
        data["file"] = files[upload]()
    if upload == "png":
        settings.TSUNAGU_SCAN_MAX_BYTES = 10 * 1024 * 1024
    before = Attachment.objects.count()
    client.force_login(personas.caseworker_a)
    for url in (reverse("meetings:item-attachment-add", args=[item.pk]),
                reverse("meetings:meeting-attachment-add", args=[meeting.pk])):  # fmt: skip
        if upload:
            data["file"] = files[upload]()
        response = client.post(url, data)
        assert response.status_code == 400 and message in response.content.decode(), url
    assert Attachment.objects.count() == before


def test_a_member_attaches_on_the_pages_and_removal_is_recorded(client, personas, support_meeting):
    meeting, item, _person, sheet, _handout = support_meeting
    client.force_login(personas.caseworker_a)
    response = client.post(reverse("meetings:item-attachment-add", args=[item.pk]),
                           {"title": "経過記録", "file": png_upload("山田太郎さん.png")})  # fmt: skip
    assert response.status_code == 302
    added = Attachment.objects.get(title="経過記録")
    assert added.agenda_item == item and "山田" not in added.file.name
    # B may not take off A's file; the chair and A may.
    client.force_login(personas.caseworker_b)
    client.post(reverse("meetings:meeting-acknowledge", args=[meeting.pk]))
    client.post(reverse("meetings:attachment-remove", args=[added.pk]))
    added.refresh_from_db()
    assert added.removed_at is None
    client.force_login(personas.caseworker_a)
    assert client.post(reverse("meetings:attachment-remove", args=[added.pk])).status_code == 302
    added.refresh_from_db()
    assert added.removed_at is not None and added.removed_by == personas.caseworker_a
    assert added.file.storage.exists(added.file.name)  # kept, never lost silently
    assert client.get(download(added)).status_code == 404
    page = client.get(reverse("meetings:agenda-item-detail", args=[item.pk])).content.decode()
    assert f'data-removed-attachment="{added.pk}"' in page and "取り下げ: 経過記録" in page
    assert f'data-attachment="{added.pk}"' not in page and f'data-attachment="{sheet.pk}"' in page
    assert AuditEntry.objects.filter(action=Action.UPDATE, model="meetings.attachment", object_id=str(added.pk),
                                     user=personas.caseworker_a).exists()  # fmt: skip


def test_the_minutes_print_lists_the_titles(client, personas, support_meeting):
    meeting, _item, _person, _sheet, _handout = support_meeting
    attach(personas.caseworker_a, meeting, title="取り下げる資料")
    attachments.attachment_remove(user=personas.caseworker_a, attachment=Attachment.objects.get(title="取り下げる資料"))
    client.force_login(personas.caseworker_a)
    text = pdf_text(client.get(reverse("meetings:meeting-minutes-print", args=[meeting.pk])).content)
    assert "配布資料" in text and "当日配布資料" in text and "アセスメントシート（地域包括）" in text
    assert "取り下げる資料" not in text


def test_an_unacknowledged_member_cannot_attach(client, personas, support_meeting):
    meeting, _item, _person, _sheet, _handout = support_meeting
    client.force_login(personas.caseworker_b)
    response = client.post(reverse("meetings:meeting-attachment-add", args=[meeting.pk]),
                           {"title": "資料", "file": png_upload()})  # fmt: skip
    assert response.status_code == 400 and "守秘義務を確認してから資料を添付してください。" in response.content.decode()
    assert not Attachment.objects.filter(uploaded_by=personas.caseworker_b).exists()


def test_a_protected_persons_files_are_not_served_to_a_member_kept_from_the_location(client, personas):
    """DV: a file cannot be redacted, so a member from whom the person's location is kept gets 404 for the
    item's files (the title stays listed, the meeting's own handout is served); the protecting agency reads."""
    chair, a, b = personas.supervisor, personas.caseworker_a, personas.caseworker_b
    person = register(a, given_name="美和", address="琴浦町大字八橋1番地", address_protected=True, care_notes="DV")
    meeting = hold(chair, kotoura_type(personas.town, "shien-kaigi"), members=(a, b))
    for member in (chair, a, b):
        acknowledge(member, meeting)
    item = put_on_agenda(a, meeting, person, topic="避難後の生活")
    sheet = attach(a, meeting, title="アセスメントシート", item=item)
    handout = attach(chair, meeting, title="当日配布資料")
    client.force_login(b)
    assert "アセスメントシート" in client.get(reverse("meetings:agenda-item-detail", args=[item.pk])).content.decode()
    assert client.get(download(sheet)).status_code == 404
    assert client.get(download(handout)).status_code == 200
    assert not AuditEntry.objects.filter(user=b, model="meetings.attachment", object_id=str(sheet.pk)).exists()
    client.force_login(a)
    assert client.get(download(sheet)).status_code == 200
