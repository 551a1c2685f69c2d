"""Settings read from the environment.

Defaults give a newcomer an embedded set-up (SQLite, console e-mail); production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the EMAIL_* variables.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envlist(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# Demo mode lets `seed_demo` create accounts with the public demo password.
DEMO_MODE = envbool("DEMO_MODE", DEBUG)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-local-development-key-only"  # noqa: S105 - DEBUG only
# Without a secret, commands that need none still run (makemigrations, compilemessages);
# wsgi.py stops the server and `check --deploy` fails (peerwork/checks.py).

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "structures",
    "roles",
    "missions",
    "sheets",
    "checkins",
    "facilitation",
    "documents",
    "api",
    "ninja",  # its docs page's scripts, served from our static files (no CDN)
    "www",
    "outbox",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "django_tasks_db",
    # After "axes": connects the security log and the login throttle (peerwork/apps.py).
    "peerwork.apps.PeerworkConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "peerwork.middleware.NoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "structures.middleware.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "peerwork.middleware.SessionTimeoutMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "peerwork.middleware.SecurityLogMiddleware",
    # A write that lost a race, a database that does not answer: "try again", not a 500.
    "core.concurrency.DatabaseTroubleMiddleware",
    # Last, as django-axes asks: turns a lockout into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peerwork.urls"
# A refused form is logged and explained (peerwork.views.csrf_failure).
CSRF_FAILURE_VIEW = "peerwork.views.csrf_failure"
WSGI_APPLICATION = "peerwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Each request is one transaction: a failure half-way leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Prepared statements: PostgreSQL plans a query once per connection rather than at each
    # request (the pages' queries take longer to plan than to run). "off" for a pooler that
    # cannot keep them (PgBouncer before 1.21 in transaction mode).
    _prepare = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip().lower()
    if _prepare not in {"off", "none", ""}:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(_prepare)
        )
    # A database that does not answer must not hold a worker: give up connecting after
    # DATABASE_CONNECT_TIMEOUT seconds (libpq counts at least 2), and let the server cancel any
    # statement (a lock wait too) after DATABASE_STATEMENT_TIMEOUT milliseconds (0: never):
    # 25 s, under gunicorn's 30 s worker timeout, so the person gets "try again", not a 502.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "2")))
    _statement_timeout = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "25000"))
    if _statement_timeout:
        _options["options"] = (
            _options.get("options", "") + f" -c statement_timeout={_statement_timeout}"
        ).strip()
# /healthz answers 503 when the database has not answered within this many seconds.
HEALTHZ_TIMEOUT = float(os.environ.get("HEALTHZ_TIMEOUT", "1.5"))
# Longest text, in characters, of every multi-line field (a raison d'être, a rationale, notes…);
# single-line fields (titles, names) keep their column's max_length.
TEXT_MAX_LENGTH = int(os.environ.get("TEXT_MAX_LENGTH", "4000"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "structures.User"
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
INVITATION_VALID_DAYS = 14
# The sheet warns when the tasks fill less than this percentage of the contracted hours
# (above 100 % it always warns).
PEERWORK_TASK_TIME_LOW_SHARE = int(os.environ.get("PEERWORK_TASK_TIME_LOW_SHARE", "50"))
# A portfolio alert when a peer worker's last check-in reports work outside the sheet above
# this share (percent) of the week the sheet plans (checkins/drift.py).
CHECKIN_OUTSIDE_SHARE_ALERT = int(os.environ.get("CHECKIN_OUTSIDE_SHARE_ALERT", "25"))
# An adopted sheet comes back for review this many months after adoption, unless the manager
# chose a date; reminders go this many days before.
SHEET_REVIEW_MONTHS = int(os.environ.get("SHEET_REVIEW_MONTHS", "12"))
SHEET_REVIEW_REMINDER_DAYS = int(os.environ.get("SHEET_REVIEW_REMINDER_DAYS", "30"))
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Requests a minute per API token (ninja's throttle syntax).
API_RATE = os.environ.get("API_RATE", "120/m")
# A fiche de poste to import (documents/reading.py): the upload's size, and what it unpacks to
# (against zip bombs), in bytes.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024)))

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap is installed from the npm registry by `make assets` into .assets/ (never committed).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / ".assets" / "node_modules" / "bootstrap" / "dist"),
]
# The role sheet's PDF is set in DejaVu Sans, installed by `make assets` like Bootstrap.
PDF_FONT_DIR = os.environ.get(
    "PDF_FONT_DIR", str(BASE_DIR / ".assets" / "node_modules" / "dejavu-fonts-ttf" / "ttf")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Django 6.1 mailers: in DEBUG the console (a newcomer sees e-mails in the terminal), else SMTP.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "outbox.backends.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
_mailer = {"BACKEND": EMAIL_BACKEND_PATH}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _mailer["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", False),
        # Seconds: a server that does not answer fails the try, the outbox retries later.
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
    }
MAILERS = {"default": _mailer}
# Links in e-mails point here (no request at hand when a notification is sent).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "peerwork <noreply@peerwork.localhost>")
# E-mails wait in the outbox (outbox/) for a task: in production a database queue emptied by
# `manage.py db_worker` (README, "Production"); under DEBUG the task runs at once, in the
# request, so `make run` prints the e-mails in its terminal.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        )
    }
}
# A failed e-mail is tried again after OUTBOX_RETRY_SECONDS, then twice as long each time
# (at most 6 hours apart), OUTBOX_MAX_ATTEMPTS times in all (10: about 8 hours and a half).
OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "10"))

# Content Security Policy: only our own files, no inline script without the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# A session ends after this long without a request, and this long after logging in
# (peerwork.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(60 * 60 * 2)))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(60 * 60 * 12)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

# Login throttling (django-axes, peerwork/login_throttle.py): failures are counted per account
# AND address, so other people behind the same address (an office, a shelter) keep logging in.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "peerwork.login_throttle.account_key"
AXES_CLIENT_IP_CALLABLE = "core.security_log.client_address"
AXES_LOCKOUT_CALLABLE = "peerwork.login_throttle.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "next"]
AXES_DISABLE_ACCESS_LOG = True  # successful logins go to the security log
# Seconds added to the answer per failed attempt, from the second one (at most 3 steps).
LOGIN_FAILURE_DELAY = float(os.environ.get("LOGIN_FAILURE_DELAY", "1"))
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # "__Host-": the browser only accepts them over HTTPS, for the whole site (Path=/), from
    # this host only (no Domain); a subdomain cannot plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Privacy (RGPD): whom people write to about their data; after how many days without a login
# `manage.py anonymise_inactive` anonymises an account.
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "privacy@peerwork.localhost")
INACTIVE_ACCOUNT_DAYS = int(os.environ.get("INACTIVE_ACCOUNT_DAYS", "730"))
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The security log (core/security_log.py): JSON lines on stderr, or in SECURITY_LOG_FILE.
SECURITY_LOG_FILE = os.environ.get("SECURITY_LOG_FILE", "")
_security_handler = (
    {"class": "logging.handlers.WatchedFileHandler", "filename": SECURITY_LOG_FILE}
    if SECURITY_LOG_FILE
    else {"class": "logging.StreamHandler"}
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json_lines": {"format": "%(message)s"}},
    "filters": {"mask_tokens": {"()": "core.security_log.MaskTokensFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_tokens"]},
        "security": _security_handler | {"formatter": "json_lines"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "peerwork.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # Not a line per e-mail sent under DEBUG; failures (ERROR) and the outbox's own
        # warnings still show. `db_worker` sets its own level (-v).
        "django.tasks": {"level": "WARNING"},
    },
}
