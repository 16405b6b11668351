"""TOTP two-factor authentication, required per municipality and role (django-otp)."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.services import municipality_two_factor_require
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.conftest import PASSWORD
from tsunagu.core.models import Municipality, Role

pytestmark = pytest.mark.django_db

PROGRAMS = reverse("plans:program-catalogue")
SETUP = reverse("core:two-factor-setup")
VERIFY = reverse("core:two-factor-verify")
WRONG_CODE = "確認コードが正しくありません。スマートフォンの時刻が正しいか確認してください"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


@pytest.fixture
def caseworkers_need_it(personas):
    """琴浦町 asks a second factor of its caseworkers, not of its coordinators."""
    municipality_two_factor_require(municipality=personas.town, roles=[Role.CASEWORKER], by="test")
    personas.caseworker_a.refresh_from_db()
    return personas


@pytest.fixture
def now(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def sign_in(client, username):
    return client.post(reverse("core:login"), {"username": username, "password": PASSWORD}, follow=True)


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="スマートフォン", confirmed=True)


def test_a_caseworker_sets_up_the_app_before_any_page(client, caseworkers_need_it, now):
    response = sign_in(client, "cw_a")
    assert response.redirect_chain[-1][0].startswith(SETUP)
    content = response.content.decode()
    assert "二要素認証の設定" in content
    assert 'src="data:image/svg+xml' in content
    device = TOTPDevice.objects.get(user=caseworkers_need_it.caseworker_a, confirmed=False)
    secret = content.split("<code>")[1].split("</code>")[0].replace(" ", "")
    assert device.config_url.startswith("otpauth://totp/")
    assert f"secret={secret}" in device.config_url

    response = client.get(PROGRAMS)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={PROGRAMS.replace('/', '%2F')}"

    response = client.post(SETUP, {"token": code_for(device), "next": PROGRAMS})
    assert response.status_code == 302
    assert response["Location"] == PROGRAMS
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(PROGRAMS).status_code == 200


def test_a_coordinator_in_the_same_town_is_not_asked(client, caseworkers_need_it):
    response = sign_in(client, "coord")
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert client.get(PROGRAMS).status_code == 200
    assert client.get(SETUP).status_code == 302  # nothing to set up: back to where they were going
    assert not TOTPDevice.objects.filter(user=caseworkers_need_it.coordinator).exists()


def test_a_caseworker_of_a_town_that_requires_nothing_is_not_asked(client, personas):
    assert personas.town.two_factor_roles == []
    sign_in(client, "cw_a")
    assert client.get(PROGRAMS).status_code == 200


def test_a_wrong_code_at_setup_gets_a_japanese_message(client, caseworkers_need_it, now):
    sign_in(client, "cw_a")
    response = client.post(SETUP, {"token": "000000"})
    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    assert not TOTPDevice.objects.filter(user=caseworkers_need_it.caseworker_a, confirmed=True).exists()
    assert client.get(PROGRAMS).status_code == 302


def test_full_width_digits_and_spaces_are_accepted(client, caseworkers_need_it, now):
    sign_in(client, "cw_a")
    device = TOTPDevice.objects.get(user=caseworkers_need_it.caseworker_a)
    code = code_for(device)
    typed = f"{code[:3]} {code[3:]}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.post(SETUP, {"token": typed}).status_code == 302
    assert client.get(PROGRAMS).status_code == 200


def test_a_code_that_is_not_six_digits_is_refused_in_japanese(client, caseworkers_need_it):
    sign_in(client, "cw_a")
    response = client.post(SETUP, {"token": "12ab"})
    assert "確認コードは6桁の数字で入力してください" in response.content.decode()


def test_a_registered_caseworker_confirms_a_code_at_each_login(client, caseworkers_need_it, now):
    device = confirmed_device(caseworkers_need_it.caseworker_a)
    response = sign_in(client, "cw_a")
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert client.get(PROGRAMS)["Location"].startswith(VERIFY)

    response = client.post(VERIFY, {"token": "000000", "next": PROGRAMS})
    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()

    # django-otp makes the next try wait a second after a wrong code.
    response = client.post(VERIFY, {"token": code_for(device), "next": PROGRAMS})
    assert "秒ほど待ってから入力してください" in response.content.decode()
    now.shift(timedelta(seconds=2))
    session_key = client.session.session_key
    response = client.post(VERIFY, {"token": code_for(device), "next": PROGRAMS})
    assert response.status_code == 302
    assert response["Location"] == PROGRAMS
    assert client.session.session_key != session_key
    assert client.get(PROGRAMS).status_code == 200


def test_a_code_is_good_only_once(caseworkers_need_it, now):
    device = confirmed_device(caseworkers_need_it.caseworker_a)
    first, second = Client(), Client()
    sign_in(first, "cw_a")
    sign_in(second, "cw_a")
    code = code_for(device)
    assert first.post(VERIFY, {"token": code}).status_code == 302
    response = second.post(VERIFY, {"token": code})
    assert WRONG_CODE in response.content.decode()
    assert second.get(PROGRAMS).status_code == 302


def test_a_registered_user_cannot_add_another_device_with_the_password_alone(client, caseworkers_need_it):
    confirmed_device(caseworkers_need_it.caseworker_a)
    sign_in(client, "cw_a")
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=caseworkers_need_it.caseworker_a).count() == 1


def test_a_secret_shown_in_another_session_never_becomes_valid(caseworkers_need_it, now):
    earlier, later = Client(), Client()
    sign_in(earlier, "cw_a")
    seen_earlier = TOTPDevice.objects.get(user=caseworkers_need_it.caseworker_a)
    sign_in(later, "cw_a")
    assert not TOTPDevice.objects.filter(pk=seen_earlier.pk).exists()
    assert earlier.post(SETUP, {"token": code_for(seen_earlier)}).status_code == 200
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_password_change_and_logout_work_while_setup_is_pending(client, caseworkers_need_it):
    sign_in(client, "cw_a")
    assert client.get(reverse("core:password-change")).status_code == 200
    new = "a-much-longer-passphrase-2025"
    response = client.post(
        reverse("core:password-change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert client.post(reverse("core:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_waits_for_the_code_once_a_device_is_registered(client, caseworkers_need_it):
    confirmed_device(caseworkers_need_it.caseworker_a)
    sign_in(client, "cw_a")
    assert client.get(reverse("core:password-change"))["Location"].startswith(VERIFY)


def test_the_pages_before_the_second_factor_need_no_inline_script_or_style(client, caseworkers_need_it):
    confirmed_device(caseworkers_need_it.caseworker_b)
    other = Client()
    sign_in(client, "cw_a")
    sign_in(other, "cw_b")
    for content in (client.get(SETUP).content.decode(), other.get(VERIFY).content.decode()):
        assert "確認コード" in content
        assert "<style" not in content and "style=" not in content
        assert all(tag.split(">")[0].count(' src="') == 1 for tag in content.split("<script")[1:])


def test_demo_accounts_sign_in_with_a_password_only(client, personas, settings):
    from tsunagu.core.demo import DEMO_PASSWORD, demo_accounts_create

    settings.DEMO_MODE = True
    demo_accounts_create(municipality=personas.town)
    response = client.post(reverse("core:login"), {"username": "anshin", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:home")


def test_require_two_factor_command(caseworkers_need_it, capsys):
    call_command("require_two_factor", "--roles", "coordinator,caseworker", "--municipality", "313718")
    town = Municipality.objects.get(code="313718")
    assert town.two_factor_roles == ["caseworker", "coordinator"]
    assert "相談員、多機関協働コーディネーター" in capsys.readouterr().out
    entry = AuditEntry.objects.latest("id")
    assert entry.action == Action.UPDATE
    assert entry.changes == {"two_factor_roles": [["caseworker"], ["caseworker", "coordinator"]]}
    assert entry.username.startswith("manage.py require_two_factor")

    call_command("require_two_factor", "--roles", "all", "--municipality", "313718")
    assert Municipality.objects.get(code="313718").two_factor_roles == list(Role.values)
    call_command("require_two_factor", "--roles", "none", "--municipality", "313718")
    assert Municipality.objects.get(code="313718").two_factor_roles == []
    with pytest.raises(CommandError, match="役割「clerk」は不明です"):
        call_command("require_two_factor", "--roles", "clerk", "--municipality", "313718")
    with pytest.raises(CommandError, match="登録されていません"):
        call_command("require_two_factor", "--roles", "all", "--municipality", "999999")


def test_two_factor_reset_command_sends_the_user_back_to_setup(client, caseworkers_need_it):
    confirmed_device(caseworkers_need_it.caseworker_a)
    call_command("two_factor_reset", "cw_a")
    assert not TOTPDevice.objects.filter(user=caseworkers_need_it.caseworker_a).exists()
    assert AuditEntry.objects.latest("id").action == Action.DELETE
    assert sign_in(client, "cw_a").redirect_chain[-1][0].startswith(SETUP)


def test_every_code_attempt_is_audited(client, caseworkers_need_it, now):
    device = confirmed_device(caseworkers_need_it.caseworker_a)
    sign_in(client, "cw_a")
    before = AuditEntry.objects.count()
    client.post(VERIFY, {"token": "000000"})
    now.shift(timedelta(seconds=2))
    client.post(VERIFY, {"token": code_for(device)})
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.user_id) for e in entries] == [
        (Action.LOGIN_FAILED, caseworkers_need_it.caseworker_a.pk),
        (Action.LOGIN, caseworkers_need_it.caseworker_a.pk),
    ]


def test_an_htmx_request_before_the_second_factor_sends_the_whole_page_to_setup(client, caseworkers_need_it):
    sign_in(client, "cw_a")
    response = client.get(PROGRAMS, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(SETUP)
