"""Personal API tokens (knox's hashed, expiring tokens, with a name and the time of last use).

A token belongs to one person and carries that person's own memberships and roles: nothing is shared, and
a machine integration (the resident-register feed) is a user of its own with a narrow role. Only the
digest is stored; the token itself is shown once, when it is issued. Revoking deletes the row, so the
token can never be used again; the audit log keeps its issue, use and revocation.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from tsunagu.core.models import User


class ApiToken(AbstractAuthToken):
    # knox's base declares the user too; declared again here so that it is typed (knox reads auth_token_set).
    user: models.ForeignKey[User, User] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_token_set", verbose_name=_("利用者")
    )
    name: models.CharField = models.CharField(_("用途"), max_length=100)
    last_used_at: models.DateTimeField = models.DateTimeField(_("最終利用日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name}（{self.token_key}…）"
