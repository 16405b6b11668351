"""支援決定 by a 重層的支援会議 acts on the 多機関協働 case through ``collaboration.services.case_decide``; the
case's refusal is the meeting's, and nothing of the decision is saved."""

from __future__ import annotations

import pytest

from tsunagu.collaboration.models import CaseState, CaseTransition
from tsunagu.collaboration.tests.factories import consent_for, open_case
from tsunagu.core.models import Organization
from tsunagu.meetings import services
from tsunagu.meetings.models import AgendaItem, Decision
from tsunagu.meetings.tests.factories import hold, kotoura_type, refreshed
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register

pytestmark = pytest.mark.django_db


def test_a_support_decision_the_case_refuses_is_refused_with_its_message(personas):
    coordinator = personas.coordinator
    person = register(coordinator)
    household = household_of(coordinator, (person, Relationship.HEAD))
    consent_for(coordinator, person, Organization.objects.get(municipality=personas.town, name="福祉あんしん課"))
    case = open_case(coordinator, person, household, summary="8050の世帯")
    meeting = hold(coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi"))
    item = services.agenda_item_add(
        user=coordinator, meeting=refreshed(meeting),
        data=services.AgendaItemInput(person=person, topic="支援プランの承認", case=case, household=household),
    )  # fmt: skip
    item = AgendaItem.objects.select_related("meeting__meeting_type").get(pk=item.pk)
    transitions_before = CaseTransition.objects.filter(case=case).count()
    # The case is still 受付: the collaboration rule refuses 支援決定 from there, and says so.
    with pytest.raises(services.MeetingError) as refused:
        services.decision_record(user=coordinator, item=item,
                                 data=services.DecisionInput(kind="support_decision", content="プランを承認する"))  # fmt: skip
    assert refused.value.messages and all(refused.value.messages)
    assert not Decision.objects.filter(agenda_item=item).exists()
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert CaseTransition.objects.filter(case=case).count() == transitions_before


def test_support_decision_needs_a_case_on_the_item(personas):
    person = register(personas.coordinator)
    consent_for(
        personas.coordinator, person, Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    )
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi"))
    item = services.agenda_item_add(user=personas.coordinator, meeting=refreshed(meeting),
                                    data=services.AgendaItemInput(person=person, topic="評価"))  # fmt: skip
    item = AgendaItem.objects.select_related("meeting__meeting_type").get(pk=item.pk)
    with pytest.raises(services.MeetingError, match="多機関協働ケースの検討事項"):
        services.decision_record(user=personas.coordinator, item=item,
                                 data=services.DecisionInput(kind="support_decision", content="承認"))  # fmt: skip
