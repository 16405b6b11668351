"""Receivers: a withdrawn consent flags the roles it no longer covers (``follow_up``)."""

from django.dispatch import receiver

from tsunagu.access.signals import consent_withdrawn


@receiver(consent_withdrawn, dispatch_uid="support_plans.flag_roles")
def _flag_roles(sender, consent, user, request=None, **kwargs) -> None:
    from tsunagu.support_plans.follow_up import flag_roles_outside_consent

    flag_roles_outside_consent(consent=consent, user=user)
