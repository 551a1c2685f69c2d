"""Two people editing the same thing: the second save does not silently overwrite the first."""

import re
from dataclasses import dataclass

import pytest
from django.contrib.messages import constants, get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

import missions.services
import sheets.views
from core.concurrency import StaleEdit, update_if_unchanged
from missions.models import DailyTask, Frequency, Latitude, Mission
from roles.models import Role
from structures.models import Capacity

from .factories import MembershipFactory


@dataclass
class Editable:
    url_name: str
    model: type
    text_field: str
    base_data: dict

    def obj(self, world):
        return {Role: world.role, Mission: world.mission, DailyTask: world.task}[self.model]


EDITABLES = {
    "role": Editable(
        "roles:edit",
        Role,
        "title",
        {
            "purpose": "Pourquoi ce rôle existe.",
            "people_served": "",
            "working_hours": "",
            "supervision": "",
            "lived_experience": "",
        },
    ),
    "mission": Editable(
        "missions:mission_edit",
        Mission,
        "title",
        {
            "description": "",
            "lived_experience": "Mon vécu aide.",
            "includes": "",
            "excludes": "",
            "latitude": Latitude.IN_PAIR,
        },
    ),
    "task": Editable(
        "missions:task_edit",
        DailyTask,
        "action",
        {"frequency": Frequency.WEEKLY, "duration_minutes": 60},
    ),
}

FIRST_TEXT = "Version enregistrée par Claire"
SECOND_TEXT = "Version tapée par Karim"


def conflict_box(response):
    page = response.content.decode()
    match = re.search(r'<div class="alert alert-warning" role="alert">(.*?)</div>', page, re.S)
    assert match, "no conflict box on the page"
    return match.group(1)


def edit_form(response):
    page = response.content.decode()
    return page.split('<form method="post" novalidate', 1)[1].split("</form>", 1)[0]


@pytest.fixture
def two_managers(world):
    """Two clients, logged in as two managers of the same structure."""
    second = MembershipFactory(structure=world.structure, capacity=Capacity.MANAGER).user
    first_client, second_client = Client(), Client()
    first_client.force_login(world.manager)
    second_client.force_login(second)
    return first_client, second_client, second


@pytest.mark.parametrize("kind", EDITABLES)
def test_second_save_from_the_same_revision_is_a_conflict(world, two_managers, kind):
    editable = EDITABLES[kind]
    obj = editable.obj(world)
    url = reverse(editable.url_name, args=[obj.pk])
    first, second, second_manager = two_managers

    # Both open the form at the same revision.
    revision = first.get(url).context["form"]["revision"].value()
    assert second.get(url).context["form"]["revision"].value() == revision

    saved = first.post(
        url, {**editable.base_data, editable.text_field: FIRST_TEXT, "revision": revision}
    )
    assert saved.status_code == 302

    typed = {**editable.base_data, editable.text_field: SECOND_TEXT, "revision": revision}
    conflict = second.post(url, typed)

    # The second person sees both versions: the saved one in the box, theirs in the form.
    assert conflict.status_code == 409
    assert escape(FIRST_TEXT) in conflict_box(conflict)
    assert escape(SECOND_TEXT) not in conflict_box(conflict)
    assert escape(SECOND_TEXT) in edit_form(conflict)
    assert conflict.context["conflict"].revision == revision + 1
    # The database still holds the first edit.
    stored = editable.model.objects.get(pk=obj.pk)
    assert getattr(stored, editable.text_field) == FIRST_TEXT
    assert stored.revision == revision + 1
    assert stored.updated_by == world.manager

    # Saving the re-rendered form again knowingly replaces the first version.
    form = conflict.context["form"]
    assert int(form["revision"].value()) == revision + 1
    again = second.post(url, {**typed, "revision": form["revision"].value()})

    assert again.status_code == 302
    stored.refresh_from_db()
    assert getattr(stored, editable.text_field) == SECOND_TEXT
    assert stored.revision == revision + 2
    assert stored.updated_by == second_manager


@pytest.mark.parametrize("kind", EDITABLES)
def test_saving_twice_from_an_old_page_is_a_conflict_for_the_same_person(world, client, kind):
    """Back button, then save again: the person is warned rather than undoing their own save."""
    editable = EDITABLES[kind]
    obj = editable.obj(world)
    url = reverse(editable.url_name, args=[obj.pk])
    client.force_login(world.manager)
    data = {**editable.base_data, editable.text_field: FIRST_TEXT, "revision": obj.revision}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, editable.text_field: SECOND_TEXT})
    assert response.status_code == 409
    assert getattr(editable.model.objects.get(pk=obj.pk), editable.text_field) == FIRST_TEXT


def test_conflict_box_shows_choice_labels_not_codes(world, two_managers):
    url = reverse("missions:mission_edit", args=[world.mission.pk])
    first, second, _ = two_managers
    data = {**EDITABLES["mission"].base_data, "title": "Titre", "revision": 1}
    first.post(url, {**data, "latitude": Latitude.SUPERVISED})
    conflict = second.post(url, data)
    assert conflict.status_code == 409
    box = conflict_box(conflict)
    with translation.override(conflict.wsgi_request.LANGUAGE_CODE):
        label = str(Mission(latitude=Latitude.SUPERVISED).get_latitude_display())
    assert escape(label) in box
    assert Latitude.SUPERVISED.value not in box


def test_update_if_unchanged_reports_a_deleted_row(world):
    mission = Mission.objects.get(pk=world.mission.pk)
    Mission.objects.filter(pk=mission.pk).delete()
    with pytest.raises(StaleEdit) as caught:
        update_if_unchanged(mission, revision=1, by=world.manager, fields={"title": "Nouveau"})
    assert caught.value.current is None
    assert not Mission.objects.filter(pk=mission.pk).exists()


def test_update_if_unchanged_reports_the_current_version(world):
    task = DailyTask.objects.get(pk=world.task.pk)
    update_if_unchanged(task, revision=1, by=world.manager, fields={"action": "Première"})
    stale = DailyTask.objects.get(pk=world.task.pk)
    stale.revision = 1
    with pytest.raises(StaleEdit) as caught:
        update_if_unchanged(stale, revision=1, by=world.other_manager, fields={"action": "Seconde"})
    assert caught.value.current.action == "Première"
    assert caught.value.current.revision == 2
    assert DailyTask.objects.get(pk=task.pk).action == "Première"


def test_mission_deleted_while_being_edited_redirects_with_a_message(world, client, monkeypatch):
    """Someone removes the mission between the page load and the save."""
    original = missions.services.mission_update

    def delete_then_update(*, mission, **kwargs):
        Mission.objects.filter(pk=mission.pk).delete()
        return original(mission=mission, **kwargs)

    monkeypatch.setattr(missions.services, "mission_update", delete_then_update)
    client.force_login(world.manager)
    data = {**EDITABLES["mission"].base_data, "title": "Mon texte", "revision": 1}

    response = client.post(reverse("missions:mission_edit", args=[world.mission.pk]), data)

    assert response.status_code == 302
    assert response.url == world.mission.get_absolute_url()
    levels = [message.level for message in get_messages(response.wsgi_request)]
    assert levels == [constants.ERROR]
    assert not Mission.objects.filter(pk=world.mission.pk).exists()
    assert client.get(response.url).status_code == 200


def test_role_deleted_while_being_edited_redirects_to_a_page_that_exists(
    world, client, monkeypatch
):
    original = sheets.views.role_update

    def delete_then_update(*, role, **kwargs):
        Role.objects.filter(pk=role.pk).delete()
        return original(role=role, **kwargs)

    monkeypatch.setattr(sheets.views, "role_update", delete_then_update)
    client.force_login(world.manager)
    data = {**EDITABLES["role"].base_data, "title": "Mon titre", "revision": 1}

    response = client.post(reverse("roles:edit", args=[world.role.pk]), data)

    assert response.status_code == 302
    levels = [message.level for message in get_messages(response.wsgi_request)]
    assert levels == [constants.ERROR]
    assert not Role.objects.filter(pk=world.role.pk).exists()
    # Not the sheet of the deleted role (that would be a 404), but a page that still exists.
    assert client.get(response.url).status_code == 200
