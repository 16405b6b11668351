"""How to make a 多機関協働 case, a change of its state and an assessment in a state of the generated access
matrix (``tsunagu.records.tests.matrix``), each held by the arrangement's holding agency: a coordinator of
that agency opens the case for the arrangement's person and household."""

from __future__ import annotations

from tsunagu.access.services import acting_organization
from tsunagu.collaboration.models import CaseState, CaseTransition, CollaborationCase
from tsunagu.collaboration.tests.factories import assessment_input, coordinator_at, move, open_case
from tsunagu.consultations.tests.examples import _consent


def _case(arrangement) -> CollaborationCase:
    if "collaboration_case" not in arrangement.made:
        coordinator = coordinator_at(acting_organization(arrangement.holder), f"coord_{arrangement.state}")
        case = open_case(coordinator, arrangement.person, arrangement.household, summary="8050の世帯")
        arrangement.made["collaboration_case"] = case.pk
        arrangement.made["collaboration_coordinator"] = coordinator.pk
    return CollaborationCase.objects.select_related("organization").get(pk=arrangement.made["collaboration_case"])


def collaboration_case(arrangement) -> int:
    return _case(arrangement).pk


def case_transition(arrangement) -> int:
    return CaseTransition.objects.filter(case=_case(arrangement)).order_by("id").values_list("pk", flat=True)[0]


def assessment(arrangement) -> int:
    """An assessment of the case, after the consent (taken by the holder, naming 子育て応援課 where no persona
    works) let it move on to アセスメント."""
    from tsunagu.collaboration import services
    from tsunagu.core.models import User

    case = _case(arrangement)
    coordinator = User.objects.get(pk=arrangement.made["collaboration_coordinator"])
    _consent(arrangement)
    if case.state == CaseState.RECEIVED:
        case = move(coordinator, case, CaseState.ASSESSMENT)
    return services.assessment_record(user=coordinator, case=case, data=assessment_input(case)).pk


EXAMPLES = {"collaboration_case": collaboration_case, "case_transition": case_transition, "assessment": assessment}
