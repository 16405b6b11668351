"""Scanned consent forms (review finding 8): attached by content through the page and the service, stored
under a random name readable by the service only, and shown by access:consent-document to the staff of the
agencies that took or are named in the consent — audited — and to nobody else (404), never by a media URL."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from tsunagu.access.models import Basis, Consent, ConsentMethod
from tsunagu.access.services import AccessError, ConsentInput, consent_record, consent_withdraw
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Organization
from tsunagu.core.tests import scan_samples as samples
from tsunagu.people.tests.helpers import register
from tsunagu.records.tests.matrix import PERSONAS

pytestmark = pytest.mark.django_db

RINKUSU = "相談支援センターサポートりんくす"  # caseworker B's agency


def _post_consent(client, person, document, **fields):
    data = {"organizations": [Organization.objects.get(name=RINKUSU).pk], "purpose": "支援のための情報共有",
            "method": "written", "given_on": "R7.6.1", "given_by": "self", "document": document} | fields  # fmt: skip
    return client.post(reverse("access:consent-create", args=[person.pk]), data)


def _consent_with_scan(user, person, content: bytes, name: str, *organizations: str) -> Consent:
    return consent_record(
        user=user, person=person,
        data=ConsentInput(purpose="支援のための情報共有", method=ConsentMethod.WRITTEN, given_on=date(2025, 6, 1),
                          organizations=list(Organization.objects.filter(name__in=organizations or [RINKUSU])),
                          document=samples.upload(name, content)),
    )  # fmt: skip


def _files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


ATTACKS = [
    ("同意書.pdf", samples.HTML, "PDF・JPEG・PNG・TIFF の画像のみ添付できます（同意書.pdf はHTML形式です）。"),
    (
        "写真.jpg",
        samples.WINDOWS_PROGRAM,
        "PDF・JPEG・PNG・TIFF の画像のみ添付できます（写真.jpg はWindows の実行ファイル形式です）。",
    ),
    ("写真.jpg", samples.LINUX_PROGRAM, "Linux の実行ファイル形式です"),
    ("同意書.svg", samples.SVG, "SVG形式です"),
    ("同意書.jpg", samples.png(), "同意書.jpg の内容はPNG形式ですが、拡張子は .jpg です"),
    ("同意書.jpg", samples.jpeg() + samples.HTML, "HTML やプログラムが埋め込まれている"),
]


@pytest.mark.parametrize(("name", "content", "message"), ATTACKS, ids=[f"{i}" for i in range(len(ATTACKS))])
def test_the_consent_page_refuses_a_disguised_file_and_saves_nothing(
    client, personas, settings, name, content, message
):
    settings.MEDIA_ROOT = settings.MEDIA_ROOT / f"attack-{name}"
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    response = _post_consent(client, person, samples.upload(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Consent.objects.filter(person=person).exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not _files(settings.MEDIA_ROOT)


def test_an_oversized_scan_is_refused_with_the_limit_and_its_size(client, personas, settings):
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    big = samples.pdf() + b"\n" * (10 * 1024 * 1024)
    response = _post_consent(client, person, samples.upload("同意書.pdf", big))
    assert "同意書のファイルは10MBまでです（同意書.pdf は10.1MBです）" in response.content.decode()
    assert not Consent.objects.filter(person=person).exists()


def test_an_empty_file_is_refused(client, personas):
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    response = _post_consent(client, person, samples.upload("同意書.pdf", b""))
    assert "空" in response.content.decode()
    assert not Consent.objects.filter(person=person).exists()


def test_the_service_refuses_a_disguised_file_whoever_calls_it(personas):
    person = register(personas.caseworker_a)
    with pytest.raises(AccessError) as refused:
        _consent_with_scan(personas.caseworker_a, person, samples.WINDOWS_PROGRAM, "scan.jpg")
    assert refused.value.messages == [
        "PDF・JPEG・PNG・TIFF の画像のみ添付できます（scan.jpg はWindows の実行ファイル形式です）。"
    ]
    assert not Consent.objects.filter(person=person).exists()


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [("山田花子_同意書.pdf", samples.pdf(), ".pdf"), ("IMG_0001.JPEG", samples.jpeg(), ".jpg"),
     ("scan.png", samples.png(), ".png"), ("scan.tiff", samples.tiff(), ".tif")],
)  # fmt: skip
def test_a_scan_is_stored_under_a_random_name_readable_by_the_service_only(
    client, personas, settings, tmp_path, name, content, extension
):
    settings.MEDIA_ROOT = tmp_path / "fresh" / "media"  # created by the upload itself
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    response = _post_consent(client, person, samples.upload(name, content))
    assert response.status_code == 302, response.content.decode()
    consent = Consent.objects.get(person=person)
    stored = Path(consent.document.path)
    assert stored.suffix == extension
    assert Path(name).stem not in consent.document.name  # nothing of the uploaded name is kept
    assert len(stored.stem) == 32
    assert stored.read_bytes() == content
    assert _mode(stored) == 0o600
    # Every directory the upload created: consents/<year>/ and the media root itself.
    for directory in (stored.parent, stored.parent.parent, Path(settings.MEDIA_ROOT)):
        assert _mode(directory) == 0o700, directory


# --- The page that shows a scan ---------------------------------------------------------------------


@pytest.fixture
def scanned(personas):
    """A PDF consent form taken by caseworker A's centre, naming caseworker B's agency."""
    person = register(personas.caseworker_a)
    return _consent_with_scan(personas.caseworker_a, person, samples.pdf(), "同意書.pdf")


READERS = {"caseworker_a": Basis.OWN_RECORD, "colleague_a": Basis.OWN_RECORD, "caseworker_b": Basis.CONSENT}


def _reads_of(consent: Consent) -> list[AuditEntry]:
    reads = AuditEntry.objects.filter(action=Action.READ, model="access.consent", object_id=str(consent.pk))
    return list(reads.order_by("id"))


def test_every_persona_reads_the_scan_only_when_their_agency_took_it_or_is_named(client, personas, scanned, capsys):
    url = reverse("access:consent-document", args=[scanned.pk])
    outcomes = {}
    for name in PERSONAS:
        client.force_login(getattr(personas, name))
        before = len(_reads_of(scanned))
        response = client.get(url)
        outcomes[name] = response.status_code
        reads = _reads_of(scanned)[before:]
        if name in READERS:
            assert response.status_code == 200, name
            assert b"".join(response.streaming_content) == samples.pdf()  # read to the end, it closes the file
            [read] = reads
            assert (read.user_id, read.person_id, read.basis) == (getattr(personas, name).pk, scanned.person_id,
                                                                  READERS[name])  # fmt: skip
            assert read.basis_source and read.organization_id
        else:
            assert response.status_code == 404, name
            assert not reads, name
    with capsys.disabled():
        print(f"\nconsent scan page: {sum(s == 200 for s in outcomes.values())} of {len(PERSONAS)} personas read it")
    assert {n for n, s in outcomes.items() if s == 200} == set(READERS)


def test_the_scan_is_served_inert_and_never_cached(client, personas, scanned):
    client.force_login(personas.caseworker_a)
    response = client.get(reverse("access:consent-document", args=[scanned.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="consent-{scanned.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script-src" not in policy
    assert b"".join(response.streaming_content)  # read to the end: the test client then closes it


@pytest.mark.parametrize(("name", "content", "content_type"), [("s.jpg", samples.jpeg(), "image/jpeg"),
                         ("s.png", samples.png(), "image/png"), ("s.tif", samples.tiff(), "image/tiff")])  # fmt: skip
def test_an_image_scan_is_served_in_a_sandbox(client, personas, name, content, content_type):
    consent = _consent_with_scan(personas.caseworker_a, register(personas.caseworker_a), content, name)
    client.force_login(personas.caseworker_a)
    response = client.get(reverse("access:consent-document", args=[consent.pk]))
    assert response["Content-Type"] == content_type
    assert response["Content-Security-Policy"].endswith("; sandbox")
    assert b"".join(response.streaming_content) == content


def test_the_stored_file_is_never_served_by_a_media_or_static_url(client, personas, scanned):
    client.force_login(personas.caseworker_a)
    name = scanned.document.name
    for url in (scanned.document.url, f"/media/{name}", f"/{name}", f"/static/{name}", f"/static/../media/{name}"):
        assert client.get(url).status_code == 404, url
    assert not any(p.pattern.describe().startswith(("'media", "'^media")) for p in _root_patterns())


def _root_patterns():
    from django.urls import get_resolver

    return get_resolver().url_patterns


def test_a_consent_without_a_scan_has_no_scan_page(client, personas):
    person = register(personas.caseworker_a)
    consent = consent_record(
        user=personas.caseworker_a, person=person,
        data=ConsentInput(purpose="共有", method=ConsentMethod.ORAL, given_on=date(2025, 6, 1),
                          organizations=list(Organization.objects.filter(name=RINKUSU))),
    )  # fmt: skip
    client.force_login(personas.caseworker_a)
    assert client.get(reverse("access:consent-document", args=[consent.pk])).status_code == 404


def test_after_withdrawal_the_form_stays_with_the_agency_that_took_it(client, personas, scanned):
    consent_withdraw(user=personas.caseworker_a, consent=scanned, withdrawn_on=date(2025, 7, 1))
    url = reverse("access:consent-document", args=[scanned.pk])
    client.force_login(personas.caseworker_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # read to the end: the test client then closes it
    client.force_login(personas.caseworker_b)
    assert client.get(url).status_code == 404


def test_a_named_agency_that_may_not_see_a_protected_address_does_not_see_the_form(client, personas):
    # A signed form usually carries the address: it goes where the location goes.
    person = register(personas.caseworker_a, address_protected=True, care_notes="配偶者からの暴力のため避難中")
    consent = _consent_with_scan(personas.caseworker_a, person, samples.png(), "同意書.png")
    url = reverse("access:consent-document", args=[consent.pk])
    client.force_login(personas.caseworker_b)
    assert client.get(reverse("people:person-detail", args=[person.pk])).status_code == 200  # reads the person
    assert client.get(url).status_code == 404
    client.force_login(personas.caseworker_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # read to the end: the test client then closes it


def test_the_persons_page_links_the_scan_for_those_who_may_open_it(client, personas, scanned):
    page = reverse("people:person-detail", args=[scanned.person_id])
    link = reverse("access:consent-document", args=[scanned.pk])
    client.force_login(personas.caseworker_b)
    assert link in client.get(page).content.decode()
    # Another agency that reads the person through its own consent, not named in this one, gets no link.
    _consent_with_scan(personas.caseworker_a, scanned.person, samples.pdf(), "b.pdf", "福祉あんしん課")
    client.force_login(personas.coordinator)
    content = client.get(page).content.decode()
    assert link not in content
    assert client.get(link).status_code == 404


def test_a_file_stored_before_uploads_were_checked_is_not_served(client, personas, scanned):
    # As an upload of the old extension-only check left it: HTML under a .pdf name.
    Path(scanned.document.path).write_bytes(samples.HTML)
    client.force_login(personas.caseworker_a)
    assert client.get(reverse("access:consent-document", args=[scanned.pk])).status_code == 404
    assert not _reads_of(scanned)


def test_the_upload_form_says_what_may_be_attached(client, personas):
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    content = client.get(reverse("access:consent-create", args=[person.pk])).content.decode()
    assert "PDF・JPEG・PNG・TIFF、10MBまで。" in content


def test_an_oversized_upload_is_dropped_as_it_arrives_and_still_named_with_its_size(client, personas, settings):
    settings.TSUNAGU_SCAN_MAX_BYTES = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1  # spooled to a temporary file, as a large scan would be
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    response = _post_consent(client, person, samples.upload("同意書.pdf", samples.pdf() + b"\n" * (300 * 1024)))
    assert "同意書のファイルは64KBまでです（同意書.pdf は301KBです）" in response.content.decode()
    assert not Consent.objects.filter(person=person).exists()


def test_the_upload_handler_passes_on_no_more_than_the_limit(settings):
    from tsunagu.core.uploads import OversizedUpload, SizeLimitedUploadHandler

    settings.TSUNAGU_SCAN_MAX_BYTES = 100
    handler = SizeLimitedUploadHandler()
    handler.new_file("document", "scan.pdf", "application/pdf", None)
    passed = [handler.receive_data_chunk(b"x" * 40, start) for start in range(0, 400, 40)]
    assert sum(len(chunk) for chunk in passed if chunk) == 80  # two chunks; the third would pass the limit
    upload = handler.file_complete(400)
    assert isinstance(upload, OversizedUpload)
    assert (upload.name, upload.size, upload.read()) == ("scan.pdf", 400, b"")
    small = SizeLimitedUploadHandler()
    small.new_file("document", "scan.pdf", "application/pdf", None)
    assert small.receive_data_chunk(b"x" * 40, 0) == b"x" * 40
    assert small.file_complete(40) is None  # the next handler's file is the upload
