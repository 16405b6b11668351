"""Reads about the people who use the system and the organisations they work for."""

from __future__ import annotations

from django.db.models import QuerySet

from tsunagu.core.models import Membership, User


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, municipality=user.municipality).select_related(
        "organization", "organization__division"
    )
