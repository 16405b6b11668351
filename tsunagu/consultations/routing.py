"""つなぎ先の提案: which programmes and organisations a consultation might be connected to, and why.

A suggestion helps the receiving caseworker think of every door the household may need; it decides
nothing. The caseworker chooses, and a referral still needs its own basis (consent or the 支援会議).
So the engine is deliberately simple and explainable: every suggestion carries the reasons — written by
the municipality in its rules — that staff see beside it.

The rules are the municipality's data (``RoutingRule``, defaults in ``data/routing.toml``). What is
fixed here is the law's logic of 多機関協働: a consultation that crosses the fields of support, or names
a situation that is complex by nature, is suggested to 多機関協働 as well.

The engine is pure: ``suggest`` reads the rules, the issues and the plan in a constant number of queries
and writes nothing; it takes ages, not people, so that it never touches personal data itself.
``routing_input_for`` turns a person and household the caller has already read through the access core
into those ages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import get_language, gettext, gettext_lazy

from tsunagu.consultations.models import ConsultationIssue, RoutingRule
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import Municipality, Organization, OrganizationKind
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.plans.models import Category, Domain, Program, ProgramImplementingBody
from tsunagu.plans.selectors import plan_current_for_municipality

# 介護保険の第1号被保険者 and 地域包括支援センター's target; 児童福祉法の「児童」.
ELDERLY_AGE = 65
CHILD_AGE = 18

# The four fields whose programmes 重層的支援体制整備事業 brings together (社会福祉法第106条の4第2項第1号).
SPECIFIC_DOMAINS: tuple[str, ...] = (Domain.ELDERLY, Domain.DISABILITY, Domain.CHILDREN, Domain.POVERTY)

# Situations that are complex by nature: one household, several fields, needs no single agency can meet.
# Codes of data/issues.toml; codes stay stable because reports count by them.
COMPLEX_ISSUES: tuple[str, ...] = ("8050", "double-care", "young-carer", "hoarding")

# Appended to the reasons of a suggestion whose only organisation is the receiving one.
RECEIVING_SUFFIX = gettext_lazy("（受付機関が担当）")


@dataclass(frozen=True)
class RoutingInput:
    """What the rules look at: the chosen 相談内容 codes, the person's age, the other household members' ages.

    ``household_child_ages`` holds the ages of the other members under 18 (``CHILD_AGE``).
    """

    issue_codes: frozenset[str]
    age: int | None
    household_child_ages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    program: Program
    organizations: tuple[Organization, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RoutingResult:
    suggestions: tuple[Suggestion, ...]
    domains: tuple[str, ...]
    collaboration: bool
    collaboration_reasons: tuple[str, ...]


@dataclass
class _Draft:
    program: Program
    organizations: list[Organization] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def add(self, organizations: Iterable[Organization], reasons: Iterable[str]) -> None:
        for organization in organizations:
            if all(organization.pk != o.pk for o in self.organizations):
                self.organizations.append(organization)
        for reason in reasons:
            if reason not in self.reasons:
                self.reasons.append(reason)


# ---- inputs ----------------------------------------------------------------------------------------


def _age(birth: date | None, on: date) -> int | None:
    """満年齢, or None when unknown — or when the recorded birth date is after ``on`` (a data error)."""
    if birth is None or birth > on:
        return None
    return age_on(birth, on)


def routing_input_for(
    person: Person | None,
    household: Household | Iterable[HouseholdMember] | None,
    issue_codes: Iterable[str],
    on: date,
) -> RoutingInput:
    """The routing input for a consultation received ``on`` that date.

    ``person`` and ``household`` (or its members) must come from the access core, with the members'
    people already fetched (``members__person``): this reads only what it is given, and a household
    without prefetched members costs a query per member.
    """
    members: Iterable[HouseholdMember] = ()
    if isinstance(household, Household):
        members = household.members.all()
    elif household is not None:
        members = household
    child_ages: list[int] = []
    for member in members:
        if person is not None and member.person_id == person.pk:
            continue
        age = _age(member.person.birth_date, on)
        if age is not None and age < CHILD_AGE:
            child_ages.append(age)
    return RoutingInput(
        issue_codes=frozenset(issue_codes),
        age=_age(person.birth_date, on) if person is not None else None,
        household_child_ages=tuple(sorted(child_ages)),
    )


# The age bands an issue's domains may depend on (``domains_by_age`` of data/issues.toml).
AGE_BANDS: tuple[str, ...] = ("child", "adult", "elderly", "unknown")


def age_band(age: int | None) -> str:
    """The band of ``age``: child (under 18), adult (18 to 64), elderly (65 and over), or unknown."""
    if age is None:
        return "unknown"
    if age < CHILD_AGE:
        return "child"
    return "elderly" if age >= ELDERLY_AGE else "adult"


def issue_domains(value: object, age: int | None) -> tuple[str, ...]:
    """The domains one issue brings for a person of ``age``, from its stored ``domains``.

    Stored either as a list (the same at every age) or, where the domains depend on the age, as a table
    ``{"all": [...], "child": [...], "adult": [...], "elderly": [...], "unknown": [...]}``: ``all`` at
    every age, plus the list of the person's band (an anonymous person's age is unknown). Keys left out
    add nothing; anything else an edit left there is ignored, so that a mistake counts nowhere.
    """
    if isinstance(value, dict):
        found = [*_domain_list(value.get("all")), *_domain_list(value.get(age_band(age)))]
    else:
        found = _domain_list(value)
    return tuple(dict.fromkeys(found))


def _domain_list(value: object) -> list[str]:
    return [d for d in value if isinstance(d, str) and d in Domain.values] if isinstance(value, list) else []


def domain_table(value: object) -> dict[str, list[str]]:
    """A stored ``domains`` value as the table ``{"all": [...], "child": [...], ...}`` with every key."""
    if not isinstance(value, dict):
        value = {"all": value}
    return {key: _domain_list(value.get(key)) for key in ("all", *AGE_BANDS)}


def domains_value(table: dict[str, list[str]]) -> list[str] | dict[str, list[str]]:
    """The ``domains`` value to store from such a table: a plain list unless a band adds something."""
    bands = {band: list(table[band]) for band in AGE_BANDS if table.get(band)}
    if not bands:
        return list(table.get("all", []))
    return {"all": list(table.get("all", [])), **bands}


def consultation_domains(issues: Iterable[ConsultationIssue], age: int | None) -> tuple[str, ...]:
    """The fields (分野) a consultation touches, in the order of ``Domain``: stored on the consultation,
    counted in reports, and the ground of the 多機関協働 flag — the one rule for all three.

    From the issues' domains for the person's age (``issue_domains``), plus 介護 for a person of 65 or
    more and 子ども等 for a person under 18 (the person's age places them in a field whatever they ask
    about). 全般 is dropped once any specific field is present: it means "no field in particular".
    """
    found = {d for issue in issues for d in issue_domains(issue.domains, age)}
    if age is not None and age >= ELDERLY_AGE:
        found.add(Domain.ELDERLY)
    if age is not None and age < CHILD_AGE:
        found.add(Domain.CHILDREN)
    if found & set(SPECIFIC_DOMAINS):
        found.discard(Domain.GENERAL)
    return tuple(d for d in Domain.values if d in found)


# ---- the engine ------------------------------------------------------------------------------------


def _codes(value: object) -> set[str]:
    """A rule's ``any_issues`` as a set of codes; anything else an edit left there is ignored."""
    return {c for c in value if isinstance(c, str)} if isinstance(value, list) else set()


def rule_matches(rule: RoutingRule, data: RoutingInput) -> bool:
    """Every condition the rule states holds; an unknown age satisfies no age condition."""
    codes = _codes(rule.any_issues)
    if codes and not codes & data.issue_codes:
        return False
    if rule.min_age is not None and (data.age is None or data.age < rule.min_age):
        return False
    if rule.max_age is not None and (data.age is None or data.age > rule.max_age):
        return False
    return rule.child_under is None or any(age < rule.child_under for age in data.household_child_ages)


def rule_reason(rule: RoutingRule, data: RoutingInput, names: dict[str, str]) -> str:
    """Why a matching rule was applied, in the reader's language.

    In Japanese, the municipality's own words (``RoutingRule.reason``, its data). In any other language
    the reason is built from what the rule looked at — the person's age, a child in the household, the
    相談内容 it found among those chosen — and the programme it points to, so that the fixed words are
    translated and only names (issues and programmes, the municipality's data) stay as written.
    """
    if (get_language() or "ja").startswith("ja"):
        return rule.reason
    parts: list[str] = []
    if rule.min_age is not None and rule.max_age is not None:
        parts.append(gettext("%(low)s〜%(high)s歳") % {"low": rule.min_age, "high": rule.max_age})
    elif rule.min_age is not None:
        parts.append(gettext("%(age)s歳以上") % {"age": rule.min_age})
    elif rule.max_age is not None:
        parts.append(gettext("%(age)s歳以下") % {"age": rule.max_age})
    if rule.child_under is not None:
        parts.append(gettext("世帯に%(age)s歳未満の子") % {"age": rule.child_under})
    found = [names.get(code, code) for code in sorted(_codes(rule.any_issues) & data.issue_codes)]
    if found:
        parts.append(gettext("相談内容: %(issues)s") % {"issues": gettext("・").join(found)})
    if not parts:
        return rule.program.name
    return gettext("%(conditions)s → %(program)s") % {
        "conditions": gettext("、").join(parts),
        "program": rule.program.name,
    }


def _collaboration_reasons(
    domains: tuple[str, ...], issue_codes: frozenset[str], issues: list[ConsultationIssue]
) -> tuple[str, ...]:
    """Why 多機関協働 is suggested; empty when it is not. Named by the municipality's wording of the issue."""
    reasons: list[str] = []
    specific = [d for d in domains if d in SPECIFIC_DOMAINS]
    if len(specific) >= 2:
        labels = gettext("・").join(str(Domain(d).label) for d in specific)
        reasons.append(gettext("複数分野（%(labels)s）にまたがる") % {"labels": labels})
    names = {issue.code: issue.name for issue in issues}
    complex_named = [names.get(code, code) for code in COMPLEX_ISSUES if code in issue_codes]
    reasons.extend(gettext("%(issue)s は複合的な課題") % {"issue": name} for name in complex_named)
    return tuple(reasons)


def _collaboration_organizations(program: Program) -> list[Organization]:
    """Who runs 多機関協働: its implementing bodies, or — run directly — the responsible division itself."""
    bodies = [
        link.organization
        for link in ProgramImplementingBody.objects.filter(program=program).select_related("organization")
    ]
    if bodies:
        return bodies
    return list(
        Organization.objects.filter(
            municipality_id=program.municipality_id,
            division_id=program.responsible_division_id,
            kind=OrganizationKind.TOWN_DIVISION,
        )
    )


def _finish(draft: _Draft, exclude: Organization | None) -> Suggestion:
    """The suggestion without the receiving organisation as a destination.

    When the receiving organisation is the programme's only one here, the suggestion stays — the
    caseworker should still see that this programme applies — marked as its own work.
    """
    organizations = tuple(o for o in draft.organizations if exclude is None or o.pk != exclude.pk)
    reasons = tuple(draft.reasons)
    if draft.organizations and not organizations:
        reasons = tuple(f"{reason}{RECEIVING_SUFFIX}" for reason in reasons)
    return Suggestion(program=draft.program, organizations=organizations, reasons=reasons)


def suggest(
    *, municipality: Municipality, data: RoutingInput, exclude_organization: Organization | None = None
) -> RoutingResult:
    """Suggestions for a consultation, in rule order, with 多機関協働 last.

    Rules pointing to the same programme merge into one suggestion. Only active rules for programmes of
    the plan in force count: a rule still pointing to an earlier plan's programme is waiting for an
    administrator to point it anew. At most seven queries, whatever the rules and issues.
    """
    plan = plan_current_for_municipality(municipality=municipality)
    issues: list[ConsultationIssue] = []
    if data.issue_codes:
        issues = list(ConsultationIssue.objects.filter(municipality=municipality, code__in=data.issue_codes))
    domains = consultation_domains(issues, data.age)
    collaboration_reasons = _collaboration_reasons(domains, data.issue_codes, issues)
    if plan is None:
        return RoutingResult((), domains, bool(collaboration_reasons), collaboration_reasons)

    rules = (
        RoutingRule.objects.filter(municipality=municipality, is_active=True, program__plan=plan)
        .select_related("program")
        .prefetch_related(Prefetch("organizations", queryset=Organization.objects.order_by("order", "name")))
        .order_by("order", "id")
    )
    drafts: dict[int, _Draft] = {}
    names = {issue.code: issue.name for issue in issues}
    for rule in rules:
        if rule_matches(rule, data):
            reason = rule_reason(rule, data, names)
            drafts.setdefault(rule.program_id, _Draft(rule.program)).add(rule.organizations.all(), [reason])

    # 多機関協働 goes last, whether a rule or the complexity of the case brought it.
    last = next((d for d in drafts.values() if d.program.category == Category.COLLABORATION), None)
    if collaboration_reasons:
        if last is None:
            program = Program.objects.filter(plan=plan, category=Category.COLLABORATION).order_by("order").first()
            last = _Draft(program) if program is not None else None
        if last is not None:
            last.add(_collaboration_organizations(last.program), collaboration_reasons)
    ordered = [d for d in drafts.values() if d is not last] + ([last] if last is not None else [])

    return RoutingResult(
        suggestions=tuple(_finish(draft, exclude_organization) for draft in ordered),
        domains=domains,
        collaboration=bool(collaboration_reasons),
        collaboration_reasons=collaboration_reasons,
    )
