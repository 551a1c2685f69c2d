"""The history of a role sheet: every service records who changed what, and the page shows it."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from missions import proposals
from missions import services as mission_services
from missions.models import Frequency, Latitude, Proposal
from roles import services as role_services
from roles.models import Role, RoleEvent
from sheets.version_views import HISTORY_PAGE_SIZE
from sheets.versions import version_answer, version_request

from .factories import DailyTaskFactory, MissionFactory

Kind = RoleEvent.Kind


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _history_url(role):
    return reverse("roles:history", kwargs={"role_id": role.pk})


def _propose(w, by=None):
    return proposals.proposal_create(
        role=w.role,
        by=by or w.peer_worker,
        kind=Proposal.Kind.ADD_MISSION,
        rationale="Les personnes le demandent.",
        proposed={"title": "Animer un groupe de parole"},
    )


def _awaiting(w):
    return version_request(role=w.role, by=w.manager)


# Each row: what to do (returns the role it is about), the event expected, by whom, about what.
SERVICES = {
    "role_create": (
        lambda w: role_services.role_create(structure=w.structure, by=w.manager, title="Nouveau"),
        Kind.ROLE_CREATED,
        "manager",
        "Nouveau",
    ),
    "role_update": (
        lambda w: role_services.role_update(
            role=w.role, by=w.manager, revision=w.role.revision, title="Renommé"
        ),
        Kind.ROLE_CHANGED,
        "manager",
        "Renommé",
    ),
    "role_assign": (
        lambda w: role_services.role_assign(
            role=w.role, peer_worker=w.other_peer_worker, by=w.manager
        ),
        Kind.ASSIGNED,
        "manager",
        None,
    ),
    "role_unassign": (
        lambda w: role_services.role_unassign(assignment=w.role.assignments.get(), by=w.manager),
        Kind.UNASSIGNED,
        "manager",
        None,
    ),
    "mission_create": (
        lambda w: mission_services.mission_create(role=w.role, by=w.manager, title="Accueillir"),
        Kind.MISSION_ADDED,
        "manager",
        "Accueillir",
    ),
    "mission_update": (
        lambda w: mission_services.mission_update(
            mission=w.mission, by=w.manager, revision=w.mission.revision, title="Rencontrer"
        ),
        Kind.MISSION_CHANGED,
        "manager",
        "Rencontrer",
    ),
    "mission_delete": (
        lambda w: mission_services.mission_delete(mission=w.mission, by=w.manager),
        Kind.MISSION_REMOVED,
        "manager",
        "mission",
    ),
    "mission_move": (
        lambda w: mission_services.mission_move(mission=w.mission, by=w.manager, offset=1),
        Kind.MISSION_MOVED,
        "manager",
        "mission",
    ),
    "task_create": (
        lambda w: mission_services.task_create(mission=w.mission, by=w.manager, action="Écouter"),
        Kind.TASK_ADDED,
        "manager",
        "Écouter",
    ),
    "task_update": (
        lambda w: mission_services.task_update(
            task=w.task, by=w.manager, revision=w.task.revision, action="Appeler"
        ),
        Kind.TASK_CHANGED,
        "manager",
        "Appeler",
    ),
    "task_delete": (
        lambda w: mission_services.task_delete(task=w.task, by=w.manager),
        Kind.TASK_REMOVED,
        "manager",
        "task",
    ),
    "task_move": (
        lambda w: mission_services.task_move(task=w.task, by=w.manager, offset=1),
        Kind.TASK_MOVED,
        "manager",
        "task",
    ),
    "proposal_create": (_propose, Kind.PROPOSAL_MADE, "peer_worker", "Animer un groupe de parole"),
    "proposal_accept": (
        lambda w: proposals.proposal_accept(proposal=_propose(w), by=w.manager),
        Kind.PROPOSAL_ACCEPTED,
        "manager",
        "Animer un groupe de parole",
    ),
    "proposal_decline": (
        lambda w: proposals.proposal_decline(proposal=_propose(w), by=w.manager, reason="Pas ici."),
        Kind.PROPOSAL_DECLINED,
        "manager",
        "Animer un groupe de parole",
    ),
    "proposal_withdraw": (
        lambda w: proposals.proposal_withdraw(proposal=_propose(w), by=w.peer_worker),
        Kind.PROPOSAL_WITHDRAWN,
        "peer_worker",
        "Animer un groupe de parole",
    ),
    "version_request": (_awaiting, Kind.SIGNATURES_REQUESTED, "manager", "v1"),
    "version_sign": (
        lambda w: version_answer(version=_awaiting(w), by=w.peer_worker, decision="signed"),
        Kind.SIGNED,
        "peer_worker",
        "v1",
    ),
    "version_changes": (
        lambda w: version_answer(
            version=_awaiting(w), by=w.peer_worker, decision="changes", comment="Plus court."
        ),
        Kind.CHANGES_REQUESTED,
        "peer_worker",
        "v1",
    ),
    "version_adopted": (
        lambda w: version_answer(
            version=version_answer(version=_awaiting(w), by=w.peer_worker, decision="signed"),
            by=w.manager,
            decision="signed",
        ),
        Kind.VERSION_ADOPTED,
        "manager",
        "v1",
    ),
}


@pytest.mark.parametrize("service", SERVICES, ids=str)
def test_each_service_writes_its_event(world, service):
    action, kind, actor, subject = SERVICES[service]
    subjects = {"mission": world.mission.title, "task": world.task.action}
    subjects[None] = world.peer_worker.get_full_name()
    if service == "role_assign":
        subjects[None] = world.other_peer_worker.get_full_name()
    before = timezone.now()
    result = action(world)
    role = result if isinstance(result, Role) else world.role
    event = RoleEvent.objects.filter(role=role, kind=kind).latest("at", "id")
    assert event.actor == getattr(world, actor)
    # What the line shows (people are named at read time, from the key in `person`).
    assert event.subject_display == subjects.get(subject, subject)
    assert event.at >= before
    assert event.within_latitude is False


def test_a_change_records_old_and_new_values(world):
    mission_services.mission_update(
        mission=world.mission,
        by=world.manager,
        revision=world.mission.revision,
        latitude=Latitude.AUTONOMOUS,
        includes="Les maraudes du matin",
    )
    event = RoleEvent.objects.get(kind=Kind.MISSION_CHANGED)
    assert event.changes == {
        "latitude": [Latitude.IN_PAIR, Latitude.AUTONOMOUS],
        "includes": ["Les maraudes du soir", "Les maraudes du matin"],
    }


def test_edits_made_through_the_pages_record_old_and_new_values(client, world):
    """The edit forms validate onto the object they edit; the history must still see the
    values as they were saved before (read from the database)."""
    client.force_login(world.manager)
    response = client.post(
        reverse("missions:mission_edit", kwargs={"mission_id": world.mission.pk}),
        {
            "title": world.mission.title,
            "description": world.mission.description,
            "lived_experience": world.mission.lived_experience,
            "includes": world.mission.includes,
            "excludes": "Le ménage",
            "latitude": Latitude.SUPERVISED,
            "revision": world.mission.revision,
        },
    )
    assert response.status_code == 302
    event = RoleEvent.objects.get(kind=Kind.MISSION_CHANGED)
    assert event.actor == world.manager
    assert event.changes == {
        "excludes": ["La distribution des repas", "Le ménage"],
        "latitude": [Latitude.IN_PAIR, Latitude.SUPERVISED],
    }
    response = client.post(
        reverse("roles:edit", kwargs={"role_id": world.role.pk}),
        {
            **{name: getattr(world.role, name) or "" for name in Role.EDITABLE_FIELDS},
            "working_hours": "35 h",
            "revision": world.role.revision,
        },
    )
    assert response.status_code == 302
    assert RoleEvent.objects.get(kind=Kind.ROLE_CHANGED).changes == {
        "working_hours": ["24 h par semaine", "35 h"]
    }


def test_the_history_page_shows_who_what_when_and_old_to_new(client, world):
    role_services.role_update(
        role=world.role, by=world.manager, revision=world.role.revision, working_hours="35 h"
    )
    mission_services.mission_update(
        mission=world.mission,
        by=world.manager,
        revision=world.mission.revision,
        latitude=Latitude.AUTONOMOUS,
    )
    mission_services.task_update(
        task=world.task,
        by=world.manager,
        revision=world.task.revision,
        frequency=Frequency.DAILY,
        duration_minutes=24,
    )
    client.force_login(world.facilitator)
    response = client.get(_history_url(world.role))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(world.manager.get_full_name()) >= 3
    for what in ("Role changed", "Mission changed", "Task changed"):
        assert what in page
    assert f"“{world.mission.title}”" in page and f"“{world.task.action}”" in page
    # field labels, and values as people read them (choice labels, not codes)
    assert "Working time:" in page and "24 h par semaine" in page and "35 h" in page
    assert "Latitude:" in page
    assert "in pair with a colleague" in page and "autonomous (on their own)" in page
    assert "How often:" in page and "every week" in page and "every day" in page
    assert "Time each time (minutes):" in page
    assert "autonomous</span>" not in page  # never the stored code alone
    assert "<time datetime=" in page
    # newest first
    assert page.index("Task changed") < page.index("Mission changed") < page.index("Role changed")
    assert "within their latitude" not in page


def test_changes_within_latitude_are_labelled(client, world):
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    client.force_login(world.peer_worker)
    response = client.post(
        reverse("missions:task_edit", kwargs={"task_id": world.task.pk}),
        {
            "action": "Tenir la permanence du lundi",
            "frequency": Frequency.WEEKLY,
            "duration_minutes": 90,
            "revision": world.task.revision,
        },
    )
    assert response.status_code == 302
    event = RoleEvent.objects.get(kind=Kind.TASK_CHANGED)
    assert (event.actor, event.within_latitude) == (world.peer_worker, True)
    mission_services.task_create(mission=world.mission, by=world.manager, action="Par l'encadrant")

    client.force_login(world.manager)
    page = client.get(_history_url(world.role)).content.decode()
    assert page.count("Changed by the peer worker within their latitude") == 1
    labelled = page.index("Changed by the peer worker within their latitude")
    assert page.index("Tenir la permanence du lundi") < labelled
    assert page.index("Par l&#x27;encadrant") < page.index("Tenir la permanence du lundi")


def test_an_event_of_someone_who_left_still_shows(client, world):
    mission_services.task_create(mission=world.mission, by=world.other_peer_worker, action="X")
    world.other_peer_worker.delete()
    client.force_login(world.manager)
    page = client.get(_history_url(world.role)).content.decode()
    assert "someone who left" in page


def test_the_history_is_paginated_at_50(client, world):
    for index in range(HISTORY_PAGE_SIZE * 2 + 5):
        RoleEvent.objects.create(
            role=world.role,
            actor=world.manager,
            kind=Kind.TASK_ADDED,
            subject=f"tâche n°{index:03}",
            at=timezone.now() - datetime.timedelta(minutes=index),
        )
    client.force_login(world.peer_worker)
    first = client.get(_history_url(world.role)).content.decode()
    assert first.count('class="card mb-2"') == HISTORY_PAGE_SIZE
    assert "tâche n°000" in first and "tâche n°050" not in first
    assert 'href="?page=3"' in first and "Page 3" in first
    last = client.get(_history_url(world.role) + "?page=3").content.decode()
    assert last.count('class="card mb-2"') == 5
    assert "tâche n°104" in last
    assert '<li class="page-item active" aria-current="page"><span class="page-link">Page 3' in last
    # a page that does not exist shows a page rather than an error
    assert client.get(_history_url(world.role) + "?page=zzz").status_code == 200
    assert client.get(_history_url(world.role) + "?page=999").status_code == 200


def test_outsiders_do_not_see_the_history(client, world):
    for outsider in (world.other_manager, world.other_facilitator, world.admin):
        client.force_login(outsider)
        assert client.get(_history_url(world.role)).status_code == 404


# Session + user + the request's savepoint pair (ATOMIC_REQUESTS), then: role with access,
# the number of events, the page of events with who did them.
HISTORY_QUERIES = 7


@pytest.mark.parametrize("size", [1, 10])
def test_history_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for _ in range(size):
        mission = MissionFactory(role=world.role)
        mission_services.mission_update(
            mission=mission, by=world.manager, revision=mission.revision, title=f"M {mission.pk}"
        )
        task = DailyTaskFactory(mission=mission)
        mission_services.task_update(
            task=task,
            by=world.peer_worker,
            revision=task.revision,
            duration_minutes=30,
            within_latitude=True,
        )
        role_services.role_update(
            role=world.role, by=world.manager, revision=world.role.revision, purpose=f"p{task.pk}"
        )
    client.force_login(world.manager)
    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get(_history_url(world.role))
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-2"') == 3 * size
