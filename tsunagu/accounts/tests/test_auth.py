"""Signing in and out, and what a signed-in person sees first."""

import pytest
from django.urls import reverse

from tsunagu.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_japanese_by_default(client):
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="ja">' in content
    assert "ログイン" in content
    assert "ユーザー名" in content and "パスワード" in content


def test_login_page_in_english_when_chosen(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("core:login")})
    assert response.status_code == 302
    content = client.get(reverse("core:login")).content.decode()
    assert '<html lang="en">' in content
    assert "Sign in" in content
    assert "Username" in content


@pytest.mark.parametrize(
    "url",
    [
        "core:home",
        "plans:plan-detail",
        "plans:program-catalogue",
        "plans:organization-list",
        "core:password-change",
    ],
)
def test_every_page_asks_an_anonymous_visitor_to_sign_in(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_coordinator_signs_in_and_sees_organisation_and_plan(client, personas):
    response = client.post(reverse("core:login"), {"username": "coord", "password": PASSWORD}, follow=True)
    content = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert "福祉あんしん課" in content
    assert "多機関協働コーディネーター" in content
    assert "琴浦町重層的支援体制整備事業実施計画" in content
    assert "事業一覧（12事業）" in content


def test_wrong_password_gets_a_japanese_message_and_no_session(client, personas):
    response = client.post(reverse("core:login"), {"username": "coord", "password": "wrong"})
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, personas):
    client.force_login(personas.coordinator)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change(client, personas):
    client.force_login(personas.caseworker_a)
    new = "a-much-longer-passphrase-2025"
    response = client.post(
        reverse("core:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    personas.caseworker_a.refresh_from_db()
    assert personas.caseworker_a.check_password(new)


def test_password_change_rejects_a_short_password_in_japanese(client, personas):
    client.force_login(personas.caseworker_a)
    response = client.post(
        reverse("core:password-change"),
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
    )
    assert response.status_code == 200
    assert "短すぎ" in response.content.decode()


def test_passwords_are_hashed_with_argon2(personas, settings):
    from config import settings as production  # the tests' own hasher is swapped for speed (conftest.py)

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    personas.coordinator.set_password("a-long-enough-passphrase")
    assert personas.coordinator.password.startswith("argon2$argon2id$")


def test_pages_after_login_are_not_cached_and_carry_a_strict_csp(client, personas):
    client.force_login(personas.coordinator)
    response = client.get(reverse("core:home"))
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
