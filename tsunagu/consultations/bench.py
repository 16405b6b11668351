"""Pages ``manage.py bench`` measures (``tsunagu.core.bench``): the inbox, the open referrals, a consultation
and a referral, and — with a person who has consultations as their example — the person's and household's
pages and timelines (people registers only the search: it cannot see consultations)."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from tsunagu.access.policy import casework_organization_ids
from tsunagu.consultations.models import Consultation
from tsunagu.consultations.selectors import consultations_visible, referrals_visible
from tsunagu.core.bench import BenchPage
from tsunagu.core.models import User
from tsunagu.people.models import HouseholdMember


def _consultation(user: User) -> Consultation | None:
    """The latest consultation about a person received by the reader's own organisation that led to a
    referral: the fullest consultation page (routing suggestions, the referral form), and the same kind of
    page at every scale — another agency's consultation, read on a grant, shows fewer panels, and comparing
    one with the other is no growth figure."""
    own = consultations_visible(user).filter(person__isnull=False, organization_id__in=casework_organization_ids(user))
    referred = referrals_visible(user).filter(consultation__in=own.values("pk")).order_by("-pk")
    pk = referred.values_list("consultation_id", flat=True).first()
    if pk is None:
        return own.order_by("-pk").first()
    return consultations_visible(user).filter(pk=pk).first()


def _of_consultation(name: str) -> Callable[[User], str | None]:
    def path(user: User) -> str | None:
        consultation = _consultation(user)
        return reverse(name, args=[consultation.pk]) if consultation else None

    return path


def _of_person(name: str) -> Callable[[User], str | None]:
    def path(user: User) -> str | None:
        consultation = _consultation(user)
        return reverse(name, args=[consultation.person_id]) if consultation and consultation.person_id else None

    return path


def _of_household(name: str) -> Callable[[User], str | None]:
    def path(user: User) -> str | None:
        consultation = _consultation(user)
        if consultation is None or consultation.person_id is None:
            return None
        household = consultation.household_id or (
            HouseholdMember.objects.filter(person_id=consultation.person_id)
            .order_by("pk")
            .values_list("household_id", flat=True)
            .first()
        )
        return reverse(name, args=[household]) if household else None

    return path


def _of_referral(name: str) -> Callable[[User], str | None]:
    def path(user: User) -> str | None:
        pk = referrals_visible(user).order_by("-pk").values_list("pk", flat=True).first()
        return reverse(name, args=[pk]) if pk else None

    return path


def _fixed(name: str) -> Callable[[User], str | None]:
    return lambda user: reverse(name)


BENCH_PAGES = [
    BenchPage("consultations:inbox", "相談・つなぎの一覧", _fixed("consultations:inbox")),
    BenchPage("consultations:referrals-open", "未受理のつなぎ", _fixed("consultations:referrals-open")),
    BenchPage("consultations:consultation-detail", "相談", _of_consultation("consultations:consultation-detail")),
    BenchPage("consultations:referral-detail", "つなぎ", _of_referral("consultations:referral-detail")),
    BenchPage("people:person-detail", "本人のページ", _of_person("people:person-detail")),
    BenchPage("people:person-timeline", "本人の経過", _of_person("people:person-timeline")),
    BenchPage("people:household-detail", "世帯のページ", _of_household("people:household-detail")),
    BenchPage("people:household-timeline", "世帯の経過", _of_household("people:household-timeline")),
    BenchPage("api:consultation-list", "API 相談の一覧", _fixed("api:consultation-list"), api=True),
    BenchPage("api:referrals-open", "API 未受理のつなぎ", _fixed("api:referrals-open"), api=True),
    BenchPage("api:consultation-detail", "API 相談", _of_consultation("api:consultation-detail"), api=True),
    BenchPage("api:person-detail", "API 本人", _of_person("api:person-detail"), api=True),
    BenchPage("api:person-timeline", "API 本人の経過", _of_person("api:person-timeline"), api=True),
    BenchPage("api:household-timeline", "API 世帯の経過", _of_household("api:household-timeline"), api=True),
]
