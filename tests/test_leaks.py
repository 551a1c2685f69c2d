"""Nothing leaked: no live link in a log, no one's CSRF token in someone else's text, no trace of
an erased person in any table, no one else's name in a person's own data, one live invitation
per address.

About 430 lines: one module per feature, a section per kind of leak above.
"""

import html
import io
import json
import logging
import os
import re
import threading

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from core.fragments import CSRF_PLACEHOLDER
from core.security_log import MaskTokensFilter, mask_tokens
from roles import services as role_services
from roles.models import RoleAssignment, RoleEvent
from roles.services import membership_deactivate
from structures.models import Capacity, Invitation, Membership, User
from structures.services import invitation_send
from www.privacy import account_data, person_erase

from .factories import MembershipFactory, RecommendationFactory, ReviewFactory, RoleFactory

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
    with TestCase.captureOnCommitCallbacks(execute=True):  # e-mails leave on commit
        invitation_send(
            structure=world.structure,
            email="nouvelle@example.org",
            capacity=Capacity.PEER_WORKER,
            by=world.manager,
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


# --- one live invitation per address ---------------------------------------------------------


def _invite(world, email="nouvelle@example.org"):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail leaves on commit
        return invitation_send(
            structure=world.structure,
            email=email,
            capacity=Capacity.PEER_WORKER,
            by=world.manager,
            language="fr",
        )


def test_a_new_invitation_replaces_the_live_one(world, client):
    _invite(world)
    first_link = _link_path(mail.outbox[0])
    newest = _invite(world, email="Nouvelle@Example.org")
    assert list(Invitation.objects.live()) == [newest]
    assert client.get(first_link).status_code == 404
    assert client.get(_link_path(mail.outbox[1])).status_code == 200


def test_the_database_refuses_two_live_invitations_to_one_address(world):
    first = _invite(world)
    second = Invitation(
        structure=world.structure,
        email=first.email.upper(),
        capacity=Capacity.PEER_WORKER,
        expires_at=first.expires_at,
    )
    second.set_new_token()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    first.replaced_at = timezone.now()
    first.save()
    second.save()  # once the first is replaced


@pytest.mark.django_db(transaction=True)
def test_simultaneous_invitations_to_one_address_leave_one_live_link(world):
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL: row locks between connections (set DATABASE_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    count = 20
    barrier = threading.Barrier(count)
    errors = []

    def invite():
        try:
            barrier.wait(timeout=20)
            _invite(world)
        except Exception as error:  # reported below rather than lost in the thread
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=invite) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Invitation.objects.filter(email="nouvelle@example.org").count() == count
    live = list(Invitation.objects.live().filter(email="nouvelle@example.org"))
    assert len(live) == 1
    assert live[0] == Invitation.objects.latest("created_at", "id")
    working = [
        path for path in map(_link_path, mail.outbox) if Client().get(path).status_code == 200
    ]
    assert len(working) == 1


# --- the history names people by key ---------------------------------------------------------


def _history(user, role):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return html.unescape(client.get(reverse("roles:history", args=[role.pk])).content.decode())


def test_the_history_shows_a_renamed_peer_worker_by_their_name_today(world):
    role_services.role_assign(
        role=world.role, peer_worker=world.other_peer_worker, by=world.manager
    )
    old_name = world.other_peer_worker.full_name
    assert f"Peer worker assigned: “{old_name}”" in _history(world.manager, world.role)
    world.other_peer_worker.full_name = "Nadia Renommée"
    world.other_peer_worker.save()
    page = _history(world.manager, world.role)
    assert "Peer worker assigned: “Nadia Renommée”" in page
    assert old_name not in page


def test_erasing_a_person_leaves_the_history_of_namesakes_alone(world):
    namesake = MembershipFactory(
        structure=world.other_structure, user__full_name=world.other_peer_worker.full_name
    ).user
    elsewhere = RoleFactory(structure=world.other_structure)
    role_services.role_assign(role=elsewhere, peer_worker=namesake, by=world.other_manager)
    role_services.role_assign(
        role=world.role, peer_worker=world.other_peer_worker, by=world.manager
    )
    person_erase(user=world.other_peer_worker, by=world.admin)

    assert f"Peer worker assigned: “{namesake.full_name}”" in _history(
        world.other_manager, elsewhere
    )
    page = _history(world.manager, world.role)
    assert "Peer worker assigned: “Erased person”" in page
    assert "Peer worker unassigned: “Erased person”" in page


def test_deactivating_a_membership_writes_the_unassignment_in_the_history(world):
    membership = Membership.objects.get(user=world.peer_worker, structure=world.structure)
    membership_deactivate(membership=membership, by=world.manager)
    event = RoleEvent.objects.filter(role=world.role).latest("at", "id")
    assert (event.kind, event.actor, event.person) == (
        RoleEvent.Kind.UNASSIGNED,
        world.manager,
        world.peer_worker,
    )
    page = _history(world.manager, world.role)
    assert f"Peer worker unassigned: “{world.peer_worker.full_name}”" in page


def test_history_lines_written_with_names_are_converted_to_keys(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("roles.migrations.0005_history_names_people_by_key")
    named = [
        RoleEvent.objects.create(
            role=world.role, actor=world.manager, kind=kind, subject=world.peer_worker.full_name
        )
        for kind in (RoleEvent.Kind.ASSIGNED, RoleEvent.Kind.UNASSIGNED)
    ]
    stranger = RoleEvent.objects.create(
        role=world.role, actor=world.manager, kind=RoleEvent.Kind.ASSIGNED, subject="Inconnue"
    )
    mission = RoleEvent.objects.create(
        role=world.role,
        actor=world.manager,
        kind=RoleEvent.Kind.MISSION_ADDED,
        subject=world.peer_worker.full_name,
    )
    migration.names_to_keys(apps, None)
    for event in named:
        event.refresh_from_db()
        assert (event.person, event.subject) == (world.peer_worker, "")
    for event, subject in ((stranger, "Inconnue"), (mission, world.peer_worker.full_name)):
        event.refresh_from_db()
        assert (event.person, event.subject) == (None, subject)


# --- erasure reaches every table -------------------------------------------------------------


def _all_rows_as_text():
    """Every row of every table, as text: what a dump of the database would hold."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        texts = []
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT t::text FROM {quote(table)} t")  # noqa: S608
                texts += [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
                texts += [repr(row) for row in cursor.fetchall()]
    return "\n".join(texts)


def test_an_erased_person_is_in_no_table_under_any_name_they_had(world):
    admin = Client()
    admin.force_login(world.admin)
    _invite(world, email="ana.avant@example.org")
    invited = Invitation.objects.get(email="ana.avant@example.org")
    Invitation.objects.filter(pk=invited.pk).update(full_name="Ana Tapée")
    invitation_path = _link_path(mail.outbox[-1])
    data = {
        "full_name": "Ana Avant",
        "password1": "Rencontrer-2025!",
        "password2": "Rencontrer-2025!",
    }
    assert Client().post(invitation_path, data).status_code == 302
    ana = User.objects.get(email="ana.avant@example.org")
    role_services.role_assign(role=world.role, peer_worker=ana, by=world.manager)
    invitation_send(  # invited elsewhere too, never accepted
        structure=world.other_structure,
        email="ana.avant@example.org",
        full_name="Ana Tapée",
        capacity=Capacity.PEER_WORKER,
        by=world.other_manager,
        language="fr",
    )
    # Renamed twice by the platform admin, through the admin site (its log names her).
    for full_name, email in (
        ("Ana Milieu", "ana.milieu@example.org"),
        ("Ana Après", "ana.apres@example.org"),
    ):
        response = admin.post(
            reverse("admin:structures_user_change", args=[ana.pk]),
            {
                "email": email,
                "full_name": full_name,
                "language": "fr",
                "is_active": "on",
                "last_login_0": "",
                "last_login_1": "",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "10:00:00",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    # The admin site's log of a structure changed with its members inline names her too.
    membership = Membership.objects.get(user=ana, structure=world.structure)
    change = [
        {"changed": {"name": "membership", "object": str(membership), "fields": ["capacity"]}}
    ]
    LogEntry.objects.log_actions(
        world.admin.pk, [world.structure], CHANGE, change_message=json.dumps(change)
    )
    LogEntry.objects.log_actions(world.admin.pk, [membership], CHANGE, change_message="[]")
    role_services.role_unassign(
        assignment=RoleAssignment.objects.get(peer_worker=ana), by=world.manager
    )
    role_services.role_assign(role=world.role, peer_worker=ana, by=world.manager)
    names = [
        "Ana Tapée",
        "Ana Avant",
        "Ana Milieu",
        "Ana Après",
        "ana.avant@example.org",
        "ana.milieu@example.org",
        "ana.apres@example.org",
    ]
    before = _all_rows_as_text()
    # Until the erasure, the invitations and the admin log name her (not the history).
    kept = {
        "Ana Tapée",
        "Ana Milieu",
        "Ana Après",
        "ana.avant@example.org",
        "ana.apres@example.org",
    }
    assert {name for name in names if name in before} == kept

    person_erase(user=User.objects.get(pk=ana.pk), by=world.admin)

    dump = _all_rows_as_text()
    for name in names:
        assert name not in dump
        assert json.dumps(name)[1:-1] not in dump  # inside JSON
    assert world.peer_worker.full_name in dump  # others stay
    assert "Peer worker assigned: “Erased person”" in _history(world.manager, world.role)


# --- a person's own data names no one else ---------------------------------------------------


def test_a_persons_data_shows_others_as_their_capacity(world):
    role_services.role_assign(
        role=world.role, peer_worker=world.other_peer_worker, by=world.manager
    )
    review = ReviewFactory(structure=world.structure, author=world.facilitator)
    recommendation = RecommendationFactory(review=review)
    recommendation_answer = "Vu en réunion d'équipe, c'est prévu."
    type(recommendation).objects.filter(pk=recommendation.pk).update(
        answer=recommendation_answer,
        followed_up_by=world.manager,
        followed_up_at=timezone.now(),
        status="answered",
    )
    others = [world.other_peer_worker, world.peer_worker, world.facilitator, world.manager]
    for user in (world.manager, world.facilitator, world.other_peer_worker):
        data = account_data(user)
        text = json.dumps(data, ensure_ascii=False)
        for other in others:
            if other != user:
                assert other.full_name not in text, (user, other)
                assert other.email not in text, (user, other)
        if user != world.manager:  # who wrote it
            assert recommendation_answer not in text

    manager = account_data(world.manager)
    [assigned] = [e for e in manager["history"] if e["kind"] == "assigned"]
    assert (assigned["by"], assigned["about"]) == ("you", "peer_worker")
    peer = account_data(world.other_peer_worker)
    [about_them] = [e for e in peer["history"] if e["kind"] == "assigned"]
    assert (about_them["by"], about_them["about"]) == ("manager", "you")
    facilitator = account_data(world.facilitator)
    [rec] = facilitator["reviews"][0]["recommendations"]
    assert (rec["answered"], rec["followed_up_by"]) == (True, "manager")
