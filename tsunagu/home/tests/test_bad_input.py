"""No server error on bad input (issue 9, finding 9): a property-based walk of the whole site. The
requests of the finding itself, one by one, are in ``test_bad_input_findings``.

The walk takes every named URL of the URLconf (Django's administration aside: its own pages, tested in
accounts), fills its ids with records arranged as the access matrix arranges them (``matrix.arrange`` and
every app's ``tests/examples.py``), and as each of five personas (a caseworker, a supervisor, an
administrator, an auditor, a caseworker of another town):

- reads the page, and again about the arranged person and household (``?person=…&household=…``), and
  parses the forms it shows (``<form>``, its fields and their options, as a browser would);
- sweeps every query parameter a view declares (``tsunagu.core.params``) and every field of the page's
  forms with one hostile value at a time (``SWEEP``: ² ٣ １２, 2⁶⁴, 2⁶³, −1, NUL, 10,001 characters, an
  impossible date, a date past 9999, markup), all fields at once, since a form cleans every field whatever
  the others hold; each page and form once, as the first persona who opens it;
- lets hypothesis draw further combinations: a few parameters with hostile or generated text on every
  page, and every form posted with each field a plausible value (an option, what the page filled in) or a
  hostile one, as every persona who sees it;
- calls every URL with an id past 2⁶³, at 2⁶³−1 and 0.

Exceptions are not turned into 500 pages here: the test client raises them, and each one is counted with
its request. The test prints ``fuzz: N parameters × M values, K requests, 0 server errors`` and asserts
that no request failed. Run against the parsing this replaced (``int()`` on ``isdigit()``, Django's
ModelMultipleChoiceField), the walk found 19 server errors: the inbox's and the audit log's page numbers,
``?person=²`` on the intake form, overflowing ids posted to the intake and consent forms.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tsunagu.core.params import MAX_ID, declared_params
from tsunagu.plans.models import Program
from tsunagu.records import registry
from tsunagu.records.tests.matrix import EXCLUDED_NAMESPACES, arrange, examples

pytestmark = pytest.mark.django_db

PERSONAS = ("caseworker_a", "supervisor", "administrator", "auditor", "stranger")
HUGE = str(2**64)
# What an attacker (or a pasted spreadsheet) sends; each strategy below draws from these most of the time.
NASTY = (
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e400",
    "NaN",
    "²",
    "٣",
    "１２",
    "¹²³",
    str(2**31),
    str(MAX_ID),
    str(2**63),
    HUGE,
    "9" * 40,
    "\x00",
    "a\x00b",
    "\x00" * 3,
    "x" * 10_001,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "令和99年99月99日",
    "R0.0.0",
    "元年",
    "S1.12.25",
    "0000-00-00",
    "0001-01-01",
    "1899-12-31",
    "9999-12-31",
    "10000-01-01",
    "2025-02-30",
    "25:61",
    "true",
    "on",
    "[]",
    "{}",
    "@",
    "ｱｲｳ",
    "\u200b",
    "🙂",
)
# One of each kind, sent to every parameter of a page or a form at once (a form cleans every field, whatever
# the others hold): the sweep that finds a parser's blind spot without waiting for the draw to pick it.
SWEEP = ("", "²", "٣", "１２", HUGE, str(2**63), "-1", "\x00", "x" * 10_001, "令和99年99月99日", "10000-01-01",
         "<script>alert(1)</script>")  # fmt: skip
# On PostgreSQL the walk sends what the database itself may refuse (overflowing and negative ids, NUL,
# over-long text, an impossible year) and draws nothing: how a value parses is the same on both, and SQLite
# runs the whole walk.
DATABASE_SWEEP = ("", "²", HUGE, str(2**63), "-1", "\x00", "x" * 10_001, "10000-01-01")
VALUE = st.one_of(st.sampled_from(NASTY), st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str))
GET_EXAMPLES = 2  # per page and persona that opens it
FORM_EXAMPLES = 4  # per form and persona
# The schema views read no parameter of ours and build the whole schema per request (half a second):
# test_schemathesis serves and validates it.
UNFUZZED = {"api-schema", "api-docs"}


# --- What the pages show: their forms ------------------------------------------------------------------


@dataclass
class FoundForm:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → the values the page offers
    multiple: set[str] = field(default_factory=set)  # names sent more than once (checkboxes)
    hidden: set[str] = field(default_factory=set)  # what the page filled in for the form (an id, a version)

    def swept(self, value: str) -> dict[str, str]:
        """Every field ``value``, but the hidden ones as the page wrote them: a view that reads its id first
        (``person``) answers 404 to a bad one before its form is cleaned, and the hidden ids are swept
        through the query string and drawn by hypothesis anyway."""
        return {n: (v[0] if n in self.hidden and v else value) for n, v in self.fields.items()}


class _Forms(HTMLParser):
    """The forms of a page, their fields and the values offered; inputs outside a form count as the
    page's own query fields (the htmx filters)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.loose = FoundForm(url, "get")
        self.forms: list[FoundForm] = []
        self.current: FoundForm | None = None
        self.select: str | None = None

    def _target(self) -> FoundForm:
        return self.current or self.loose

    def _add(self, name: str | None, value: str | None, *, repeatable: bool = False) -> None:
        if not name or name.startswith("csrf"):
            return
        target = self._target()
        values = target.fields.setdefault(name, [])
        if value is not None and value not in values:
            values.append(value)
        if repeatable and len(values) > 1:
            target.multiple.add(name)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.url
            self.current = FoundForm(urlsplit(action).path or self.url, (a.get("method") or "get").lower())
            self.forms.append(self.current)
        elif tag == "input" and a.get("type") not in {"submit", "button", "file", "image", "reset"}:
            self._add(a.get("name"), a.get("value") or "", repeatable=a.get("type") == "checkbox")
            if a.get("type") == "hidden" and (name := a.get("name")):
                self._target().hidden.add(name)
        elif tag == "select":
            self.select = a.get("name")
            self._add(self.select, None)
            if "multiple" in a and self.select:
                self._target().multiple.add(self.select)
        elif tag == "option" and self.select:
            self._add(self.select, a.get("value") or "")
        elif tag == "textarea":
            self._add(a.get("name"), "")
        elif tag == "button" and a.get("name"):
            self._add(a.get("name"), a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def forms_of(url: str, html: str) -> list[FoundForm]:
    parser = _Forms(url)
    parser.feed(html)
    return [*parser.forms, parser.loose]


# --- The site's URLs, with ids of arranged records -----------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    converters: tuple[str, ...]  # the path arguments' names


def site_pages() -> list[Page]:
    found: dict[str, Page] = {}

    def walk(patterns: list, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns not in EXCLUDED_NAMESPACES:
                    walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in UNFUZZED:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found[name] = Page(name, tuple(getattr(pattern.pattern, "converters", {})))

    walk(get_resolver().url_patterns, None)
    return sorted(found.values(), key=lambda p: p.name)


def arranged_ids(arrangement: Any) -> dict[str, int]:
    """An id for each route's target, made by the app's example (an example that fails gives no id)."""
    makers = examples()
    ids: dict[str, int] = {"person": arrangement.person.pk, "household": arrangement.household.pk}
    for target in sorted({route.target for route in registry.routes()} - set(ids)):
        if target in makers:
            try:
                with transaction.atomic():
                    ids[target] = makers[target](arrangement)
            except Exception as error:  # another app's example: its own tests say why it fails
                print(f"fuzz: no {target} to call its pages with ({type(error).__name__}); generated ids only")
    return ids


def url_of(page: Page, ids: dict[str, int], fallback: dict[str, int], value: int | None = None) -> str | None:
    if not page.converters:
        return reverse(page.name)
    target = {r.url_name: r.target for r in registry.routes()}.get(page.name, "")
    pk = value if value is not None else ids.get(target, fallback.get(page.name, 1))
    try:
        return reverse(page.name, kwargs=dict.fromkeys(page.converters, pk))
    except Exception:  # a path argument that is not a number: not this walk's business
        return None


# --- Requests, each one counted ------------------------------------------------------------------------


@dataclass
class Run:
    requests: int = 0
    failures: list[tuple[str, str, str, dict[str, Any], str]] = field(default_factory=list)
    values: set[str] = field(default_factory=set)
    parameters: set[str] = field(default_factory=set)

    def send(self, client: Client, persona: str, method: str, url: str, data: dict[str, Any]) -> Any:
        self.requests += 1
        self.parameters |= set(data)
        for value in data.values():
            self.values |= set(value) if isinstance(value, list) else {value}
        try:
            response = client.post(url, data) if method == "post" else client.get(url, data)
        except Exception as error:  # the failure is what this test counts
            self.failures.append((persona, method, url, data, f"{type(error).__name__}: {error}"[:300]))
            return None
        if response.status_code >= 500:
            self.failures.append((persona, method, url, data, f"status {response.status_code}"))
        return response

    def report(self) -> str:
        lines = [f"{p} {m.upper()} {u} {d!r:.300}: {e}" for p, m, u, d, e in self.failures[:20]]
        return "\n".join(lines)


def fuzz(strategy: st.SearchStrategy[Any], examples: int, send: Any) -> None:
    """Send ``examples`` values drawn from ``strategy``; failures are counted by ``Run.send``, not raised,
    so that one server error does not stop the walk."""
    if not examples:
        return

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(strategy)
    def each(value: Any) -> None:
        send(value)

    each()


@pytest.fixture
def clients(personas) -> Iterator[dict[str, Client]]:
    made = {}
    for name in PERSONAS:
        made[name] = Client()
        made[name].force_login(getattr(personas, name))
    yield made


def _html(response: Any) -> str:
    if response is None or "text/html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode(errors="replace")


def test_every_page_and_form_answers_bad_input_without_a_server_error(personas, clients, monkeypatch, capsys):
    started = time.monotonic()
    full = connection.vendor == "sqlite"
    sweep = SWEEP if full else DATABASE_SWEEP
    get_examples, form_examples = (GET_EXAMPLES, FORM_EXAMPLES) if full else (0, 0)
    arrangement = arrange("own", personas, monkeypatch)
    ids = arranged_ids(arrangement)
    fallback = {
        "plans:organization-detail": arrangement.organization("福祉あんしん課").pk,
        "plans:division-detail": arrangement.organization("福祉あんしん課").division_id or 1,
        "api:program-detail": Program.objects.filter(plan__municipality=personas.town)[0].pk,
    }
    pages = site_pages()
    declared = [p.name for p in declared_params()]
    run = Run()

    def relogin(persona: str, url: str) -> None:
        if "logout" in url:  # the walk signs out on the way: sign in again
            clients[persona].force_login(getattr(personas, persona))

    # Each page as it opens, and again about the arranged person and household (the intake form for a
    # person shows their households and consents).
    seed = {"person": str(arrangement.person.pk), "household": str(arrangement.household.pk)}
    walk: list[tuple[Page, str, dict[str, str]]] = [
        (page, u, variant) for page in pages if (u := url_of(page, ids, fallback)) for variant in ({}, seed)
    ]
    swept: set[object] = set()  # pages and forms swept once, as the first persona who opens them
    for persona in PERSONAS:
        client = clients[persona]
        fuzzed: set[tuple[str, str, frozenset[str]]] = set()  # a form on every page (sign out) is sent once
        # page → the forms it showed this persona without the seed
        shown: dict[str, set[tuple[str, str, frozenset[str]]]] = {}
        for page, url, query in walk:
            if query and page.name not in shown:
                continue  # not opened without the seed: not with it either
            response = run.send(client, persona, "get", url, query)
            relogin(persona, url)
            found = forms_of(url, _html(response))
            keys = {(f.method, f.action, frozenset(f.fields)) for f in found}
            if query and keys == shown[page.name]:
                continue  # the seed changes nothing on this page
            names = sorted(set(declared) | {n for f in found for n in f.fields})
            # A page the persona may not open is tried once with parameters: its view refuses before reading more.
            opened = response is not None and response.status_code == 200
            if opened and not query:
                shown[page.name] = keys

            def get_with(params: dict[str, str], url: str = url, persona: str = persona) -> None:
                run.send(clients[persona], persona, "get", url, params)
                relogin(persona, url)

            if opened and (page.name, bool(query)) not in swept:
                swept.add((page.name, bool(query)))
                for value in sweep:
                    get_with({**dict.fromkeys(names, value), **query})
            strategy = st.dictionaries(st.sampled_from(names), VALUE, min_size=1, max_size=4)
            fuzz(strategy, get_examples if opened else min(get_examples, 1), get_with)
            for form in found:
                key = (form.method, form.action, frozenset(form.fields))
                if not form.fields or key in fuzzed:
                    continue
                fuzzed.add(key)
                plausible = {
                    name: st.lists(st.sampled_from(values or [""]), max_size=3)
                    if name in form.multiple
                    else st.sampled_from(values or [""])
                    for name, values in form.fields.items()
                }
                strategy = st.fixed_dictionaries(
                    {name: st.one_of(plausible[name], VALUE, st.lists(VALUE, max_size=2)) for name in form.fields}
                )

                def send_form(data: dict[str, Any], form: FoundForm = form, persona: str = persona) -> None:
                    method = "post" if form.method == "post" else "get"
                    run.send(clients[persona], persona, method, form.action, data)
                    relogin(persona, form.action)

                if key not in swept:
                    swept.add(key)
                    for value in sweep:
                        send_form(form.swept(value))
                fuzz(strategy, form_examples, send_form)

    # Ids no database column holds, at its limit, and nothing at all: every URL that takes one.
    for page in (p for p in pages if p.converters):
        for pk in (2**64, MAX_ID, 0):
            if (path := url_of(page, ids, fallback, pk)) is not None:
                run.send(clients["caseworker_a"], "caseworker_a", "get", path, {})
                if pk != MAX_ID:
                    run.send(clients["caseworker_a"], "caseworker_a", "post", path, {"reason": "x"})

    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nfuzz: {len(run.parameters)} parameters × {len(run.values)} values, {run.requests} requests, "
            f"{len(run.failures)} server errors ({len(pages)} URLs × {len(PERSONAS)} personas, {elapsed:.0f} s)"
        )
    assert set(declared) <= run.parameters
    assert run.requests > len(pages) * len(PERSONAS)
    assert not run.failures, f"{len(run.failures)} server errors:\n{run.report()}"
