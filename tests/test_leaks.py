"""Nothing leaked: no live link in a log, no one's CSRF token in someone else's text, no trace of
an erased person in any table, no one else's name in a person's own data, one live invitation
per address."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client
from django.urls import reverse

from peerwork.fragments import CSRF_PLACEHOLDER
from peerwork.security_log import MaskTokensFilter, mask_tokens
from structures.models import Capacity, Invitation
from structures.services import invitation_send

from .factories import RoleFactory

# --- tokens in logs --------------------------------------------------------------------------


@pytest.fixture
def created_tokens(monkeypatch):
    """Every invitation and password-reset token made during the test."""
    tokens = []
    set_new_token = Invitation.set_new_token
    make_token = PasswordResetTokenGenerator.make_token

    def invitation_token(self):
        tokens.append(set_new_token(self))
        return tokens[-1]

    def reset_token(self, user):
        tokens.append(make_token(self, user))
        return tokens[-1]

    monkeypatch.setattr(Invitation, "set_new_token", invitation_token)
    monkeypatch.setattr(PasswordResetTokenGenerator, "make_token", reset_token)
    return tokens


@pytest.fixture
def written_logs():
    """What the configured handlers (the security log and the console) write, as one text."""
    out = io.StringIO()
    handlers = {*logging.getLogger("peerwork.security").handlers, *logging.getLogger().handlers}
    streams = [
        (handler, handler.setStream(out))
        for handler in handlers
        if isinstance(handler, logging.StreamHandler) and not hasattr(handler, "baseFilename")
    ]
    assert streams, "no handler to listen to"
    yield out
    for handler, stream in streams:
        handler.setStream(stream)


def _link_path(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_no_link_token_is_written_to_any_log(world, created_tokens, written_logs):
    invitation_send(
        structure=world.structure,
        email="nouvelle@example.org",
        capacity=Capacity.PEER_WORKER,
        by=world.manager,
        base_url="http://testserver",
        language="fr",
    )
    Client().post(reverse("password_reset"), {"email": world.peer_worker.email})
    invitation_path, reset_path = (_link_path(message) for message in mail.outbox)
    refusing = Client(enforce_csrf_checks=True)
    refusing.post(invitation_path, {"full_name": "x"})  # refused: no CSRF token
    refusing.post(reset_path, {"new_password1": "x"})
    Client().get(invitation_path.replace("/invitations/", "/invitations/x"))  # not found
    Client().get(reset_path + "nowhere/")  # an address leading nowhere
    logged = written_logs.getvalue()

    assert len(created_tokens) == 2
    assert "csrf_failure" in logged and "Not Found" in logged
    assert "/invitations/[token]/" in logged
    for token in created_tokens:
        assert token not in logged


def test_mask_tokens_keeps_the_rest_of_the_path():
    assert mask_tokens("/invitations/abc-DEF_1/") == "/invitations/[token]/"
    assert mask_tokens("Not Found: /accounts/reset/MTI/c2m-5f/") == (
        "Not Found: /accounts/reset/MTI/[token]/"
    )
    assert mask_tokens("/accounts/reset/MTI/set-password/") == "/accounts/reset/MTI/set-password/"
    assert mask_tokens("/roles/12/history/") == "/roles/12/history/"
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "%s", ("/invitations/t/",), None
    )
    MaskTokensFilter().filter(record)
    assert record.getMessage() == "/invitations/[token]/"


# --- the CSRF placeholder of cached fragments -----------------------------------------------


def test_text_spelling_the_csrf_placeholder_stays_as_typed(world):
    RoleFactory(structure=world.structure, title=CSRF_PLACEHOLDER)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.manager)
    for _ in range(2):  # rendered, then from the cache
        page = client.get(world.structure.get_absolute_url()).content.decode()
        assert CSRF_PLACEHOLDER in page
        assert 'name="csrfmiddlewaretoken" value="' in page
        assert f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"' not in page
