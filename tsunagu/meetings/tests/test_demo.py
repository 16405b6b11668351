"""``demo_town`` adds a year of 支援会議 and 重層的支援会議 through the meetings' services (issue 13, item 10), and
each meeting is seen by its members only. One demo run (seconds) serves every check of the module."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.access.models import AccessGrant
from tsunagu.collaboration.models import CaseState
from tsunagu.core.demo import demo_accounts_create
from tsunagu.core.models import User
from tsunagu.meetings.law import organizations_lacking_consent
from tsunagu.meetings.models import Decision, FollowUpTask, Meeting
from tsunagu.people.demo.generator import TOWN, demo_town_create
from tsunagu.plans.models import DecisionKind
from tsunagu.records import registry

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 10, 1)


@pytest.fixture
def town(kotoura, settings):
    settings.DEMO_MODE = True
    demo_accounts_create(municipality=kotoura)
    out = StringIO()
    demo_town_create(municipality=kotoura, scale=TOWN.with_people(1500), seed=7, as_of=AS_OF, stdout=out)
    return out.getvalue()


def as_user(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_year_of_both_kinds_visible_to_their_members_only(town):
    assert "会議: 支援会議13回・重層的支援会議13回" in town, town
    meetings = list(Meeting.objects.select_related("meeting_type").prefetch_related("members", "agenda"))
    statutory = [m for m in meetings if m.meeting_type.statutory]
    consent = [m for m in meetings if m.meeting_type.consent_required]
    held = sorted(m.held_at.date() for m in meetings)
    assert held[0] > AS_OF - timedelta(days=366) and held[-1] > AS_OF  # a year, and next month's on the calendar
    assert len({(d.year, d.month) for d in held}) == 13

    # 支援会議: people without consent, every member's secrecy acknowledged before the agenda opened.
    support_items = [i for m in statutory for i in m.agenda.all()]
    assert support_items and all(not i.person.consents.exists() for i in support_items)
    outreach = [k for k in registry.kinds() if k.key == "outreach_target"]
    if outreach:  # people known through outreach's demo are among them
        reached = set(outreach[0].model.objects.values_list("person_id", flat=True))  # type: ignore[attr-defined]
        assert reached & {i.person_id for i in support_items}
    for meeting in statutory:
        if meeting.held_at.date() < AS_OF:
            assert meeting.acknowledgements.count() == meeting.members.count() == 4
    # 重層的支援会議: cases whose consent covers every attending organisation.
    for meeting in consent:
        orgs = [m.organization_id for m in meeting.members.all()]
        for item in meeting.agenda.all():
            assert item.case_id is not None and organizations_lacking_consent(item.person_id, orgs) == []
    # Decisions with tasks; one 支援決定 started the support of the case it decided.
    kinds = set(Decision.objects.values_list("kind", flat=True))
    assert {DecisionKind.SUPPORT_DECISION, DecisionKind.POLICY} <= kinds and kinds & {DecisionKind.OUTREACH,
                                                                                      DecisionKind.WATCHING}  # fmt: skip
    decided = Decision.objects.get(kind=DecisionKind.SUPPORT_DECISION).agenda_item.case
    assert decided is not None and decided.state == CaseState.SUPPORTING
    assert FollowUpTask.objects.filter(done_at__isnull=False).exists()
    assert FollowUpTask.objects.filter(done_at__isnull=True).exists()
    # Old meetings finished their follow-up: no 支援会議 grant of theirs is left.
    closed = [m for m in statutory if m.closed_at is not None]
    assert closed and not AccessGrant.objects.active().filter(source__in=[m.source for m in closed]).exists()
    recent = next(m for m in statutory if m.closed_at is None and m.held_at.date() < AS_OF and m.agenda.exists())
    assert AccessGrant.objects.active().filter(source=recent.source).exists()

    # Visible to members only: 地域包括 sits in, 子育て応援課 does not; 福祉あんしん課's caseworker (the
    # convener's staff) finds it on the calendar but cannot open it.
    opened = recent.agenda.first()
    assert opened is not None
    member, outsider, convener_staff = as_user("houkatsu"), as_user("kosodate"), as_user("anshin")
    assert member.get(reverse("meetings:meeting-detail", args=[recent.pk])).status_code == 200
    assert member.get(reverse("meetings:agenda-item-detail", args=[opened.pk])).status_code == 200
    for client in (outsider, convener_staff):
        assert client.get(reverse("meetings:meeting-detail", args=[recent.pk])).status_code == 404
        assert client.get(reverse("meetings:agenda-item-detail", args=[opened.pk])).status_code == 404
        assert client.get(reverse("meetings:meeting-minutes-print", args=[recent.pk])).status_code == 404
    month = {"month": f"{recent.held_at:%Y-%m}"}
    assert f'data-meeting="{recent.pk}"' in member.get(reverse("meetings:calendar"), month).content.decode()
    assert f'data-meeting="{recent.pk}"' not in outsider.get(reverse("meetings:calendar"), month).content.decode()
    assert f'data-meeting="{recent.pk}"' in convener_staff.get(reverse("meetings:calendar"), month).content.decode()
    assert as_user("coordinator").get(reverse("meetings:meeting-minutes-print", args=[recent.pk])).status_code == 200
