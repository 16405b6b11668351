"""Property-based tests of the whole API with schemathesis: every operation of the project's own OpenAPI
schema, each generated request sent through the WSGI application in-process as every persona (each with
a personal token), on data arranged in six of the access matrix's states.

Every response must be no server error, conform to the schema (status documented; body, content type and
headers as declared) and name no person the persona may not see; a request that succeeds must be refused
without the token (schemathesis' ``ignored_auth``). Who may
see whom is written from the rules, as in the generated access matrix (``matrix.READERS`` by state), not
asked of the code under test. Path ids are mostly drawn from the records the arrangement made for the
route's target (the matrix's ``Route``), so that calls find something.

The arrangement is made once for the module, inside a transaction rolled back at its end, and each
request runs in a savepoint rolled back after it: every persona meets the same arranged data, whatever
the requests before wrote. The operations are collected from the schema drf-spectacular generates;
``test_the_schema_is_served_valid_and_current`` loads ``/api/schema/`` through the WSGI application with a
token and checks that it is that schema, valid OpenAPI, built without warnings. The last test prints the
figures of the run (operations, requests, failures per persona).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tsunagu.api.services import api_token_issue
from tsunagu.api.views import TokenRateThrottle
from tsunagu.records.tests.matrix import READERS, arrange, examples

pytestmark = pytest.mark.django_db

PERSONAS = ("caseworker_a", "caseworker_b", "coordinator", "administrator", "auditor", "stranger")
# Six of the matrix's seven states (an expired emergency would move the clock for all the others).
STATES = ("own", "consented", "consent_withdrawn", "meeting", "emergency", "other_town")
# Targets whose examples open nothing beyond the state's rule: the person and household of the arrangement,
# and records about the person held by the holding agency (the consent and the referral name 子育て応援課,
# where no persona works). A route to another target is called with generated ids only.
TARGETS = ("person", "household", "consent", "consultation", "referral", "case_note")
MAX_EXAMPLES = 10  # per operation; each example is sent as every persona
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260501,
        # Fuzzing only: the coverage phase's boundary cases run to hundreds for an operation with a body.
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "with-security-parameters": False},
    }
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    ignored_auth,
]


def generated_schema() -> dict[str, Any]:
    """The schema drf-spectacular builds for ``/api/schema/``, as JSON (dates and lazy strings as text)."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


schema = schemathesis.openapi.from_dict(generated_schema(), config=CONFIG)
schema.app = application


def body_fields(raw: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """("POST", "/api/v1/people/{id}/consents/") → the fields its JSON body may have."""
    components = raw["components"]["schemas"]
    found = {}
    for path, item in raw["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" in body:
                found[(method.upper(), path)] = set(components[body["$ref"].rsplit("/", 1)[-1]].get("properties", {}))
    return found


BODY_FIELDS = body_fields(schema.raw_schema)

# Figures of the run by database and persona, printed by the last test.
FIGURES: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
OPERATIONS: dict[str, set[str]] = defaultdict(set)
FAILURES: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
STATUSES: dict[str, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))


def people_mentioned(body: Any) -> set[int]:
    """The ids of the people a response body names: a person object (one with a family name) by its
    ``id``, a ``person`` object, and any ``person_id`` / ``person_ids``."""
    found: set[int] = set()
    if isinstance(body, list):
        for item in body:
            found |= people_mentioned(item)
    elif isinstance(body, dict):
        if "family_name" in body and isinstance(body.get("id"), int):
            found.add(body["id"])
        if isinstance(body.get("person"), dict) and isinstance(body["person"].get("id"), int):
            found.add(body["person"]["id"])
        if isinstance(body.get("person_id"), int):
            found.add(body["person_id"])
        found |= {pk for pk in body.get("person_ids") or [] if isinstance(pk, int)}
        for value in body.values():
            found |= people_mentioned(value)
    return found


def test_people_are_recognised_in_every_shape_the_api_answers():
    body = {
        "results": [{"id": 1, "family_name": "琴浦", "given_name": "花子"}, {"id": 90, "name": "福祉あんしん課"}],
        "members": [{"person": {"id": 2, "family_name": "琴浦"}, "relationship": "head"}],
        "consents": [{"id": 91, "person_id": 3}],
        "person": {"id": 4},
        "person_ids": [5],
    }
    assert people_mentioned(body) == {1, 2, 3, 4, 5}


@dataclass
class World:
    """What the arrangement made: ids by target (for path parameters) and, for each person, who may see them."""

    ids: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    readers: dict[int, set[str]] = field(default_factory=dict)
    path_targets: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[Any]] = field(default_factory=dict)

    def visible_to(self, persona: str) -> set[int]:
        return {pk for pk, readers in self.readers.items() if persona in readers}

    def ids_for(self, path: str) -> list[int]:
        target = self.path_targets.get(path)
        if target in self.ids:
            return self.ids[target]
        return sorted({pk for ids in self.ids.values() for pk in ids})


def api_path_targets() -> dict[str, str]:
    """``/api/v1/people/{id}/`` → "person": what the id of each API route of the matrix names."""
    from tsunagu.records import registry

    return {
        reverse(route.url_name, args=[987654321]).replace("987654321", "{id}"): route.target
        for route in registry.routes()
        if route.url_name.startswith("api:")
    }


CURRENT: dict[str, World] = {}  # the arranged world while this module runs, for the hook below
KEEP = object()


@schema.hook
def flatmap_case(context, case):
    """Mostly a path id the arrangement made for the route's target; and, in a valid request, mostly
    realistic values for the parameters and fields of known names (a date today, an agency of the town, a
    name to search for), so that writes and searches get past validation too. An invalid (negative) request
    keeps its values: only its id is chosen, so that it is refused for what it is and not for the id."""
    world = CURRENT.get("world")
    if world is None:
        return st.just(case)
    draws: dict[tuple[str, str], st.SearchStrategy[Any]] = {}
    if isinstance(case.path_parameters, dict) and isinstance(case.path_parameters.get("id"), int):
        real = st.sampled_from(world.ids_for(case.operation.path))
        draws[("path_parameters", "id")] = st.one_of(real, real, real, st.just(KEEP))
    if case.meta is None or case.meta.generation.mode.is_positive:
        names = {
            container: set(getattr(case, container)) for container in ("query", "headers", "body")
            if isinstance(getattr(case, container), MutableMapping)
        }  # fmt: skip
        if "body" in names:  # an optional field of the body may be added too
            names["body"] |= BODY_FIELDS.get((case.operation.method.upper(), case.operation.path), set())
        known = {
            (container, name): st.sampled_from(world.values[name])
            for container, found in names.items()
            for name in sorted(found)
            if world.values.get(name)
        }
        if known:
            # All the known values of a request at once (most requests need several), three times in four.
            draws |= {**known, ("", "use known"): st.sampled_from([True, True, True, False])}

    def put(drawn: dict[tuple[str, str], Any]) -> Any:
        use_known = drawn.pop(("", "use known"), False)
        for (container, name), value in drawn.items():
            if value is not KEEP and (container == "path_parameters" or use_known):
                getattr(case, container)[name] = value
        return case

    return st.fixed_dictionaries(draws).map(put) if draws else st.just(case)


def make_personas():
    """The personas of ``tsunagu.conftest.personas``, made here once for the module: that fixture is made
    for each test, and this module's arrangement serves every operation's test."""
    from conftest import KOTOURA_PLAN
    from tsunagu.conftest import PASSWORD, Personas
    from tsunagu.core.models import Municipality, Organization, OrganizationKind, Role
    from tsunagu.core.services import user_create
    from tsunagu.plans.planfile import read_plan_file
    from tsunagu.plans.services import plan_load

    town = Municipality.objects.filter(code="313718").first()
    if town is None:  # a transactional test emptied the database
        town = plan_load(plan_file=read_plan_file(KOTOURA_PLAN)).plan.municipality
    orgs = {o.name: o for o in Organization.objects.filter(municipality=town)}
    other_town = Municipality.objects.create(code="313726", name="北栄町", prefecture="鳥取県")
    elsewhere = Organization.objects.create(
        municipality=other_town, name="北栄町地域包括支援センター", kind=OrganizationKind.TOWN_CENTRE
    )

    def make(username: str, organization: Organization, role: Role):
        return user_create(
            municipality=organization.municipality, username=username, password=PASSWORD, display_name=username,
            memberships=[(organization, role)],
        )  # fmt: skip

    return Personas(
        town=town,
        caseworker_a=make("cw_a", orgs["琴浦町地域包括支援センター"], Role.CASEWORKER),
        colleague_a=make("cw_a2", orgs["琴浦町地域包括支援センター"], Role.CASEWORKER),
        caseworker_b=make("cw_b", orgs["相談支援センターサポートりんくす"], Role.CASEWORKER),
        coordinator=make("coord", orgs["福祉あんしん課"], Role.COORDINATOR),
        supervisor=make("super", orgs["福祉あんしん課"], Role.SUPERVISOR),
        administrator=make("admin", orgs["福祉あんしん課"], Role.ADMINISTRATOR),
        auditor=make("audit", orgs["福祉あんしん課"], Role.AUDITOR),
        stranger=make("stranger", elsewhere, Role.CASEWORKER),
    )


def arrange_world(personas) -> World:
    made = World(path_targets=api_path_targets())
    makers = examples()
    with pytest.MonkeyPatch.context() as monkeypatch:
        for state in STATES:
            arrangement = arrange(state, personas, monkeypatch)
            for target in TARGETS:
                made.ids[target].append(makers[target](arrangement))
            # The person is read as the state's rule says; the other members of the household are the
            # holding agency's own records, shared with nobody.
            holder_only = READERS["other_town" if state == "other_town" else "own"]
            for member in arrangement.household.members.all():
                made.readers[member.person_id] = holder_only
            made.readers[arrangement.person.pk] = READERS[state]
    made.values = known_values(personas.town, made)
    return made


def known_values(town, made: World) -> dict[str, list[Any]]:
    """Realistic values for the parameters and body fields of these names."""
    from tsunagu.consultations.defaults import issues_ensure
    from tsunagu.core.models import Organization
    from tsunagu.plans.models import Program

    today, now = timezone.localdate(), timezone.localtime()
    agencies = {o.name: o.pk for o in Organization.objects.filter(municipality=town)}
    links, kosodate = agencies["相談支援センターサポートりんくす"], agencies["子育て応援課"]
    programs = list(Program.objects.filter(municipality=town).values_list("pk", flat=True)[:5])
    issues = [issue.pk for issue in issues_ensure(town)[:3]]
    return {
        "name": ["ことうら", "コトウラ", "琴浦", "琴浦 花子", "たろう"],
        "birth_date": ["1944-05-03", "昭和19年5月3日"],
        "phone": ["0858-52-1111", "0858521111"],
        "family_name_kana": ["コトウラ"],
        "given_name_kana": ["ハナコ", "タロウ"],
        "postal_code": ["6892392", "689-2392"],
        "If-Match": ['"1"', '"2"', 'W/"1"'],
        "next_step": ["来週、電話で様子を確認する"],
        **{name: [today.isoformat()] for name in ("given_on", "withdrawn_on", "date_to")},
        **{name: [(today + timedelta(days=7)).isoformat()] for name in ("due_on", "next_step_on")},
        "date_from": [(today - timedelta(days=30)).isoformat()],
        **{name: [(now - timedelta(minutes=30)).isoformat()] for name in ("occurred_at", "received_at")},
        "organizations": [[links], [links, kosodate]],
        "to_organization": [kosodate, links],
        **dict.fromkeys(("program", "to_program"), programs),
        "issues": [issues, issues[:1]],
        "main_issue": issues[:1],
        **{name: made.ids[name] for name in ("person", "household", "consent")},
    }


@dataclass
class Caller:
    persona: str
    headers: dict[str, str]
    allowed: set[int]  # the arranged people the persona may see
    hidden: set[int]  # and those they may not

    @property
    def figures(self) -> Counter[str]:
        return FIGURES[connection.vendor][self.persona]

    def no_leak(self, ctx: Any, response: Any, case: Any) -> None:
        """A custom check: a 2xx body names none of the arranged people the persona may not see. (Anyone
        else it names was made by the request itself: each request is rolled back after it.)"""
        if not 200 <= response.status_code < 300 or not response.content:
            return
        mentioned = people_mentioned(response.json())
        self.figures["found"] += bool(mentioned & self.allowed)
        leaked = mentioned & self.hidden
        self.figures["leaks"] += bool(leaked)
        assert not leaked, f"{self.persona} was shown people {sorted(leaked)}; may see {sorted(self.allowed)}"


@pytest.fixture(scope="module")
def callers(django_db_setup, django_db_blocker) -> Iterator[list[Caller]]:
    """The arranged data and a token for each persona, made once for the module inside a transaction rolled
    back at its end. Each test's own transaction nests in it as a savepoint (pytest-django leaves out the
    class teardown of ``TestCase`` that would close the connection, so that tests may nest so)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        # The fast hasher of the conftest's autouse fixture, which is not active for a module's fixture.
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            personas = make_personas()
            CURRENT["world"] = world = arrange_world(personas)
            found = []
            for name in PERSONAS:
                token = api_token_issue(user=getattr(personas, name), name="schemathesis", days=1)[1]
                allowed = world.visible_to(name)
                found.append(Caller(name, {"Authorization": f"Token {token}"}, allowed, set(world.readers) - allowed))
        with pytest.MonkeyPatch.context() as monkeypatch:
            # Throttling has its own test; here it would turn the later requests into 429s.
            monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "1000000/min"})
            yield found
    finally:
        CURRENT.clear()
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@contextmanager
def connection_kept_open() -> Iterator[None]:
    """The WSGI handler closes "old" connections around each request, which inside a test's transaction
    closes the test's own; Django's test client disconnects the same receivers around each of its requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_schema_is_served_valid_and_current(callers):
    """``/api/schema/`` through the WSGI application is the schema the operations below are drawn from;
    it is valid OpenAPI and builds without a warning (as ``manage.py spectacular --fail-on-warn``)."""
    with connection_kept_open():
        served = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=callers[0].headers)
    GENERATOR_STATS.reset()
    current = generated_schema()
    assert not GENERATOR_STATS, "drf-spectacular warned while building the schema (see the log above)"
    validate_schema(current)
    assert served.raw_schema == current == schema.raw_schema
    # Every operation declares the shared error answers in the one error shape.
    for path, item in current["paths"].items():
        for method, operation in item.items():
            for code in ("401", "404"):
                body = operation["responses"][code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorOutput"}, (method, path, code)


def test_an_unknown_api_url_answers_in_the_error_shape(client):
    """A malformed id matches no route (``<int:pk>``): under /api/ the answer is still the API's 404, which
    is what the generated requests with such ids (negative cases) are checked against."""
    response = client.get("/api/v1/people/abc/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"status": 404, "code": "not_found", "message": "Not found."}}
    page = client.get("/people/abc/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def send_as_every_persona(case, callers) -> None:
    """The same generated request as every persona, each in a savepoint rolled back after it."""
    vendor = connection.vendor
    OPERATIONS[vendor].add(case.operation.label)
    failures: list[Any] = []
    report = []
    for caller in callers:
        with connection_kept_open(), transaction.atomic():
            try:
                response = case.call(headers=caller.headers)
                caller.figures["requests"] += 1
                caller.figures[f"{response.status_code // 100}xx"] += 1
                STATUSES[vendor][case.operation.label][response.status_code // 100 * 100] += 1
                case.validate_response(response, checks=[*CHECKS, caller.no_leak], headers=caller.headers)
            except FailureGroup as group:
                caller.figures["failures"] += 1
                for failure in group.exceptions:
                    FAILURES[vendor].add((caller.persona, case.operation.label, failure.title))
                failures.extend(group.exceptions)
                report.append(f"=== as {caller.persona}:\n{group.message}")
            finally:
                transaction.set_rollback(True)
    if failures:
        raise FailureGroup(failures, "\n".join(report))


FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@schema.parametrize()
@FUZZ
def test_every_operation_as_each_persona(case, callers):
    send_as_every_persona(case, callers)


def test_figures_of_the_run(callers, capsys):
    """The figures, printed; and the run reached the data: each persona who may see someone was shown them
    (by some of the operations), and nobody was shown anyone else."""
    vendor = connection.vendor
    if not OPERATIONS[vendor]:
        pytest.skip("the schemathesis tests did not run in this session")
    figures = FIGURES[vendor]
    lines = [f"schemathesis on {vendor}: {len(OPERATIONS[vendor])} operations, {MAX_EXAMPLES} examples each"]
    for caller in callers:
        f = figures[caller.persona]
        lines.append(
            f"  {caller.persona:<14} requests {f['requests']:>5}  2xx {f['2xx']:>4}  4xx {f['4xx']:>4}"
            f"  5xx {f['5xx']:>3}  shown someone {f['found']:>4}  leaks {f['leaks']}  failures {f['failures']}"
        )
    lines += [f"  FAILED as {persona}: {operation}: {title}" for persona, operation, title in sorted(FAILURES[vendor])]
    lines.append("  answers by operation (all personas):")
    for label in sorted(OPERATIONS[vendor], key=lambda label: label.split(" ")[::-1]):
        answers = "  ".join(f"{code // 100}xx {n:>3}" for code, n in sorted(STATUSES[vendor][label].items()))
        lines.append(f"    {label:<50} {answers}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    every_operation = len(OPERATIONS[vendor]) == len(list(schema.get_all_operations()))
    for caller in callers:
        f = figures[caller.persona]
        assert f["requests"] >= len(OPERATIONS[vendor]), caller.persona
        assert f["leaks"] == 0, caller.persona
        if every_operation and caller.allowed:
            # The arranged people were reached: whoever may see someone was shown them now and then.
            assert f["found"] > 0, (caller.persona, caller.allowed)
