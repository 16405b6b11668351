"""``{% load deadlines %}``: the consultations' deadline rule in templates (``consultations.deadlines``)."""

from datetime import date

from django import template

from tsunagu.consultations.deadlines import referral_is_overdue
from tsunagu.consultations.models import Referral

register = template.Library()


@register.filter
def overdue_on(referral: Referral, today: date) -> bool:
    """``{% if referral|overdue_on:today %}``: unanswered past its 回答期限."""
    return referral_is_overdue(referral, today)
