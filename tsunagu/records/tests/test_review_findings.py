"""Attacks found by a hostile review of the access paths, kept as tests (each failed before its fix):

- F1: an agency's own records about a person closed with its access (an expired emergency grant, a
  withdrawn consent) — the PDF, the inbox and the household timeline had kept showing the person;
- F2: a user of two agencies recording under the one without access let that agency read the person;
- F3: a supervisor of two agencies could merge another agency's record into a protected (DV) one, which
  then showed the protected address to that agency; a merge is one agency's decision about its own records;
- F5: a supervisor reading through a 支援会議 undid another agency's merge, audited with no basis;
- F7: an agency recorded "with consent" and referred on a consent that names neither it nor was taken by it;
- F4: a household page read through several bases is audited with each member's own basis;
- F10: a forged timeline cursor at the calendar's edge answers 404, not 500.
"""

import io
from datetime import timedelta

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import Basis, ConsentMethod
from tsunagu.access.policy import decide
from tsunagu.access.services import (
    ConsentInput,
    consent_record,
    consent_withdraw,
    emergency_access_request,
    grant_create,
)
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations import services as cs
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import (
    ConsentVariant,
    Consultation,
    Outcome,
    Referral,
    Route,
)
from tsunagu.consultations.tests.test_flow import intake
from tsunagu.core.models import Organization, Role
from tsunagu.core.services import user_create
from tsunagu.people import merge as merging
from tsunagu.people.models import Person, Relationship
from tsunagu.people.services import PeopleError
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Category, Program

pytestmark = pytest.mark.django_db


def TODAY():
    return timezone.localdate()


def org(name):
    return Organization.objects.get(name=name)


def last_id():
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def consent(user, person, *names, days_ago=0):
    return consent_record(
        user=user,
        person=person,
        data=ConsentInput(
            purpose="共有",
            method=ConsentMethod.WRITTEN,
            given_on=TODAY() - timedelta(days=days_ago),
            organizations=[org(n) for n in names],
        ),
    )


def consult(user, person, household=None, words="本人の言葉"):
    issues = list(issues_ensure(person.municipality))[:2]
    program = Program.objects.filter(municipality=person.municipality, category=Category.CONSULTATION)[0]
    return cs.consultation_record(
        user=user,
        data=cs.ConsultationInput(
            program=program,
            received_at=timezone.now() - timedelta(minutes=5),
            route=Route.VISIT,
            consent_variant=ConsentVariant.WITHOUT_CONSENT,
            issues=issues,
            main_issue=issues[0],
            outcome=Outcome.HANDLED,
            person=person,
            person_decision=decide(user, person.pk),
            household=household,
            household_visible=household is not None,
            words=words,
        ),
    )


def pdf_text(response):
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)


# F1a: an expired emergency grant leaves the person's *current* address and phone readable for good.
def test_f1a_expired_emergency_keeps_the_person_through_an_own_consultation(client, personas, monkeypatch):
    a, b = personas.caseworker_a, personas.caseworker_b
    x = register(a, family_name="秘匿", given_name="花")
    emergency_access_request(user=b, person=x, reason="本人と連絡が取れず倒れている恐れ", hours=1)
    client.force_login(b)
    response = intake(client, personas.town, x, None, None, consent_variant="without_consent",
                      received_on=TODAY().isoformat(), received_time="00:01")  # fmt: skip
    assert response.status_code == 302
    c = Consultation.objects.get(person=x)
    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the grant has expired
    Person.objects.filter(pk=x.pk).update(address="鳥取県倉吉市新住所1-1", phone="0858-99-9999")  # X moved since
    client.force_login(b)
    assert client.get(reverse("people:person-detail", args=[x.pk])).status_code == 404
    since = last_id()
    pdf = client.get(reverse("consultations:consultation-print", args=[c.pk]))
    leaked = pdf.status_code == 200 and "新住所" in pdf_text(pdf) and "0858-99-9999" in pdf_text(pdf)
    entries = [(e.basis, e.basis_source) for e in AuditEntry.objects.filter(pk__gt=since)]
    assert not leaked, f"PDF after expiry; audited as {entries}"


# F1b: after consent withdrawal, the household timeline shows a hidden member's record.
def test_f1b_household_timeline_shows_a_hidden_members_record(client, personas):
    a, b = personas.caseworker_a, personas.caseworker_b
    x = register(a, family_name="撤回", given_name="者", given_name_kana="シャ")
    y = register(a, family_name="撤回", given_name="家族", given_name_kana="カゾク")
    h = household_of(a, (x, Relationship.HEAD), (y, Relationship.CHILD))
    cx = consent(a, x, "相談支援センターサポートりんくす")
    consent(a, y, "相談支援センターサポートりんくす")
    consult(b, x, household=h, words="撤回前に聞いた話")
    consent_withdraw(user=a, consent=cx, withdrawn_on=TODAY())
    client.force_login(b)
    assert client.get(reverse("people:person-detail", args=[x.pk])).status_code == 404
    assert "閲覧権限のない世帯員が1名" in client.get(reverse("people:household-detail", args=[h.pk])).content.decode()
    page = client.get(reverse("people:household-timeline", args=[h.pk])).content.decode()
    inbox = client.get(reverse("consultations:inbox")).content.decode()
    assert "撤回前に聞いた話" not in page and x.full_name not in inbox


# F2: a user in two agencies records for the wrong one: an agency with no grant then reads the person.
def test_f2_writes_are_held_by_an_organisation_without_access(client, personas):
    a = personas.caseworker_a
    u = user_create(
        municipality=personas.town,
        username="u2",
        password="x-very-long-pw-1",
        memberships=[
            (org("相談支援センターサポートりんくす"), Role.CASEWORKER),
            (org("福祉あんしん課"), Role.CASEWORKER),
        ],
    )
    x = register(a, family_name="二重", given_name="所属")
    consent(a, x, "相談支援センターサポートりんくす")  # only りんくす may see X
    c = consult(u, x)
    assert not decide(personas.coordinator, x.pk).allowed  # 福祉あんしん課 has no grant on X
    client.force_login(personas.coordinator)
    r = client.get(reverse("consultations:consultation-detail", args=[c.pk]))
    assert (c.organization.name, r.status_code) != ("福祉あんしん課", 200), "X read by an agency with no basis"


# F4: a household page audits every member under the strongest member's basis.
def test_f4_household_read_is_audited_with_each_members_basis(client, personas):
    a, coord = personas.caseworker_a, personas.coordinator
    x = register(a, family_name="会議", given_name="太郎", given_name_kana="タロウ")
    y = register(a, family_name="同意", given_name="次郎", given_name_kana="ジロウ")
    h = household_of(a, (x, Relationship.HEAD), (y, Relationship.CHILD))
    consent(a, y, "福祉あんしん課")
    grant_create(
        organization=org("福祉あんしん課"),
        person=x,
        basis=Basis.ART106_6,
        source="meeting:1",
        granted_by=coord,
        reason="支援会議",
    )
    client.force_login(coord)
    since = last_id()
    assert x.full_name in client.get(reverse("people:household-detail", args=[h.pk])).content.decode()
    for e in AuditEntry.objects.filter(pk__gt=since, action=Action.READ):
        if x.pk in (e.records or {}).get("person", []):
            assert e.basis == Basis.ART106_6, (e.basis, e.basis_source, e.records)


# F10: a forged cursor out of datetime range is a 500, not a 404.
def test_f10_cursor_out_of_range(client, personas):
    x = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    client.raise_request_exception = False
    r = client.get(reverse("people:person-timeline", args=[x.pk]), {"before": "0001-01-01T00:00:00+09:00~10~1"})
    assert r.status_code == 404


# F3: a DV-protected address reaches another agency once a two-agency supervisor merges its record in.
def test_f3_protected_address_after_merge(client, personas):
    a, b = personas.caseworker_a, personas.caseworker_b
    sup = user_create(
        municipality=personas.town,
        username="sup_ab",
        password="x-very-long-pw-1",
        memberships=[
            (org("琴浦町地域包括支援センター"), Role.SUPERVISOR),
            (org("相談支援センターサポートりんくす"), Role.SUPERVISOR),
        ],
    )
    x = register(a, address="鳥取県東伯郡琴浦町シェルター9", address_protected=True, care_notes="DV被害のため非開示")
    x2 = register(b)
    with pytest.raises(PeopleError, match=r"他の機関も登録している記録と統合できません|自機関の記録どうしだけ"):
        merging.person_merge(
            user=sup,
            kept=x,
            merged=x2,
            reason="同一人物",
        )
    client.force_login(b)
    page = client.get(reverse("people:person-detail", args=[x.pk])).content.decode()
    assert "シェルター9" not in page and "DV被害" not in page


# F5: a supervisor reading the kept record through a 支援会議 undoes another agency's merge; unaudited basis.
def test_f5_unmerge_through_a_meeting(client, personas):
    a = personas.caseworker_a
    sup_a = user_create(
        municipality=personas.town,
        username="sup_a",
        password="x-very-long-pw-1",
        memberships=[(org("琴浦町地域包括支援センター"), Role.SUPERVISOR)],
    )
    x, x2 = register(a), register(a, phone="0858-11-2222")
    m = merging.person_merge(
        user=sup_a,
        kept=x,
        merged=x2,
        reason="同一人物",
    )
    grant_create(
        organization=org("福祉あんしん課"),
        person=x,
        basis=Basis.ART106_6,
        source="meeting:1",
        granted_by=personas.coordinator,
        reason="支援会議",
    )
    client.force_login(personas.supervisor)
    since = last_id()
    client.post(reverse("people:person-unmerge", args=[m.pk]))
    m.refresh_from_db()
    bad = [e for e in AuditEntry.objects.filter(pk__gt=since) if not e.organization_id or not e.basis]
    assert m.undone_at is None and not bad


# F7: a consultation "with consent" and a referral "on consent" by an agency the consent does not name.
def test_f7_consent_that_does_not_name_the_sender(client, personas):
    a, b = personas.caseworker_a, personas.caseworker_b
    x = register(a)
    kosodate = consent(a, x, "子育て応援課", days_ago=3)
    emergency_access_request(user=b, person=x, reason="本人と連絡が取れず倒れている恐れ", hours=1)
    client.force_login(b)
    response = intake(client, personas.town, x, None, kosodate, received_on=TODAY().isoformat(), received_time="00:01")
    assert response.status_code == 400 and not Consultation.objects.filter(person=x).exists()  # not offered
    issues = list(issues_ensure(personas.town))[:1]
    with pytest.raises(cs.ConsultationError, match="共有先に含んでいません"):
        cs.consultation_record(user=b, data=cs.ConsultationInput(
            program=Program.objects.filter(municipality=personas.town, category=Category.CONSULTATION)[0],
            received_at=timezone.now(), route=Route.VISIT, consent_variant=ConsentVariant.WITH_CONSENT,
            consent=kosodate, issues=issues, main_issue=issues[0], outcome=Outcome.HANDLED, person=x,
            person_decision=decide(b, x.pk)))  # fmt: skip
    c = Consultation.objects.filter(person=x).first()
    if c is not None:
        client.post(
            reverse("consultations:referral-create", args=[c.pk]),
            {
                "to_organization": org("子育て応援課").pk,
                "basis": "consent",
                "reason": "子育て",
                "shared_information": "相談内容",
                "due_on": (TODAY() + timedelta(days=7)).isoformat(),
            },
        )
    assert not Referral.objects.filter(from_organization__name="相談支援センターサポートりんくす").exists()
