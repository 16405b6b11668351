"""Protected (DV) locations, tried as an attacker would (issue 9, finding 1).

A mother registered and protected by 福祉あんしん課 (the coordinator and the supervisor), her daughter in the
same household at the same address, both also held as own records by 地域包括支援センター (caseworker A,
colleague A) and shared by consent with サポートりんくす (caseworker B). The supervisor names colleague A as
staff who may see the mother's location. Every persona of the access matrix then opens every surface that
could carry the location — pages, edit forms, prints, the API, search and matching by address, the audit
log and its CSV — and the address, postal code and district must appear for the protecting agency and
the named colleague only.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tsunagu.access.models import Basis, ConsentMethod
from tsunagu.access.policy import decide
from tsunagu.access.services import ConsentInput, consent_record, grant_create
from tsunagu.audit.models import AuditEntry
from tsunagu.conftest import PASSWORD
from tsunagu.consultations import services as consultations
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import ConsentVariant, Outcome, Route
from tsunagu.core.models import District, Organization, Role, User
from tsunagu.core.services import user_create
from tsunagu.people.address_viewers import address_viewer_add, address_viewer_revoke
from tsunagu.people.models import AddressViewer, Household, Person, Relationship
from tsunagu.people.protection import protections_of
from tsunagu.people.selectors import duplicates_for_user
from tsunagu.people.services import MemberInput, PeopleError, PersonInput, household_create
from tsunagu.people.tests.helpers import register
from tsunagu.plans.models import Category, Program
from tsunagu.records.tests.matrix import PERSONAS

pytestmark = pytest.mark.django_db

ADDRESS = "琴浦町避難先九番（試験）"
NEW_ADDRESS = "琴浦町転居先七番（試験）"
POSTAL, POSTAL_SHOWN = "6899901", "689-9901"
DISTRICT = "避難先地区（試験）"
# Each field, with every way a surface writes it.
FIELDS = {"address": (ADDRESS, NEW_ADDRESS), "postal_code": (POSTAL, POSTAL_SHOWN), "district": (DISTRICT,)}
PROTECTORS = {"coordinator", "supervisor"}  # 福祉あんしん課
NAMED = {"colleague_a"}  # named by the supervisor
MAY_SEE = PROTECTORS | NAMED


@dataclass
class Arrangement:
    mother: Person
    child: Person
    household: Household
    consultations: list[int]


def org(name: str) -> Organization:
    return Organization.objects.get(municipality__code="313718", name=name)


def consultation_of(
    user: User, person: Person, household: Household | None, consent,
    variant: ConsentVariant = ConsentVariant.WITH_CONSENT,
) -> int:  # fmt: skip
    town = person.municipality
    issues = list(issues_ensure(town))[:1]
    return consultations.consultation_record(
        user=user,
        data=consultations.ConsultationInput(
            program=Program.objects.filter(municipality=town, category=Category.CONSULTATION)[0],
            received_at=timezone.now() - timedelta(hours=1), route=Route.VISIT,
            consent_variant=variant, consent=consent, issues=issues, main_issue=issues[0],
            outcome=Outcome.HANDLED, person=person, person_decision=decide(user, person.pk), household=household,
            household_visible=household is not None, words="生活が苦しい",
        ),
    ).pk  # fmt: skip


def arrange(personas) -> Arrangement:
    district = District.objects.create(municipality=personas.town, name=DISTRICT, order=99)
    anshin = personas.coordinator
    common = {"family_name": "川本", "family_name_kana": "カワモト", "address": ADDRESS, "postal_code": POSTAL,
              "district": district, "phone": "0858-00-1234"}  # fmt: skip
    mother = register(anshin, given_name="美和", given_name_kana="ミワ", birth_date=date(1990, 4, 1),
                      address_protected=True, care_notes="DV被害のため住所非開示", **common)  # fmt: skip
    child = register(anshin, given_name="陽", given_name_kana="ヒナタ", birth_date=date(2019, 4, 2), **common)
    household = household_create(
        user=anshin, members=[MemberInput(mother, Relationship.HEAD), MemberInput(child, Relationship.CHILD)],
        address=ADDRESS, postal_code=POSTAL, district=district,
    )  # fmt: skip
    consents = {}
    for person in (mother, child):
        # 地域包括支援センター holds both as its own records too: the finding's "any own-record grant".
        grant_create(organization=org("琴浦町地域包括支援センター"), person=person, basis=Basis.OWN_RECORD,
                     source="registration", granted_by=personas.caseworker_a)  # fmt: skip
        consents[person.pk] = consent_record(user=anshin, person=person, data=ConsentInput(
            purpose="支援のための情報共有", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
            organizations=[org("琴浦町地域包括支援センター"), org("相談支援センターサポートりんくす")]))  # fmt: skip
    address_viewer_add(user=personas.supervisor, person=mother, viewer=personas.colleague_a, reason="家庭訪問に同行")
    made = [
        consultation_of(anshin, mother, household, consents[mother.pk]),
        consultation_of(personas.caseworker_a, child, household, consents[child.pk]),
    ]
    return Arrangement(mother, child, household, made)


def pdf_text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def body(response) -> str:
    """What a response shows; nothing when it is refused (404, as every out-of-scope answer is)."""
    if response.status_code >= 400:
        return ""
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdf_text(response)
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def surfaces(a: Arrangement) -> dict[str, Callable[[Client], str]]:
    """Every surface that could carry the location, as a function of the logged-in client."""
    mother, child = a.mother, a.child

    def get(name: str, *args: object, query: str = "") -> Callable[[Client], str]:
        return lambda client: body(client.get(reverse(name, args=args) + query))

    def duplicates_by_address(client) -> str:
        # Registering "someone new" with her family name and a guessed address: a match would confirm it.
        user = User.objects.get(pk=client.session["_auth_user_id"])
        guess = PersonInput(family_name="川本", family_name_kana="カワモト", address=ADDRESS)
        found = [c.person for c in duplicates_for_user(user=user, data=guess)]
        return " ".join(f"{p.address} {p.postal_code} {p.district}" for p in found if p.pk in (mother.pk, child.pk))

    def inbox_by_district(client) -> str:
        response = client.get(reverse("consultations:inbox"), {"district": mother.district_id})
        shown = body(response)
        # Being listed under a district confirms the district.
        return DISTRICT if ("川本" in shown and response.status_code == 200) else ""

    return {
        "person page (mother)": get("people:person-detail", mother.pk),
        "person page (child)": get("people:person-detail", child.pk),
        "edit page (mother)": get("people:person-edit", mother.pk),
        "edit page (child)": get("people:person-edit", child.pk),
        "household page": get("people:household-detail", a.household.pk),
        "timeline page (mother)": get("people:person-timeline", mother.pk),
        "merge page (mother)": get("people:person-merge", mother.pk),
        "person search": get("people:person-search", query="?name=カワモト"),
        "intake PDF (mother)": get("consultations:consultation-print", a.consultations[0]),
        "intake PDF (child)": get("consultations:consultation-print", a.consultations[1]),
        "timeline PDF (mother)": get("people:person-timeline-print", mother.pk),
        "timeline PDF (child)": get("people:person-timeline-print", child.pk),
        "API person (mother)": get("api:person-detail", mother.pk),
        "API person (child)": get("api:person-detail", child.pk),
        "API search": get("api:person-list", query="?name=カワモト"),
        "API household": get("api:household-detail", a.household.pk),
        "duplicates by address": duplicates_by_address,
        "inbox by district": inbox_by_district,
        "audit log": get("audit:log"),
        "audit CSV": get("audit:export"),
    }


# Where the location is expected for those who may see it (the rest never shows it to anyone: prints of
# the timeline carry no address, matching by address or district never confirms one, the log keeps none).
SHOWN_TO = {
    "person page (mother)": (MAY_SEE, FIELDS),
    "person page (child)": (MAY_SEE, FIELDS),
    # Named staff look; changing the location is the protecting agency's, so only it gets the fields.
    "edit page (mother)": (PROTECTORS, FIELDS),
    "edit page (child)": (PROTECTORS, FIELDS),
    "household page": (MAY_SEE, FIELDS),
    "merge page (mother)": ({"supervisor"}, {"address": FIELDS["address"]}),
    "person search": (MAY_SEE, {"district": FIELDS["district"]}),
    "intake PDF (mother)": (MAY_SEE, {"address": FIELDS["address"], "postal_code": FIELDS["postal_code"]}),
    # 地域包括支援センター's consultation: 福祉あんしん課 holds the child as its own record, not the centre's case.
    "intake PDF (child)": (NAMED, {"address": FIELDS["address"], "postal_code": FIELDS["postal_code"]}),
    "API person (mother)": (MAY_SEE, FIELDS),
    "API person (child)": (MAY_SEE, FIELDS),
    "API household": (MAY_SEE, FIELDS),
}


def squeezed(text: str) -> str:
    # A PDF's extracted text breaks lines and spaces where the layout did.
    return "".join(text.replace("\u3000", " ").split())


def contains(text: str, values: tuple[str, ...]) -> bool:
    flat = squeezed(text)
    return any(squeezed(v) in flat for v in values)


def test_every_persona_on_every_surface_sees_the_location_only_if_the_protecting_agency_lets_them(
    client, personas, capsys
):
    a = arrange(personas)
    tried, shown_outside, missing = 0, [], []
    views = surfaces(a)
    for name in PERSONAS:
        client.force_login(getattr(personas, name))
        for surface, read in views.items():
            text = read(client)
            for field, values in FIELDS.items():
                tried += 1
                shown = contains(text, values)
                if shown and name not in MAY_SEE:
                    shown_outside.append((name, surface, field))
                expected_to, fields = SHOWN_TO.get(surface, (set(), {}))
                if name in expected_to and field in fields and not shown:
                    missing.append((name, surface, field))
    with capsys.disabled():
        print(
            f"\nDV: {len(PERSONAS)} personas × {len(views)} surfaces × {len(FIELDS)} fields tried ({tried}), "
            f"{len(shown_outside)} shown outside the protecting agency"
        )
    assert tried == len(PERSONAS) * len(views) * len(FIELDS)
    assert shown_outside == []
    assert missing == []
    # Nothing in the whole log carries the location: not the registration, nor any read, search or print.
    for entry in AuditEntry.objects.all():
        written = f"{entry.summary} {entry.changes} {entry.terms} {entry.records}"
        assert not any(contains(written, values) for values in FIELDS.values()), entry.pk


def test_another_agency_cannot_overwrite_or_lift_the_protection_through_the_edit_form(client, personas):
    a = arrange(personas)
    for user, person in ((personas.caseworker_b, a.mother), (personas.caseworker_a, a.child)):
        client.force_login(user)
        url = reverse("people:person-edit", args=[person.pk])
        form = client.get(url).context["form"]
        assert "address" not in form.initial and "postal_code" not in form.initial
        data = {k: v for k, v in form.initial.items() if v not in (None, False)}
        data |= {"address": "攻撃者が書いた住所", "postal_code": "1000001", "district": "", "care_notes": ""}
        response = client.post(url, data)  # address_protected left off: an attempt to lift it
        assert response.status_code == 302
        person.refresh_from_db()
        assert (person.address, person.postal_code, str(person.district)) == (ADDRESS, POSTAL, DISTRICT)
    assert Person.objects.get(pk=a.mother.pk).address_protected is True
    assert Person.objects.get(pk=a.mother.pk).care_notes == "DV被害のため住所非開示"


def test_the_api_refuses_a_location_change_from_anyone_but_the_protecting_agency(client, personas):
    a = arrange(personas)
    for user in (personas.caseworker_b, personas.caseworker_a, personas.colleague_a):
        client.force_login(user)
        url = reverse("api:person-detail", args=[a.child.pk])
        version = client.get(url).json()["version"]
        response = client.patch(
            url, {"address": "攻撃者が書いた住所"}, content_type="application/json", HTTP_IF_MATCH=f'"{version}"'
        )
        assert response.status_code == 400, user
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["fields"]["address"] == ["この項目は、住所非開示（DV等）を登録した機関だけが変更できます。"]
    assert Person.objects.get(pk=a.child.pk).address == ADDRESS
    # The protecting agency moves her; the log names the field, never the new address.
    client.force_login(personas.coordinator)
    url = reverse("api:person-detail", args=[a.mother.pk])
    version = client.get(url).json()["version"]
    response = client.patch(url, {"address": NEW_ADDRESS}, content_type="application/json",
                            HTTP_IF_MATCH=f'"{version}"')  # fmt: skip
    assert response.status_code == 200 and response.json()["address"] == NEW_ADDRESS
    assert not any(NEW_ADDRESS in str(e.changes) for e in AuditEntry.objects.filter(person_id=a.mother.pk))
    client.force_login(personas.caseworker_b)
    shown = client.get(url).json()
    assert (shown["address"], shown["postal_code"], shown["district"], shown["location_hidden"]) == (
        None, None, None, True,
    )  # fmt: skip


def test_the_protection_records_its_agency_and_only_that_agency_lifts_it(client, personas):
    a = arrange(personas)
    mother = Person.objects.get(pk=a.mother.pk)
    assert mother.address_protected_by == org("福祉あんしん課")
    assert mother.address_protected_by_user == personas.coordinator and mother.address_protected_at is not None
    # The protecting agency lifts it: the staff it had named lose the location with it.
    client.force_login(personas.coordinator)
    url = reverse("people:person-edit", args=[mother.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v not in (None, False)}
    data["district"] = mother.district_id
    del data["address_protected"]  # unticked
    assert client.post(url, data).status_code == 302
    mother.refresh_from_db()
    assert (mother.address_protected, mother.address_protected_by) == (False, None)
    assert not AddressViewer.objects.filter(person=mother, revoked_at__isnull=True).exists()
    client.force_login(personas.caseworker_b)
    assert ADDRESS in client.get(reverse("people:person-detail", args=[mother.pk])).content.decode()


def test_the_first_agency_to_protect_becomes_the_protector(client, personas):
    person = register(personas.caseworker_a, address="琴浦町大字徳万1番地（試験）")
    consent_record(user=personas.caseworker_a, person=person, data=ConsentInput(
        purpose="支援", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
        organizations=[org("相談支援センターサポートりんくす")]))  # fmt: skip
    client.force_login(personas.caseworker_b)  # edits on the consent
    url = reverse("people:person-edit", args=[person.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v not in (None, False)}
    data |= {"district": "", "address_protected": "on", "care_notes": "ストーカー被害"}
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.address_protected_by == org("相談支援センターサポートりんくす")
    client.force_login(personas.caseworker_a)  # the registering agency no longer sees it
    page = client.get(reverse("people:person-detail", args=[person.pk])).content.decode()
    assert "徳万1番地" not in page and "ストーカー" not in page


def test_only_a_supervisor_of_the_protecting_agency_names_and_revokes_staff(personas):
    a = arrange(personas)
    for user in (personas.coordinator, personas.caseworker_a, personas.caseworker_b):
        with pytest.raises(PeopleError, match="監督者だけ"):
            address_viewer_add(user=user, person=a.mother, viewer=personas.caseworker_b, reason="同行")
    named = AddressViewer.objects.get(person=a.mother, user=personas.colleague_a)
    entry = AuditEntry.objects.filter(model="people.addressviewer", object_id=str(named.pk)).get()
    assert (entry.action, entry.organization, entry.person_id) == ("grant", org("福祉あんしん課"), a.mother.pk)
    with pytest.raises(PeopleError, match="指名しなくても閲覧できます"):
        address_viewer_add(user=personas.supervisor, person=a.mother, viewer=personas.coordinator, reason="同行")
    address_viewer_revoke(user=personas.supervisor, person=a.mother, viewer_id=named.pk)
    assert AuditEntry.objects.filter(model="people.addressviewer", action="revoke").count() == 1
    assert protections_of([a.mother])[a.mother.pk][0].named_user_ids == frozenset()


def test_the_supervisor_names_staff_on_the_persons_page(client, personas):
    a = arrange(personas)
    client.force_login(personas.supervisor)
    page = client.get(reverse("people:person-detail", args=[a.mother.pk])).content.decode()
    assert 'id="address-viewers"' in page and "家庭訪問に同行" in page
    response = client.post(
        reverse("people:person-address-viewer-add", args=[a.mother.pk]),
        {"user": personas.caseworker_b.pk, "reason": "就労支援の面談で訪問"},
    )
    assert response.status_code == 302
    # Ids no column could hold, or not digits at all, are refused in Japanese, not with a server error.
    for bad in (str(2**70), "²"):
        added = client.post(reverse("people:person-address-viewer-add", args=[a.mother.pk]),
                            {"user": bad, "reason": "試し"}, follow=True)  # fmt: skip
        revoked = client.post(reverse("people:person-address-viewer-revoke", args=[a.mother.pk]), {"viewer": bad},
                              follow=True)  # fmt: skip
        assert "指名できません" in added.content.decode() and "指名が見つかりません" in revoked.content.decode()
    client.force_login(personas.caseworker_b)
    assert ADDRESS in client.get(reverse("people:person-detail", args=[a.mother.pk])).content.decode()
    # Anyone else who reads her is refused, in Japanese, and learns nothing of whom the agency trusts.
    client.force_login(personas.caseworker_a)
    page = client.get(reverse("people:person-detail", args=[a.mother.pk])).content.decode()
    assert 'id="address-viewers"' not in page
    response = client.post(
        reverse("people:person-address-viewer-add", args=[a.mother.pk]),
        {"user": personas.caseworker_a.pk, "reason": "自分で"}, follow=True,
    )  # fmt: skip
    assert "監督者だけ" in response.content.decode()
    assert not AddressViewer.objects.filter(user=personas.caseworker_a).exists()


def test_household_members_inherit_only_where_they_share_the_address(personas):
    anshin = personas.coordinator
    mother = register(anshin, given_name="美和", address=ADDRESS, address_protected=True, care_notes="DV")
    same = register(anshin, given_name="陽", address=f" {ADDRESS} ")  # spaced differently: the same address
    unrecorded = register(anshin, given_name="翔", address="", postal_code="")
    elsewhere = register(anshin, given_name="父", address="琴浦町別の住所1番地（試験）")
    apart_unrecorded = register(anshin, given_name="祖母", address="", postal_code="")
    household_create(user=anshin, address="", members=[
        MemberInput(mother, Relationship.HEAD), MemberInput(same, Relationship.CHILD),
        MemberInput(unrecorded, Relationship.CHILD), MemberInput(elsewhere, Relationship.SPOUSE),
        MemberInput(apart_unrecorded, Relationship.PARENT, lives_together=False),
    ])  # fmt: skip
    protections = protections_of([mother, same, unrecorded, elsewhere, apart_unrecorded])
    protected = {p.given_name for p in (mother, same, unrecorded, elsewhere, apart_unrecorded) if protections[p.pk]}
    assert protected == {"美和", "陽", "翔"}


def test_the_demo_towns_finding_the_childcare_division_no_longer_reads_the_protected_addresses(
    client, personas, settings, monkeypatch
):
    """The demo town as ``demo_town`` builds it: protected mothers and children registered by 福祉あんしん課 (the
    register division). At full scale 子育て応援課 holds some of them as its own records too; here it is given
    those grants, on every protected person but one mother, whose child it holds (she answers 404)."""
    from tsunagu.people.demo import generator

    settings.DEMO_MODE = True
    monkeypatch.setattr(generator, "demo_town_extensions", lambda: [])
    call_command("demo_town", "--people", "2000", "--seed", "1", "--as-of", "2025-10-01", stdout=io.StringIO())
    protected = list(Person.objects.filter(address_protected=True).exclude(address="").select_related("district"))
    assert len(protected) >= 3
    assert {p.address_protected_by for p in protected} == {org("福祉あんしん課")}
    families = [m.household.members.all() for p in protected for m in p.household_memberships.all()]
    mother = next(f[0].person for f in families if len(f) > 1)
    kosodate = user_create(municipality=personas.town, username="kosodate", password=PASSWORD, display_name="子育て",
                           memberships=[(org("子育て応援課"), Role.CASEWORKER)])  # fmt: skip
    for person in protected:
        if person != mother:
            grant_create(organization=org("子育て応援課"), person=person, basis=Basis.OWN_RECORD,
                         source="registration", granted_by=kosodate)  # fmt: skip
    client.force_login(kosodate)
    assert client.get(reverse("people:person-detail", args=[mother.pk])).status_code == 404
    shown = []
    for person in protected:
        if person == mother:
            continue
        consent = consent_record(user=kosodate, person=person, data=ConsentInput(
            purpose="子育て支援", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
            organizations=[org("子育て応援課")]))  # fmt: skip
        pages = [client.get(reverse(name, args=[person.pk])) for name in ("people:person-detail", "people:person-edit")]
        made = consultation_of(kosodate, person, None, consent)  # 本人同意あり: the form prints the address
        pages.append(client.get(reverse("consultations:consultation-print", args=[made])))
        assert [p.status_code for p in pages] == [200, 200, 200]
        for page in pages:
            text = body(page)
            values = (person.address, person.postal_code, f"{person.postal_code[:3]}-{person.postal_code[3:]}")
            shown += [(person.pk, v) for v in values if v and squeezed(v) in squeezed(text)]
    assert shown == []
    # The protecting division itself still reads them (so the strings above were there to be found).
    client.force_login(personas.coordinator)
    page = client.get(reverse("people:person-detail", args=[protected[0].pk])).content.decode()
    assert protected[0].address in page


def test_the_register_import_moving_a_protected_person_logs_no_location(kotoura, personas, tmp_path):
    from tsunagu.people.tests.test_import_residents import AKASAKI, ROWS, run, write

    moved = register(personas.caseworker_a, resident_number="0001000004", address_protected=True,
                     care_notes="DV等支援措置")  # fmt: skip
    run(write(tmp_path, ROWS))  # the register writes her at 赤碕 (AKASAKI)
    moved.refresh_from_db()
    assert moved.address == AKASAKI and moved.address_protected
    entries = AuditEntry.objects.filter(person_id=moved.pk, action="update")
    assert entries.exists()
    assert not any(AKASAKI in str(e.changes) or "6892301" in str(e.changes) for e in entries)
