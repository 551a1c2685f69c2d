"""Start-up checks of the production configuration.

A missing SECRET_KEY stops the server (wsgi.py) and `check --deploy`, not the commands that need
no secret (makemigrations, compilemessages): Django itself only refuses an empty key on use.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

NO_KEY_MESSAGE = "Set SECRET_KEY (or DEBUG=true for local development)."


def key_is_missing():
    try:
        settings.SECRET_KEY  # noqa: B018 - Django refuses an empty one on access
    except ImproperlyConfigured:
        return True
    return False


def require_secret_key():
    """Stops the web server at start-up rather than at its first signed cookie."""
    if key_is_missing():
        raise ImproperlyConfigured(NO_KEY_MESSAGE)


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    return [checks.Error(NO_KEY_MESSAGE, id="peerwork.E001")] if key_is_missing() else []
