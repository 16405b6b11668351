"""Demo accounts: one per role, at the organisations where the plan's work happens.

They exist only in demo mode (settings.DEMO_MODE); ``demo_accounts`` refuses to run otherwise. The
list is the one the README shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ImproperlyConfigured

from tsunagu.core.management import command_operator
from tsunagu.core.models import Municipality, Organization, Role, User
from tsunagu.core.services import user_create

DEMO_PASSWORD = "tsunagu-demo-2025"  # noqa: S105 - published in the README; demo mode only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    organization: str
    role: Role


DEMO_ACCOUNTS = [
    DemoAccount("coordinator", "多機関 協子（デモ）", "福祉あんしん課", Role.COORDINATOR),
    DemoAccount("anshin", "福祉 安心（デモ）", "福祉あんしん課", Role.CASEWORKER),
    DemoAccount("supervisor", "係長 監督（デモ）", "福祉あんしん課", Role.SUPERVISOR),
    DemoAccount("houkatsu", "包括 相談（デモ）", "琴浦町地域包括支援センター", Role.CASEWORKER),
    DemoAccount("houkatsu2", "包括 同僚（デモ）", "琴浦町地域包括支援センター", Role.CASEWORKER),
    DemoAccount("links", "りんくす 相談（デモ）", "相談支援センターサポートりんくす", Role.CASEWORKER),
    DemoAccount("kosodate", "子育 応援（デモ）", "子育て応援課", Role.CASEWORKER),
    DemoAccount("shakyo", "社協 地域（デモ）", "琴浦町社会福祉協議会", Role.CASEWORKER),
    DemoAccount("sagyousho", "作業所 参加（デモ）", "町内就労支援継続Ｂ型作業所", Role.CASEWORKER),
    DemoAccount("admin", "管理 太郎（デモ）", "福祉あんしん課", Role.ADMINISTRATOR),
    DemoAccount("auditor", "監査 花子（デモ）", "福祉あんしん課", Role.AUDITOR),
]


def demo_accounts_create(*, municipality: Municipality) -> list[User]:
    """Create the demo accounts that do not exist yet. Only in demo mode."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("デモ用アカウントはデモモードでのみ作成できます。")
    organizations = {o.name: o for o in Organization.objects.filter(municipality=municipality)}
    created = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        created.append(
            user_create(
                municipality=municipality,
                username=account.username,
                password=DEMO_PASSWORD,
                display_name=account.display_name,
                memberships=[(organizations[account.organization], account.role)],
                confirmed_by=command_operator("setup_demo"),
            )
        )
    return created


# --- Outside demo mode: the demo accounts must not exist, and never sign in -----------------------------
DEMO_USERNAMES = frozenset(account.username for account in DEMO_ACCOUNTS)
_DEMO_DISPLAY_NAMES = {account.username: account.display_name for account in DEMO_ACCOUNTS}


def is_demo_account(user: User) -> bool:
    """An active user setup_demo made: a demo username that still has its demo name or the published password.

    Both, because an installation may well name its own administrator "admin": that account, with its
    own name and password, is not a demo account. One set 利用停止 cannot sign in; it stays, since audit
    entries name it and cannot be deleted.
    """
    if not user.is_active or user.username not in DEMO_USERNAMES:
        return False
    # hashers.check_password, not user.check_password: a check must not re-hash and save the password.
    return user.display_name == _DEMO_DISPLAY_NAMES[user.username] or check_password(DEMO_PASSWORD, user.password)


def demo_accounts_present() -> list[str]:
    """Usernames of the demo accounts in the database (at most one password check per demo username)."""
    return sorted(u.username for u in User.objects.filter(username__in=DEMO_USERNAMES) if is_demo_account(u))


def is_demo_credential(*, username: str | None, password: str | None) -> bool:
    """Whether a login uses the published demo password or names a demo account."""
    if password == DEMO_PASSWORD:
        return True
    if not username or username not in DEMO_USERNAMES:
        return False
    user = User.objects.filter(username=username).first()
    return user is not None and is_demo_account(user)
