"""An authentication backend that refuses the demo accounts outside demo mode.

It comes first in AUTHENTICATION_BACKENDS: raising PermissionDenied there stops authenticate() before any
other backend, for the login page and every other caller (the API's token login) alike. The attempt still
counts as a failed login (django-axes, the audit log), like a wrong password.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tsunagu.core.demo import is_demo_credential


class DemoAccountsRefusedBackend:
    # No get_user and no permissions, unlike BaseBackend: force_login and the session pick the first backend
    # that has get_user, and this one never signs anyone in.

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if not settings.DEMO_MODE and is_demo_credential(username=username, password=password):
            raise PermissionDenied("demo accounts are refused outside demo mode")
        return None
