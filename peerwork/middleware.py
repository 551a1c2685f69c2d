"""Security middleware: session timeouts, no caching of personal pages, refused accesses logged.

- SessionTimeoutMiddleware logs a person out after SESSION_IDLE_TIMEOUT seconds without a
  request, and SESSION_ABSOLUTE_TIMEOUT seconds after they logged in, whatever they do.
- NoStoreMiddleware marks every response to a logged-in person `Cache-Control: no-store`:
  neither the browser nor a proxy keeps a copy of a role sheet (a shared computer, "back").
- SecurityLogMiddleware writes a line of the security log for each PermissionDenied (403) and
  Http404 raised by a view (structures.access raises them when someone reaches for what is not
  theirs), and for each address that leads to no page.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from core.security_log import security_log

STARTED_KEY = "_peerwork_login_at"
SEEN_KEY = "_peerwork_seen_at"


def start_session_clock(sender, request, user, **kwargs):
    """Receiver of user_logged_in: both clocks start at login."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[STARTED_KEY] = now
        session[SEEN_KEY] = now


class SessionTimeoutMiddleware:
    """Place after the session, authentication and messages middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    @staticmethod
    def check(request):
        session = request.session
        now = int(time.time())
        started = session.setdefault(STARTED_KEY, now)
        seen = session.get(SEEN_KEY, now)
        reason = None
        if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = "absolute"
        elif now - seen > settings.SESSION_IDLE_TIMEOUT:
            reason = "idle"
        if reason is not None:
            security_log("session_expired", request=request, reason=reason)
            logout(request)
            messages.info(
                request, _("For your security, you were logged out. Please log in again.")
            )
            return
        # Saving the session on every request would cost a write per page: a minute is enough.
        if now - seen >= min(60, settings.SESSION_IDLE_TIMEOUT // 10) or SEEN_KEY not in session:
            session[SEEN_KEY] = now


class NoStoreMiddleware:
    """Place right after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_logged_in = request.user.is_authenticated
        response = self.get_response(request)
        if was_logged_in or request.user.is_authenticated:
            patch_cache_control(response, no_store=True)
        return response


class SecurityLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # An address that leads nowhere (probing for pages): no view ran, so
        # process_exception did not see it.
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            security_log(
                "access_refused",
                request=request,
                status=404,
                method=request.method,
                view=None,
                path=request.path,
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            status = 403
        elif isinstance(exception, Http404):
            status = 404
        else:
            return None
        match = getattr(request, "resolver_match", None)
        security_log(
            "access_refused",
            request=request,
            status=status,
            method=request.method,
            view=match.view_name if match else None,
            path=request.path,
        )
        return None
