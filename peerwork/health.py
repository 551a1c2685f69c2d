"""`/healthz`: for a load balancer or a monitor. 200 "ok" only when the database answers.

The question is asked from a helper thread, waited for HEALTHZ_TIMEOUT seconds at most: a
frozen server (it keeps the connection open but never answers) must neither hold the worker
nor keep the balancer waiting, and statement_timeout cannot help there since the server itself
is stuck. On time-out the worker takes a fresh connection and leaves the stuck one to the
helper, which closes it whenever it comes back. While a helper is stuck, later probes answer
503 at once rather than pile up threads.
"""

import logging
import threading

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

_stuck = threading.Event()  # a helper still waits for a frozen database


class _Probe:
    def __init__(self, wrapper):
        self.wrapper = wrapper
        self.answered = False
        self.error = None
        self.abandoned = False
        self.lock = threading.Lock()

    def run(self):
        try:
            with self.wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as error:
            self.error = error
        finally:
            with self.lock:
                self.answered = True
                abandoned = self.abandoned
            if abandoned:
                self.wrapper.close()
                _stuck.clear()
            self.wrapper.dec_thread_sharing()


def database_answers(timeout):
    """True when the database answers `SELECT 1` within `timeout` seconds."""
    if _stuck.is_set():
        return False
    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.inc_thread_sharing()
    probe = _Probe(wrapper)
    helper = threading.Thread(target=probe.run, name="healthz-probe", daemon=True)
    helper.start()
    helper.join(timeout)
    with probe.lock:
        if not probe.answered:
            probe.abandoned = True
            _stuck.set()
            # This worker goes on with a new connection; the helper keeps the stuck one.
            connections[DEFAULT_DB_ALIAS] = connections.create_connection(DEFAULT_DB_ALIAS)
            logger.warning("healthz: the database did not answer within %s s", timeout)
            return False
    if probe.error is not None:
        logger.warning("healthz: the database does not answer", exc_info=probe.error)
        return False
    return True


@login_not_required
@never_cache
@transaction.non_atomic_requests  # no transaction to open before asking the database
def healthz(request):
    if not database_answers(settings.HEALTHZ_TIMEOUT):
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
