"""The generated access matrix: persona × URL × record state, from the URL configuration and the registry.

Each registered ``Route`` (a URL that takes an id) is called by every persona in every state; each
registered record kind is read through the one selector. The expectations are written here from the
rules of DESIGN §4, not computed by the code under test:

- the holding agency (地域包括支援センター: caseworker A and colleague) always reads and edits its record;
- another agency reads through a consent naming it (and edits the person), a 支援会議 (read only), or an
  emergency grant that has not expired (read only);
- a withdrawn consent or an expired emergency grant opens nothing;
- administrators, auditors and the staff of another municipality never read personal data;
- a record of another municipality is read by its own agency only.

Examples of each target (how to make a consultation, a referral, a household … in a given state) are
found in each app's ``tests/examples.py`` (``EXAMPLES = {target: factory}``), so that a new capability
adds its rows by adding its routes and its examples.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tsunagu.access.models import Basis, ConsentMethod
from tsunagu.access.services import (
    ConsentInput,
    consent_record,
    consent_withdraw,
    emergency_access_request,
    grant_create,
)
from tsunagu.core.models import Municipality, Organization, User
from tsunagu.people.models import Household, Person, Relationship
from tsunagu.people.tests.helpers import household_of, register

PERSONAS = ("caseworker_a", "colleague_a", "caseworker_b", "coordinator", "supervisor", "administrator", "auditor",
            "stranger")  # fmt: skip
STATES = ("own", "consented", "consent_withdrawn", "meeting", "emergency", "emergency_expired", "other_town")

OWN = {"caseworker_a", "colleague_a"}
ANSHIN = {"coordinator", "supervisor"}
READERS = {
    "own": OWN,
    "consented": OWN | {"caseworker_b"},
    "consent_withdrawn": OWN,
    "meeting": OWN | ANSHIN,
    "emergency": OWN | {"caseworker_b"},
    "emergency_expired": OWN,
    "other_town": {"stranger"},
}
EDITORS = {state: (OWN | {"caseworker_b"} if state == "consented" else readers & (OWN | {"stranger"}))
           for state, readers in READERS.items()}  # fmt: skip

# URLs that take an id but show no personal data (the plan's public catalogue; a staff membership that a
# supervisor confirms), and Django's admin (administrators only, scoped to their municipality); both tested
# in tsunagu.accounts.
NOT_PERSONAL = {
    "plans:organization-detail", "plans:division-detail", "api:program-detail",
    "core:membership-confirm", "core:membership-decline",
    # 研修: staff and organisations, no resident (every user of the town reads; tested in tsunagu.training).
    "training:session-detail", "training:session-edit", "training:material-add", "training:material-remove",
    "api:training-session-detail", "api:training-material-add", "api:training-material-detail",
    # 地域づくり's places, sessions and programme counts name no person: community staff read them (tested in
    # tsunagu.community); a known person's participation is a case record with routes of its own.
    "community:program-detail", "community:place-detail", "community:session-create", "community:session-detail",
    "community:participation-add", "api:community-place-detail", "api:community-place-sessions",
    "api:community-session-detail", "api:community-session-participations",
    # 参加支援's registry (resources and their hosts) names no person (tested in tsunagu.participation).
    "participation:resource-detail", "participation:resource-close", "api:participation-resource-detail",
    "api:participation-resource-close", "participation:resource-edit", "participation:host-edit",
    "api:participation-host-detail",
}  # fmt: skip
EXCLUDED_NAMESPACES = {"tsunagu-admin"}


def expected_allowed(needs: str, state: str) -> set[str]:
    if needs == "read":
        return READERS[state]
    if needs == "edit":
        return EDITORS[state]
    if needs == "holder":
        # Only the holding agency's staff (the example's consent form, taken by the holder and naming
        # no persona's agency), while it reads the person.
        return READERS[state] & (OWN | {"stranger"})
    if needs == "supervise":
        return READERS[state] & {"supervisor"}
    if needs == "review":
        # The emergency grant under review is the coordinator's (福祉あんしん課), in 琴浦町.
        return {"supervisor"} if state != "other_town" else set()
    raise ValueError(needs)


@dataclass
class Arrangement:
    """A record state: the person the records are about, and who holds them."""

    state: str
    personas: object
    holder: User  # writes the records (caseworker A, or the stranger in another town)
    person: Person
    household: Household
    town: Municipality
    made: dict[str, int] = field(default_factory=dict)

    def organization(self, name: str) -> Organization:
        return Organization.objects.get(municipality=self.town, name=name)


def url_patterns_with_ids() -> list[str]:
    """Every named URL that takes an argument, by its namespaced name."""
    found: list[str] = []

    def walk(patterns: list, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.pattern.converters:
                found.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return sorted(n for n in set(found) if n.split(":")[0] not in EXCLUDED_NAMESPACES)


def missing_routes(url_names: list[str]) -> list[str]:
    """URLs that take an id and have no registered route (so no row in the matrix)."""
    from tsunagu.records import registry

    registered = {route.url_name for route in registry.routes()}
    return [name for name in url_names if name not in registered | NOT_PERSONAL]


def examples() -> dict[str, Callable[[Arrangement], int]]:
    """Every app's ``tests/examples.py``: how to make each target in a state."""
    found: dict[str, Callable[[Arrangement], int]] = {}
    for config in apps.get_app_configs():
        if (Path(config.path) / "tests" / "examples.py").exists():
            module = importlib.import_module(f"{config.name}.tests.examples")
            found.update(module.EXAMPLES)
    return found


OTHER_TOWN_CODE, OTHER_TOWN_NAME = "313726", "北栄町"


def load_other_town_plan() -> Municipality:
    """The same plan, for 北栄町: another municipality with its own programmes and agencies."""
    from conftest import KOTOURA_PLAN
    from tsunagu.plans.planfile import read_plan_file
    from tsunagu.plans.services import plan_load

    text = KOTOURA_PLAN.read_text(encoding="utf-8").replace('code = "313718"', f'code = "{OTHER_TOWN_CODE}"', 1)
    text = text.replace('name = "琴浦町"', f'name = "{OTHER_TOWN_NAME}"', 1)
    copy = Path(KOTOURA_PLAN).parent.parent / "var" / "other_town_plan.toml"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(text, encoding="utf-8")
    return plan_load(plan_file=read_plan_file(copy)).plan.municipality


def arrange(state: str, personas, monkeypatch) -> Arrangement:
    if state == "other_town":
        town = load_other_town_plan()
        holder = personas.stranger
    else:
        town, holder = personas.town, personas.caseworker_a
    person = register(holder)
    spouse = register(
        holder, given_name="太郎", given_name_kana="タロウ", birth_date=timezone.localdate().replace(year=1940)
    )
    household = household_of(holder, (spouse, Relationship.HEAD), (person, Relationship.SPOUSE))
    arrangement = Arrangement(state, personas, holder, person, household, town)
    org = Organization.objects.get

    def consent_to(name: str):
        return consent_record(
            user=holder, person=person,
            data=ConsentInput(purpose="支援のための情報共有", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
                              organizations=[org(municipality=personas.town, name=name)]),
        )  # fmt: skip

    if state == "consented":
        consent_to("相談支援センターサポートりんくす")
    elif state == "consent_withdrawn":
        consent_withdraw(
            user=holder, consent=consent_to("相談支援センターサポートりんくす"), withdrawn_on=timezone.localdate()
        )
    elif state == "meeting":
        grant_create(
            organization=org(municipality=personas.town, name="福祉あんしん課"), person=person, basis=Basis.ART106_6,
            source="meeting:matrix", granted_by=personas.coordinator, reason="支援会議の検討事例",
        )  # fmt: skip
    elif state.startswith("emergency"):
        emergency_access_request(
            user=personas.caseworker_b, person=person, reason="本人と連絡が取れず、室内で倒れている恐れがある", hours=2
        )
    return arrangement


def move_clock_if_expired(state: str, monkeypatch) -> None:
    """Called after the examples are made: an expired emergency grant is three hours later."""
    if state == "emergency_expired":
        later = timezone.now() + timedelta(hours=3)
        monkeypatch.setattr(timezone, "now", lambda: later)


@dataclass
class MatrixResult:
    cases: int = 0
    allowed: int = 0
    denied: int = 0
    leaks: list[tuple] = field(default_factory=list)
    wrong_denials: list[tuple] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.cases} cases, {self.allowed} allowed, {self.denied} denied, {len(self.leaks)} leaks, "
            f"{len(self.wrong_denials)} wrong denials"
        )

    def record(self, persona: str, what: str, status: int, expected: bool) -> None:
        self.cases += 1
        if status == 404:
            self.denied += 1
            if expected:
                self.wrong_denials.append((persona, what, status))
        else:
            self.allowed += 1
            assert status < 500, (persona, what, status)
            if not expected:
                self.leaks.append((persona, what, status))


def run_matrix(client, personas, monkeypatch, state: str, *, kinds_only: tuple[str, ...] = ()) -> MatrixResult:
    """Arrange ``state``, make every target, and call every route as every persona (and read every kind
    through ``record_get_for_user``). ``kinds_only`` limits the run to those record kinds (no routes)."""
    from django.http import Http404
    from django.urls import reverse

    from tsunagu.records import registry
    from tsunagu.records.selectors import record_get_for_user

    arrangement = arrange(state, personas, monkeypatch)
    makers = examples()
    routes = [] if kinds_only else registry.routes()
    kinds = [k for k in registry.kinds() if not kinds_only or k.key in kinds_only]
    targets = {route.target for route in routes} | {kind.key for kind in kinds}
    ids = {target: makers[target](arrangement) for target in sorted(targets)}
    move_clock_if_expired(state, monkeypatch)
    result = MatrixResult()
    for name in PERSONAS:
        user = getattr(personas, name)
        client.force_login(user)  # once: no route takes the session away, and a sign-in writes rows
        for route in routes:
            url = reverse(route.url_name, args=[ids[route.target]])
            response = client.post(url, {}) if route.method == "POST" else client.get(url)
            result.record(name, route.url_name, response.status_code, name in expected_allowed(route.needs, state))
        for kind in kinds:
            try:
                record_get_for_user(user=user, kind=kind.key, pk=ids[kind.key])
                status = 200
            except Http404:
                status = 404
            result.record(name, f"kind:{kind.key}", status, name in READERS[state])
    return result
