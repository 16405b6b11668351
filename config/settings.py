"""Tsunagu settings: one module, driven by environment variables.

With no variable set, the system runs in *demo mode*: SQLite in WAL mode under ``var/``, a secret
generated once and kept in ``var/secret_key``, demo accounts allowed. Production sets at least
``SECRET_KEY``, ``DATABASE_URL`` and ``ALLOWED_HOSTS``; demo mode is then off unless asked for.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TSUNAGU_VAR_DIR", str(BASE_DIR / "var")))


def _demo_secret_key() -> str:
    """A per-installation secret for demo mode, generated once so sessions survive a restart."""
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # the database and the uploaded scans live here too
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


_SECRET_FROM_ENV = env_str("SECRET_KEY")
# Demo mode is the default only where nothing says this is a real installation.
DEMO_MODE = env_bool("TSUNAGU_DEMO", default=not _SECRET_FROM_ENV)
SECRET_KEY = _SECRET_FROM_ENV or _demo_secret_key()
# Off in demo mode too: demo users meet out-of-scope 404s often, and Django's debug page would list every URL
# pattern to them. A developer asks for it with DEBUG=1.
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEMO_MODE else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "tsunagu.core",
    "tsunagu.audit",
    "tsunagu.api",
    "tsunagu.accounts",
    "tsunagu.plans",
    "tsunagu.people",
    "tsunagu.access",
    "tsunagu.records",
    "tsunagu.consultations",
    "tsunagu.collaboration",
    "tsunagu.support_plans",
    "tsunagu.outreach",
    "tsunagu.participation",
    "tsunagu.training",
    "tsunagu.community",
    # After support_plans and outreach: its demo_town extension discusses their demo cases.
    "tsunagu.meetings",
    "tsunagu.notifications",
    "tsunagu.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "tsunagu.core.middleware.NoStoreMiddleware",
    # After messages (the first leaves a notice) and OTP (the second reads whether a code was confirmed).
    "tsunagu.accounts.middleware.SessionAbsoluteLimitMiddleware",
    "tsunagu.accounts.middleware.TwoFactorRequiredMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tsunagu.core.context_processors.navigation",
                "tsunagu.notifications.context_processors.notices",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
_SQLITE_PATH = VAR_DIR / "tsunagu.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_SQLITE_PATH}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE transactions avoid the
    # "database is locked" upgrade deadlock under concurrent writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Django's SQLite backend, but the database file is created readable by the service account only
    # (and its WAL and shared-memory files with it): docs/uploads.md.
    DATABASES["default"]["ENGINE"] = "tsunagu.core.sqlite"
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The axes backend only refuses a locked-out username; ModelBackend still checks the password.
# Outside demo mode the demo accounts and their published password are refused before anything else.
AUTHENTICATION_BACKENDS = [
    "tsunagu.core.backends.DemoAccountsRefusedBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sessions end when the browser closes and after idle time (DESIGN: sensitive data on shared desks).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# However active, a session ends this long after its login (ASVS 7.3.2). 10 hours covers a town-hall day
# with overtime (8:30-17:15 plus evening visits written up) without a re-login mid-afternoon, and no session
# survives into the next day. Stricter than NIST SP 800-63B-4's 24 hours for AAL2.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60)

# --- Lock-out after repeated failed logins (django-axes) --------------------------------------------
# By username only: a whole town hall reaches us from one address, so locking by IP would let one
# person's typos (or one attacker) shut out every colleague. Unknown usernames are counted the same way,
# so the lockout says nothing about whether an account exists.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
# The lock lasts the promised minutes from the moment it fell: trying again while locked does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "tsunagu.accounts.views.login_locked_out"
# Same address as the audit log records (the proxy's hop when BEHIND_PROXY), without django-ipware.
AXES_CLIENT_IP_CALLABLE = "tsunagu.audit.services.client_ip"
# Successful and failed logins are in the audit log (hash-chained, append-only); axes keeps only its counters.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# No start-up banner on every manage.py command.
AXES_VERBOSE = False

# --- The deployment's own auditors ---------------------------------------------------------------
# Entries that belong to no town (a failed login with a username no account has) are read by these
# usernames, auditors of their own town besides, on the audit log page (docs/accounts.md). Set by the
# operator, so that no administrator can give the view to anyone.
TSUNAGU_DEPLOYMENT_AUDITORS = env_list("TSUNAGU_DEPLOYMENT_AUDITORS", [])

# --- Two-factor authentication (django-otp, TOTP) ---------------------------------------------------
# Which roles need it is set per municipality (Municipality.two_factor_roles, `require_two_factor`).
# The name the authenticator app shows next to the username.
OTP_TOTP_ISSUER = "つなぐ"

# --- Internationalisation: Japanese first, English selectable ---------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
# Uploaded files (scanned consent forms) are personal data: kept outside any web root and served
# only through views that go through the access core.
MEDIA_ROOT = Path(env_str("TSUNAGU_MEDIA_DIR", str(VAR_DIR / "media")))
# Never routed (config/urls.py has no media URL): a scan is read through access:consent-document.
MEDIA_URL = "/media-is-not-served/"
# Readable by the service account only (docs/uploads.md); stored under random names.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# A scanned consent form: a few pages at 300 dpi fit well within 10 MB; the form says so, with the size.
TSUNAGU_SCAN_MAX_BYTES = env_int("TSUNAGU_SCAN_MAX_BYTES", 10 * 1024 * 1024)
# Uploads above this size are spooled to a temporary file instead of memory (Django's default, stated);
# form fields other than files may not exceed this in total, and a request carries few files.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# A file over TSUNAGU_SCAN_MAX_BYTES is dropped as it arrives, not spooled to disk whole (tsunagu.core.uploads).
FILE_UPLOAD_HANDLERS = [
    "tsunagu.core.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("TSUNAGU_STATIC_DIR", str(VAR_DIR / "static")))
# Front-end libraries come from the npm registry (package-lock.json pins them) into node_modules;
# only the files we serve are exposed, never copied into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# The Japanese fonts embedded in every PDF (tsunagu/printing/fonts.py), from the npm registry too.
TSUNAGU_FONT_DIR = Path(env_str("TSUNAGU_FONT_DIR", str(BASE_DIR / "node_modules" / "@expo-google-fonts")))
# Production serves what `collectstatic` built (`make install` runs it): hashed names, compressed, long-cached;
# the deploy check `tsunagu.E002` refuses a build that lacks a file the code has. Demo mode and development
# serve the source files through the finders, so a fresh clone and the tests need no build step.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEMO_MODE and not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
if not STATIC_MANIFEST:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root otherwise

# Tables the application's database role may only read and append to (`manage.py db_roles`, docs/deploy.md):
# the audit log, whose triggers the application must not be able to drop.
TSUNAGU_APPEND_ONLY_TABLES = ["audit_auditentry"]

# --- Security -----------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEMO_MODE)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEMO_MODE)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEMO_MODE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEMO_MODE else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEMO_MODE
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: the strictest policy the pages can live with.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way decision for the town's domain; leave it to the operator.
    "security.W021",
    # axes asks for ip_address among the lockout parameters; here that would lock a whole town hall (one
    # address) after five typos by anyone in it. Counting by username already stops guessing one account;
    # spraying one password across many names meets the password validators and the second factor.
    "axes.W006",
]


# --- The audit log's key and seals (docs/audit.md) ---------------------------------------------------
def _demo_audit_key() -> str:
    """Demo mode's audit key, generated once; created under another name and linked into place, so that two
    processes starting at once agree on one key and neither reads a half-written file."""
    path = VAR_DIR / "audit.key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        scratch = VAR_DIR / f".audit.key.{secrets.token_hex(8)}"
        scratch.write_text(secrets.token_urlsafe(48))
        scratch.chmod(0o600)
        try:
            path.hardlink_to(scratch)
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    return path.read_text().strip()


def _audit_key() -> str:
    # The key of the audit log's HMAC chains is kept out of the database, so that whoever can rewrite the
    # table still cannot recompute the hashes. An unreadable key file leaves it empty: the check
    # tsunagu.audit.E001 says so.
    if key := env_str("TSUNAGU_AUDIT_KEY"):
        return key
    if key_file := env_str("TSUNAGU_AUDIT_KEY_FILE"):
        try:
            return Path(key_file).read_text().strip()
        except OSError:
            return ""
    return _demo_audit_key() if DEMO_MODE else ""


AUDIT_KEY = _audit_key()
# Earlier keys, so that entries and seals written before a rotation still verify.
AUDIT_KEY_FALLBACKS = env_list("TSUNAGU_AUDIT_KEY_FALLBACKS", [])
# Where `audit_seal` appends its signed checkpoints: outside the database, ideally on another machine.
AUDIT_SEAL_DIR = Path(env_str("TSUNAGU_AUDIT_SEAL_DIR", str(VAR_DIR / "audit-seals")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Emergency access (緊急時の閲覧, docs/emergency-review.md) ------------------------------------------
# Days within which an emergency access is to be reviewed before it is flagged 確認期限超過. Three: the
# longest grant lasts 72 hours, so a review in time can still end an access found unjustified, and a grant
# opened on a Friday is reviewed on Monday. Calendar days, not business days: emergencies keep no office hours.
TSUNAGU_EMERGENCY_REVIEW_DAYS = env_int("TSUNAGU_EMERGENCY_REVIEW_DAYS", 3)


# --- The REST API (/api/v1/, docs/api.md) -------------------------------------------------------------
KNOX_TOKEN_MODEL = "api.ApiToken"  # noqa: S105 (a model name, not a secret)
# knox's own migrations create its AuthToken table even though ApiToken replaces it (the migrations do
# not mark the model swappable); without them nothing of knox reaches the database.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=90),  # the default when a token is issued; each token names its own
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tsunagu.api.authentication.ApiTokenAuthentication",
        "tsunagu.api.authentication.BrowserSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tsunagu.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_RATE", "600/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "つなぐ API",
    "DESCRIPTION": "重層的支援体制整備事業のための相談・多機関協働支援システムの API（docs/api.md）。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # A choice set used under several field names (a programme's domain, a consultation's domains) is one
    # component.
    "ENUM_NAME_OVERRIDES": {
        "DomainEnum": "tsunagu.plans.models.Domain",
        "CaseStateEnum": "tsunagu.collaboration.models.CaseState",
        "EvaluationResultEnum": "tsunagu.collaboration.models.EvaluationResult",
        "ConsultationUrgencyEnum": "tsunagu.consultations.models.Urgency",
        "CaseNoteMeansEnum": "tsunagu.consultations.models.Means",
        "ReferralStatusEnum": "tsunagu.consultations.models.ReferralStatus",
        "SupportPlanStatusEnum": "tsunagu.support_plans.models.PlanStatus",
        "PlanProgressStatusEnum": "tsunagu.support_plans.models.ProgressStatus",
        "OutreachStageEnum": "tsunagu.outreach.models.Stage",
        "OutreachMeansEnum": "tsunagu.outreach.models.Means",
        "OutreachResultEnum": "tsunagu.outreach.models.Result",
        "OutreachUrgencyEnum": "tsunagu.outreach.models.Urgency",
        "DecisionKindEnum": "tsunagu.plans.models.DecisionKind",
        "ParticipationMatchStateEnum": "tsunagu.participation.models.MatchState",
        "ResourceDevelopmentOutcomeEnum": "tsunagu.participation.models.DevelopmentOutcome",
        "ConsultationOutcomeEnum": "tsunagu.consultations.models.Outcome",
        "CommunityPlaceKindEnum": "tsunagu.community.models.PlaceKind",
        "CoordinatorActivityEnum": "tsunagu.community.models.CoordinatorActivity",
        "InformationRequestStatusEnum": "tsunagu.meetings.models.RequestStatus",
    },
}

# Background work (docs/tasks.md): django-tasks with its database backend, so no broker is needed; the
# worker is `manage.py db_worker` and the schedule `manage.py run_scheduler` (`make run` starts both).
TASKS = {
    "default": {
        "BACKEND": env_str("TSUNAGU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# お知らせ by mail: off by default; when on, the mail says only that there are new notices (no names).
TSUNAGU_NOTICE_MAIL = env_bool("TSUNAGU_NOTICE_MAIL", default=False)
TSUNAGU_SITE_URL = env_str("TSUNAGU_SITE_URL", "http://127.0.0.1:8000")
