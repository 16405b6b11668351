"""The records before they are written: ``Resident`` (a person as the drawing needs them), ``Draft`` (a
consultation), ``Sending`` (a referral), and the ``Counts`` of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tsunagu.access.models import Consent
from tsunagu.consultations.demo.scenarios import Scenario
from tsunagu.consultations.models import ConsentVariant, Consultation, ConsultationIssue, Outcome, Referral, Route
from tsunagu.consultations.routing import RoutingResult
from tsunagu.core.models import Organization, User
from tsunagu.plans.models import Program


@dataclass(slots=True)
class Resident:
    """A person of the town as far as drawing consultations needs: no contact details, no addresses."""

    pk: int
    municipality_id: int
    family_name: str
    given_name: str
    birth_date: date | None
    gender: str
    registered: bool
    age: int | None  # on the reference date
    household: int | None = None
    relationship: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.family_name}　{self.given_name}".strip("　")  # as Person.full_name


@dataclass(slots=True)
class Draft:
    """One consultation before it is written, with what its referral and records need."""

    scenario: Scenario
    organization: Organization
    program: Program
    received_at: datetime
    staff: User
    route: Route
    issues: list[ConsultationIssue]
    main: ConsultationIssue
    person: Resident | None
    anonymous_description: str = ""
    variant: ConsentVariant = ConsentVariant.WITH_CONSENT
    age: int | None = None
    household: int | None = None
    routing: RoutingResult | None = None
    outcome: Outcome = Outcome.HANDLED
    consent: Consent | None = None
    target: tuple[Organization, Program | None] | None = None  # where a referral goes
    to_meeting: bool = False
    record: Consultation | None = None


@dataclass(slots=True)
class Sending:
    """A referral before it is written: what is decided about it, and when."""

    draft: Draft
    referral: Referral
    sent_at: datetime
    responded_at: datetime | None = None


@dataclass
class Counts:
    """What a run made: the summary line and the audit entry say it."""

    consultations: int = 0
    referrals: int = 0
    waiting: int = 0
    overdue: int = 0
    notes: int = 0
    consents: int = 0
    grants: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
