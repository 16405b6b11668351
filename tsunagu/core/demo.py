"""Demo accounts: one per role, at the organisations where the plan's work happens.

They exist only in demo mode (settings.DEMO_MODE); ``demo_accounts`` refuses to run otherwise. The
list is the one the README shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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
            )
        )
    return created
