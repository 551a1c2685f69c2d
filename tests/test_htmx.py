"""In-place editing of the role sheet (htmx): the same views answer with pieces of the sheet.

With the header `HX-Request: true` (what htmx sends), each action answers with a partial: the
form alone, or the updated missions section with the indicators and the messages out of band.
Without it, the very same URLs keep answering with pages and redirects (JavaScript off).

About 490 lines: one module per feature, a section per kind of in-place edit, then bad input,
permissions and query counts.
"""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from core.concurrency import StaleEdit
from missions.models import DailyTask, Latitude, Mission

from .factories import DailyTaskFactory, MissionFactory

HX = {"HX-Request": "true"}
TASK_DATA = {"action": "Proposer un café et prendre des nouvelles", "frequency": "weekly"}
MISSION_DATA = {
    "title": "Rencontrer les personnes à la gare",
    "description": "Aller vers les personnes qui dorment près de la gare.",
    "lived_experience": "J'ai dormi là : je sais à qui parler.",
    "includes": "Les tournées du mardi soir",
    "excludes": "Signaler les personnes à la police",
    "latitude": Latitude.IN_PAIR,
}


def html(response):
    return response.content.decode()


def said(response, text):
    """`text` (a msgid) as the response shows it, in the language it was rendered in."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return escape(gettext(text))


def is_page(response):
    return "<html" in html(response)


def assert_sheet_update(response, *, focus=None):
    """The partial that replaces the missions section after a change."""
    assert response.status_code == 200
    assert not is_page(response)
    assert response["HX-Retarget"] == "#missions"
    assert response["HX-Reswap"] == "outerHTML"
    assert "HX-Request" in response["Vary"]
    page = html(response)
    assert page.lstrip().startswith('<section id="missions"')
    assert '<div id="sheet-indicators" hx-swap-oob="true">' in page
    assert '<div id="messages" hx-swap-oob="innerHTML">' in page
    if focus is not None:
        assert f'data-focus="{focus}"' in page
    return page


def assert_form_partial(response, form_id, status=200):
    assert response.status_code == status
    assert not is_page(response)
    page = html(response)
    assert page.lstrip().startswith(f'<div id="{form_id}"')
    assert f'hx-post="{response.wsgi_request.path}"' in page
    assert f'hx-target="#{form_id}"' in page
    assert "csrfmiddlewaretoken" in page
    return page


def order_in(page, texts):
    return sorted(texts, key=lambda text: page.index(escape(text)))


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager)
    return client


def task_data(task, **changes):
    return {
        "action": task.action,
        "frequency": task.frequency,
        "times": task.times,
        "duration_minutes": task.duration_minutes,
        "revision": task.revision,
        **changes,
    }


def mission_data(mission, **changes):
    return {
        **{name: getattr(mission, name) for name in Mission.EDITABLE_FIELDS},
        "revision": mission.revision,
        **changes,
    }


# --- the page loads htmx from our files, under the CSP ----------------------------------------


def test_sheet_loads_htmx_and_our_script_with_the_nonce(manager, world):
    response = manager.get(world.role.get_absolute_url())
    page = html(response)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", page)
    assert any("django_htmx/htmx-2.min.js" in tag for tag in scripts)
    assert any("js/peerwork.js" in tag for tag in scripts)
    assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts), scripts
    # No inline handlers and no injected <style> (style-src 'self').
    assert "hx-on" not in page and "<style" not in page
    assert '"includeIndicatorStyles":false' in page and '"allowEval":false' in page
    # htmx would copy `style` attributes while settling a swap: blocked by style-src 'self'.
    assert '"attributesToSettle":["class","width","height"]' in page
    assert "HX-Request" in response["Vary"]


@override_settings(DEBUG=True)
def test_in_debug_the_extra_htmx_script_also_carries_the_nonce(manager, world):
    page = html(manager.get(world.role.get_absolute_url()))
    scripts = re.findall(r"<script[^>]*>", page)
    assert any("django_htmx/django-htmx.js" in tag for tag in scripts)
    assert all("nonce=" in tag for tag in scripts), scripts


def test_the_scripts_are_our_static_files():
    assert finders.find("django_htmx/htmx-2.min.js")
    assert finders.find("js/peerwork.js")


def test_the_sheet_without_htmx_is_the_page_and_with_htmx_the_section(manager, world):
    url = world.role.get_absolute_url()
    page = html(manager.get(url))
    assert '<section id="missions"' in page and "data-focus" not in page
    # An in-place form's "Cancel" asks for the section as it is.
    assert_sheet_update(manager.get(url, headers=HX), focus="")


# --- reorder ---------------------------------------------------------------------------------


def test_move_a_task(manager, world):
    first, second = world.mission.tasks.all()
    url = reverse("missions:task_move", args=[first.pk])

    classic = manager.post(url, {"direction": "down"})
    assert classic.status_code == 302
    assert classic.url == world.mission.get_absolute_url()
    assert list(world.mission.tasks.all()) == [second, first]

    partial = manager.post(url, {"direction": "up"}, headers=HX)
    page = assert_sheet_update(partial, focus=f"task-{first.pk}")
    assert list(world.mission.tasks.all()) == [first, second]
    assert order_in(page, [second.action, first.action]) == [first.action, second.action]
    assert said(partial, "The task was moved.") in page


def test_move_a_mission(manager, world):
    first, second = world.role.missions.all()
    url = reverse("missions:mission_move", args=[second.pk])

    classic = manager.post(url, {"direction": "up"})
    assert classic.status_code == 302
    assert list(world.role.missions.all()) == [second, first]

    partial = manager.post(url, {"direction": "down"}, headers=HX)
    page = assert_sheet_update(partial, focus=f"mission-{second.pk}-title")
    assert list(world.role.missions.all()) == [first, second]
    assert order_in(page, [second.title, first.title]) == [first.title, second.title]
    # The moved mission's buttons keep their ids, so the focus can stay on the one pressed.
    assert f'id="mission-{second.pk}-up"' in page


# --- remove ----------------------------------------------------------------------------------


def test_remove_a_task(manager, world):
    first, second = world.mission.tasks.all()
    url = reverse("missions:task_delete", args=[first.pk])

    assert is_page(manager.get(url))
    confirm = manager.get(url, headers=HX)
    assert confirm.status_code == 200 and not is_page(confirm)
    assert html(confirm).lstrip().startswith(f'<div id="task-{first.pk}-form"')
    assert 'hx-target="#missions"' in html(confirm)
    assert escape(first.action) in html(confirm)

    partial = manager.post(url, headers=HX)
    page = assert_sheet_update(partial, focus=f"mission-{world.mission.pk}-title")
    assert not DailyTask.objects.filter(pk=first.pk).exists()
    assert escape(first.action) not in page.split('id="messages"')[0]
    assert escape(second.action) in page
    assert said(partial, "The task was removed.") in page

    classic = manager.post(reverse("missions:task_delete", args=[second.pk]))
    assert classic.status_code == 302
    assert classic.url == world.mission.get_absolute_url()
    assert not world.mission.tasks.exists()


def test_remove_a_mission(manager, world):
    first, second = world.role.missions.all()
    confirm = manager.get(reverse("missions:mission_delete", args=[first.pk]), headers=HX)
    assert html(confirm).lstrip().startswith(f'<div id="mission-{first.pk}-form"')

    partial = manager.post(reverse("missions:mission_delete", args=[first.pk]), headers=HX)
    page = assert_sheet_update(partial, focus="missions-title")
    assert f'id="mission-{first.pk}"' not in page
    assert f'id="mission-{second.pk}"' in page

    classic = manager.post(reverse("missions:mission_delete", args=[second.pk]))
    assert classic.status_code == 302
    assert classic.url == world.role.get_absolute_url()


# --- edit and add ----------------------------------------------------------------------------


def test_edit_a_task(manager, world):
    task = world.task
    url = reverse("missions:task_edit", args=[task.pk])

    assert is_page(manager.get(url))
    form = assert_form_partial(manager.get(url, headers=HX), f"task-{task.pk}-form")
    # Ids unique on the sheet (several forms may be open), names as on the page.
    assert f'id="task-{task.pk}-form-action"' in form and 'name="action"' in form

    partial = manager.post(url, task_data(task, action="Tenir la permanence du jeudi"), headers=HX)
    page = assert_sheet_update(partial, focus=f"task-{task.pk}")
    assert "Tenir la permanence du jeudi" in page
    assert said(partial, "The task was saved.") in page
    task.refresh_from_db()
    assert task.action == "Tenir la permanence du jeudi"

    classic = manager.post(url, task_data(task, action="Accueillir le lundi"))
    assert classic.status_code == 302
    assert classic.url == world.mission.get_absolute_url()


def test_edit_a_mission(manager, world):
    mission = world.mission
    url = reverse("missions:mission_edit", args=[mission.pk])
    assert_form_partial(manager.get(url, headers=HX), f"mission-{mission.pk}-form")

    partial = manager.post(
        url, mission_data(mission, excludes="Les démarches à la place"), headers=HX
    )
    page = assert_sheet_update(partial, focus=f"mission-{mission.pk}-title")
    assert escape("Les démarches à la place") in page
    mission.refresh_from_db()
    assert mission.excludes == "Les démarches à la place"


def test_add_a_task(manager, world):
    mission = world.mission
    url = reverse("missions:task_new", args=[mission.pk])
    assert_form_partial(manager.get(url, headers=HX), f"mission-{mission.pk}-form")

    partial = manager.post(url, {**TASK_DATA, "duration_minutes": 90}, headers=HX)
    task = mission.tasks.get(action=TASK_DATA["action"])
    page = assert_sheet_update(partial, focus=f"task-{task.pk}")
    assert f'id="task-{task.pk}"' in page
    assert said(partial, "The task was added.") in page

    classic = manager.post(url, {**TASK_DATA, "action": "Autre", "duration_minutes": 30})
    assert classic.status_code == 302


def test_add_a_mission(manager, world):
    url = reverse("missions:mission_new", args=[world.role.pk])
    assert_form_partial(manager.get(url, headers=HX), "mission-new-form")

    partial = manager.post(url, MISSION_DATA, headers=HX)
    mission = world.role.missions.get(title=MISSION_DATA["title"])
    page = assert_sheet_update(partial, focus=f"mission-{mission.pk}-title")
    assert f'id="mission-{mission.pk}"' in page

    classic = manager.post(url, {**MISSION_DATA, "title": "Une autre"})
    assert classic.status_code == 302


def test_the_indicators_follow_the_change(manager, world):
    empty = MissionFactory(role=world.role)
    url = reverse("missions:task_new", args=[empty.pk])
    before = manager.get(world.role.get_absolute_url())
    assert said(before, "Every mission has daily tasks.") not in html(before)

    partial = manager.post(url, {**TASK_DATA, "duration_minutes": 30}, headers=HX)
    indicators = html(partial).split('id="sheet-indicators"')[1]
    assert said(partial, "Every mission has daily tasks.") in indicators


# --- bad input and conflicts: the form again, with what was typed ----------------------------


def test_invalid_task_returns_the_form_with_the_typed_values(manager, world):
    task = world.task
    url = reverse("missions:task_edit", args=[task.pk])
    typed = "Une action tapée qui ne doit pas se perdre"

    response = manager.post(url, task_data(task, action=typed, duration_minutes=-30), headers=HX)

    page = assert_form_partial(response, f"task-{task.pk}-form")
    assert escape(typed) in page
    assert 'value="-30"' in page
    assert "is-invalid" in page
    assert said(response, "Some answers need a look: see the messages next to the fields.") in page
    task.refresh_from_db()
    assert task.action != typed


def test_invalid_new_mission_returns_the_form_with_the_typed_values(manager, world):
    url = reverse("missions:mission_new", args=[world.role.pk])
    response = manager.post(url, {**MISSION_DATA, "title": ""}, headers=HX)
    page = assert_form_partial(response, "mission-new-form")
    assert escape(MISSION_DATA["lived_experience"]) in page
    assert not world.role.missions.filter(description=MISSION_DATA["description"]).exists()


def test_garbage_never_gives_a_500(manager, world):
    task = world.task
    for url, data in [
        (reverse("missions:task_edit", args=[task.pk]), {"revision": "abc", "frequency": "x"}),
        (reverse("missions:task_new", args=[task.mission.pk]), {"duration_minutes": "1e99"}),
        (reverse("missions:mission_edit", args=[task.mission.pk]), {"latitude": "nowhere"}),
        (reverse("missions:mission_new", args=[world.role.pk]), {}),
    ]:
        response = manager.post(url, data, headers=HX)
        assert response.status_code == 200, url
        assert not is_page(response)
    for direction in ("sideways", ""):
        response = manager.post(
            reverse("missions:task_move", args=[task.pk]), {"direction": direction}, headers=HX
        )
        assert_sheet_update(response)


def test_conflict_returns_the_form_with_both_versions(manager, world, client):
    task = world.task
    url = reverse("missions:task_edit", args=[task.pk])
    typed = "Ce que j'ai tapé pendant que quelqu'un d'autre enregistrait"
    # Someone else saves first, from the same revision.
    manager.post(url, task_data(task, action="Enregistré par quelqu'un d'autre"))

    response = manager.post(url, task_data(task, action=typed), headers=HX)

    page = assert_form_partial(response, f"task-{task.pk}-form", status=409)
    assert escape(typed) in page  # what was typed is kept
    assert escape("Enregistré par quelqu'un d'autre") in page  # the saved version beside it
    assert said(response, "Save my version anyway") in page
    assert f'name="revision" value="{task.revision + 1}"' in page
    # Saving again knowingly replaces it.
    again = manager.post(url, task_data(task, action=typed, revision=task.revision + 1), headers=HX)
    assert_sheet_update(again)
    task.refresh_from_db()
    assert task.action == typed


def test_deleted_meanwhile_gives_the_section_with_a_message(manager, world, monkeypatch):
    def deleted(**kwargs):
        raise StaleEdit(None)

    monkeypatch.setattr("missions.services.task_update", deleted)
    response = manager.post(
        reverse("missions:task_edit", args=[world.task.pk]), task_data(world.task), headers=HX
    )
    page = assert_sheet_update(response)
    assert said(response, "This item was deleted by someone else meanwhile.") in page


# --- permissions are the same with htmx --------------------------------------------------------


def test_peer_worker_cannot_change_a_mission_that_is_not_autonomous(client, world):
    assert world.mission.latitude != Latitude.AUTONOMOUS
    client.force_login(world.peer_worker)
    task = world.task
    for method, url, data in [
        ("get", reverse("missions:task_edit", args=[task.pk]), None),
        ("post", reverse("missions:task_edit", args=[task.pk]), task_data(task, action="X")),
        ("get", reverse("missions:task_new", args=[task.mission.pk]), None),
        ("post", reverse("missions:task_move", args=[task.pk]), {"direction": "down"}),
        ("get", reverse("missions:task_delete", args=[task.pk]), None),
        ("post", reverse("missions:task_delete", args=[task.pk]), {}),
        ("get", reverse("missions:mission_edit", args=[task.mission.pk]), None),
        ("post", reverse("missions:mission_move", args=[task.mission.pk]), {"direction": "up"}),
        ("post", reverse("missions:mission_delete", args=[task.mission.pk]), {}),
        ("get", reverse("missions:mission_new", args=[world.role.pk]), None),
    ]:
        for headers in (HX, {}):
            response = getattr(client, method)(url, data, headers=headers)
            assert response.status_code == 403, (method, url, headers)
    task.refresh_from_db()
    assert task.action != "X"
    assert DailyTask.objects.filter(pk=task.pk).exists()


def test_outsiders_get_404_with_htmx_too(client, world):
    client.force_login(world.other_manager)
    url = reverse("missions:task_move", args=[world.task.pk])
    assert client.post(url, {"direction": "down"}, headers=HX).status_code == 404
    assert client.get(world.role.get_absolute_url(), headers=HX).status_code == 404


def test_peer_worker_changes_tasks_of_an_autonomous_mission_in_place(client, world):
    mission = world.mission
    mission.latitude = Latitude.AUTONOMOUS
    mission.save()
    first, second = mission.tasks.all()
    client.force_login(world.peer_worker)

    page = assert_sheet_update(
        client.post(
            reverse("missions:task_move", args=[first.pk]), {"direction": "down"}, headers=HX
        )
    )
    assert list(mission.tasks.all()) == [second, first]
    # The section is the peer worker's: no manager buttons in it.
    assert f'id="mission-{mission.pk}-edit"' not in page
    assert f'id="task-{first.pk}-edit"' in page
    form = assert_form_partial(
        client.get(reverse("missions:task_new", args=[mission.pk]), headers=HX),
        f"mission-{mission.pk}-form",
    )
    assert "csrfmiddlewaretoken" in form


# --- query counts: fixed, whatever the size of the sheet ---------------------------------------

# Session + user + the request's savepoint pair, the object with access, the service's own
# queries (its savepoints, the locked siblings or row, the write, the history event), then the
# role sheet again: role with access and indicators, missions, tasks, assignments with people,
# versions, signatures, and the check-ins' panels for those who read check-ins (missions
# drifting, work outside the sheet, and the trends' figures per period in one query:
# sheets/panels.py). A task's form also checks its constraints (one query and savepoint pair
# each).
SHEET = 9
QUERIES = {
    "task_move": 4 + 6 + SHEET,
    "mission_move": 4 + 6 + SHEET,
    "task_edit_get": 4 + 1,
    "task_edit_post": 4 + 3 * 3 + 8 + SHEET,
    "sheet_section": 4 + SHEET,
    "task_delete_post": 4 + 6 + SHEET,
}


def _grow_sheet(role, size):
    for index in range(2 * size):
        mission = MissionFactory(role=role, lived_experience="vécu" if index % 2 else "")
        DailyTaskFactory.create_batch(3, mission=mission)


@pytest.mark.parametrize("size", [1, 10])
def test_partial_responses_cost_a_fixed_number_of_queries(
    manager, world, django_assert_num_queries, size
):
    _grow_sheet(world.role, size)
    task = world.task
    cases = [
        ("task_move", "post", reverse("missions:task_move", args=[task.pk]), {"direction": "down"}),
        (
            "mission_move",
            "post",
            reverse("missions:mission_move", args=[world.mission.pk]),
            {"direction": "down"},
        ),
        ("task_edit_get", "get", reverse("missions:task_edit", args=[task.pk]), None),
        (
            "task_edit_post",
            "post",
            reverse("missions:task_edit", args=[task.pk]),
            lambda: task_data(DailyTask.objects.get(pk=task.pk), action="Nouvelle action"),
        ),
        ("sheet_section", "get", world.role.get_absolute_url(), None),
        ("task_delete_post", "post", reverse("missions:task_delete", args=[task.pk]), {}),
    ]
    for name, method, url, data in cases:
        data = data() if callable(data) else data
        with django_assert_num_queries(QUERIES[name]):
            response = getattr(manager, method)(url, data, headers=HX)
        assert response.status_code == 200, name
        assert not is_page(response), name
