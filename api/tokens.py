"""API tokens: made, revoked and checked here, with their actor (`by`).

A key is 32 random bytes: hashing it with SHA-256 is enough to store it (no salt or slow hash
is needed for a key nobody chose), and lets a request find its token with one indexed query.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken

KEY_PREFIX = "pw_"
MAX_ACTIVE_TOKENS = 10
# The last-used date is written at most this often per token, not at every request.
LAST_USED_EVERY = timedelta(minutes=5)


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, by, name):
    """(token, key) for `by`: the key is returned once and never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the token a name, to know later what uses it.")})
    if by.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You already have %(count)s active tokens: revoke one first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=by, name=name[:100], key_hash=hash_key(key), prefix=key[:10]
    )
    return token, key


def token_revoke(*, token, by):
    if token.user_id != by.pk:
        raise PermissionDenied
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_user(key):
    """The active token of `key` with its person, or None."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
