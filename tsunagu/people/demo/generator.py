"""The demo town: who lives there (a pure function of a seeded ``random.Random``), then a batched writer.

Two halves, kept apart on purpose:

``generate(rng, town, scale, as_of)`` yields ``Unit`` rows — a household and its members, or a person
outside any household — and touches neither the database nor the clock. The same seed and reference
date give the same town, name for name and date for date, which is what the tests compare and what
makes benchmark runs comparable. It is a generator so that the 500,000 people of ``city`` scale are
never all in memory.

``DemoWriter`` writes those rows a few thousand people at a time: the people and the access grants
through the services' bulk variants (``persons_register_bulk``, ``grants_create_bulk``), households and
members, other names and the consents with ``bulk_create`` in the shapes the services give them. No
per-row queries nor per-row audit entries, which would take minutes for a town: each bulk call writes
one entry, and ``demo_town_create`` one for the run.

Everything generated is visibly fictional: every address contains （デモ）, phone numbers are in the
0858-00 exchange (00 is not assigned, so no number can reach anyone), and mail goes to example.jp.

The parts live in modules of their own: ``rows`` (the rows and the household kinds), ``town`` (the
districts and the scales), ``persons`` (the random draws of people, couples and children),
``households`` (the household shapes), ``residence`` (addresses, contacts and the register),
``agencies`` (which agency serves whom, and the consents) and ``writer`` (``DemoWriter``). This module
puts them together and is the entry point: ``generate`` and ``demo_town_create``.

Other apps add their own demo records to the town (consultations, referrals …) through an extension
hook, so that this app never imports them: dependencies run one way, from those apps to people. At
the end of ``demo_town_create``, inside its transaction, every installed app named ``tsunagu.*``
(people itself excepted, in ``INSTALLED_APPS`` order) whose module ``<app>.demo`` defines

    extend_demo_town(*, municipality: Municipality, rng: random.Random, as_of: date, people: int,
                     user: User) -> str

is called once, after the town's own audit entry. ``people`` is the number of people just generated (to
scale by), ``user`` the inactive system user the records are created by, and the return value one summary
line, which is printed. An extension that also declares ``scale`` (the scale's name, e.g. ``"city"``) or
``stdout`` (for progress lines of a long bulk load) receives them too. An app without a ``demo`` module,
or whose module has no ``extend_demo_town``, is skipped; any other import error propagates, so that a
broken extension is not silently left out.

Each extension gets its own ``random.Random``, seeded from the run's seed plus ``zlib.crc32`` of the app
name — stable across processes, unlike ``hash()`` — so that its records depend only on the seed and the
date, and adding an extension changes neither the town nor the others. An extension writes in bulk and
records one audit entry for what it made, as the town itself does.
"""

from __future__ import annotations

import importlib
import inspect
import random
import sys
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from io import TextIOBase
from itertools import accumulate
from typing import Protocol, TextIO

from django.apps import apps
from django.db import connection, transaction

from tsunagu.access.services import plan_agencies
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.db_stats import statistics_refresh_on_commit
from tsunagu.core.demo import DEMO_ACCOUNTS
from tsunagu.core.models import District, Membership, Municipality, Organization, User
from tsunagu.people.demo.agencies import REGISTER_ORGANIZATION, Agencies
from tsunagu.people.demo.households import HouseholdShapes
from tsunagu.people.demo.residence import Residence
from tsunagu.people.demo.rows import UNREGISTERED_KINDS, HouseholdRow, Kind, PersonRow, Unit
from tsunagu.people.demo.town import CITY, DEMO_DISTRICTS, DV_CARE_NOTE, SCALES, TOWN, Scale, Town
from tsunagu.people.demo.writer import DemoWriter, Totals

# The public names, wherever they are defined: what the command and the tests import from here, and
# the types of ``generate`` and ``demo_town_create``.
__all__ = [
    "CITY",
    "DEMO_DISTRICTS",
    "DV_CARE_NOTE",
    "SCALES",
    "SYSTEM_USERNAME",
    "TOWN",
    "DemoTownError",
    "DemoWriter",
    "Kind",
    "Scale",
    "Totals",
    "Town",
    "Unit",
    "demo_town_create",
    "demo_town_extensions",
    "generate",
]

SYSTEM_USERNAME = "system-demo"
SYSTEM_DISPLAY_NAME = "デモデータ生成"


class _Builder(HouseholdShapes, Residence, Agencies):
    """One generation run: the draws, the household shapes, where they live and who serves them, as units."""

    def __init__(self, rng: random.Random, town: Town, scale: Scale, as_of: date) -> None:
        super().__init__(rng, town, scale, as_of)
        self.builders: dict[Kind, Callable[[], list[PersonRow]]] = {
            Kind.SINGLE_ELDERLY: self.single_elderly,
            Kind.SINGLE_ADULT: self.single_adult,
            Kind.ELDERLY_COUPLE: self.elderly_couple,
            Kind.COUPLE: self.couple_without_children,
            Kind.COUPLE_WITH_CHILDREN: self.couple_with_children,
            Kind.THREE_GENERATIONS: self.three_generations,
            Kind.SINGLE_PARENT: self.single_parent,
            Kind.ELDER_WITH_CHILD: self.elder_with_child,
            Kind.EIGHTY_FIFTY: self.eighty_fifty,
            Kind.SIBLINGS: self.siblings,
            Kind.UNRELATED: self.unrelated,
            Kind.HOMELESS: self.homeless,
            Kind.REGISTERED_ELSEWHERE: self.registered_elsewhere,
            Kind.FAMILY_REGISTERED_ELSEWHERE: self.family_registered_elsewhere,
        }

    # -- a whole unit

    def build(self, kind: Kind) -> Unit:
        people = self.builders[kind]()
        registered = kind not in UNREGISTERED_KINDS
        household = None if kind in (Kind.HOMELESS, Kind.REGISTERED_ELSEWHERE) else HouseholdRow()
        if kind in (Kind.HOMELESS, Kind.REGISTERED_ELSEWHERE):
            for person in people:
                person.relationship = ""
        self.place(kind, people, household)
        self.contacts(kind, people)
        self.register(people, household, registered)
        self.protect_if_dv(kind, people, household)
        self.traditional_forms(people)
        self.serving_agencies(kind, people)
        self.consents(people)
        return Unit(kind=kind, people=people, household=household)


def generate(rng: random.Random, town: Town, scale: Scale, as_of: date) -> Iterator[Unit]:
    """The town's people, household by household, until ``scale.people`` have been made.

    Depends on nothing but its arguments: the same seed, town, scale and date give the same rows.
    """
    builder = _Builder(rng, town, scale, as_of)
    kinds = [kind for kind, _ in scale.weights]
    cum = list(accumulate(weight for _, weight in scale.weights))
    made = 0
    while made < scale.people:
        unit = builder.build(rng.choices(kinds, cum_weights=cum)[0])
        made += len(unit.people)
        yield unit


# --- The run ---------------------------------------------------------------------------------------------


class DemoTownError(Exception):
    """The demo town cannot be made here; the message says why, in Japanese."""


def system_user(municipality: Municipality) -> User:
    """The user the demo records are created by: inactive, with no password, so nobody can log in as it.

    ``system-demo`` for the first municipality that needs one; usernames are unique across the
    deployment, so another municipality gets ``system-demo-<code>``.
    """
    for username in (SYSTEM_USERNAME, f"{SYSTEM_USERNAME}-{municipality.code}"):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(municipality=municipality, username=username, display_name=SYSTEM_DISPLAY_NAME, is_active=False)
            user.set_unusable_password()
            user.save()
            return user
        if user.municipality_id == municipality.pk:
            return user
    raise DemoTownError(f"利用者名「{SYSTEM_USERNAME}」は他の自治体で使われています。")


def districts_for(municipality: Municipality) -> list[District]:
    """The municipality's districts; the illustrative demo districts are created when it has none."""
    districts = list(District.objects.filter(municipality=municipality).order_by("order", "pk"))
    if districts:
        return districts
    return District.objects.bulk_create(
        District(municipality=municipality, name=name, name_kana=kana, order=order)
        for order, (name, kana) in enumerate(DEMO_DISTRICTS, start=1)
    )


def consent_takers(municipality: Municipality) -> dict[int, User]:
    """For each organisation, the demo account with a casework role there (the first by username)."""
    demo_usernames = [account.username for account in DEMO_ACCOUNTS]
    memberships = (
        Membership.objects.filter(
            municipality=municipality,
            user__username__in=demo_usernames,
            user__is_active=True,
            role__in=["caseworker", "coordinator", "supervisor"],
        )
        .select_related("user")
        .order_by("user__username", "pk")
    )
    takers: dict[int, User] = {}
    for membership in memberships:
        takers.setdefault(membership.organization_id, membership.user)
    return takers


@transaction.atomic
def demo_town_create(
    *, municipality: Municipality, scale: Scale, seed: int, as_of: date, stdout: TextIOBase | TextIO | None = None
) -> Totals:
    """Generate the town and write it in one transaction, with one audit entry for the whole run.

    One transaction: a run that fails half-way leaves nothing, so the next run (which does nothing
    when people exist) is not stuck with half a town — nor a town without the other apps' records.
    The extensions' summary lines go to ``stdout`` (standard output when not given).
    """
    if not connection.features.can_return_rows_from_bulk_insert:
        raise DemoTownError("このデータベースは一括登録で番号を返せないため、デモデータを作れません。")
    organizations = {o.name: o for o in Organization.objects.filter(municipality=municipality)}
    register = organizations.get(REGISTER_ORGANIZATION)
    if register is None:
        raise DemoTownError(f"計画に「{REGISTER_ORGANIZATION}」がないため、デモデータの登録機関を決められません。")
    user = system_user(municipality)
    districts = districts_for(municipality)
    town = Town.of(municipality, [d.name for d in districts])
    writer = DemoWriter(
        municipality=municipality,
        user=user,
        as_of=as_of,
        register_organization=register,
        organizations=organizations,
        districts={d.name: d for d in districts},
        consent_takers=consent_takers(municipality),
        consent_scope=plan_agencies(municipality.pk),
    )
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    totals = writer.write(generate(rng, town, scale, as_of))
    audit_record(
        user=user,
        organization=register,
        action=Action.CREATE,
        summary=f"demo_town: {totals.people}人・{totals.households}世帯を生成（seed {seed}）",
        changes={
            "scale": scale.name,
            "people": totals.people,
            "households": totals.households,
            "consents": totals.consents,
            "grants": totals.grants,
            "unregistered": totals.unregistered,
            "seed": seed,
            "as_of": as_of,
        },
    )
    # --- Extensions (see the module docstring): the other apps' demo records, in the same transaction.
    out = stdout or sys.stdout
    for app_name, extend in demo_town_extensions():
        extension_rng = random.Random(seed + zlib.crc32(app_name.encode()))  # noqa: S311 - demo data
        extras = {"scale": scale.name, "stdout": out}
        accepted = {k: v for k, v in extras.items() if k in inspect.signature(extend).parameters}
        summary = extend(
            municipality=municipality, rng=extension_rng, as_of=as_of, people=totals.people, user=user, **accepted
        )
        out.write(f"  {summary}\n")
    # The planner's statistics once the town is committed: a fresh town must search as fast as an analysed one.
    statistics_refresh_on_commit()
    return totals


# --- The extension hook: other apps' demo records -----------------------------------------------------------

EXTENSION_MODULE = "demo"
EXTENSION_FUNCTION = "extend_demo_town"


class DemoTownExtension(Protocol):
    """``<app>.demo.extend_demo_town``: adds the app's demo records to the town; returns one summary line."""

    def __call__(
        self, *, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User
    ) -> str: ...


def demo_town_extensions() -> list[tuple[str, DemoTownExtension]]:
    """The installed ``tsunagu.*`` apps (people excepted) that extend the demo town, in ``INSTALLED_APPS`` order.

    Only a missing ``<app>.demo`` module means "no extension"; a module that fails to import for any
    other reason (a missing module *inside* it included) is an error, not a silent skip.
    """
    found: list[tuple[str, DemoTownExtension]] = []
    for app in apps.get_app_configs():
        if not app.name.startswith("tsunagu.") or app.name == "tsunagu.people":
            continue
        module_name = f"{app.name}.{EXTENSION_MODULE}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        extend = getattr(module, EXTENSION_FUNCTION, None)
        if callable(extend):
            found.append((app.name, extend))
    return found
