"""Every PDF the system prints embeds its Japanese fonts, so it looks the same in every viewer.

Each print URL of the site is found in the URLconf (a URL ending in ``.pdf``), printed as the caseworker
who may print it, and read back with pypdf: every font of every page must carry its font file
(TrueType, ``FontFile2``), and the Japanese text must extract.
"""

import io
from datetime import date
from typing import Any

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.consultations.models import ConsentVariant
from tsunagu.consultations.tests.test_print import ADDRESS, org, record
from tsunagu.people.models import Gender, Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.printing import fonts
from tsunagu.printing.text import printable

pytestmark = pytest.mark.django_db


def print_url_names(patterns=None, prefix: str = "") -> set[str]:
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= print_url_names(entry.url_patterns, space)
        elif isinstance(entry, URLPattern) and str(entry.pattern).endswith(".pdf") and entry.name:
            names.add(prefix + entry.name)
    return names


def fonts_of(pdf: bytes) -> list[tuple[str, bool]]:
    """(base font name, embedded?) for every font on every page, through Type0 descendants."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for reference in resources["/Font"].values():
            font = reference.get_object()
            descendants = font.get("/DescendantFonts")
            leaf = descendants[0].get_object() if descendants else font
            descriptor = leaf.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            found.append((str(font["/BaseFont"]), embedded))
    return found


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_every_pdf_embeds_its_japanese_fonts_and_its_text_extracts(client, personas):
    person = register(personas.caseworker_a, gender=Gender.FEMALE, phone="0858-52-1111")
    consent = consent_record(user=personas.caseworker_a, person=person, data=ConsentInput(
        purpose="生活と介護の支援のため関係機関で情報を共有する", method=ConsentMethod.WRITTEN,
        given_on=date(2025, 9, 30), organizations=[org("福祉あんしん課")]))  # fmt: skip
    with_consent = record(personas.caseworker_a, person, variant=ConsentVariant.WITH_CONSENT, consent=consent)
    without = record(personas.caseworker_a, person, variant=ConsentVariant.WITHOUT_CONSENT)
    household = household_of(personas.caseworker_a, (person, Relationship.HEAD))
    prints = {
        "consultations:consultation-print": [
            (reverse("consultations:consultation-print", args=[with_consent.pk]), ["相談受付・申込票", ADDRESS]),
            (reverse("consultations:consultation-print", args=[without.pk]), ["【本人同意なし】", "琴浦 花子"]),
        ],
        "people:person-timeline-print": [
            (reverse("people:person-timeline-print", args=[person.pk]), ["経過一覧", "琴浦 花子"]),
        ],
        "people:household-timeline-print": [
            (reverse("people:household-timeline-print", args=[household.pk]), ["経過一覧", "琴浦 花子 世帯", "世帯主"]),
        ],
    }
    # A new print must be added here: every .pdf URL of the site is checked.
    assert set(prints) == print_url_names()
    client.force_login(personas.caseworker_a)

    checked, faces = 0, set()
    for url, expected in (item for items in prints.values() for item in items):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get("Location"))
        assert response["Content-Type"] == "application/pdf"
        found = fonts_of(response.content)
        assert found and all(embedded for _, embedded in found), found
        faces |= {name.split("+", 1)[-1] for name, _ in found}  # a subset is named ABCDEF+BIZUDMincho
        text = text_of(response.content).replace("\u3000", " ")
        assert all(words in text for words in expected), (url, expected)
        checked += 1

    embedded_names = {pdfmetrics.getFont(face.name).face.name.decode(): face for face in fonts.FACES}
    assert faces <= set(embedded_names) and fonts.MINCHO in {embedded_names[name] for name in faces}
    print(f"\nfonts: {checked} PDFs of {len(prints)} print URLs, every font embedded ({', '.join(sorted(faces))})")


def test_a_character_the_fonts_lack_prints_as_its_common_form_or_geta_never_as_an_empty_box():
    assert ord("𡈽") in fonts.covered()  # BIZ UD sets this one itself
    assert printable("𠮷田 髙橋 﨑\U000e0100") == "吉田 髙橋 﨑"
    assert printable("\U00020000") == "〓"


def test_a_missing_font_file_says_so_in_japanese(tmp_path):
    fonts.register_fonts.cache_clear()
    try:
        with override_settings(TSUNAGU_FONT_DIR=tmp_path), pytest.raises(fonts.FontMissing, match="make install"):
            fonts.register_fonts()
    finally:
        fonts.register_fonts.cache_clear()
        fonts.register_fonts()
