"""Each role's home page: its counts (written from the data made here, not from the code), links to the
lists behind them, and a query count that does not grow with the data — for every persona."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.services import emergency_access_request
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations.tests.referrals import person_of_centre_a, referral_to_anshin
from tsunagu.notifications.services import status_record

pytestmark = pytest.mark.django_db


def add_data(personas, n: int, offset: int = 0) -> None:
    """``n`` referrals from 地域包括支援センター to 福祉あんしん課 (which the coordinator and supervisor work at),
    ``n`` emergency accesses (reviewed at 福祉あんしん課) and ``n`` failed logins."""
    for i in range(offset, offset + n):
        person = person_of_centre_a(personas.caseworker_a, i)
        referral_to_anshin(personas.caseworker_a, person)
        emergency_access_request(user=personas.caseworker_b, person=person, reason="連絡が取れず危険がある", hours=24)
        audit_record(user=None, organization=None, action=Action.LOGIN_FAILED, summary="ログイン失敗",
                     username=f"nobody{i}", municipality=personas.town)  # fmt: skip


def counts(page: str, section: str) -> dict[str, str]:
    import re

    part = page.split(f'data-section="{section}"', 1)[1].split("</section>", 1)[0]
    return dict(re.findall(r'data-count="([^"]+)"><a href="[^"]*">[^<]*<strong[^>]*>(\d+)</strong>', part))


def home(client, user) -> tuple[str, int]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


PERSONAS = ["caseworker_a", "caseworker_b", "coordinator", "supervisor", "administrator", "auditor"]


def test_each_roles_home_shows_its_counts_with_constant_queries(client, personas, capsys):
    status_record(name="audit_verify", ok=True, detail="異常なし")
    add_data(personas, 1)
    few = {name: home(client, getattr(personas, name)) for name in PERSONAS}
    add_data(personas, 6, offset=1)
    many = {name: home(client, getattr(personas, name)) for name in PERSONAS}
    with capsys.disabled():
        print("\nhome queries (1 → 7 of everything): " + ", ".join(f"{n} {few[n][1]}→{many[n][1]}" for n in PERSONAS))
    for name in PERSONAS:
        assert many[name][1] == few[name][1], name

    page = many["caseworker_a"][0]
    assert counts(page, "caseworker") == {
        "回答待ちのつなぎ": "0", "今週の自分の予定": "0", "期限を過ぎたつなぎ": "0", "対応日が来たアウトリーチ": "0",
    }  # fmt: skip
    assert page.count("data-consultation=") == 5  # the latest five of seven
    assert f"?staff={personas.caseworker_a.pk}" in page
    assert 'data-section="supervisor"' not in page and 'data-section="auditor"' not in page

    coordinator = many["coordinator"][0]
    assert counts(coordinator, "coordinator")["回答待ちのつなぎ"] == "7"
    cases = counts(coordinator, "coordinator")
    assert cases["進行中の多機関協働ケース"] == "0"  # add_data opens none; the case list's own tests count cases
    assert f'href="{reverse("collaboration:case-list")}"' in coordinator
    assert "多機関協働の事例" not in coordinator  # the old "not in the system yet" note is gone

    supervisor = counts(many["supervisor"][0], "supervisor")
    assert supervisor["確認待ちの緊急時の閲覧"] == "7" and supervisor["うち確認期限超過"] == "0"

    admin = many["administrator"][0]
    from tsunagu.core.models import Organization, User

    assert counts(admin, "administrator")["機関"] == str(
        Organization.objects.filter(municipality=personas.town).count()
    )
    assert counts(admin, "administrator")["利用者（有効）"] == str(
        User.objects.filter(municipality=personas.town).count()
    )
    assert "花子" not in admin and 'data-health="audit_verify"' in admin and "異常なし" in admin

    auditor = many["auditor"][0]
    assert counts(auditor, "auditor")["ログイン失敗"] == "7"
    assert counts(auditor, "auditor")["緊急時の閲覧"] == "7"
    assert "花子" not in auditor
    assert f"{reverse('audit:log')}?action=login_failed" in auditor

    # An unrelated agency's caseworker: nothing of A's, in counts or names.
    other = many["caseworker_b"][0]
    assert set(counts(other, "caseworker").values()) == {"0"} and "花子" not in other


def test_overdue_referrals_are_counted_on_both_sides_and_across_the_supervisors_division(client, personas):
    add_data(personas, 2)
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        assert counts(home(client, personas.caseworker_a)[0], "caseworker")["期限を過ぎたつなぎ"] == "2"
        assert counts(home(client, personas.coordinator)[0], "coordinator")["期限を過ぎたつなぎ"] == "2"
        supervisor = counts(home(client, personas.supervisor)[0], "supervisor")
        assert supervisor["課内の期限を過ぎたつなぎ"] == "2"
        assert supervisor["うち確認期限超過"] == "2"
        assert counts(home(client, personas.caseworker_b)[0], "caseworker")["期限を過ぎたつなぎ"] == "0"


def test_a_user_with_several_roles_sees_each_section(client, personas):
    from tsunagu.core.models import Membership, Organization, Role

    Membership.objects.create(
        municipality=personas.town, user=personas.supervisor, role=Role.AUDITOR, confirmed_at=timezone.now(),
        organization=Organization.objects.get(municipality=personas.town, name="福祉あんしん課"),
    )  # fmt: skip
    page = home(client, personas.supervisor)[0]
    assert 'data-section="supervisor"' in page and 'data-section="auditor"' in page
    assert 'data-section="administrator"' not in page
