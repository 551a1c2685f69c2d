"""Database trouble gets a clear answer, never a 500.

- parallel writes that lose a race (a unique title, a deadlock) answer with the form's error or
  "try again" (threads, PostgreSQL only);
- a database that does not answer: /healthz says 503 quickly, connections and statements time
  out (settings);
- every field is bounded like its column, free text by TEXT_MAX_LENGTH; single-line fields
  refuse line breaks;
- editing a mission or a task that someone removed meanwhile says who removed it and keeps the
  typed text.
"""

import os
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from roles.models import Role
from structures.models import Capacity

from .factories import MembershipFactory, RoleFactory, StructureFactory

TIMEOUT_SECONDS = 120


def _postgresql_only():
    if connection.vendor != "postgresql":
        message = "races are tested on PostgreSQL (set DATABASE_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _in_parallel(count, work):
    """Run `work(number)` in `count` threads started together; return their results."""
    start = threading.Barrier(count)
    results = [None] * count

    def run(number):
        try:
            start.wait(timeout=TIMEOUT_SECONDS)
            results[number] = work(number)
        except Exception as error:  # reported by the test, not lost in the thread
            results[number] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running"
    return results


def _client(user, language="fr"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


ROLE_DATA = {
    "purpose": "",
    "people_served": "",
    "working_hours": "",
    "supervision": "",
    "lived_experience": "",
}


# --- 1. races ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "titles",
    [["Médiateur·rice pair·e"] * 20, ["Kiosque", "\u212aiosque"] * 10],
    ids=["same-title", "kelvin-sign"],
)
def test_parallel_creates_of_one_title_give_one_role_and_form_errors(titles):
    _postgresql_only()
    structure = StructureFactory()
    managers = [
        MembershipFactory(structure=structure, capacity=Capacity.MANAGER).user for _ in titles
    ]
    url = reverse("structures:role_new", args=[structure.slug])

    def create(number):
        client = _client(managers[number], "fr" if number % 2 else "en")
        response = client.post(url, {**ROLE_DATA, "title": titles[number]})
        return response.status_code, response.content.decode()

    results = _in_parallel(len(titles), create)

    assert [r for r in results if isinstance(r, Exception)] == []
    statuses = [status for status, _page in results]
    assert statuses.count(302) == 1, statuses
    assert statuses.count(200) == len(titles) - 1, statuses
    for number, (status, page) in enumerate(results):
        if status == 200:
            expected = (
                "Cette structure a déjà un rôle avec cet intitulé."
                if number % 2
                else "This structure already has a role with this title."
            )
            assert escape(expected) in page
            assert escape(titles[number]) in page  # what was typed stays in the form
    assert Role.objects.filter(structure=structure).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_moves_never_give_a_server_error():
    _postgresql_only()
    role = RoleFactory(with_missions=8)
    managers = [
        MembershipFactory(structure=role.structure, capacity=Capacity.MANAGER).user
        for _ in range(16)
    ]
    missions = list(role.missions.order_by("position"))
    task_mission = missions[0]
    tasks = list(task_mission.tasks.all())

    def move(number):
        client = _client(managers[number])
        statuses = []
        for round_ in range(4):
            direction = "up" if (number + round_) % 2 else "down"
            if number % 4 == 3:
                target = tasks[(number + round_) % len(tasks)]
                url = reverse("missions:task_move", args=[target.pk])
            else:
                target = missions[(number + round_) % len(missions)]
                url = reverse("missions:mission_move", args=[target.pk])
            statuses.append(client.post(url, {"direction": direction}).status_code)
        return statuses

    results = _in_parallel(len(managers), move)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert {status for statuses in results for status in statuses} == {302}
    positions = sorted(role.missions.values_list("position", flat=True))
    assert positions == list(range(len(missions)))
