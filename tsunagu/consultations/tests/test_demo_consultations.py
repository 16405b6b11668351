"""``demo_town`` adds a year of casework: consultations, referrals and progress records that look like the
work of the town's agencies, keep the law's rules on sharing, and come out the same for the same seed."""

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis, Consent
from tsunagu.access.policy import CASEWORK_ROLES
from tsunagu.audit.models import AuditEntry
from tsunagu.consultations.demo import SHARE_OF_PEOPLE
from tsunagu.consultations.models import (
    CaseNote,
    ConsentVariant,
    Consultation,
    Outcome,
    Referral,
    ReferralBasis,
    ReferralStatus,
)
from tsunagu.consultations.routing import consultation_domains
from tsunagu.consultations.services import meeting_secretariat, referral_accept
from tsunagu.core.demo import demo_accounts_create
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import Membership, Organization, OrganizationKind, Role, User
from tsunagu.core.services import user_create
from tsunagu.people.demo.generator import SYSTEM_USERNAME, TOWN, demo_town_create
from tsunagu.people.models import HouseholdMember, Person
from tsunagu.plans.models import ProgramImplementingBody

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 10, 1)
SEED = 7
PEOPLE = 1500  # about 110 consultations: enough for the shares to show, small enough to be quick
HOUKATSU, ANSHIN = "琴浦町地域包括支援センター", "福祉あんしん課"


@pytest.fixture(autouse=True)
def _demo_mode(settings):
    settings.DEMO_MODE = True


def make_town(kotoura, seed: int = SEED) -> str:
    out = StringIO()
    demo_town_create(municipality=kotoura, scale=TOWN.with_people(PEOPLE), seed=seed, as_of=AS_OF, stdout=out)
    return out.getvalue()


@pytest.fixture
def town(kotoura):
    """琴浦町 with its demo accounts, after one small run; the extensions' output is returned."""
    demo_accounts_create(municipality=kotoura)
    return make_town(kotoura)


def year_consultations():
    """The consultations demo's own year: outreach's demo connects its targets by consultations of its own
    (``outreach/demo.py``, received when the demo runs), which are not part of the year's shares and counts."""
    from tsunagu.outreach.models import OutreachTarget

    connected = OutreachTarget.objects.filter(consultation__isnull=False).values("consultation_id")
    return Consultation.objects.exclude(pk__in=connected)


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def digest() -> list[tuple[str, ...]]:
    """What the year is: who consulted where, under which programme, when, about what, and how it ended."""
    consultations = year_consultations().select_related("person", "organization", "program").prefetch_related("issues")
    return sorted(
        (
            f"{c.person.full_name}/{c.person.birth_date}" if c.person else c.anonymous_description,
            c.organization.name,
            c.program.code,
            c.received_at.isoformat(),
            ",".join(sorted(i.code for i in c.issues.all())),
            c.outcome,
        )
        for c in consultations
    )


# --- The same seed gives the same year --------------------------------------------------------------------


def test_two_runs_give_the_same_year_and_another_seed_another(kotoura):
    demo_accounts_create(municipality=kotoura)

    def one_run(seed: int) -> list[tuple[str, ...]]:
        with transaction.atomic():
            make_town(kotoura, seed)
            result = digest()
            transaction.set_rollback(True)
        return result

    first = one_run(SEED)
    assert first and not Consultation.objects.exists()
    assert first == one_run(SEED)
    assert first != one_run(SEED + 1)


# --- Plausible: how much, where, about what -------------------------------------------------------------------


def test_about_seven_and_a_half_percent_consult_in_the_year_mostly_at_the_houkatsu(town):
    people = Person.objects.count()
    consultations = list(year_consultations().select_related("organization", "program", "main_issue"))
    assert len(consultations) == round(people * SHARE_OF_PEOPLE)
    by_org = Counter(c.organization.name for c in consultations)
    assert by_org.most_common(1)[0][0] == HOUKATSU
    assert 0.25 <= by_org[HOUKATSU] / len(consultations) <= 0.50
    for name in (ANSHIN, "子育て応援課", "相談支援センターサポートりんくす", "琴浦町社会福祉協議会"):
        assert by_org[name] > 0, name
    assert by_org[HOUKATSU] > by_org[ANSHIN] > by_org["琴浦町社会福祉協議会"]

    variants = Counter("anonymous" if c.is_anonymous else c.consent_variant for c in consultations)
    assert 0 < variants["anonymous"] / len(consultations) <= 0.08
    assert 0.10 <= variants[ConsentVariant.WITHOUT_CONSENT] / len(consultations) <= 0.32
    assert variants[ConsentVariant.WITH_CONSENT] / len(consultations) >= 0.6

    outcomes = Counter(c.outcome for c in consultations)
    assert outcomes.most_common(1)[0][0] == Outcome.HANDLED
    assert 0.15 <= outcomes[Outcome.REFERRED] / len(consultations) <= 0.35
    assert 0.02 <= outcomes[Outcome.COLLABORATION] / len(consultations) <= 0.10
    assert outcomes[Outcome.INFORMATION] and outcomes[Outcome.ENDED]
    routes = Counter(c.route for c in consultations)
    assert routes.most_common(1)[0][0] == "visit"
    assert {"phone", "home_visit", "agency"} <= set(routes)


def test_each_consultation_is_under_a_programme_its_agency_runs_in_the_plan(town):
    bodies = set(ProgramImplementingBody.objects.values_list("program_id", "organization_id"))
    for c in Consultation.objects.select_related("organization", "program"):
        runs_it = (c.program_id, c.organization_id) in bodies or (
            c.organization.division_id == c.program.responsible_division_id
            and c.organization.kind in (OrganizationKind.TOWN_DIVISION, OrganizationKind.TOWN_CENTRE)
        )
        assert runs_it, (c.organization.name, c.program.name)


def test_issues_fit_the_person_and_the_household_and_domains_are_the_services(town):
    members = list(HouseholdMember.objects.select_related("person"))
    household_of = {m.person_id: m.household_id for m in members}
    ages_in: dict[int, list[int]] = {}
    for m in members:
        if m.person.birth_date is not None:
            ages_in.setdefault(m.household_id, []).append(age_on(m.person.birth_date, AS_OF))
    consultations = Consultation.objects.select_related("person", "main_issue").prefetch_related("issues")
    for c in consultations:
        issues = list(c.issues.all())
        assert c.main_issue in issues
        age = age_on(c.person.birth_date, local(c.received_at).date()) if c.person and c.person.birth_date else None
        assert c.domains == list(consultation_domains(issues, age))
        if c.person is None or c.person.birth_date is None:
            continue
        others = list(ages_in.get(household_of.get(c.person.pk, -1), []))
        own = age_on(c.person.birth_date, AS_OF)
        if own in others:
            others.remove(own)
        code = c.main_issue.code
        if code == "child-rearing":
            assert 18 <= own <= 54 and any(a < 18 for a in others), (own, others)
        elif code == "young-carer":
            assert 10 <= own <= 17 and any(a >= 70 for a in others)
        elif code == "8050":
            assert any(a >= 70 for a in [*others, own]) and any(35 <= a <= 64 for a in [*others, own])
        elif code == "care":
            assert own >= 65


def test_consultations_are_received_in_the_year_before_the_date_in_office_hours(town):
    for c in year_consultations():
        received = local(c.received_at)
        assert AS_OF - timedelta(days=366) <= received.date() < AS_OF
        assert received.weekday() < 5 and time(8, 30) <= received.time() <= time(17, 15)
        assert str(received.tzinfo) == "Asia/Tokyo"


def test_anonymous_consultations_are_described_never_linked(town):
    anonymous = Consultation.objects.filter(is_anonymous=True)
    for c in anonymous:
        assert c.person_id is None and c.household_id is None and c.consent_id is None
        assert c.consent_variant == ConsentVariant.WITHOUT_CONSENT
        assert re.fullmatch(r"(\d0代(女性|男性)?|小学生くらいの.+|幼児（.+）)（.+）", c.anonymous_description)
    assert not Consultation.objects.filter(is_anonymous=False, anonymous_description__gt="").exists()


# --- The law's rules on sharing ------------------------------------------------------------------------------


def test_every_consultation_with_consent_rests_on_an_active_consent_covering_the_receiving_agency(town):
    with_consent = Consultation.objects.filter(consent_variant=ConsentVariant.WITH_CONSENT).select_related("consent")
    assert with_consent.exists()
    for c in with_consent:
        consent = c.consent
        assert consent is not None and consent.person_id == c.person_id and consent.withdrawn_on is None
        assert consent.given_on <= local(c.received_at).date()
        assert consent.organizations.filter(pk=c.organization_id).exists()
    without = Consultation.objects.filter(consent_variant=ConsentVariant.WITHOUT_CONSENT, is_anonymous=False)
    assert without.exists()
    # The minimal form: no consent, no household, not the person's words.
    assert not without.filter(Q(consent__isnull=False) | Q(household__isnull=False) | ~Q(words="")).exists()


def test_new_consents_and_their_grants_have_the_shape_consent_record_gives(town):
    consents = Consent.objects.filter(all_plan_agencies=False).prefetch_related("organizations")
    assert consents.exists()
    for consent in consents:
        scope = {o.pk for o in consent.organizations.all()}
        assert consent.taken_by_organization_id in scope and len(scope) >= 1
        grants = list(AccessGrant.objects.filter(consent=consent, source=f"consent:{consent.pk}"))
        assert {g.organization_id for g in grants} == scope and len(grants) == len(scope)
        for g in grants:
            assert (g.basis, g.person_id, g.granted_by_id, g.reason) == (
                Basis.CONSENT,
                consent.person_id,
                consent.taken_by_id,
                consent.purpose,
            )


def test_the_receiving_agency_holds_its_own_record_of_everyone_it_heard_from(town):
    own = set(AccessGrant.objects.active().filter(basis=Basis.OWN_RECORD).values_list("organization_id", "person_id"))
    named = Consultation.objects.filter(person__isnull=False).values_list("organization_id", "person_id")
    assert all(pair in own for pair in named)


def test_referrals_follow_the_rules_of_referral_send(town, kotoura):
    secretariat = meeting_secretariat(kotoura.pk)
    referrals = list(Referral.objects.select_related("consultation", "consent", "to_organization"))
    assert referrals
    for r in referrals:
        c = r.consultation
        assert r.from_organization_id == c.organization_id != r.to_organization_id
        if c.consent_variant == ConsentVariant.WITHOUT_CONSENT:
            assert r.to_meeting and r.basis == ReferralBasis.ART106_6 and r.consent_id is None
            assert r.to_organization == secretariat
        else:
            assert r.basis == ReferralBasis.CONSENT and r.consent is not None and r.consent_id == c.consent_id
            assert r.consent.organizations.filter(pk=r.to_organization_id).exists()
        if r.to_meeting:
            assert r.to_organization == secretariat
        # referral_send sets the outcome: 多機関協働 for the 支援会議, otherwise referred.
        assert c.outcome == (Outcome.COLLABORATION if r.to_meeting else Outcome.REFERRED)
        sent = local(r.sent_at)
        assert sent > local(c.received_at) and sent.date() < AS_OF
        assert 7 <= (r.due_on - sent.date()).days <= 14
        assert r.reason and r.shared_information and r.sent_by_id == c.staff_id


def test_most_referrals_are_accepted_some_declined_and_some_left_overdue(town):
    referrals = list(Referral.objects.select_related("consultation"))
    statuses = Counter(r.status for r in referrals)
    assert statuses[ReferralStatus.ACCEPTED] / len(referrals) >= 0.6
    for r in referrals:
        if r.status == ReferralStatus.SENT:
            assert r.responded_at is None and r.responded_by_id is None
            continue
        assert r.responded_at is not None
        responded = local(r.responded_at)
        assert r.sent_at < r.responded_at and responded.date() < AS_OF
        assert 1 <= (responded.date() - local(r.sent_at).date()).days <= 16
        assert bool(r.decline_reason) == (r.status == ReferralStatus.DECLINED)
    overdue = [r for r in referrals if r.status == ReferralStatus.SENT and r.due_on < AS_OF]
    assert overdue, "the inboxes show overdue referrals"


def test_accepted_referrals_gave_the_receiver_the_grant_referral_accept_gives(town):
    accepted = Referral.objects.filter(status=ReferralStatus.ACCEPTED, consultation__person__isnull=False)
    assert accepted.exists()
    for r in accepted.select_related("consultation"):
        basis = Basis.CONSENT if r.basis == ReferralBasis.CONSENT else Basis.ART106_6
        grants = AccessGrant.objects.active().filter(
            organization=r.to_organization_id, person=r.consultation.person_id, basis=basis
        )
        assert grants.exists(), r.pk
    for g in AccessGrant.objects.filter(source__startswith="referral:"):
        r = Referral.objects.get(pk=int(g.source.split(":")[1]))
        assert (g.organization_id, g.person_id, g.consent_id) == (
            r.to_organization_id,
            r.consultation.person_id,
            r.consent_id,
        )
        assert g.granted_by_id == r.responded_by_id and g.granted_at == r.responded_at


def test_an_open_referral_can_be_answered_in_the_application(town):
    referral = Referral.objects.filter(status=ReferralStatus.SENT).select_related("to_organization").first()
    assert referral is not None
    receiver = user_create(
        municipality=referral.to_organization.municipality,
        username="receiver",
        password="correct-horse-battery",
        memberships=[(referral.to_organization, Role.CASEWORKER)],
    )
    referral_accept(user=receiver, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


# --- Progress records -----------------------------------------------------------------------------------------


def test_each_named_consultation_has_one_to_six_records_after_it(town):
    notes = list(CaseNote.objects.select_related("consultation"))
    by_consultation = Counter((n.consultation_id, n.organization_id) for n in notes)
    for c in year_consultations():
        count = by_consultation[(c.pk, c.organization_id)]
        assert (1 <= count <= 6) if c.person_id else count == 0, (c.pk, count)
    for n in notes:
        assert n.consultation is not None and n.person_id == n.consultation.person_id
        assert n.occurred_at > n.consultation.received_at and local(n.occurred_at).date() < AS_OF
        assert n.content
        if n.next_step_on is not None:
            assert n.next_step and n.next_step_on >= local(n.occurred_at).date()
        else:
            assert not n.next_step
    this_week = CaseNote.objects.filter(next_step_on__gte=AS_OF, next_step_on__lte=AS_OF + timedelta(days=7))
    assert this_week.exists(), "今週の予定 is not empty"


def test_receivers_write_records_only_after_accepting(town):
    accepted = {
        (r.consultation_id, r.to_organization_id): r for r in Referral.objects.filter(status=ReferralStatus.ACCEPTED)
    }
    by_receiver = CaseNote.objects.exclude(organization=F("consultation__organization"))
    assert by_receiver.exists()
    for n in by_receiver:
        assert n.consultation_id is not None
        referral = accepted.get((n.consultation_id, n.organization_id))
        assert referral is not None and referral.responded_at is not None
        assert n.occurred_at > referral.responded_at


# --- Who did it -------------------------------------------------------------------------------------------------


def is_staff_of(user: User, organization_id: int) -> bool:
    if user.username == SYSTEM_USERNAME:
        return True
    return Membership.objects.filter(user=user, organization_id=organization_id, role__in=CASEWORK_ROLES).exists()


def test_records_are_by_staff_of_the_organisation_concerned_demo_accounts_where_there_are_some(town):
    consultations = list(Consultation.objects.select_related("staff", "organization"))
    for c in consultations:
        assert is_staff_of(c.staff, c.organization_id), (c.staff.username, c.organization.name)
    staff_at = {c.organization.name: c.staff.username for c in consultations}
    assert staff_at[HOUKATSU] in ("houkatsu", "houkatsu2")
    assert staff_at["子育て応援課"] == "kosodate"
    for r in Referral.objects.select_related("sent_by", "responded_by"):
        assert is_staff_of(r.sent_by, r.from_organization_id)
        assert r.responded_by is None or is_staff_of(r.responded_by, r.to_organization_id)
    for n in CaseNote.objects.select_related("staff"):
        assert is_staff_of(n.staff, n.organization_id)


def test_the_records_keep_the_models_rules_and_the_run_writes_one_audit_entry(town):
    assert not Consultation.objects.filter(
        Q(is_anonymous=True, person__isnull=False) | Q(is_anonymous=False, person__isnull=True)
    ).exists()
    for c in Consultation.objects.all():
        c.full_clean()  # choices, lengths, foreign keys and the consultation_person_or_anonymous check
    for r in Referral.objects.all():
        r.full_clean()
    for n in CaseNote.objects.all()[:200]:
        n.full_clean()
    consultations, referrals, notes = year_consultations().count(), Referral.objects.count(), CaseNote.objects.count()
    entry = AuditEntry.objects.get(summary__startswith="demo_town: 相談")
    assert entry.summary == f"demo_town: 相談{consultations}件・つなぎ{referrals}件・支援経過{notes}件を生成"
    assert entry.username == SYSTEM_USERNAME
    assert f"相談{consultations:,}件" in town and f"つなぎ{referrals:,}件" in town


# --- What the coordinator sees -----------------------------------------------------------------------------------


def test_the_coordinators_inbox_shows_the_year(town, client, kotoura):
    anshin = Organization.objects.get(municipality=kotoura, name=ANSHIN)
    coordinator = user_create(
        municipality=kotoura,
        username="coord-demo",
        password="correct-horse-battery",
        display_name="協働 太郎",
        memberships=[(anshin, Role.COORDINATOR)],
    )
    client.force_login(coordinator)
    response = client.get(reverse("consultations:inbox"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-consultation="' in page
    open_here = Referral.objects.filter(status=ReferralStatus.SENT).filter(
        Q(to_organization=anshin) | Q(from_organization=anshin)
    )
    # Every open referral is overdue today: the reference date lies in the past.
    assert ("期限超過" in page) == open_here.exists()
