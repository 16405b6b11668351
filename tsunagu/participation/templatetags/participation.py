"""``runs_participation``: whether the user works at an organisation that runs the plan's 参加支援事業 (the person
page's panel offers to open a support only to them)."""

from __future__ import annotations

from django import template

from tsunagu.participation.services import participation_membership_organization

register = template.Library()


@register.filter
def runs_participation(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return participation_membership_organization(user) is not None  # type: ignore[arg-type]
