"""Test-wide set-up: the 琴浦町 plan is loaded once per test database; tests roll back around it."""

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI gets the same generated examples every run, so that a red run can be reproduced and a green one
# means the same examples passed; developers keep hypothesis' random search (and its example database).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that thread
# in fixtures are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

KOTOURA_PLAN = Path(__file__).resolve().parent / "plans" / "kotoura.toml"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tsunagu.plans.planfile import read_plan_file
    from tsunagu.plans.services import plan_load

    with django_db_blocker.unblock():
        plan_load(plan_file=read_plan_file(KOTOURA_PLAN))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that create many users use a fast hasher.

    test_passwords_are_hashed_with_argon2 checks the production setting itself.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
