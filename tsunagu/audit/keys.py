"""The audit log's keys: HMAC keys that are never in the database (settings.AUDIT_KEY, docs/audit.md).

Whoever can rewrite the audit table can recompute a plain SHA-256 chain; an HMAC chain needs the key, which
lives in the environment or a key file of the application server. Each entry and each seal names the key
that signed it by a short id derived from the key, so that keys can rotate: the current key signs, the
fallbacks (``AUDIT_KEY_FALLBACKS``) still verify what they signed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# Entries and seals are signed with different keys derived from the one configured, so that no entry's MAC
# can ever be passed off as a seal's, or the reverse.
ENTRY = b"tsunagu audit entry v1"
SEAL = b"tsunagu audit seal v1"
MIN_LENGTH = 32


@dataclass(frozen=True)
class AuditKey:
    id: str
    entry_key: bytes
    seal_key: bytes

    def sign_entry(self, message: str) -> str:
        return hmac.new(self.entry_key, message.encode("utf-8"), hashlib.sha256).hexdigest()

    def sign_seal(self, message: str) -> str:
        return hmac.new(self.seal_key, message.encode("utf-8"), hashlib.sha256).hexdigest()


@lru_cache(maxsize=16)
def _derive(secret: str) -> AuditKey:
    raw = secret.encode("utf-8")
    return AuditKey(
        # Identifies the key without revealing anything usable about it.
        id=hashlib.sha256(b"tsunagu audit key id\0" + raw).hexdigest()[:12],
        entry_key=hmac.new(raw, ENTRY, hashlib.sha256).digest(),
        seal_key=hmac.new(raw, SEAL, hashlib.sha256).digest(),
    )


def current_key() -> AuditKey | None:
    """The key new entries and seals are signed with; None where none is configured."""
    secret = getattr(settings, "AUDIT_KEY", "")
    return _derive(secret) if secret else None


def key_for(key_id: str) -> AuditKey | None:
    """The configured key (current or fallback) with this id, or None."""
    for secret in [getattr(settings, "AUDIT_KEY", ""), *getattr(settings, "AUDIT_KEY_FALLBACKS", [])]:
        if secret and _derive(secret).id == key_id:
            return _derive(secret)
    return None


@register(Tags.security)
def audit_key_check(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """Production needs a key of its own; demo mode generates one into var/audit.key."""
    secret = getattr(settings, "AUDIT_KEY", "")
    if not secret:
        return [
            Error(
                "監査ログの鍵が設定されていません。",
                hint="TSUNAGU_AUDIT_KEY（または読み取れる TSUNAGU_AUDIT_KEY_FILE）に32文字以上のランダムな値を"
                "設定してください。鍵はデータベースの外に置きます（docs/audit.md）。",
                id="tsunagu.audit.E001",
            )
        ]
    if len(secret) < MIN_LENGTH and not settings.DEMO_MODE:
        return [
            Error(
                f"監査ログの鍵が短すぎます（{len(secret)}文字）。",
                hint=f"{MIN_LENGTH}文字以上のランダムな値にしてください。",
                id="tsunagu.audit.E002",
            )
        ]
    return []
