"""The e-mail outbox: a write succeeds whatever the mail server does; its e-mails are queued,
sent once by the worker (`manage.py db_worker`), and retried with back-off while they fail.

Most of the suite runs tasks at once (settings_test); the tests marked `queue` here use the real
database queue and run its worker, on committed data (transaction=True), as in production.
"""

import io
import logging
import signal
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from missions.models import Latitude, Proposal
from outbox.backends import EmailBackend as ConsoleBackend
from outbox.mail import queue, single_line
from outbox.models import Message
from outbox.tasks import deliver
from structures.models import Capacity, Invitation

from .factories import UserFactory


class DownBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


DOWN = {"default": {"BACKEND": "tests.test_outbox.DownBackend"}}
UP = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
queue_test = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.OUTBOX_RETRY_SECONDS = 60


def run_worker():
    """One pass of the production worker: run what is due, then stop."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@pytest.fixture
def later(monkeypatch):
    """Moves the clock on: `later(seconds)`."""
    real_now = timezone.now

    def move(seconds):
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=seconds))

    return move


def propose(world):
    """A peer worker proposes a new mission: the managers are e-mailed."""
    client = Client()
    client.force_login(world.peer_worker)
    return client.post(
        reverse("missions:propose_mission_add", args=[world.role.pk]),
        {
            "title": "Participer aux réunions d'équipe",
            "description": "Porter la parole des personnes accompagnées.",
            "lived_experience": "",
            "includes": "La réunion du lundi",
            "excludes": "",
            "latitude": Latitude.AUTONOMOUS,
            "rationale": "On en a besoin.",
            "send": "1",
        },
        follow=True,
    )


def success_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "success"]


# --- the mail layer -------------------------------------------------------------------------


def test_a_subject_is_one_line_without_control_characters():
    raw = "Rôle\nsur deux\r\nlignes\tet\x00 un\u2028séparateur\x85 "
    assert single_line(raw) == "Rôle sur deux lignes et un séparateur"
    # French typography keeps its no-break space before a colon.
    assert single_line("Proposition\u00a0: acceptée") == "Proposition\u00a0: acceptée"
    long = single_line("é" * 400)
    assert len(long) == 255 and long.endswith("…")


def test_a_title_with_a_newline_gives_a_one_line_subject(world, django_capture_on_commit_callbacks):
    world.manager.language = "en"
    world.manager.save()
    world.role.title = "Pair-aidance\nde nuit"
    world.role.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(world)
    assert response.status_code == 200
    assert success_messages(response)
    [message] = mail.outbox
    assert message.subject == "New proposal on the role sheet “Pair-aidance de nuit”"


def test_the_console_backend_prints_readable_utf8():
    stream = io.StringIO()
    body = "Bonjour Hélène,\n\n" + "Une proposition a été envoyée à l'équipe. " * 5
    message = mail.EmailMessage("Proposition « accueil » : acceptée", body, None, ["a@example.org"])
    ConsoleBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert "Subject: Proposition « accueil » : acceptée" in printed
    assert "Bonjour Hélène," in printed
    assert "Une proposition a été envoyée à l'équipe." in printed
    assert "=C3" not in printed and "utf-8?" not in printed


def test_a_rolled_back_change_queues_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        queue(to="a@example.org", subject="Bonjour", body="…")
        transaction.set_rollback(True)
    assert callbacks == []
    assert not Message.objects.exists()
    assert mail.outbox == []


# --- a mail server that is down never fails the write ---------------------------------------


def test_a_proposal_is_saved_once_and_said_so_when_the_mail_server_is_down(
    world, settings, caplog, django_capture_on_commit_callbacks
):
    settings.MAILERS = DOWN
    with (
        caplog.at_level(logging.WARNING, logger="outbox"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = propose(world)

    assert response.status_code == 200
    assert success_messages(response) == [
        "Votre proposition a été envoyée aux responsables. Vous pouvez suivre ici la discussion "
        "et la décision."
    ]
    assert Proposal.objects.count() == 1
    message = Message.objects.get()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "Connection refused" in message.last_error
    assert any("not sent" in record.getMessage() for record in caplog.records)


def test_an_invitation_is_kept_when_the_mail_server_is_down(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = DOWN
    settings.SITE_URL = "https://peerwork.example.org"
    client.force_login(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("structures:member_invite", args=[world.structure.slug]),
            {"email": "nouvelle@example.org", "full_name": "", "capacity": Capacity.PEER_WORKER},
            follow=True,
        )
    assert response.status_code == 200
    assert success_messages(response) == ["Une invitation a été envoyée à nouvelle@example.org."]
    assert Invitation.objects.filter(email="nouvelle@example.org").count() == 1
    message = Message.objects.get(to="nouvelle@example.org")
    assert message.sent_at is None
    # The link comes from SITE_URL, not from the request's host.
    assert "https://peerwork.example.org/invitations/" in message.body


def test_a_password_reset_is_queued_when_the_mail_server_is_down(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = DOWN
    settings.SITE_URL = "https://peerwork.example.org"
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_reset"), {"email": person.email}, HTTP_HOST="testserver"
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    message = Message.objects.get(to=person.email)
    assert message.attempts == 1 and message.sent_at is None
    assert "https://peerwork.example.org/accounts/reset/" in message.body
    assert "\n" not in message.subject


# --- the database queue and its worker ------------------------------------------------------


@queue_test
def test_the_worker_sends_a_queued_mail_once(world, database_queue):
    response = propose(world)
    assert success_messages(response)
    assert mail.outbox == [], "nothing is sent in the request"
    message = Message.objects.get()
    assert message.to == world.manager.email
    assert DBTaskResult.objects.ready().count() == 1

    run_worker()
    assert [m.to for m in mail.outbox] == [[world.manager.email]]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1
    assert message.body == "", "a sent message keeps no link"

    # The task given again, or another worker pass: still one e-mail.
    deliver.enqueue(message.pk)
    run_worker()
    run_worker()
    assert len(mail.outbox) == 1


@queue_test
def test_a_failed_mail_is_retried_later_and_sent_once(
    world, settings, database_queue, caplog, later
):
    settings.MAILERS = DOWN
    response = propose(world)
    assert response.status_code == 200
    assert success_messages(response)
    assert Proposal.objects.count() == 1

    with caplog.at_level(logging.WARNING, logger="outbox"):
        run_worker()
    message = Message.objects.get()
    assert (message.attempts, message.sent_at) == (1, None)
    assert "ConnectionRefusedError" in message.last_error
    [logged] = [r for r in caplog.records if r.name == "outbox"]
    assert logged.levelno == logging.WARNING and "next try in 60 s" in logged.getMessage()

    # Back-off: the retry waits, even for a worker that passes right away.
    settings.MAILERS = UP
    run_worker()
    assert mail.outbox == []
    later(30)
    run_worker()
    assert mail.outbox == []

    later(61)
    run_worker()
    run_worker()
    assert [m.to for m in mail.outbox] == [[world.manager.email]]
    message.refresh_from_db()
    assert message.attempts == 2 and message.sent_at is not None and message.last_error == ""


@queue_test
def test_the_outbox_gives_up_after_the_last_attempt(world, settings, database_queue, caplog, later):
    settings.MAILERS = DOWN
    settings.OUTBOX_MAX_ATTEMPTS = 2
    propose(world)
    run_worker()
    later(60 * 60)
    with caplog.at_level(logging.WARNING, logger="outbox"):
        run_worker()
    message = Message.objects.get()
    assert message.attempts == 2 and message.sent_at is None
    assert caplog.records[-1].levelno == logging.ERROR
    assert "given up" in caplog.records[-1].getMessage()
    assert not DBTaskResult.objects.ready().exists()
    later(24 * 60 * 60)
    run_worker()
    assert Message.objects.get().attempts == 2


@queue_test
def test_a_rolled_back_invitation_sends_nothing(world, database_queue):
    from structures.services import invitation_send

    with transaction.atomic():
        invitation_send(
            structure=world.structure,
            email="nouvelle@example.org",
            capacity=Capacity.PEER_WORKER,
            by=world.manager,
            language="fr",
        )
        transaction.set_rollback(True)
    run_worker()
    assert not Invitation.objects.exists()
    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []


@queue_test
def test_a_message_enqueued_twice_keeps_one_line_of_retries(world, settings, database_queue):
    settings.MAILERS = DOWN
    propose(world)
    deliver.enqueue(Message.objects.get().pk)
    run_worker()
    # The second task found the first had tried: one try, one retry waiting.
    assert Message.objects.get().attempts == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 1


@queue_test
def test_requeue_outbox_sends_a_mail_whose_task_was_lost(world, database_queue, later):
    propose(world)
    DBTaskResult.objects.all().delete()  # as if the worker had died with it
    call_command("requeue_outbox", verbosity=0)
    assert not DBTaskResult.objects.exists(), "not overdue yet: its task may still come"

    later(31 * 60)
    call_command("requeue_outbox", verbosity=0)
    run_worker()
    assert [m.to for m in mail.outbox] == [[world.manager.email]]
    call_command("requeue_outbox", verbosity=0)
    run_worker()
    assert len(mail.outbox) == 1


def test_erasing_a_person_erases_their_emails(world, django_capture_on_commit_callbacks):
    from www.privacy import person_erase

    address = world.manager.email
    with django_capture_on_commit_callbacks(execute=True):
        propose(world)
    queue(to=address.upper(), subject="En attente", body="…")
    queue(to="someone@example.org", subject="Autre", body="…")
    person_erase(user=world.manager, by=None)
    assert list(Message.objects.values_list("to", flat=True)) == ["someone@example.org"]
