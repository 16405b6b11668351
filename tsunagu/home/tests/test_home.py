"""The home page each signed-in person lands on, and `setup_demo`, which `make run` calls first."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tsunagu.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tsunagu.core.models import User
from tsunagu.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_home_shows_the_users_organisation_role_and_the_plan(client, personas):
    client.force_login(personas.caseworker_a)
    response = client.get(reverse("core:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "琴浦町地域包括支援センター" in content
    assert "相談員" in content
    assert "琴浦町重層的支援体制整備事業実施計画" in content
    assert "事業一覧（12事業）" in content


def test_home_of_a_town_without_a_plan_says_so(client, personas):
    client.force_login(personas.stranger)
    content = client.get(reverse("core:home")).content.decode()
    assert "北栄町地域包括支援センター" in content
    assert "計画がまだ読み込まれていません" in content
    assert "琴浦町重層的支援体制整備事業実施計画" not in content


def test_home_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_setup_demo_loads_the_default_plan_into_an_empty_database(settings, capsys):
    settings.DEMO_MODE = False
    Plan.objects.all().delete()
    call_command("setup_demo")
    plan = Plan.objects.get()
    assert plan.municipality.name == "琴浦町"
    assert "既定の計画を読み込みました" in capsys.readouterr().out


def test_setup_demo_creates_the_demo_accounts_once_in_demo_mode(settings, capsys):
    settings.DEMO_MODE = True
    call_command("setup_demo")
    first = capsys.readouterr().out
    assert f"デモ用アカウントを{len(DEMO_ACCOUNTS)}件作りました（パスワード: {DEMO_PASSWORD}）" in first
    assert set(User.objects.values_list("username", flat=True)) >= {a.username for a in DEMO_ACCOUNTS}

    call_command("setup_demo")
    assert capsys.readouterr().out == ""
    assert User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).count() == len(DEMO_ACCOUNTS)


def test_setup_demo_creates_no_account_outside_demo_mode(settings, capsys):
    settings.DEMO_MODE = False
    call_command("setup_demo")
    assert not User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).exists()
    assert capsys.readouterr().out == ""
