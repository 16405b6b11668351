"""The plan page's link on a role line asking for 参加支援 (``support_plans.application_links``): for the staff of
the organisation that runs the programme, 「参加支援を始める」 opens the support form pre-filled with the plan's
person and tied to the line; once a support was begun from the line, the link goes to it instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.participation.models import ParticipationSupport
from tsunagu.participation.services import action_open, participation_membership_organization
from tsunagu.support_plans.application_links import ApplicationLink


def links(user: Any, plan: Any, actions: Sequence[Any]) -> dict[int, ApplicationLink]:
    organization = participation_membership_organization(user)
    if organization is None:
        return {}
    begun = dict(
        ParticipationSupport.objects.filter(plan_action__in=[a.pk for a in actions], organization=organization)
        .order_by("occurred_at", "id")
        .values_list("plan_action_id", "id")
    )
    found: dict[int, ApplicationLink] = {}
    for action in actions:
        if action.pk in begun:
            found[action.pk] = ApplicationLink(
                _("参加支援を見る"), reverse("participation:support-detail", args=[begun[action.pk]])
            )
        elif action_open(action):
            query = {"action": action.pk} | ({"household": plan.household_id} if plan.household_id else {})
            url = reverse("participation:person-support-create", args=[plan.person_id]) + "?" + urlencode(query)
            found[action.pk] = ApplicationLink(_("参加支援を始める"), url, primary=True)
    return found
