"""Signals of the access core that other apps act on, so that the consent rule stays here.

``consent_withdrawn`` is sent inside ``services.consent_withdraw``'s transaction, after the consent's grants
are revoked (``sender=Consent``, ``consent``, ``user``, ``request``): support plans flag the roles of
organisations the remaining consent no longer covers, meetings take the person's items off their agendas.
A receiver that raises undoes the withdrawal with it, so receivers only record and notify.
"""

from django.dispatch import Signal

consent_withdrawn = Signal()
