"""Idle timeout (SESSION_IDLE_SECONDS) and the absolute limit (SESSION_ABSOLUTE_SECONDS) of a session."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, personas, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    response = client.post(reverse("core:login"), {"username": "coord", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_absolute_limit_is_ten_hours_and_idle_thirty_minutes_by_default():
    assert settings.SESSION_ABSOLUTE_SECONDS == 10 * 60 * 60
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_activity_keeps_a_session_alive_and_idleness_ends_it(signed_in, time_machine):
    time_machine.shift(timedelta(minutes=29))
    assert signed_in.get(reverse("core:home")).status_code == 200
    time_machine.shift(timedelta(minutes=29))
    assert signed_in.get(reverse("core:home")).status_code == 200
    time_machine.shift(timedelta(minutes=31))
    response = signed_in.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_an_active_session_ends_ten_hours_after_login(signed_in, time_machine, personas):
    # Busy all day: a request every 25 minutes, so the idle limit never strikes.
    for _ in range(23):  # 9 h 35 min
        time_machine.shift(timedelta(minutes=25))
        assert signed_in.get(reverse("core:home")).status_code == 200
    time_machine.shift(timedelta(minutes=24))  # 9 h 59 min
    assert signed_in.get(reverse("core:home")).status_code == 200
    time_machine.shift(timedelta(minutes=2))  # 10 h 1 min
    url = reverse("plans:program-catalogue")
    response = signed_in.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={url}"
    assert "_auth_user_id" not in signed_in.session
    login_page = signed_in.get(response["Location"]).content.decode()
    assert "一定時間が経過したため、再度ログインしてください" in login_page
    entry = AuditEntry.objects.filter(user=personas.coordinator).latest("id")
    assert entry.action == Action.LOGOUT
    assert "上限時間" in entry.summary


@override_settings(SESSION_ABSOLUTE_SECONDS=60 * 60)
def test_the_limit_follows_the_setting(signed_in, time_machine):
    time_machine.shift(timedelta(minutes=25))
    assert signed_in.get(reverse("core:home")).status_code == 200
    time_machine.shift(timedelta(minutes=25))
    assert signed_in.get(reverse("core:home")).status_code == 200
    time_machine.shift(timedelta(minutes=11))
    assert signed_in.get(reverse("core:home")).status_code == 302


def test_signing_in_again_restarts_the_clock(signed_in, time_machine):
    for _ in range(23):  # 9 h 35 min
        time_machine.shift(timedelta(minutes=25))
        signed_in.get(reverse("core:home"))
    signed_in.post(reverse("core:logout"))
    assert signed_in.post(reverse("core:login"), {"username": "coord", "password": PASSWORD}).status_code == 302
    for _ in range(3):  # 10 h 50 min after the first login
        time_machine.shift(timedelta(minutes=25))
        assert signed_in.get(reverse("core:home")).status_code == 200


def test_a_session_without_a_login_time_is_limited_from_its_first_request(client, personas, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(personas.coordinator)  # no login view, so no login time in the session
    statuses = [client.get(reverse("core:home")).status_code]
    for _ in range(25):  # 10 h 25 min
        time_machine.shift(timedelta(minutes=25))
        statuses.append(client.get(reverse("core:home")).status_code)
    assert statuses == [200] * 25 + [302]


def test_an_htmx_request_past_the_limit_sends_the_whole_page_to_login(signed_in, time_machine):
    for _ in range(25):  # 10 h 25 min
        time_machine.shift(timedelta(minutes=25))
        response = signed_in.get(reverse("plans:program-catalogue"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("core:login"))
