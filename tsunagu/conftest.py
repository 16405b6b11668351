"""Personas, as STYLE.md asks: every behaviour is tested from the side of the people who meet it."""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tsunagu.core.models import Municipality, Organization, OrganizationKind, Role, User
from tsunagu.core.services import user_create

PASSWORD = "correct-horse-battery"


@dataclass
class Personas:
    town: Municipality
    caseworker_a: User  # 琴浦町地域包括支援センター
    colleague_a: User  # same centre
    caseworker_b: User  # 相談支援センターサポートりんくす, unrelated to A's records
    coordinator: User  # 福祉あんしん課, 多機関協働
    supervisor: User  # 福祉あんしん課
    administrator: User
    auditor: User
    stranger: User  # a caseworker of another municipality

    def all(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "town"}


@pytest.fixture
def kotoura(db) -> Municipality:
    """琴浦町 with its plan. Loaded once per test database; again after a transactional test emptied it."""
    municipality = Municipality.objects.filter(code="313718").first()
    if municipality is None:
        from conftest import KOTOURA_PLAN
        from tsunagu.plans.planfile import read_plan_file
        from tsunagu.plans.services import plan_load

        municipality = plan_load(plan_file=read_plan_file(KOTOURA_PLAN)).plan.municipality
    return municipality


@pytest.fixture
def personas(kotoura: Municipality) -> Personas:
    orgs = {o.name: o for o in Organization.objects.filter(municipality=kotoura)}

    def make(username: str, organization: Organization, role: Role) -> User:
        return user_create(
            municipality=organization.municipality,
            username=username,
            password=PASSWORD,
            display_name=username,
            memberships=[(organization, role)],
        )

    # 鳥取県北栄町: a real code with a valid check digit, for "another town".
    other_town = Municipality.objects.create(code="313726", name="北栄町", prefecture="鳥取県")
    return Personas(
        town=kotoura,
        caseworker_a=make("cw_a", orgs["琴浦町地域包括支援センター"], Role.CASEWORKER),
        colleague_a=make("cw_a2", orgs["琴浦町地域包括支援センター"], Role.CASEWORKER),
        caseworker_b=make("cw_b", orgs["相談支援センターサポートりんくす"], Role.CASEWORKER),
        coordinator=make("coord", orgs["福祉あんしん課"], Role.COORDINATOR),
        supervisor=make("super", orgs["福祉あんしん課"], Role.SUPERVISOR),
        administrator=make("admin", orgs["福祉あんしん課"], Role.ADMINISTRATOR),
        auditor=make("audit", orgs["福祉あんしん課"], Role.AUDITOR),
        stranger=make(
            "stranger",
            Organization.objects.create(
                municipality=other_town, name="北栄町地域包括支援センター", kind=OrganizationKind.TOWN_CENTRE
            ),
            Role.CASEWORKER,
        ),
    )


@pytest.fixture(scope="session")
def _media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, _media_dir):
    """Uploaded scans (a consent's form) go to a temporary directory, never to the checkout's var/."""
    settings.MEDIA_ROOT = _media_dir


@pytest.fixture(autouse=True)
def _language_reset_after_each_test() -> Iterator[None]:
    """A request in English leaves English active in the thread (LocaleMiddleware does not undo it): the next
    test, and the module fixtures it sets up, must not inherit it."""
    from django.conf import settings as django_settings
    from django.utils import translation

    yield
    translation.activate(django_settings.LANGUAGE_CODE)


# --- Browser tests: Playwright driving Debian's chromium --------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser test skipped: Debian's chromium is not installed ({CHROMIUM} not found)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_tab(chromium, live_server) -> Iterator[object]:
    """Opens fresh Japanese-locale browser tabs, each in its own context (its own session: two people on two
    machines); fails the test on any console error in any of them (CSP violations included)."""
    contexts: list[object] = []
    errors: list[str] = []

    def open_tab() -> object:
        context = chromium.new_context(locale="ja-JP", viewport={"width": 1366, "height": 900})
        contexts.append(context)
        tab = context.new_page()
        # An invalid form is shown again with its errors and status 400 (the pages' convention); Chromium logs
        # each such page as a failed load. Those pages are the ones expected: other failures still count.
        refused_forms: set[str] = set()

        def response(answer: object) -> None:
            request = answer.request  # type: ignore[attr-defined]
            if answer.status == 400 and request.method == "POST" and request.resource_type == "document":  # type: ignore[attr-defined]
                refused_forms.add(answer.url)  # type: ignore[attr-defined]

        def console(message: object) -> None:
            if message.type != "error":  # type: ignore[attr-defined]
                return
            shown_again = message.location.get("url") in refused_forms  # type: ignore[attr-defined]
            if not (shown_again and message.text.startswith("Failed to load resource")):  # type: ignore[attr-defined]
                errors.append(message.text)  # type: ignore[attr-defined]

        tab.on("response", response)
        tab.on("console", console)
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.base_url = live_server.url
        return tab

    yield open_tab
    for context in contexts:
        context.close()  # type: ignore[attr-defined]
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def page(new_tab) -> object:
    """A fresh Japanese-locale browser tab; fails the test on any console error (CSP violations included)."""
    return new_tab()


# axe-core (package.json's devDependencies, installed by `make install`) checks each page against WCAG 2.2
# A and AA. It is loaded from node_modules, never from a network: the machines are offline.
AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_run(tab: object) -> dict:
    """axe-core's results for the page as it is now (after any htmx swap): WCAG 2.2 A and AA rules only."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not installed ({AXE_SCRIPT} missing): run `make install`")
    if not tab.evaluate("typeof window.axe !== 'undefined'"):  # type: ignore[attr-defined]
        # The pages' CSP forbids inline script (add_script_tag(path=…) inlines the file), so the script is
        # answered by the browser itself at a same-origin address the server never sees.
        url = tab.base_url + AXE_URL  # type: ignore[attr-defined]
        if not getattr(tab, "_axe_routed", False):
            tab.route(url, lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript"))  # type: ignore[attr-defined]
            tab._axe_routed = True  # type: ignore[attr-defined]
        tab.add_script_tag(url=url)  # type: ignore[attr-defined]
    return tab.evaluate(  # type: ignore[attr-defined]
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )


def axe_report(violations: list[dict]) -> str:
    """One line per rule and one per offending element, with axe's reason: readable in a failed test."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
            lines.append(f"        {node['html'][:200]}")
    return "\n".join(lines)


def axe_check(tab: object, where: str = "") -> int:
    """Assert that the page has no WCAG 2.2 A/AA violation. Answers how many of axe's rules applied and passed."""
    result = axe_run(tab)
    violations = result["violations"]
    place = where or tab.url  # type: ignore[attr-defined]
    assert not violations, f"axe: {len(violations)} WCAG A/AA rule(s) violated on {place}:\n{axe_report(violations)}"
    return len(result["passes"])


def screenshot(tab: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


# --- The audit table refuses DELETE and TRUNCATE: lifted only for the flush after a transactional test.
_TRIGGERS_LIFTED = pytest.StashKey[bool]()


@pytest.fixture
def _audit_triggers_lifted_for_flush(transactional_db):
    # Depends on transactional_db, so this teardown runs just before its flush.
    yield
    from django.db import connection

    from tsunagu.audit import triggers

    triggers.uninstall(connection)


@pytest.fixture(autouse=True)
def _audit_triggers_around_flush(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and bool(marker.kwargs.get("transaction"))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("_audit_triggers_lifted_for_flush")
        request.node.stash[_TRIGGERS_LIFTED] = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the flush (the last fixture teardown), make the audit table append-only again.

    After the last test the test database is already gone, and nothing needs the triggers.
    """
    result = yield
    if item.stash.get(_TRIGGERS_LIFTED, False) and nextitem is not None:
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        from tsunagu.audit import chain, triggers

        with item.config.stash[blocking_manager_key].unblock():
            triggers.install(connection)
        chain.reset()
    return result
