"""Periodic work: check-in and review reminders, weekly digests, e-mail preferences; run
twice, it sends nothing twice."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from checkins.services import checkin_submit
from missions import proposals
from missions.models import Proposal
from outbox.models import MailChoice, MailPreference
from sheets.models import RoleSheetVersion
from www.periodic import run_periodic

D = datetime.date


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run_periodic(day), with the mails it queues delivered; returns the mails sent."""

    def go(day):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            run_periodic(day)
        return mail.outbox[before:]

    return go


def _prefer(user, choice):
    MailPreference.objects.update_or_create(user=user, defaults={"choice": choice})


def _propose_removal(adopted, index, reason):
    """The peer worker proposes to remove the sheet's mission `index`: a proposal waiting for
    the managers' decision."""
    return proposals.proposal_create(
        role=adopted.role,
        by=adopted.peer_worker,
        kind=Proposal.Kind.REMOVE_MISSION,
        mission=adopted.missions[index],
        rationale=reason,
    )


def test_a_new_period_reminds_the_peer_worker_once(adopted, run):
    sent = run(D(2026, 12, 2))
    assert [m.to for m in sent] == [[adopted.peer_worker.email]]
    assert reverse("checkins:form", kwargs={"role_id": adopted.role.pk}) in sent[0].body
    assert "au 31 décembre 2026" in sent[0].body
    assert run(D(2026, 12, 2)) == []  # twice: nothing twice
    assert run(D(2026, 12, 10)) == []  # later in the period: already told


def test_a_few_days_before_the_end_a_second_reminder_then_nothing(adopted, run):
    run(D(2026, 12, 2))
    sent = run(D(2026, 12, 30))
    assert len(sent) == 1
    assert sent[0].subject.startswith("Plus que quelques jours")
    assert run(D(2026, 12, 31)) == []


def test_no_reminder_once_checked_in(adopted, run):
    checkin_submit(
        role=adopted.role,
        by=adopted.peer_worker,
        answers={m.pk: ("clear", "as_planned", "") for m in adopted.missions},
        day=D(2026, 12, 2),
    )
    assert run(D(2026, 12, 2)) == []
    assert run(D(2026, 12, 30)) == []


def test_reminders_come_in_the_person_s_language(adopted, run):
    adopted.peer_worker.language = "en"
    adopted.peer_worker.save()
    sent = run(D(2026, 12, 2))
    assert sent[0].subject.startswith("A new period: how are your missions going?")


def test_no_reminder_without_an_adopted_sheet(world, run):
    assert run(D(2026, 12, 2)) == []


def test_review_reminders_before_and_on_the_date(adopted, run):
    today = timezone.localdate()
    RoleSheetVersion.objects.filter(pk=adopted.version.pk).update(
        review_on=today + datetime.timedelta(days=10)
    )
    _prefer(adopted.peer_worker, MailChoice.NONE)  # leaves only the review mails to count
    sent = run(today)
    assert sorted(m.to[0] for m in sent) == [adopted.manager.email]
    assert reverse("roles:review", kwargs={"role_id": adopted.role.pk}) in sent[0].body
    assert run(today) == []
    RoleSheetVersion.objects.filter(pk=adopted.version.pk).update(
        review_on=today - datetime.timedelta(days=1)
    )
    due = run(today)
    assert [m.to[0] for m in due] == [adopted.manager.email]
    assert run(today) == []


def test_a_weekly_digest_lists_what_waits_once_a_week(adopted, run):
    _prefer(adopted.manager, MailChoice.WEEKLY)
    first = _propose_removal(adopted, 0, "Plus d'actualité.")
    second = _propose_removal(adopted, 1, "Fait par l'équipe.")
    Proposal.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    sent = [m for m in run(D(2026, 12, 2)) if m.to == [adopted.manager.email]]
    assert len(sent) == 1
    body = sent[0].body
    assert "Propositions en attente de votre décision" in body
    # Newest first.
    assert body.index(second.get_absolute_url()) < body.index(first.get_absolute_url())
    assert reverse("waiting") in body
    assert [m for m in run(D(2026, 12, 4)) if m.to == [adopted.manager.email]] == []
    assert [m for m in run(D(2026, 12, 8)) if m.to == [adopted.manager.email]]  # next week


def test_digest_and_none_mean_no_mail_per_event(adopted, django_capture_on_commit_callbacks):
    _prefer(adopted.manager, MailChoice.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        _propose_removal(adopted, 0, "Plus d'actualité.")
    assert [m for m in mail.outbox if m.to == [adopted.manager.email]] == []


def test_nothing_waiting_no_digest(world, run):
    _prefer(world.other_manager, MailChoice.WEEKLY)
    assert run(D(2026, 12, 2)) == []


def test_the_account_page_saves_the_choice(client, world):
    client.force_login(world.peer_worker)
    page = client.get(reverse("account")).content.decode()
    assert "un résumé chaque semaine" in page
    response = client.post(reverse("mail_preference"), {"choice": "weekly"})
    assert response.status_code == 302
    assert MailPreference.objects.get(user=world.peer_worker).choice == MailChoice.WEEKLY
    assert client.post(reverse("mail_preference"), {"choice": "daily"}).status_code == 400
    assert MailPreference.objects.get(user=world.peer_worker).choice == MailChoice.WEEKLY


def test_the_command_runs_through_the_task_backend(adopted, capsys):
    call_command("run_periodic")
    assert "Enqueued" in capsys.readouterr().out
    call_command("run_periodic", "--now")
    assert "checkin_reminders" in capsys.readouterr().out


def test_the_digest_comes_in_the_person_s_language(adopted, run):
    adopted.manager.language = "en"
    adopted.manager.save()
    _prefer(adopted.manager, MailChoice.WEEKLY)
    _propose_removal(adopted, 0, "Plus d'actualité.")
    (digest,) = [m for m in run(D(2026, 12, 2)) if m.to == [adopted.manager.email]]
    assert digest.subject == "What waits for you on peerwork this week"
    assert "Proposals waiting for your decision" in digest.body
    assert "Propositions" not in digest.body
