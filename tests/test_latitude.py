"""Latitude in practice: on an autonomous mission, the role's peer worker changes the daily
tasks directly; the change is recorded and shown to the managers. Elsewhere they propose."""

import pytest
from django.urls import reverse

from missions.models import DailyTask, Frequency, Latitude
from roles.models import RoleEvent


@pytest.fixture
def autonomous(world):
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    return world


def _task_data(task, **changes):
    return {
        "action": task.action,
        "frequency": task.frequency,
        "times": task.times,
        "duration_minutes": task.duration_minutes,
        "revision": task.revision,
    } | changes


def test_peer_worker_changes_a_task_of_an_autonomous_mission(client, autonomous):
    w = autonomous
    client.force_login(w.peer_worker)
    response = client.post(
        reverse("missions:task_edit", args=[w.task.pk]),
        _task_data(w.task, action="Passer au foyer le mardi"),
    )
    assert response.status_code == 302
    w.task.refresh_from_db()
    assert w.task.action == "Passer au foyer le mardi"
    event = RoleEvent.objects.get(kind=RoleEvent.Kind.TASK_CHANGED)
    assert (event.actor, event.within_latitude) == (w.peer_worker, True)


def test_peer_worker_adds_and_removes_tasks_of_an_autonomous_mission(client, autonomous):
    w = autonomous
    client.force_login(w.peer_worker)
    client.post(
        reverse("missions:task_new", args=[w.mission.pk]),
        {"action": "Appeler le CCAS", "frequency": Frequency.WEEKLY, "duration_minutes": 30},
    )
    assert w.mission.tasks.filter(action="Appeler le CCAS").exists()
    client.post(reverse("missions:task_delete", args=[w.task.pk]))
    assert not DailyTask.objects.filter(pk=w.task.pk).exists()
    assert set(RoleEvent.objects.filter(within_latitude=True).values_list("kind", flat=True)) == {
        RoleEvent.Kind.TASK_ADDED,
        RoleEvent.Kind.TASK_REMOVED,
    }


def test_managers_see_latitude_changes_on_their_waiting_page(client, autonomous):
    w = autonomous
    client.force_login(w.peer_worker)
    client.post(
        reverse("missions:task_edit", args=[w.task.pk]),
        _task_data(w.task, action="Passer au foyer le mardi"),
    )
    client.force_login(w.manager)
    assert "Passer au foyer le mardi" in client.get(reverse("waiting")).content.decode()


def test_the_sheet_offers_task_editing_only_where_the_peer_worker_has_latitude(client, world):
    client.force_login(world.peer_worker)
    edit_url = reverse("missions:task_edit", args=[world.task.pk])
    assert edit_url not in client.get(world.role.get_absolute_url()).content.decode()
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    assert edit_url in client.get(world.role.get_absolute_url()).content.decode()


@pytest.mark.parametrize("actor", ["other_peer_worker", "facilitator"])
def test_latitude_belongs_to_the_role_s_peer_workers_only(client, autonomous, actor):
    w = autonomous
    client.force_login(getattr(w, actor))
    before = (w.task.action, w.task.revision)
    response = client.post(
        reverse("missions:task_edit", args=[w.task.pk]), _task_data(w.task, action="Autre")
    )
    assert response.status_code == 403
    w.task.refresh_from_db()
    assert (w.task.action, w.task.revision) == before


def test_without_latitude_the_peer_worker_must_propose(client, world):
    assert world.mission.latitude == Latitude.IN_PAIR
    client.force_login(world.peer_worker)
    response = client.post(
        reverse("missions:task_edit", args=[world.task.pk]),
        _task_data(world.task, action="Autre"),
    )
    assert response.status_code == 403
    # … and cannot change the mission itself, even an autonomous one.
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    response = client.get(reverse("missions:mission_edit", args=[world.mission.pk]))
    assert response.status_code == 403
