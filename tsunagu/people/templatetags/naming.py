"""Names of households, consultations and referrals as staff say them (``tsunagu.people.naming``).

{% load naming %}
{{ consultation|consultation_name }}   令和7年4月1日 山田　一郎さんの相談（8050問題）
{{ referral|referral_name }}           琴浦町地域包括支援センター → 福祉あんしん課（令和7年4月3日送付）
{{ view|household_name }}              山田　トメ世帯（鳥取県東伯郡琴浦町…）, for a HouseholdView
"""

from __future__ import annotations

from typing import Any

from django import template

from tsunagu.people import naming

register = template.Library()


@register.filter
def consultation_name(consultation: Any) -> str:
    return naming.consultation_name(consultation)


@register.filter
def referral_name(referral: Any) -> str:
    return naming.referral_name(referral)


@register.filter
def household_name(view: Any) -> str:
    return naming.household_name_of_view(view)
