"""The security log: logins, failed logins, refused accesses, exports and erasures.

One JSON object per line on the "peerwork.security" logger (see LOGGING in the settings):
who (the user's id, never their e-mail address), what (the event's name), when (UTC) and from
which address, plus a few fields given by the caller.

No free text and no secrets: field values must be numbers, booleans, None or short tokens
(names, ids, paths); any other text is replaced by a keyed hash, so that two lines about the
same value can be matched without the value being readable. An address typed in the login form
(which may be a typo, or even a password typed in the wrong box) is only kept that way.

    security_log("erasure", user=request.user, request=request, subject=person.pk)
"""

import ipaddress
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.utils.crypto import salted_hmac

logger = logging.getLogger("peerwork.security")

_EVENT = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_FIELD = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Tokens kept as they are: ids, slugs, names of views, paths. No spaces, no "@".
_TOKEN = re.compile(r"^[A-Za-z0-9_.:/+=\[\]-]{0,200}$")
# Names that would invite a secret or a person's address into the log.
_FORBIDDEN_FIELDS = {"password", "email", "e_mail", "username", "token", "secret", "name"}
_RESERVED_FIELDS = {"event", "at", "user", "address"}
# The secret parts of the paths of e-mailed links: whoever reads a log must not be able to
# follow them (an invitation still unused, a password reset).
_SECRET_PATHS = [
    (re.compile(r"(/invitations/)[^/?#\s]+"), r"\1[token]"),
    (re.compile(r"(/accounts/reset/[^/?#\s]+/)(?!set-password(?:/|$))[^/?#\s]+"), r"\1[token]"),
]


def mask_tokens(text):
    """`text` (a path, or a log message naming one) with the tokens of e-mailed links masked."""
    text = str(text)
    for pattern, replacement in _SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class MaskTokensFilter(logging.Filter):
    """A logging filter masking link tokens in messages (Django logs the path of refused and
    failed requests: "Not Found: /invitations/…/")."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def keyed_hash(value, purpose="value"):
    """A short keyed hash of `value`: the same value gives the same hash on this server,
    and the value cannot be found back from it without the secret key."""
    text = str(value).strip().lower()
    return salted_hmac(f"peerwork.security.{purpose}", text, algorithm="sha256").hexdigest()[:24]


def account_hash(username):
    """What the log (and the login throttle) keep of an address typed in the login form."""
    return "acct:" + keyed_hash(username or "", "account")


def client_address(request):
    """The client's IP address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT reverse proxies,
    the address the outermost trusted proxy saw in X-Forwarded-For. None if unknown."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    candidate = meta.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


def _clean(value):
    if isinstance(value, str):
        value = mask_tokens(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    text = str(value)
    if _TOKEN.match(text):
        return text
    return "hash:" + keyed_hash(text)


def _user_id(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk if not isinstance(user.pk, uuid.UUID) else str(user.pk)


def security_log(event, *, user=None, request=None, **fields):
    """Write one line of the security log. `user` defaults to the request's user.

    Returns the record written (a dict), which tests may look at."""
    if not _EVENT.match(event):
        raise ValueError(f"Not an event name: {event!r}")
    for name in fields:
        if not _FIELD.match(name) or name in _FORBIDDEN_FIELDS or name in _RESERVED_FIELDS:
            raise ValueError(f"Not allowed in the security log: {name!r}")
    if user is None and request is not None:
        user = getattr(request, "user", None)
    record = {
        "event": event,
        "at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "user": _user_id(user),
        "address": client_address(request),
    }
    record.update({name: _clean(value) for name, value in fields.items()})
    logger.info(json.dumps(record, ensure_ascii=True), extra={"security": record})
    return record


# --- receivers of Django's and django-axes's signals (connected in peerwork.apps) -----------


def on_login(sender, request, user, **kwargs):
    security_log("login", user=user, request=request)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        security_log("logout", user=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    security_log(
        "login_failed",
        request=request,
        account=account_hash((credentials or {}).get("username")),
        failures=getattr(request, "axes_failures_since_start", None),
        locked=bool(getattr(request, "axes_locked_out", False)),
    )


def on_locked_out(sender, request=None, username=None, **kwargs):
    # `username` is already what peerwork.login_throttle.account_key made of it: a hash.
    security_log("login_locked_out", request=request, account=_clean(username))
