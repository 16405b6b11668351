"""Personas, as STYLE.md asks: every behaviour is tested from the side of the people who meet it."""

from dataclasses import dataclass

import pytest

from tsunagu.core.models import Municipality, Organization, Role, User
from tsunagu.core.services import user_create
from tsunagu.core.tests.factories import MunicipalityFactory, OrganizationFactory

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
    return Municipality.objects.get(code="313718")


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

    other_town = MunicipalityFactory()
    return Personas(
        town=kotoura,
        caseworker_a=make("cw_a", orgs["琴浦町地域包括支援センター"], Role.CASEWORKER),
        colleague_a=make("cw_a2", orgs["琴浦町地域包括支援センター"], Role.CASEWORKER),
        caseworker_b=make("cw_b", orgs["相談支援センターサポートりんくす"], Role.CASEWORKER),
        coordinator=make("coord", orgs["福祉あんしん課"], Role.COORDINATOR),
        supervisor=make("super", orgs["福祉あんしん課"], Role.SUPERVISOR),
        administrator=make("admin", orgs["福祉あんしん課"], Role.ADMINISTRATOR),
        auditor=make("audit", orgs["福祉あんしん課"], Role.AUDITOR),
        stranger=make("stranger", OrganizationFactory(municipality=other_town), Role.CASEWORKER),
    )
