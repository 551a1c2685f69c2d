"""The missions section of the role sheet is cached per state of the sheet: it must never show
an old state, another person's buttons, or another person's CSRF token."""

import re

from django.test import Client
from django.urls import reverse

from missions import services
from missions.models import Latitude


def _sheet(client, world):
    return client.get(world.role.get_absolute_url()).content.decode()


def test_a_change_shows_at_once(client, world):
    client.force_login(world.manager)
    assert "Passer au foyer le mardi" not in _sheet(client, world)
    services.task_update(
        task=world.task,
        by=world.manager,
        revision=world.task.revision,
        action="Passer au foyer le mardi",
    )
    assert "Passer au foyer le mardi" in _sheet(client, world)


def test_moves_additions_and_removals_show_at_once(client, world):
    client.force_login(world.manager)
    first, second = list(world.mission.tasks.all())
    _sheet(client, world)
    services.task_move(task=second, by=world.manager, offset=-1)
    page = _sheet(client, world)
    assert page.index(second.action) < page.index(first.action)
    new = services.task_create(
        mission=world.mission, by=world.manager, action="Appeler le CCAS", duration_minutes=30
    )
    assert "Appeler le CCAS" in _sheet(client, world)
    services.task_delete(task=new, by=world.manager)
    assert "Appeler le CCAS" not in _sheet(client, world)


def test_each_person_sees_their_own_controls(client, world):
    edit = reverse("missions:task_edit", args=[world.task.pk])
    client.force_login(world.manager)
    assert edit in _sheet(client, world)
    client.force_login(world.peer_worker)
    assert edit not in _sheet(client, world)  # in pair: the peer worker proposes
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    assert edit in _sheet(client, world)  # autonomous: their latitude


def test_forms_carry_the_reader_s_own_csrf_token(world):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(world.manager)
    second.force_login(world.manager)
    _sheet(first, world)  # fills the cache
    page = _sheet(second, world)
    down = reverse("missions:task_move", args=[world.task.pk])
    # The token of the task's own move form, from the cached section.
    form = page.split(f'action="{down}"', 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert "placeholder" not in token
    response = second.post(down, {"direction": "down", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    order = list(world.mission.tasks.values_list("pk", flat=True))
    assert order[-1] == world.task.pk


def test_the_language_of_the_reader_is_kept(client, world):
    client.force_login(world.manager)
    french = client.get(world.role.get_absolute_url(), headers={"accept-language": "fr"})
    english = client.get(world.role.get_absolute_url(), headers={"accept-language": "en"})
    assert "Move down" in english.content.decode()
    assert "Move down" not in french.content.decode()
