"""Production serving (issue 10 §4): the built static files, the demo accounts, the deployment checks.

The pages are served here with the production storage against files that collectstatic really built, so
that a template naming a file the build lacks fails this test instead of answering 500 to a town.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.conftest import PASSWORD
from tsunagu.core.checks import demo_accounts_check, static_manifest_check, two_factor_check
from tsunagu.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create, demo_accounts_present
from tsunagu.core.models import Role, User
from tsunagu.core.services import user_create
from tsunagu.core.tests.test_health_and_settings import ROOT, run_manage

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_REFERENCE = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")


@pytest.fixture(scope="module")
def built_static(tmp_path_factory) -> Path:
    """collectstatic with the production storage, once for the module (about 10 s)."""
    root = tmp_path_factory.mktemp("var") / "static"
    with override_settings(STATIC_ROOT=root, STORAGES=MANIFEST_STORAGE, STATIC_MANIFEST=True):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production(built_static, settings):
    """Production settings (DEBUG off, not demo, the manifest storage, no finders) over the built files."""
    settings.DEBUG = False
    settings.DEMO_MODE = False
    settings.STATIC_MANIFEST = True
    settings.STATIC_ROOT = built_static
    settings.STORAGES = MANIFEST_STORAGE
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    return built_static


def manifest_paths(root: Path) -> dict[str, str]:
    return json.loads((root / "staticfiles.json").read_text())["paths"]


def template_static_references() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("tsunagu/*/templates/**/*.html")]:
        for name in STATIC_REFERENCE.findall(template.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(template.relative_to(ROOT)))
    return found


def test_every_file_a_template_names_is_in_the_built_manifest(built_static):
    references = template_static_references()
    built = manifest_paths(built_static)
    missing = {name: sorted(where) for name, where in references.items() if name not in built}
    print(f"\nstatic: {len(references)} files named by templates, {len(built)} in the manifest, {len(missing)} missing")
    assert len(references) >= 3  # the stylesheet, htmx and the icon at least
    assert missing == {}


def assets_of(content: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', content)


def get_with_assets(client: Client, url: str) -> tuple[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content = response.content.decode()
    assets = assets_of(content)
    for asset in assets:
        # Hashed names, served by whitenoise from the build (a long cache: the name changes with the content).
        assert re.search(r"\.[0-9a-f]{12}\.", asset), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert "max-age=315360000" in served["Cache-Control"], asset
        # Read to the end: the test client then closes the file (closing it here would also close the test's
        # database connection, as the end of a real request does).
        b"".join(served.streaming_content)  # type: ignore[attr-defined]
    return content, assets


@pytest.mark.django_db
def test_production_settings_serve_the_login_and_signed_in_pages_with_their_static_files(production, personas):
    client = Client()  # its middleware (whitenoise's index of the build) is loaded under these settings
    content, assets = get_with_assets(client, reverse("core:login"))
    assert "ログイン" in content
    assert any(a.startswith("/static/css/tsunagu.") for a in assets)
    pages = {
        personas.caseworker_a: ["core:home", "plans:plan-detail", "people:person-search", "consultations:inbox"],
        personas.auditor: ["audit:log"],
        personas.administrator: ["tsunagu-admin:index"],
    }
    for user, names in pages.items():
        client.force_login(user)
        for name in names:
            get_with_assets(client, reverse(name))
    # A missing record answers the Japanese page, not Django's debug page with every URL pattern.
    response = client.get("/people/999999999/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
    assert "URLconf" not in response.content.decode()


# --- Demo accounts in a production database ---------------------------------------------------------------


@pytest.fixture
def demo_accounts(kotoura, settings):
    settings.DEMO_MODE = True
    created = demo_accounts_create(municipality=kotoura)
    settings.DEMO_MODE = False
    return created


@pytest.mark.django_db
def test_check_deploy_fails_while_demo_accounts_exist_and_passes_without_them(demo_accounts, settings):
    errors = demo_accounts_check()
    assert [e.id for e in errors] == ["tsunagu.E001"]
    assert all(account.username in errors[0].msg for account in DEMO_ACCOUNTS)
    # Renamed but still on the published password: still a demo account.
    User.objects.filter(username="anshin").update(display_name="安心 花子")
    assert "anshin" in demo_accounts_present()
    User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).exclude(username="admin").delete()
    assert demo_accounts_present() == ["admin"]
    # One set 利用停止 cannot sign in (and may have audit entries, which keep it from being deleted).
    User.objects.filter(username="admin").update(is_active=False)
    assert demo_accounts_check() == []
    settings.DEMO_MODE = True
    assert demo_accounts_check() == []


@pytest.mark.django_db
def test_an_installations_own_admin_is_no_demo_account(kotoura, settings):
    settings.DEMO_MODE = False
    org = kotoura.organizations.get(name="福祉あんしん課")
    user_create(
        municipality=kotoura, username="admin", password=PASSWORD, display_name="町 管理者",
        memberships=[(org, Role.ADMINISTRATOR)],
    )  # fmt: skip
    assert demo_accounts_check() == []
    assert authenticate(RequestFactory().post("/login/"), username="admin", password=PASSWORD) is not None


@pytest.mark.django_db
def test_production_refuses_to_sign_in_demo_accounts_and_audits_the_attempt(demo_accounts, client, settings):
    for account in ("anshin", "admin"):
        response = client.post(reverse("core:login"), {"username": account, "password": DEMO_PASSWORD})
        assert response.status_code == 200
        assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED, username=account).count() == 1
    # The published password is refused for any account, demo or not.
    User.objects.filter(username="anshin").update(username="anshin-real", display_name="本物")
    assert authenticate(RequestFactory().post("/login/"), username="anshin-real", password=DEMO_PASSWORD) is None
    # In demo mode the same accounts work.
    settings.DEMO_MODE = True
    response = client.post(reverse("core:login"), {"username": "anshin-real", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_check_deploy_warns_until_every_role_of_a_person_needs_the_second_factor(kotoura, settings):
    settings.DEMO_MODE = False
    kotoura.two_factor_roles = ["caseworker", "coordinator"]
    kotoura.save()
    warnings = two_factor_check()
    assert [w.id for w in warnings] == ["tsunagu.W002"]
    assert "係長・課長（監督者）" in warnings[0].msg and "相談員" not in warnings[0].msg
    assert "require_two_factor --municipality 313718 --roles caseworker,coordinator,supervisor" in str(warnings[0].hint)
    kotoura.two_factor_roles = [r.value for r in Role if r is not Role.INTEGRATION]
    kotoura.save()
    assert two_factor_check() == []


# --- The static build check -----------------------------------------------------------------------------------


def test_check_deploy_refuses_a_missing_or_stale_static_build(production, tmp_path, settings):
    assert static_manifest_check() == []
    settings.STATIC_ROOT = tmp_path
    errors = static_manifest_check()
    assert [e.id for e in errors] == ["tsunagu.E002"]
    assert "集められていません" in errors[0].msg
    paths = manifest_paths(production)
    del paths["css/tsunagu.css"]
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    errors = static_manifest_check()
    assert [e.id for e in errors] == ["tsunagu.E002"]
    assert "css/tsunagu.css" in errors[0].msg and "1件" in errors[0].msg
    settings.STATIC_MANIFEST = False
    assert static_manifest_check() == []


# --- The whole round through manage.py, with production's environment -----------------------------------------


def test_check_deploy_is_clean_only_without_demo_accounts(built_static):
    var = built_static.parent
    production_env = {
        "SECRET_KEY": "x" * 20 + "production-secret-from-the-vault-0123456789",
        "DATABASE_URL": f"sqlite:///{var / 'production.sqlite3'}",
        "ALLOWED_HOSTS": "tsunagu.town.example.jp",
        "TSUNAGU_VAR_DIR": str(var),
        "TSUNAGU_AUDIT_KEY": "k" * 40,
    }
    migrated = run_manage("migrate", "--noinput", "-v", "0", env=production_env)
    assert migrated.returncode == 0, migrated.stderr
    clean = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)
    assert clean.returncode == 0, clean.stderr + clean.stdout
    assert "no issues" in clean.stdout
    demo = run_manage("setup_demo", env={**production_env, "TSUNAGU_DEMO": "1"})
    assert demo.returncode == 0, demo.stderr
    refused = run_manage("check", "--deploy", env=production_env)
    assert refused.returncode != 0
    assert "tsunagu.E001" in refused.stderr and "coordinator" in refused.stderr


def test_demo_mode_runs_without_the_debug_page_unless_asked(tmp_path):
    code = "from django.conf import settings; print(settings.DEMO_MODE, settings.DEBUG, settings.STATIC_MANIFEST)"
    demo = run_manage("shell", "-v", "0", "-c", code, env={"TSUNAGU_VAR_DIR": str(tmp_path)})
    assert demo.stdout.split() == ["True", "False", "False"], demo.stderr
    developer = run_manage("shell", "-v", "0", "-c", code, env={"TSUNAGU_VAR_DIR": str(tmp_path), "DEBUG": "1"})
    assert developer.stdout.split() == ["True", "True", "False"], developer.stderr
    assert settings.DEBUG is False  # and the tests run as the demo does
