"""Issuing and revoking personal API tokens, audited."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.api.models import ApiToken
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import User

MAX_DAYS = 365
TOKENS_PER_USER = 10


class ApiTokenError(ValidationError):
    pass


@transaction.atomic
def api_token_issue(*, user: User, name: str, days: int, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """A new token for the user's own use; returns the row and the token, which is never shown again.

    The caller has checked that the session passed two-factor authentication where the user's role
    requires it (the page is behind ``TwoFactorRequiredMiddleware``).
    """
    if not name.strip():
        raise ApiTokenError(_("用途（例: 訪問用タブレット）を入力してください。"))
    if not 1 <= days <= MAX_DAYS:
        raise ApiTokenError(_("有効期間は1日から%(days)s日までです。") % {"days": MAX_DAYS})
    if ApiToken.objects.filter(user=user).count() >= TOKENS_PER_USER:
        raise ApiTokenError(
            _("APIトークンは一人%(most)s個までです。使っていないものを取り消してください。") % {"most": TOKENS_PER_USER}
        )
    token, text = ApiToken.objects.create(user=user, expiry=timedelta(days=days), name=name.strip()[:100])
    summary = f"APIトークンを発行: {token.name}（{token.token_key}…、{days}日）"
    audit_record(user=user, action=Action.CREATE, summary=summary, request=request)
    return token, text


@transaction.atomic
def api_token_revoke(*, user: User, token_key: str, request: HttpRequest | None = None) -> None:
    """Revoke one of the user's own tokens (a token of someone else answers as not found)."""
    token = ApiToken.objects.filter(user=user, token_key=token_key).first()
    if token is None:
        raise ApiTokenError(_("そのAPIトークンは見つかりません。"))
    audit_record(
        user=user, action=Action.DELETE, summary=f"APIトークンを取消: {token.name}（{token.token_key}…）",
        request=request,
    )  # fmt: skip
    token.delete()


def api_token_used(*, token: ApiToken, request: HttpRequest | None = None) -> None:
    """Record a token's use: the time on the token, and an audit entry the first time each hour."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < timedelta(hours=1):
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit_record(
        user=token.user, action=Action.LOGIN, summary=f"APIトークンで認証: {token.name}（{token.token_key}…）",
        request=request,
    )  # fmt: skip
