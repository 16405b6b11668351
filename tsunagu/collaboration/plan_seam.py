"""Where a case meets its support plan (``tsunagu.support_plans``, the app above this one): the case's state
rule and pages ask these callables, which the support-plans app installs when it is ready
(``SupportPlansConfig.ready``). The plan app depends on the case; the case only on this seam.

Until they are installed (an app configuration without plans) a case has no plan: nothing to decide,
nothing to evaluate, no plans to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _none(*args: Any, **kwargs: Any) -> Any:
    return None


@dataclass
class PlanSeam:
    # Why the case's draft plan cannot be decided now (a condition of 支援決定).
    decision_problems: Callable[[Any], list[str]] = lambda case: []
    # 支援決定 decides the draft: (user=, case=, decided_on=, reference=, request=).
    approve_for_case_decision: Callable[..., Any] = _none
    # The case back in プラン作成: the plan's next version (user=, case=, request=).
    next_version_for_case: Callable[..., Any] = _none
    # Whether a decided plan waits for its per-goal evaluation (the case's own evaluation is refused then).
    evaluation_missing: Callable[[Any], bool] = lambda case: False
    # The plan versions of the case the user may read, audited (user=, case=, request=).
    plans_of_case: Callable[..., list[Any]] = lambda **kwargs: []


seam = PlanSeam()


def install(**callables: Callable[..., Any]) -> None:
    for name, function in callables.items():
        if not hasattr(seam, name):
            raise AttributeError(f"the plan seam has no {name!r}")
        setattr(seam, name, function)
