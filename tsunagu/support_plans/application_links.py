"""Where a role line that applies for a programme (``PlanAction.application``: 参加支援事業, アウトリーチ) meets the
app that runs that programme. Those apps sit above this one (pyproject.toml's layers), so the plan page asks
this registry instead of importing them: each registers, in its ``AppConfig.ready``, a callable that gives
the links it offers on a plan's lines for a user — 「参加支援を始める」, or the support already begun from the line.
Nothing registered (an app configuration without them): the page offers no links.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# (user, plan, its role lines of that application) -> {line id: link}
LinkFunction = Callable[[Any, Any, Sequence[Any]], dict[int, "ApplicationLink"]]


@dataclass(frozen=True)
class ApplicationLink:
    label: str
    url: str
    primary: bool = False  # a step to take (start) rather than a record to look at


_registered: dict[str, LinkFunction] = {}


def register(application: str, links: LinkFunction) -> None:
    _registered[application] = links


def links_for(user: Any, plan: Any, actions: Sequence[Any]) -> dict[int, list[ApplicationLink]]:
    """The links each role line offers this user (only lines with an application; one query per application)."""
    found: dict[int, list[ApplicationLink]] = {}
    for application, links in _registered.items():
        lines = [a for a in actions if a.application == application]
        if lines:
            for pk, link in links(user, plan, lines).items():
                found.setdefault(pk, []).append(link)
    return found
