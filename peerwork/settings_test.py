"""Test settings: the real settings with fast hashing, in-memory e-mail and plain static files."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .settings import *  # noqa: F403
from .settings import DATABASES

# One PBKDF2 check takes ~0.3 s here; tests log in many times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tasks run at once (on commit): tests read mail.outbox. tests/test_outbox.py switches to the
# database queue and runs its worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Manifest storage needs collectstatic; the live server of browser tests serves files as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
DATABASES["default"]["CONN_MAX_AGE"] = 0
# No collectstatic in tests: WhiteNoise finds files through the finders, as under DEBUG.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Login throttling stays on, without the deliberate slow-down (tests that need it set it).
LOGIN_FAILURE_DELAY = 0
