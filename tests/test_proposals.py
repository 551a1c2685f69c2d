"""Joint definition through the pages: propose (preview, then send), discuss, decide, withdraw.

Standing actors come from the `world` fixture: the manager, the peer worker assigned to the
role, a peer worker of the structure who does not hold it, the supporting facilitator, and
outsiders. E-mails are sent once the transaction commits, hence
`django_capture_on_commit_callbacks(execute=True)` around the requests that send them.

Over 800 lines: one module per feature, the whole journey of a proposal: the flow, conflicts,
form errors, each kind applied, discussion, who may do what, queries, a race.
"""

import os
import re
import threading
import time
from html import unescape

import pytest
from django.conf import settings
from django.contrib.messages import constants, get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from missions import proposals, services
from missions.models import DailyTask, Frequency, Latitude, Mission, Proposal
from roles.models import RoleEvent
from structures.models import Capacity

from .factories import (
    DailyTaskFactory,
    MembershipFactory,
    ProposalCommentFactory,
    ProposalFactory,
    UserFactory,
)

Kind = Proposal.Kind
Status = Proposal.Status

NEW_INCLUDES = "Les maraudes du soir et les permanences du samedi"
NEW_EXCLUDES = "La distribution des repas et l'accompagnement aux rendez-vous médicaux"
WHY = "Le samedi, les personnes viennent plus facilement ; le médical n'est pas mon rôle."


def values(obj):
    return {name: getattr(obj, name) for name in type(obj).EDITABLE_FIELDS}


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def mission_form_data(mission, **changes):
    return values(mission) | {"revision": mission.revision} | changes


def task_form_data(task, **changes):
    return values(task) | {"revision": task.revision} | changes


def html(response):
    return response.content.decode()


def shown_text(response):
    """The page's text as a sighted reader reads it: tags and words for screen readers only
    (the hidden "added:" / "removed:" around changed words) taken out."""
    page = re.sub(r'<span class="visually-hidden">.*?</span>', "", html(response))
    return unescape(re.sub(r"<[^>]+>", "", page))


def message_levels(response):
    return [message.level for message in get_messages(response.wsgi_request)]


def login(user):
    client = Client()
    client.force_login(user)
    return client


def accept_url(proposal):
    return reverse("missions:proposal_accept", args=[proposal.pk])


def decline_url(proposal):
    return reverse("missions:proposal_decline", args=[proposal.pk])


def withdraw_url(proposal):
    return reverse("missions:proposal_withdraw", args=[proposal.pk])


def sheet_state(role):
    """Everything a proposal could change on the sheet, read again from the database."""
    return {
        "missions": sorted(
            (mission.pk, mission.revision, *values(mission).values())
            for mission in Mission.objects.filter(role=role)
        ),
        "tasks": sorted(
            (task.pk, task.revision, *values(task).values())
            for task in DailyTask.objects.filter(mission__role=role)
        ),
    }


def propose_delimitation(world):
    """The assigned peer worker proposes, through the service, to change the mission's scope."""
    return proposals.proposal_create(
        role=world.role,
        by=world.peer_worker,
        kind=Kind.CHANGE_MISSION,
        mission=world.mission,
        rationale=WHY,
        proposed=values(world.mission) | {"includes": NEW_INCLUDES, "excludes": NEW_EXCLUDES},
    )


@pytest.fixture
def managers(world):
    """Two managers of the structure: one reads English, the other French."""
    world.manager.language = "en"
    world.manager.save()
    french = MembershipFactory(structure=world.structure, capacity=Capacity.MANAGER).user
    french.language = "fr"
    french.save()
    return world.manager, french


# --- the whole flow -------------------------------------------------------------------------


def test_peer_worker_proposes_a_delimitation_preview_send_then_manager_accepts(
    world, managers, django_capture_on_commit_callbacks
):
    english_manager, french_manager = managers
    mission = world.mission
    before = values(mission)
    peer = login(world.peer_worker)
    url = reverse("missions:propose_mission_change", args=[mission.pk])

    # The form starts from the mission's current values.
    page = peer.get(url)
    assert page.status_code == 200
    form = page.context["values_form"]
    assert form["includes"].value() == mission.includes
    assert form["title"].value() == mission.title
    assert not page.context["can_send"]

    # First step: preview. Nothing is saved; the page says what would change, field by field.
    typed = mission_form_data(
        mission, includes=NEW_INCLUDES, excludes=NEW_EXCLUDES, rationale=WHY, preview="1"
    )
    preview = peer.post(url, typed)
    assert preview.status_code == 200
    assert Proposal.objects.count() == 0
    changes = preview.context["changes"]
    assert [(c.old, c.new) for c in changes] == [
        (before["includes"], NEW_INCLUDES),
        (before["excludes"], NEW_EXCLUDES),
    ]
    assert escape(NEW_INCLUDES) in html(preview)
    assert preview.context["values_form"]["includes"].value() == NEW_INCLUDES
    assert preview.context["rationale_form"]["rationale"].value() == WHY
    assert 'name="send"' in html(preview)

    # Second step: send.
    del typed["preview"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = peer.post(url, typed | {"send": "1"})
    proposal = Proposal.objects.get()
    assert sent.status_code == 302
    assert sent.url == proposal.get_absolute_url()
    assert message_levels(sent) == [constants.SUCCESS]
    assert proposal.kind == Kind.CHANGE_MISSION
    assert proposal.author == world.peer_worker
    assert proposal.status == Status.OPEN
    assert proposal.rationale == WHY
    assert proposal.before == before
    assert proposal.proposed == before | {"includes": NEW_INCLUDES, "excludes": NEW_EXCLUDES}
    assert fresh(mission).includes == before["includes"], "a proposal changes nothing by itself"

    # The managers are told, each in their own language, with a link to the proposal.
    link = settings.SITE_URL.rstrip("/") + proposal.get_absolute_url()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {english_manager.email, french_manager.email}
    english = by_recipient[english_manager.email]
    assert english.subject == f"New proposal on the role sheet “{world.role.title}”"
    assert link in english.body
    assert WHY in english.body
    assert link in by_recipient[french_manager.email].body

    # The proposal page shows what would change, the reason, and the manager's forms.
    manager = login(english_manager)
    page = manager.get(proposal.get_absolute_url())
    assert page.status_code == 200
    # The changed words are marked inside the text (<ins>), which reads as the proposed text.
    assert NEW_EXCLUDES in shown_text(page)
    assert "<ins>" in html(page)
    assert escape(WHY) in html(page)
    assert page.context["accept_form"] is not None
    assert page.context["accept_form"].merges == []

    # The manager accepts: the mission has exactly the proposed values, nothing else changed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = manager.post(accept_url(proposal), {"reason": "Bonne idée."})
    assert accepted.status_code == 302
    assert accepted.url == proposal.get_absolute_url()
    assert message_levels(accepted) == [constants.SUCCESS]
    mission = fresh(mission)
    assert values(mission) == before | {"includes": NEW_INCLUDES, "excludes": NEW_EXCLUDES}
    assert mission.revision == 2
    assert mission.updated_by == english_manager
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED
    assert proposal.decided_by == english_manager
    assert proposal.decision_reason == "Bonne idée."
    kinds = list(RoleEvent.objects.filter(role=world.role).values_list("kind", flat=True))
    assert kinds.count(RoleEvent.Kind.PROPOSAL_ACCEPTED) == 1
    assert RoleEvent.Kind.MISSION_CHANGED in kinds

    # The author is told about the decision, with a link.
    assert [message.to for message in mail.outbox] == [[world.peer_worker.email]]
    assert link in mail.outbox[0].body
    assert "Bonne idée." in mail.outbox[0].body

    # The page now shows the decision, and no decision form.
    page = peer.get(proposal.get_absolute_url())
    assert page.context["accept_form"] is None
    assert "Bonne idée." in html(page)


def test_decision_email_speaks_the_authors_language(
    world, managers, django_capture_on_commit_callbacks
):
    """The decider reads French; the author reads English: the e-mail is in English."""
    _english_manager, french_manager = managers
    world.peer_worker.language = "en"
    world.peer_worker.save()
    proposal = propose_delimitation(world)
    with django_capture_on_commit_callbacks(execute=True):
        login(french_manager).post(decline_url(proposal), {"reason": "Pas maintenant."})
    assert [message.to for message in mail.outbox] == [[world.peer_worker.email]]
    assert mail.outbox[0].subject == "Your proposal was answered: declined"
    assert "Pas maintenant." in mail.outbox[0].body


@pytest.mark.parametrize("how", ["declined", "withdrawn"])
def test_declined_and_withdrawn_proposals_change_nothing(
    world, how, django_capture_on_commit_callbacks
):
    proposal = propose_delimitation(world)
    state = sheet_state(world.role)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "declined":
            response = login(world.manager).post(
                decline_url(proposal), {"reason": "On en reparle en réunion."}
            )
        else:
            response = login(world.peer_worker).post(withdraw_url(proposal))
    assert response.status_code == 302
    assert message_levels(response) == [constants.SUCCESS]
    proposal.refresh_from_db()
    assert proposal.status == how
    assert sheet_state(world.role) == state
    if how == "declined":
        assert proposal.decision_reason == "On en reparle en réunion."
        assert [message.to for message in mail.outbox] == [[world.peer_worker.email]]
        assert "On en reparle en réunion." in mail.outbox[0].body
    else:
        assert mail.outbox == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_decline_needs_a_reason(world, reason):
    proposal = propose_delimitation(world)
    state = sheet_state(world.role)
    response = login(world.manager).post(decline_url(proposal), {"reason": reason})
    assert response.status_code == 200
    form = response.context["decline_form"]
    assert "reason" in form.errors
    assert 'id="decline-reason"' in html(response)
    assert 'aria-invalid="true"' in html(response)
    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN
    assert sheet_state(world.role) == state


def test_accepting_twice_is_refused(world, django_capture_on_commit_callbacks):
    proposal = propose_delimitation(world)
    manager = login(world.manager)
    first = manager.post(accept_url(proposal))
    assert first.status_code == 302
    manager.get(first.url)  # reads the success message
    state = sheet_state(world.role)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = manager.post(accept_url(proposal))

    assert again.status_code == 302
    assert again.url == proposal.get_absolute_url()
    assert message_levels(again) == [constants.ERROR]
    assert sheet_state(world.role) == state
    assert RoleEvent.objects.filter(kind=RoleEvent.Kind.PROPOSAL_ACCEPTED).count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
def test_a_withdrawn_proposal_can_no_longer_be_decided(world, action):
    proposal = propose_delimitation(world)
    proposals.proposal_withdraw(proposal=proposal, by=world.peer_worker)
    state = sheet_state(world.role)
    url = reverse(f"missions:proposal_{action}", args=[proposal.pk])
    actor = world.peer_worker if action == "withdraw" else world.manager

    response = login(actor).post(url, {"reason": "Raison"})

    assert response.status_code == 302
    assert message_levels(response) == [constants.ERROR]
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN
    assert proposal.decision_reason == ""
    assert sheet_state(world.role) == state


def test_only_the_author_withdraws(world):
    proposal = propose_delimitation(world)
    response = login(world.manager).post(withdraw_url(proposal))
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN


# --- conflicts ------------------------------------------------------------------------------


def test_accept_after_the_mission_changed_merges_what_only_one_side_changed(world):
    """Since issue #13, fields changed on one side only merge without asking (no more "I saw
    the conflict" box); the page still says what changed, and a decision taken on a page shown
    before the edit is refused. Fields changed on both sides: tests/test_proposal_merge.py."""
    proposal = propose_delimitation(world)
    manager = login(world.manager)
    seen_before_edit = manager.get(proposal.get_absolute_url()).context["accept_form"]["seen"]
    # A manager edits the mission after the proposal was written: its title and description.
    edited = manager.post(
        reverse("missions:mission_edit", args=[world.mission.pk]),
        mission_form_data(
            world.mission, title="Rencontrer les personnes", description="Nouvelle description"
        ),
    )
    assert edited.status_code == 302
    after_edit = values(fresh(world.mission))
    state = sheet_state(world.role)

    # The proposal page shows what changed since, before anyone accepts; nothing to merge.
    page = manager.get(proposal.get_absolute_url())
    assert page.context["has_conflict"]
    labels = [change.label for change in page.context["conflict"].changes]
    assert len(labels) == 2
    assert escape("Nouvelle description") in html(page)
    assert page.context["accept_form"].merges == []

    # Accepting from the page shown before the edit: the changes again, nothing applied.
    refused = manager.post(accept_url(proposal), {"reason": "", "seen": seen_before_edit.value()})
    assert refused.status_code == 409
    assert refused.context["has_conflict"]
    assert sheet_state(world.role) == state
    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN

    # From the current page: the proposal's own changes are applied, the later edit is kept.
    seen = page.context["accept_form"]["seen"].value()
    accepted = manager.post(accept_url(proposal), {"seen": seen})
    assert accepted.status_code == 302
    assert values(fresh(world.mission)) == after_edit | {
        "includes": NEW_INCLUDES,
        "excludes": NEW_EXCLUDES,
    }
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED


def test_a_proposal_whose_mission_was_removed_can_only_be_declined(world):
    proposal = propose_delimitation(world)
    services.mission_delete(mission=world.mission, by=world.manager)
    manager = login(world.manager)

    page = manager.get(proposal.get_absolute_url())
    assert page.status_code == 200
    assert page.context["target_gone"]
    assert page.context["accept_form"] is None
    assert page.context["decline_form"] is not None
    assert f'action="{accept_url(proposal)}"' not in html(page)

    state = sheet_state(world.role)
    refused = manager.post(accept_url(proposal))
    assert refused.status_code == 409
    assert sheet_state(world.role) == state
    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN

    assert manager.post(decline_url(proposal), {"reason": "Mission retirée."}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.DECLINED


def test_proposing_from_a_stale_form_shows_what_changed(world):
    """The mission changed while the peer worker was writing: nothing is sent, what they typed
    is kept, and the next preview starts from the current version."""
    url = reverse("missions:propose_mission_change", args=[world.mission.pk])
    typed = mission_form_data(world.mission, includes=NEW_INCLUDES, rationale=WHY, send="1")
    services.mission_update(
        mission=fresh(world.mission), by=world.manager, revision=1, excludes="Autre chose"
    )
    peer = login(world.peer_worker)

    response = peer.post(url, typed)

    assert response.status_code == 409
    assert Proposal.objects.count() == 0
    assert response.context["values_form"]["includes"].value() == NEW_INCLUDES
    assert escape("Autre chose") in html(response)
    assert int(response.context["values_form"]["revision"].value()) == 2
    # Sending again from the re-rendered form is knowingly based on the current version.
    again = peer.post(url, typed | {"revision": 2})
    assert again.status_code == 302
    assert Proposal.objects.get().before["excludes"] == "Autre chose"


# --- form errors ----------------------------------------------------------------------------


def test_errors_show_next_to_the_fields_and_keep_what_was_typed(world):
    url = reverse("missions:propose_mission_change", args=[world.mission.pk])
    response = login(world.peer_worker).post(
        url,
        mission_form_data(world.mission, title="", includes=NEW_INCLUDES, preview="1"),
    )
    assert response.status_code == 200
    assert "title" in response.context["values_form"].errors
    assert "rationale" in response.context["rationale_form"].errors
    assert response.context["values_form"]["includes"].value() == NEW_INCLUDES
    assert response.context["changes"] is None
    assert 'name="send"' not in html(response)
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("button", ["preview", "send"])
def test_nothing_would_change_is_a_form_error(world, button):
    url = reverse("missions:propose_mission_change", args=[world.mission.pk])
    response = login(world.peer_worker).post(
        url, mission_form_data(world.mission, rationale=WHY) | {button: "1"}
    )
    assert response.status_code == 200
    assert response.context["values_form"].non_field_errors()
    assert Proposal.objects.count() == 0


# --- every kind of proposal applies what it says --------------------------------------------

NEW_MISSION = {
    "title": "Participer aux réunions d'équipe",
    "description": "Porter la parole des personnes accompagnées.",
    "lived_experience": "Je sais ce que vivent les personnes.",
    "includes": "La réunion du lundi",
    "excludes": "Les synthèses écrites",
    "latitude": Latitude.AUTONOMOUS,
}
NEW_TASK = {
    "action": "Tenir la permanence du jeudi",
    "frequency": Frequency.WEEKLY,
    "times": 1,
    "duration_minutes": 180,
}


def _add_mission(world):
    url = reverse("missions:propose_mission_add", args=[world.role.pk])

    def check(before):
        mission = Mission.objects.get(role=world.role, title=NEW_MISSION["title"])
        assert values(mission) == NEW_MISSION
        assert Mission.objects.filter(role=world.role).count() == before["missions"] + 1

    return url, NEW_MISSION, check


def _change_mission(world):
    url = reverse("missions:propose_mission_change", args=[world.mission.pk])
    expected = values(world.mission) | {"latitude": Latitude.AUTONOMOUS, "title": "Aller vers"}

    def check(before):
        assert values(fresh(world.mission)) == expected

    return (
        url,
        mission_form_data(world.mission, latitude=Latitude.AUTONOMOUS, title="Aller vers"),
        check,
    )


def _remove_mission(world):
    url = reverse("missions:propose_mission_removal", args=[world.mission.pk])
    task_ids = list(world.mission.tasks.values_list("pk", flat=True))

    def check(before):
        assert not Mission.objects.filter(pk=world.mission.pk).exists()
        assert not DailyTask.objects.filter(pk__in=task_ids).exists()
        assert Mission.objects.filter(role=world.role).count() == before["missions"] - 1

    return url, {}, check


def _add_task(world):
    url = reverse("missions:propose_task_add", args=[world.mission.pk])

    def check(before):
        task = DailyTask.objects.get(mission=world.mission, action=NEW_TASK["action"])
        assert values(task) == NEW_TASK
        assert DailyTask.objects.count() == before["tasks"] + 1

    return url, NEW_TASK, check


def _change_task(world):
    url = reverse("missions:propose_task_change", args=[world.task.pk])
    # 9 minutes every working day: 45 minutes a week.
    expected = values(world.task) | {"duration_minutes": 9, "frequency": Frequency.DAILY}

    def check(before):
        assert values(fresh(world.task)) == expected

    return url, task_form_data(world.task, duration_minutes=9, frequency=Frequency.DAILY), check


def _remove_task(world):
    url = reverse("missions:propose_task_removal", args=[world.task.pk])

    def check(before):
        assert not DailyTask.objects.filter(pk=world.task.pk).exists()
        assert DailyTask.objects.count() == before["tasks"] - 1

    return url, {}, check


KINDS = {
    Kind.ADD_MISSION: _add_mission,
    Kind.CHANGE_MISSION: _change_mission,
    Kind.REMOVE_MISSION: _remove_mission,
    Kind.ADD_TASK: _add_task,
    Kind.CHANGE_TASK: _change_task,
    Kind.REMOVE_TASK: _remove_task,
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_proposal_applies_what_it_says(world, kind):
    url, data, check = KINDS[kind](world)
    peer = login(world.peer_worker)
    assert peer.get(url).status_code == 200
    preview = peer.post(url, data | {"rationale": WHY, "preview": "1"})
    assert preview.status_code == 200
    assert preview.context["changes"], "the preview lists what would change"
    assert Proposal.objects.count() == 0

    sent = peer.post(url, data | {"rationale": WHY, "send": "1"})
    assert sent.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == kind
    counts = {"missions": Mission.objects.count(), "tasks": DailyTask.objects.count()}
    page = peer.get(proposal.get_absolute_url())
    assert page.status_code == 200
    assert page.context["changes"]

    accepted = login(world.manager).post(accept_url(proposal))

    assert accepted.status_code == 302
    assert message_levels(accepted) == [constants.SUCCESS]
    check(counts)
    assert fresh(proposal).status == Status.ACCEPTED


# --- discussion -----------------------------------------------------------------------------


def test_comments_reach_the_participants_but_not_the_commenter(
    world, django_capture_on_commit_callbacks
):
    proposal = propose_delimitation(world)
    facilitator, manager = login(world.facilitator), login(world.manager)
    url = reverse("missions:proposal_comment", args=[proposal.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = facilitator.post(url, {"body": "Avez-vous parlé du samedi en équipe ?"})
    comment = proposal.comments.get()
    assert first.status_code == 302
    assert first.url == f"{proposal.get_absolute_url()}#comment-{comment.pk}"
    assert [message.to for message in mail.outbox] == [[world.peer_worker.email]]
    link = f"{settings.SITE_URL.rstrip('/')}{proposal.get_absolute_url()}#comment-{comment.pk}"
    assert link in mail.outbox[0].body
    assert "Avez-vous parlé du samedi en équipe ?" in mail.outbox[0].body
    page = facilitator.get(proposal.get_absolute_url())
    assert f'id="comment-{comment.pk}"' in html(page)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(url, {"body": "Oui, on en parle lundi."})
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [world.peer_worker.email, world.facilitator.email]
    )


def test_an_empty_comment_is_refused_next_to_the_field(world):
    proposal = propose_delimitation(world)
    response = login(world.peer_worker).post(
        reverse("missions:proposal_comment", args=[proposal.pk]), {"body": "  "}
    )
    assert response.status_code == 200
    assert "body" in response.context["comment_form"].errors
    assert proposal.comments.count() == 0


def test_the_list_shows_open_proposals_first(world):
    decided = propose_delimitation(world)
    proposals.proposal_decline(proposal=decided, by=world.manager, reason="Non.")
    waiting = ProposalFactory(role=world.role, author=world.peer_worker, mission=world.mission)
    page = login(world.facilitator).get(reverse("missions:proposals", args=[world.role.pk]))
    assert page.status_code == 200
    assert page.context["open_proposals"] == [waiting]
    assert page.context["decided_proposals"] == [decided]
    content = html(page)
    assert content.index(waiting.get_absolute_url()) < content.index(decided.get_absolute_url())
    # A facilitator discusses but does not propose.
    assert reverse("missions:propose_mission_add", args=[world.role.pk]) not in content


# --- who may do what ------------------------------------------------------------------------


def _proposal(world):
    return {"proposal_id": ProposalFactory(role=world.role, mission=world.mission).pk}


PROPOSE = [
    ("missions:propose_mission_add", lambda w: {"role_id": w.role.pk}),
    ("missions:propose_mission_change", lambda w: {"mission_id": w.mission.pk}),
    ("missions:propose_mission_removal", lambda w: {"mission_id": w.mission.pk}),
    ("missions:propose_task_add", lambda w: {"mission_id": w.mission.pk}),
    ("missions:propose_task_change", lambda w: {"task_id": w.task.pk}),
    ("missions:propose_task_removal", lambda w: {"task_id": w.task.pk}),
]
READ = [
    ("missions:proposals", lambda w: {"role_id": w.role.pk}),
    ("missions:proposal", _proposal),
]
OUTSIDERS = {"other_manager": 404, "other_facilitator": 404, "admin": 404}


@pytest.mark.parametrize("name, kwargs", PROPOSE)
@pytest.mark.parametrize(
    "actor, expected",
    [
        ("manager", 200),
        ("peer_worker", 200),
        ("other_peer_worker", 403),
        ("facilitator", 403),
        *OUTSIDERS.items(),
    ],
)
def test_who_may_propose(world, name, kwargs, actor, expected):
    response = login(getattr(world, actor)).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == expected


@pytest.mark.parametrize("name, kwargs", READ)
@pytest.mark.parametrize(
    "actor, expected",
    [
        ("manager", 200),
        ("peer_worker", 200),
        ("other_peer_worker", 403),
        ("facilitator", 200),
        *OUTSIDERS.items(),
    ],
)
def test_who_may_read_proposals(world, name, kwargs, actor, expected):
    response = login(getattr(world, actor)).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == expected


@pytest.mark.parametrize(
    "action, data, allowed",
    [
        ("comment", {"body": "Un message"}, {"manager", "peer_worker", "facilitator"}),
        ("accept", {}, {"manager"}),
        ("decline", {"reason": "Non"}, {"manager"}),
        ("withdraw", {}, {"peer_worker"}),  # the author
    ],
)
@pytest.mark.parametrize(
    "actor",
    ["manager", "peer_worker", "other_peer_worker", "facilitator", *OUTSIDERS],
)
def test_who_may_act_on_a_proposal(world, action, data, allowed, actor):
    proposal = ProposalFactory(role=world.role, mission=world.mission, author=world.peer_worker)
    state = sheet_state(world.role)
    url = reverse(f"missions:proposal_{action}", args=[proposal.pk])

    response = login(getattr(world, actor)).post(url, data)

    if actor in allowed:
        assert response.status_code == 302
    else:
        assert response.status_code == OUTSIDERS.get(actor, 403)
        assert fresh(proposal).status == Status.OPEN
        assert proposal.comments.count() == 0
        assert sheet_state(world.role) == state


@pytest.mark.parametrize("action", ["comment", "accept", "decline", "withdraw"])
def test_actions_refuse_get(world, action):
    proposal = ProposalFactory(role=world.role, mission=world.mission, author=world.manager)
    url = reverse(f"missions:proposal_{action}", args=[proposal.pk])
    assert login(world.manager).get(url).status_code == 405
    assert fresh(proposal).status == Status.OPEN


def test_anonymous_is_sent_to_login(client, world):
    proposal = ProposalFactory(role=world.role, mission=world.mission)
    response = client.get(proposal.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- query counts ---------------------------------------------------------------------------

# Session + user + the request's savepoint and its release (ATOMIC_REQUESTS), then the page's:
# proposal page = proposal with access and its role's counter (discussion, people, target),
# and when something changed since the page was last shown: the proposal with its author,
# decider, mission and task, the comments with their authors.
# list = role with access; proposals with authors, missions and counts of messages.
PROPOSAL_PAGE_QUERIES = 5
PROPOSAL_PAGE_CHANGED_QUERIES = PROPOSAL_PAGE_QUERIES + 2
PROPOSAL_LIST_QUERIES = 6


@pytest.mark.parametrize("size", [1, 10])
def test_proposal_page_query_count_does_not_grow(world, django_assert_num_queries, size):
    proposal = ProposalFactory(role=world.role, mission=world.mission, author=world.peer_worker)
    for _ in range(size):
        ProposalCommentFactory(proposal=proposal, author=UserFactory())
    client = login(world.manager)
    with django_assert_num_queries(PROPOSAL_PAGE_CHANGED_QUERIES):
        response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    assert html(response).count('<li id="comment-') == size
    with django_assert_num_queries(PROPOSAL_PAGE_QUERIES):
        again = client.get(proposal.get_absolute_url())
    assert html(again).count('<li id="comment-') == size


@pytest.mark.parametrize("size", [1, 10])
def test_proposal_list_query_count_does_not_grow(world, django_assert_num_queries, size):
    for _ in range(size):
        proposal = ProposalFactory(role=world.role, mission=world.mission, author=UserFactory())
        ProposalCommentFactory.create_batch(2, proposal=proposal)
    proposals.proposal_decline(proposal=proposal, by=world.manager, reason="Non.")
    client = login(world.peer_worker)
    with django_assert_num_queries(PROPOSAL_LIST_QUERIES):
        response = client.get(reverse("missions:proposals", args=[world.role.pk]))
    assert response.status_code == 200
    assert len(response.context["open_proposals"]) == size - 1
    assert len(response.context["decided_proposals"]) == 1


# --- two managers accept at the same time ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_simultaneous_accepts_apply_the_proposal_once(world, monkeypatch):
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL: row locks between two connections (set DATABASE_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    second_manager = MembershipFactory(structure=world.structure, capacity=Capacity.MANAGER).user
    proposal = propose_delimitation(world)
    before = values(world.mission)

    # Hold the lock a moment while applying, so that the other request surely waits on it.
    original = services.mission_update

    def slow_update(**kwargs):
        time.sleep(0.2)
        return original(**kwargs)

    monkeypatch.setattr(services, "mission_update", slow_update)
    barrier = threading.Barrier(2)
    results = {}

    def accept(manager):
        try:
            barrier.wait(timeout=10)
            proposals.proposal_accept(proposal=Proposal.objects.get(pk=proposal.pk), by=manager)
            results[manager.pk] = "accepted"
        except proposals.InvalidTransition:
            results[manager.pk] = "refused"
        except Exception as error:  # reported below rather than lost in the thread
            results[manager.pk] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(m,)) for m in (world.manager, second_manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == ["accepted", "refused"]
    mission = fresh(world.mission)
    assert values(mission) == before | {"includes": NEW_INCLUDES, "excludes": NEW_EXCLUDES}
    assert mission.revision == 2
    events = RoleEvent.objects.filter(role=world.role)
    assert events.filter(kind=RoleEvent.Kind.PROPOSAL_ACCEPTED).count() == 1
    assert events.filter(kind=RoleEvent.Kind.MISSION_CHANGED).count() == 1
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED
    assert proposal.decided_by_id == next(pk for pk, r in results.items() if r == "accepted")


def test_a_mission_being_removed_lists_its_tasks(world):
    extra = DailyTaskFactory(mission=world.mission, action="Tâche à retirer aussi")
    page = login(world.peer_worker).get(
        reverse("missions:propose_mission_removal", args=[world.mission.pk])
    )
    assert page.status_code == 200
    assert escape(extra.action) in html(page)
    assert page.context["can_send"]
