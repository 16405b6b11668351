"""Lock-out after repeated failed logins: by username, never by the town hall's shared address."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tsunagu.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5


def sign_in(client, username, password):
    return client.post(reverse("core:login"), {"username": username, "password": password})


def fail_until_locked(client, username):
    responses = [sign_in(client, username, "wrong-password") for _ in range(LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [200] * (LIMIT - 1)
    return responses[-1]


def test_five_wrong_passwords_lock_the_username_even_against_the_right_password(client, personas):
    assert fail_until_locked(client, "cw_a").status_code == 429
    response = sign_in(client, "cw_a", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:home")).status_code == 302


def test_a_colleague_at_the_same_address_still_signs_in(client, personas):
    fail_until_locked(client, "cw_a")
    response = sign_in(client, "cw_a2", PASSWORD)  # the same test client: the same REMOTE_ADDR
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert int(client.session["_auth_user_id"]) == personas.colleague_a.pk


def test_the_lock_lifts_after_the_cool_off(client, personas, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    fail_until_locked(client, "cw_a")
    time_machine.shift(timedelta(minutes=29))
    assert sign_in(client, "cw_a", PASSWORD).status_code == 429
    time_machine.shift(timedelta(minutes=2))
    response = sign_in(client, "cw_a", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == personas.caseworker_a.pk


def test_a_success_before_the_limit_starts_the_count_again(client, personas):
    for _ in range(LIMIT - 1):
        sign_in(client, "cw_a", "wrong-password")
    assert sign_in(client, "cw_a", PASSWORD).status_code == 302
    client.post(reverse("core:logout"))
    for _ in range(LIMIT - 1):
        assert sign_in(client, "cw_a", "wrong-password").status_code == 200


def test_the_lockout_page_is_japanese_and_names_the_minutes(client, personas):
    content = fail_until_locked(client, "cw_a").content.decode()
    assert '<html lang="ja">' in content
    assert "ログインを一時停止しています" in content
    assert "30分間" in content
    assert "システム管理者に連絡してください" in content
    assert "cw_a" not in content


@override_settings(AXES_COOLOFF_TIME=timedelta(minutes=10))
def test_the_minutes_follow_the_setting(client, personas):
    assert "10分間" in fail_until_locked(client, "cw_a").content.decode()


def test_the_lockout_page_does_not_tell_whether_the_username_exists(client, personas):
    def page_for(username):
        html = fail_until_locked(client, username).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert page_for("cw_a") == page_for("no-such-user")
