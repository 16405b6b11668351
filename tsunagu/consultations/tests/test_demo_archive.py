"""At a scale with an archive (the city), ``demo_town`` adds the earlier years in bulk (``demo/archive.py``):
rows in the shapes the services give, consistent with each other, on both databases — tested here with tiny
rates so that it stays quick."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis, Consent
from tsunagu.audit.models import AuditEntry
from tsunagu.consultations.demo import year as demo_year
from tsunagu.consultations.demo.archive import YEARS, ArchiveRates
from tsunagu.consultations.models import CaseNote, ConsentVariant, Consultation, Outcome
from tsunagu.consultations.routing import consultation_domains
from tsunagu.core.bulk_load import TableLoader
from tsunagu.core.demo import demo_accounts_create
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import OrganizationKind
from tsunagu.people.demo import generator
from tsunagu.people.demo.generator import CITY, demo_town_create
from tsunagu.plans.models import ProgramImplementingBody

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 10, 1)
PEOPLE = 800
RATES = ArchiveRates(consultations=0.5, notes=2.5)  # 400 consultations and about 2,000 records in all


@pytest.fixture
def city(kotoura, settings, monkeypatch):
    """A tiny city with an archive: the consultations and records of five years, in bulk."""
    settings.DEMO_MODE = True
    monkeypatch.setattr(demo_year, "ARCHIVES", {"city": RATES})
    # This app's extension only: the others' demos are theirs to test, and would make this slow.
    monkeypatch.setattr(
        generator, "demo_town_extensions", lambda: [("tsunagu.consultations", demo_year.extend_demo_town)]
    )
    demo_accounts_create(municipality=kotoura)
    out = StringIO()
    demo_town_create(municipality=kotoura, scale=CITY.with_people(PEOPLE), seed=3, as_of=AS_OF, stdout=out)
    return out.getvalue()


def archived():
    """The archive's consultations: those before the year the ORM path draws."""
    start = timezone.make_aware(datetime.combine(AS_OF - timedelta(days=366), time()))
    return Consultation.objects.filter(received_at__lt=start)


def test_the_archive_adds_the_budget_rates_over_several_years(city):
    assert Consultation.objects.count() == round(PEOPLE * RATES.consultations)
    notes = CaseNote.objects.count()
    assert abs(notes - PEOPLE * RATES.notes) < 0.15 * PEOPLE * RATES.notes
    assert "相談（過去5年分・一括）" in city
    # Spread over the years (several 年度), in business hours on business days, in the proportions drawn.
    years = {timezone.localtime(c.received_at).year for c in archived()}
    assert len(years) >= YEARS - 1
    for consultation in archived():
        local = timezone.localtime(consultation.received_at)
        assert local.weekday() < 5 and time(8, 30) <= local.time() <= time(17, 0)
    outcomes = dict(archived().values_list("outcome").annotate(n=Count("id")))
    assert set(outcomes) <= {Outcome.HANDLED, Outcome.INFORMATION, Outcome.ENDED}
    assert outcomes[Outcome.HANDLED] > outcomes.get(Outcome.INFORMATION, 0) > 0
    assert archived().values("organization").distinct().count() >= 5
    assert AuditEntry.objects.filter(summary__contains="年分の相談").count() == 1


def test_archived_consultations_keep_the_rules_the_services_keep(city, kotoura):
    runs = set(ProgramImplementingBody.objects.values_list("program_id", "organization_id"))
    grants = set(AccessGrant.objects.active().values_list("organization_id", "person_id", "basis"))
    rows = archived().select_related("person", "consent", "organization", "program")
    rows = rows.prefetch_related("issues", "consent__organizations")
    assert rows.count() > 200
    with_consent = 0
    for c in rows:
        # Under a programme its agency runs: as an implementing body, or as the responsible division's own.
        assert (c.program_id, c.organization_id) in runs or (
            c.organization.division_id == c.program.responsible_division_id
            and c.organization.kind in (OrganizationKind.TOWN_DIVISION, OrganizationKind.TOWN_CENTRE)
        )
        assert c.main_issue in c.issues.all()
        day = timezone.localtime(c.received_at).date()
        if c.is_anonymous:
            assert c.person is None and c.anonymous_description and not c.case_notes.exists()
            continue
        assert c.person is not None and c.person.municipality_id == kotoura.pk
        assert c.person.birth_date is None or c.person.birth_date <= day
        age = age_on(c.person.birth_date, day) if c.person.birth_date else None
        assert c.domains == list(consultation_domains(c.issues.all(), age))
        assert (c.organization_id, c.person_id, Basis.OWN_RECORD) in grants
        if c.consent_variant == ConsentVariant.WITH_CONSENT:
            with_consent += 1
            consent = c.consent
            assert consent is not None and consent.person_id == c.person_id and consent.given_on <= day
            assert consent.all_plan_agencies or c.organization in consent.organizations.all()
            assert c.words and c.outcome_note
        else:
            assert c.consent is None and not c.words
    assert with_consent > rows.count() // 2  # most consultations rest on a consent, as in the year
    # Each new consent has the grant consent_record gives, naming it.
    for consent in Consent.objects.filter(pk__in=rows.values("consent_id")).exclude(all_plan_agencies=True):
        for organization in consent.organizations.all():
            assert AccessGrant.objects.filter(
                organization=organization, person_id=consent.person_id, basis=Basis.CONSENT, consent=consent,
                source=f"consent:{consent.pk}",
            ).exists()  # fmt: skip


def test_archived_records_follow_their_consultation(city):
    end = timezone.make_aware(datetime.combine(AS_OF, time()))
    notes = CaseNote.objects.filter(consultation__in=archived()).select_related("consultation")
    assert notes.count() > 800
    for note in notes:
        c = note.consultation
        assert c is not None
        assert (note.organization_id, note.person_id, note.staff_id) == (c.organization_id, c.person_id, c.staff_id)
        assert c.received_at <= note.occurred_at < end
        assert note.version == 1 and note.content
        assert bool(note.next_step) == (note.next_step_on is not None)
        if note.next_step_on:
            assert note.next_step_on >= timezone.localtime(note.occurred_at).date()


def test_the_tables_keep_their_indexes_and_ids_go_on_after_the_load(city, kotoura):
    with connection.cursor() as cursor:
        names = {i for i, info in connection.introspection.get_constraints(cursor, CaseNote._meta.db_table).items()
                 if info["index"] and not info["primary_key"]}  # fmt: skip
    assert {"casenote_by_person", "casenote_by_household", "casenote_next_steps"} <= names
    # The sequences were moved past the loaded ids: an ordinary insert takes the next one.
    last = CaseNote.objects.aggregate(m=Max("pk"))["m"]
    note = CaseNote.objects.filter(consultation__in=archived()).first()
    assert note is not None
    note.pk = None
    note.save()
    assert note.pk > last


def test_a_loader_refuses_to_leave_a_column_out():
    with pytest.raises(ValueError, match="not given"):
        TableLoader(CaseNote, ["municipality_id", "content"], label="x")
