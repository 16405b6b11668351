"""`create_administrator`: the first account of a new installation (issue 10 §4)."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.demo import DEMO_PASSWORD
from tsunagu.core.models import Membership, Role, User

pytestmark = pytest.mark.django_db

STRONG = "kotoura-fukushi-2026-kanri"


def create(*args: str, password: str, **options: object) -> str:
    out = io.StringIO()
    stdin = io.StringIO(password + "\n")
    saved, sys.stdin = sys.stdin, stdin
    try:
        call_command("create_administrator", *args, "--password-stdin", stdout=out, **options)
    finally:
        sys.stdin = saved
    return out.getvalue()


def test_creates_an_audited_administrator_who_can_sign_in_and_reach_the_administration(kotoura, client):
    out = create(
        "--username", "kanri", "--organization", "福祉あんしん課", "--municipality", "313718",
        "--display-name", "管理 一郎", password=STRONG,
    )  # fmt: skip
    assert "システム管理者「kanri」を作りました" in out
    user = User.objects.get(username="kanri")
    assert user.municipality == kotoura and user.display_name == "管理 一郎"
    assert list(Membership.objects.filter(user=user).values_list("organization__name", "role")) == [
        ("福祉あんしん課", Role.ADMINISTRATOR)
    ]
    entry = AuditEntry.objects.get(action=Action.CREATE, object_id=str(user.pk))
    assert entry.username.startswith("manage.py create_administrator")
    assert entry.municipality_id == kotoura.pk
    assert STRONG not in str(entry.changes) and STRONG not in entry.summary
    response = client.post(reverse("core:login"), {"username": "kanri", "password": STRONG})
    assert response.status_code == 302
    assert client.get(reverse("tsunagu-admin:index")).status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-1", "パスワードが弱すぎます"),
        ("123456789012345", "パスワードが弱すぎます"),
        ("password12345", "パスワードが弱すぎます"),
        (DEMO_PASSWORD, "デモ用に公開されているパスワードは使えません"),
    ],
)
def test_refuses_a_weak_or_published_password_and_creates_nothing(kotoura, password, message):
    with pytest.raises(CommandError, match=message):
        create("--username", "kanri", "--organization", "福祉あんしん課", password=password)
    assert not User.objects.filter(username="kanri").exists()
    assert not AuditEntry.objects.filter(action=Action.CREATE).exists()


def test_refuses_an_unknown_organisation_or_a_taken_username(kotoura, personas):
    with pytest.raises(CommandError, match="機関「存在しない課」は琴浦町にありません"):
        create("--username", "kanri", "--organization", "存在しない課", "--municipality", "313718", password=STRONG)
    with pytest.raises(CommandError, match="すでに使われています"):
        create(
            "--username", personas.caseworker_a.username, "--organization", "福祉あんしん課",
            "--municipality", "313718", password=STRONG,
        )  # fmt: skip


def test_names_the_municipality_when_there_are_several(personas):
    # personas adds a second town (the stranger's).
    with pytest.raises(CommandError, match="--municipality"):
        create("--username", "kanri", "--organization", "福祉あんしん課", password=STRONG)


def test_the_password_never_comes_from_the_command_line():
    with pytest.raises(CommandError):
        call_command("create_administrator", "--username", "kanri", "--organization", "x", "--password", STRONG)
