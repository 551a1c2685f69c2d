"""Security hardening: response headers, cookies, login throttling, session timeouts, single-use
links and the security log.

The test settings are the production settings (DEBUG off) with a fast hasher, so what is
checked here on responses is what a production server sends; what only applies with a real
production environment (HTTPS redirect, env variables) is read in a subprocess.

Over 600 lines: one module per feature, one section per point above.
"""

import json
import logging
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.security_log import account_hash, client_address, security_log
from peerwork import login_throttle
from peerwork.middleware import SEEN_KEY, STARTED_KEY

from .factories import UserFactory
from .test_permissions import URLS

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"
PASSWORD = "password"  # what UserFactory sets


# --- helpers ---------------------------------------------------------------------------------


def csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response):
    csp = csp_directives(response)
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in csp.get("script-src-elem", [])
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def cache_control(response):
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}


def log_in(client, email, password=PASSWORD, address="127.0.0.1", **extra):
    return client.post(
        LOGIN,
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def is_logged_in(response):
    return response.status_code == 302 and not response["Location"].startswith(LOGIN)


@pytest.fixture
def security_records(caplog):
    """The lines written to the security log during the test, as dicts."""
    logger = logging.getLogger("peerwork.security")
    added = caplog.handler not in logger.handlers
    if added:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="peerwork.security")

    def records(event=None):
        found = [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "peerwork.security"
        ]
        return [r for r in found if event is None or r["event"] == event]

    yield records
    if added:
        logger.removeHandler(caplog.handler)


# --- headers on every page -------------------------------------------------------------------


def test_the_tests_run_with_debug_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize("url", URLS, ids=str)
def test_every_page_sends_the_security_headers_and_no_store(client, world, url):
    client.force_login(world.manager)
    path = reverse(url.name, kwargs=url.kwargs(world))
    response = getattr(client, url.method)(path, url.data(world))
    assert_security_headers(response)
    assert "no-store" in cache_control(response)


@pytest.mark.parametrize(
    "path",
    [
        LOGIN,
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/reset/MQ/not-a-token/",
        "/accounts/reset/done/",
        "/invitations/bogus/",
        "/no-such-page/",
    ],
)
def test_public_pages_send_the_security_headers(client, db, path):
    assert_security_headers(client.get(path))


def test_facilitator_and_admin_pages_send_no_store(client, world):
    client.force_login(world.facilitator)
    for name in ("portfolio", "waiting"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "no-store" in cache_control(response)
    client.force_login(world.admin)
    response = client.get(reverse("platform_overview"))
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


def test_inline_scripts_carry_the_nonce_of_the_header(client, world):
    client.force_login(world.manager)
    response = client.get(world.role.get_absolute_url())
    page = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    nonces = set(re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"]))
    for tag in scripts:
        if "src=" not in tag:
            assert any(f'nonce="{nonce}"' in tag for nonce in nonces), tag


def test_hsts_on_https(client, db):
    response = client.get(LOGIN, secure=True)
    hsts = response["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 60 * 60 * 24 * 365
    assert "includeSubDomains" in hsts


# --- cookies ---------------------------------------------------------------------------------


def assert_host_cookie(morsel):
    """What browsers demand of a `__Host-` cookie: Secure, Path=/, no Domain."""
    assert morsel.key.startswith("__Host-")
    assert morsel["secure"]
    assert morsel["path"] == "/"
    assert not morsel["domain"]
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"


def test_session_and_csrf_cookies_are_host_only_secure_and_httponly(client, world):
    response = client.get(LOGIN)
    assert_host_cookie(response.cookies["__Host-csrftoken"])
    response = log_in(client, world.manager.email)
    assert is_logged_in(response)
    assert_host_cookie(response.cookies["__Host-sessionid"])
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_language_cookie_is_secure_too(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    morsel = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Lax"


_PRINT_SETTINGS = """
import json
from django.conf import settings
names = [
    "DEBUG", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_PATH", "CSRF_COOKIE_PATH",
    "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY", "SESSION_IDLE_TIMEOUT", "SESSION_ABSOLUTE_TIMEOUT",
    "SESSION_COOKIE_AGE", "AXES_LOCKOUT_PARAMETERS", "AXES_FAILURE_LIMIT", "LOGIN_FAILURE_DELAY",
]
values = {name: getattr(settings, name) for name in names}
values["AXES_COOLOFF_MINUTES"] = settings.AXES_COOLOFF_TIME.total_seconds() / 60
print(json.dumps(values))
"""


def production_settings(**env):
    test_only = {"DEBUG", "SECRET_KEY", "DEMO_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in test_only and not k.startswith("AXES")}
    base |= {
        "DJANGO_SETTINGS_MODULE": "peerwork.settings",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "peerwork.example",
    }
    result = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", _PRINT_SETTINGS],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_harden_cookies_headers_and_sessions():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for cookie in ("SESSION", "CSRF"):
        # What a `__Host-` cookie needs, or browsers drop it.
        assert values[f"{cookie}_COOKIE_SECURE"] is True
        assert values[f"{cookie}_COOKIE_PATH"] == "/"
        assert values[f"{cookie}_COOKIE_DOMAIN"] is None
        assert values[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert values[f"{cookie}_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SESSION_IDLE_TIMEOUT"] == 2 * 60 * 60
    assert values["SESSION_ABSOLUTE_TIMEOUT"] == 12 * 60 * 60
    assert values["SESSION_COOKIE_AGE"] == values["SESSION_ABSOLUTE_TIMEOUT"]
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_COOLOFF_MINUTES"] == 30
    assert values["LOGIN_FAILURE_DELAY"] == 1


def test_timeouts_and_throttle_are_configurable_by_environment():
    values = production_settings(
        SESSION_IDLE_TIMEOUT="900",
        SESSION_ABSOLUTE_TIMEOUT="3600",
        LOGIN_FAILURE_LIMIT="8",
        LOGIN_LOCKOUT_MINUTES="10",
    )
    assert values["SESSION_IDLE_TIMEOUT"] == 900
    assert values["SESSION_ABSOLUTE_TIMEOUT"] == values["SESSION_COOKIE_AGE"] == 3600
    assert values["AXES_FAILURE_LIMIT"] == 8
    assert values["AXES_COOLOFF_MINUTES"] == 10


def test_development_keeps_plain_cookie_names():
    values = production_settings(DEBUG="true")
    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert values["CSRF_COOKIE_NAME"] == "csrftoken"


# --- login throttling ------------------------------------------------------------------------

LIMIT = 5


@pytest.fixture
def person(db):
    return UserFactory(email="ana@example.org")


def fail(client, email, times, address="127.0.0.1"):
    return [log_in(client, email, "wrong-password", address) for _ in range(times)]


def test_repeated_failures_lock_the_account_from_that_address(client, person):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    responses = fail(client, person.email, LIMIT - 1)
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)
    assert "The e-mail address or the password is not right" in responses[-1].content.decode()

    locked = log_in(client, person.email, "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many attempts" in page
    assert "You can try again in 30 minutes." in page
    assert reverse("password_reset") in page
    assert person.email not in page

    # Refused for a while, even with the right password…
    assert log_in(client, person.email).status_code == 429
    # …also when the address is typed differently.
    assert log_in(client, " ANA@Example.org").status_code == 429


def test_lockout_page_speaks_the_readers_language(client, person):
    fail(client, person.email, LIMIT - 1)
    response = client.post(
        LOGIN, {"username": person.email, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Trop de tentatives" in page
    response = client.post(
        LOGIN, {"username": person.email, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Too many attempts" in page


def test_other_accounts_on_the_same_address_keep_working(client, person):
    colleague = UserFactory(email="colleague@example.org")
    fail(client, person.email, LIMIT)
    assert log_in(client, person.email).status_code == 429
    assert is_logged_in(log_in(Client(), colleague.email))
    # Even a colleague's own mistake does not lock anybody else out.
    assert log_in(Client(), colleague.email, "typo").status_code == 200
    assert is_logged_in(log_in(Client(), colleague.email))


def test_the_same_account_from_another_address_keeps_working(client, person):
    fail(client, person.email, LIMIT)
    assert log_in(client, person.email).status_code == 429
    assert is_logged_in(log_in(Client(), person.email, address="203.0.113.9"))


def test_the_lock_ends_after_the_cool_off(client, person):
    fail(client, person.email, LIMIT)
    assert log_in(client, person.email).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.now(UTC) - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert is_logged_in(log_in(client, person.email))


def test_a_successful_login_resets_the_count(client, person):
    fail(client, person.email, LIMIT - 1)
    assert is_logged_in(log_in(client, person.email))
    client.logout()
    assert [r.status_code for r in fail(client, person.email, LIMIT - 1)] == [200] * (LIMIT - 1)


def test_failures_are_slowed_down_before_the_lock(client, person, monkeypatch):
    pauses = []
    monkeypatch.setattr(login_throttle.time, "sleep", pauses.append)
    with override_settings(LOGIN_FAILURE_DELAY=1.5):
        fail(client, person.email, LIMIT)
    # 1st failure: no pause; then one step more each time; the lock answers at once.
    assert pauses == [1.5, 3.0, 4.5]


def test_the_throttle_keeps_no_typed_address(client, person):
    fail(client, person.email, 2)
    fail(client, "not-an-account@example.org", 1)
    attempts = list(AccessAttempt.objects.all())
    assert {a.username for a in attempts} == {
        account_hash(person.email),
        account_hash("not-an-account@example.org"),
    }
    for attempt in attempts:
        assert "example.org" not in attempt.post_data + attempt.get_data
        assert "wrong-password" not in attempt.post_data


def test_force_login_is_not_throttled(client, person):
    fail(client, person.email, LIMIT)
    client.force_login(person)
    assert client.get(reverse("home")).status_code == 200


# --- sessions --------------------------------------------------------------------------------


def set_session(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_logging_in_starts_both_clocks(client, person):
    before = int(time.time())
    assert is_logged_in(log_in(client, person.email))
    assert client.session[STARTED_KEY] >= before
    assert client.session[SEEN_KEY] >= before


def test_idle_session_ends(client, world, security_records):
    client.force_login(world.manager)
    url = world.role.get_absolute_url()
    assert client.get(url).status_code == 200
    now = int(time.time())
    set_session(client, **{SEEN_KEY: now - settings.SESSION_IDLE_TIMEOUT - 5})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.get(url).status_code == 302  # and it stays ended
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "you were logged out" in page
    [expired] = security_records("session_expired")
    assert expired["reason"] == "idle" and expired["user"] == world.manager.pk


def test_activity_keeps_the_session_alive(client, world):
    client.force_login(world.manager)
    url = world.role.get_absolute_url()
    now = int(time.time())
    set_session(client, **{SEEN_KEY: now - settings.SESSION_IDLE_TIMEOUT + 120})
    assert client.get(url).status_code == 200
    assert client.session[SEEN_KEY] >= now
    assert client.get(url).status_code == 200


def test_session_ends_after_the_absolute_timeout_even_when_active(client, world, security_records):
    client.force_login(world.manager)
    url = world.role.get_absolute_url()
    now = int(time.time())
    set_session(client, **{STARTED_KEY: now - settings.SESSION_ABSOLUTE_TIMEOUT - 5, SEEN_KEY: now})
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    [expired] = security_records("session_expired")
    assert expired["reason"] == "absolute"


def test_deactivated_account_is_logged_out_at_the_next_request(client, world):
    client.force_login(world.peer_worker)
    url = world.role.get_absolute_url()
    assert client.get(url).status_code == 200
    world.peer_worker.is_active = False
    world.peer_worker.save(update_fields=["is_active"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(reverse("home")).status_code == 302
    # …and cannot log in again.
    assert log_in(Client(), world.peer_worker.email).status_code == 200


# --- password reset links --------------------------------------------------------------------


def reset_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


NEW_PASSWORD = "une-phrase-de-passe-longue-2026"


def use_link(client, link, password=NEW_PASSWORD):
    """Open the link and choose a new password. Returns (page of the link, answer to the form)."""
    opened = client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    if not opened.context["validlink"]:
        return opened, None
    form_url = opened.redirect_chain[-1][0] if opened.redirect_chain else link
    return opened, client.post(form_url, {"new_password1": password, "new_password2": password})


def test_password_reset_link_from_the_email_works_once(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": person.email})
    assert response.status_code == 302
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)

    _opened, saved = use_link(client, link)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("password_reset_complete")
    assert is_logged_in(log_in(Client(), person.email, NEW_PASSWORD))

    # Used once: the same link no longer works, in this browser or another.
    for browser in (client, Client()):
        again, saved_again = use_link(browser, link, "yet-another-long-password-1")
        assert saved_again is None
        assert not again.context["validlink"]
        assert "This link has expired or was already used" in again.content.decode()
    assert is_logged_in(log_in(Client(), person.email, NEW_PASSWORD))


def test_password_reset_link_expires(client, person, monkeypatch):
    issued = datetime.now()  # the token generator uses naive local time
    monkeypatch.setattr(default_token_generator, "_now", lambda: issued)
    link = reset_link(person)
    timeout = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)

    def opened_at(moment):
        monkeypatch.setattr(default_token_generator, "_now", lambda: moment)
        return Client().get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert opened_at(issued + timeout - timedelta(seconds=2)).context["validlink"]
    expired = opened_at(issued + timeout + timedelta(seconds=2))
    assert not expired.context["validlink"]
    assert "This link has expired or was already used" in expired.content.decode()
    # Expired for this browser too: the new password cannot be chosen.
    _opened, saved = use_link(client, link)
    assert saved is None
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


# --- the security log ------------------------------------------------------------------------


def assert_clean(record, *secrets):
    line = json.dumps(record)
    for secret in secrets:
        assert secret.lower() not in line.lower()
    at = datetime.fromisoformat(record["at"].replace("Z", "+00:00"))
    assert at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=1)


def test_logins_and_logouts_are_logged(client, person, security_records):
    assert is_logged_in(log_in(client, person.email, address="198.51.100.7"))
    [login] = security_records("login")
    assert login["user"] == person.pk
    assert login["address"] == "198.51.100.7"
    assert_clean(login, person.email, PASSWORD)
    client.post(reverse("logout"))
    [logout] = security_records("logout")
    assert logout["user"] == person.pk


def test_failed_logins_and_lockouts_are_logged_without_the_typed_address(
    client, person, security_records
):
    fail(client, person.email, LIMIT)
    failures = security_records("login_failed")
    assert len(failures) == LIMIT
    for record in failures:
        assert record["user"] is None
        assert record["account"] == account_hash(person.email)
        assert record["address"] == "127.0.0.1"
        assert_clean(record, person.email, "wrong-password", "ana")
    assert [r["failures"] for r in failures] == [1, 2, 3, 4, 5]
    assert failures[-1]["locked"] is True
    [locked] = security_records("login_locked_out")
    assert locked["account"] == account_hash(person.email)
    assert_clean(locked, person.email)


def test_refused_accesses_are_logged(client, world, security_records):
    client.force_login(world.other_manager)
    assert client.get(world.role.get_absolute_url()).status_code == 404
    client.force_login(world.peer_worker)
    assert client.get(reverse("roles:edit", kwargs={"role_id": world.role.pk})).status_code == 403
    not_found, forbidden = security_records("access_refused")
    assert not_found["user"] == world.other_manager.pk
    assert not_found["status"] == 404
    assert not_found["view"] == "roles:detail"
    assert not_found["path"] == world.role.get_absolute_url()
    assert forbidden["user"] == world.peer_worker.pk
    assert forbidden["status"] == 403
    assert forbidden["view"] == "roles:edit"


def test_addresses_leading_nowhere_are_logged(client, world, security_records):
    client.force_login(world.manager)
    assert client.get("/wp-admin/setup-config.php").status_code == 404
    [refused] = security_records("access_refused")
    assert refused["user"] == world.manager.pk
    assert refused["status"] == 404
    assert refused["view"] is None
    assert refused["path"] == "/wp-admin/setup-config.php"


def test_exports_are_logged(client, world, security_records):
    client.force_login(world.facilitator)
    response = client.get(reverse("facilitation:report_csv", kwargs={"slug": world.structure.slug}))
    assert response.status_code == 200
    [export] = security_records("export")
    assert export["user"] == world.facilitator.pk
    assert export["structure"] == world.structure.pk
    assert export["kind"] == "structure_report"


def test_erasures_can_be_logged_by_id(world, security_records):
    security_log("erasure", user=world.admin, subject=world.peer_worker.pk)
    [erasure] = security_records("erasure")
    assert erasure["user"] == world.admin.pk
    assert erasure["subject"] == world.peer_worker.pk
    assert erasure["address"] is None


def test_the_log_takes_no_free_text(world, security_records):
    security_log("export", user=world.manager, kind="Marie a dit : « je consomme »")
    [record] = security_records("export")
    assert record["kind"].startswith("hash:")
    assert "Marie" not in json.dumps(record)
    for name in ("password", "email", "username", "token"):
        with pytest.raises(ValueError):
            security_log("export", **{name: "x"})
    with pytest.raises(ValueError):
        security_log("Free text event")


def test_the_log_is_written_as_json_lines(world, caplog):
    handler = logging.getLogger("peerwork.security").handlers[0]
    with caplog.at_level(logging.INFO, logger="peerwork.security"):
        record = security_log("export", user=world.manager, kind="structure_report")
    [logged] = [r for r in caplog.records if r.name == "peerwork.security"]
    line = handler.format(logged)
    assert "\n" not in line
    assert json.loads(line) == record
    assert list(record)[:4] == ["event", "at", "user", "address"]


def test_client_address_behind_trusted_proxies(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert client_address(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(request) == "203.0.113.5"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_address(request) == "1.2.3.4"
    assert client_address(rf.get("/", REMOTE_ADDR="not an address")) is None


def test_a_form_without_csrf_token_is_refused_kindly_and_logged(world, caplog):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.manager)
    with caplog.at_level("INFO", logger="peerwork.security"):
        response = client.post(reverse("roles:edit", args=[world.role.pk]), {"title": "X"})
    assert response.status_code == 403
    from django.utils import translation

    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert translation.gettext("The form could not be sent") in response.content.decode()
    events = [getattr(r, "security", {}).get("event") for r in caplog.records]
    assert "csrf_failure" in events
    world.role.refresh_from_db()
    assert world.role.title != "X"
