"""Missions and daily tasks on a role sheet: add, edit, remove, reorder, and bad input."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from missions.models import MAX_MINUTES_PER_WEEK, DailyTask, Frequency, Latitude, Mission

from .factories import DailyTaskFactory, MissionFactory

MISSION_DATA = {
    "title": "Rencontrer les personnes à la gare",
    "description": "Aller vers les personnes qui dorment près de la gare.",
    "lived_experience": "J'ai dormi là : je sais à qui parler et comment.",
    "includes": "Les tournées du mardi soir",
    "excludes": "Signaler les personnes à la police",
    "latitude": Latitude.AUTONOMOUS,
}
TASK_DATA = {
    "action": "Proposer un café et prendre des nouvelles",
    "frequency": Frequency.TIMES_A_WEEK,
    "times": 2,
    "duration_minutes": 75,
}
WEEKLY = {"frequency": Frequency.WEEKLY, "times": ""}


def html(response):
    return response.content.decode()


def shown(text, response):
    return escape(text) in html(response)


def sheet_order(client, role, titles):
    """The order in which `titles` appear on the rendered role sheet."""
    page = html(client.get(role.get_absolute_url()))
    return sorted(titles, key=lambda title: page.index(escape(title)))


@pytest.fixture
def manager_client(client, world):
    client.force_login(world.manager)
    return client


# --- missions -------------------------------------------------------------------------------


def test_add_a_mission_redirects_to_it_on_the_sheet(manager_client, world):
    response = manager_client.post(
        reverse("missions:mission_new", args=[world.role.pk]), MISSION_DATA
    )

    mission = Mission.objects.get(role=world.role, title=MISSION_DATA["title"])
    assert response.status_code == 302
    assert response.url == f"{world.role.get_absolute_url()}#mission-{mission.pk}"
    assert mission.latitude == Latitude.AUTONOMOUS
    assert mission.updated_by == world.manager
    # A new mission comes last.
    assert list(world.role.missions.all())[-1] == mission
    sheet = manager_client.get(world.role.get_absolute_url())
    for name in ("title", "lived_experience", "includes", "excludes"):
        assert shown(MISSION_DATA[name], sheet), name
    assert f'id="mission-{mission.pk}"' in html(sheet)


def test_edit_a_mission(manager_client, world):
    url = reverse("missions:mission_edit", args=[world.mission.pk])
    revision = manager_client.get(url).context["form"]["revision"].value()

    response = manager_client.post(url, {**MISSION_DATA, "revision": revision})

    assert response.status_code == 302
    assert response.url == world.mission.get_absolute_url()
    world.mission.refresh_from_db()
    assert world.mission.title == MISSION_DATA["title"]
    assert world.mission.excludes == MISSION_DATA["excludes"]
    assert world.mission.revision == revision + 1
    assert shown(MISSION_DATA["excludes"], manager_client.get(world.role.get_absolute_url()))


def test_delete_a_mission_after_confirmation(manager_client, world):
    url = reverse("missions:mission_delete", args=[world.mission.pk])
    task_ids = list(world.mission.tasks.values_list("pk", flat=True))

    confirm = manager_client.get(url)
    assert confirm.status_code == 200
    assert shown(world.mission.title, confirm)
    assert Mission.objects.filter(pk=world.mission.pk).exists()

    response = manager_client.post(url)

    assert response.status_code == 302
    assert response.url == world.role.get_absolute_url()
    assert not Mission.objects.filter(pk=world.mission.pk).exists()
    assert not DailyTask.objects.filter(pk__in=task_ids).exists()
    assert world.role.missions.count() == 1
    assert not shown(world.mission.title, manager_client.get(response.url))


def test_move_missions_up_and_down(manager_client, world):
    last = world.role.missions.order_by("-position").first().position
    third = MissionFactory(role=world.role, title="Troisième mission", position=last + 1)
    first, second = list(world.role.missions.all())[:2]
    titles = [first.title, second.title, third.title]
    assert sheet_order(manager_client, world.role, titles) == titles

    response = manager_client.post(
        reverse("missions:mission_move", args=[third.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert response.url == third.get_absolute_url()
    expected = [first.title, third.title, second.title]
    assert sheet_order(manager_client, world.role, titles) == expected
    assert [m.title for m in world.role.missions.all()] == expected

    manager_client.post(reverse("missions:mission_move", args=[first.pk]), {"direction": "down"})
    expected = [third.title, first.title, second.title]
    assert sheet_order(manager_client, world.role, titles) == expected


def test_moving_the_first_mission_up_changes_nothing(manager_client, world):
    before = list(world.role.missions.values_list("pk", flat=True))
    first = Mission.objects.get(pk=before[0])
    response = manager_client.post(
        reverse("missions:mission_move", args=[first.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert list(world.role.missions.values_list("pk", flat=True)) == before


def test_moving_a_mission_only_reorders_its_own_role(manager_client, world):
    other_mission = MissionFactory(position=0)
    MissionFactory(role=other_mission.role, position=1)
    other_before = list(other_mission.role.missions.values_list("pk", "position"))
    second = list(world.role.missions.all())[1]

    manager_client.post(reverse("missions:mission_move", args=[second.pk]), {"direction": "up"})

    assert world.role.missions.first() == second
    assert list(other_mission.role.missions.values_list("pk", "position")) == other_before


# --- tasks ----------------------------------------------------------------------------------


def test_add_a_task_to_a_mission(manager_client, world):
    response = manager_client.post(reverse("missions:task_new", args=[world.mission.pk]), TASK_DATA)

    assert response.status_code == 302
    assert response.url == world.mission.get_absolute_url()
    task = DailyTask.objects.get(mission=world.mission, action=TASK_DATA["action"])
    assert task.minutes_per_week == 150
    assert (task.frequency, task.times, task.duration_minutes) == (Frequency.TIMES_A_WEEK, 2, 75)
    assert list(world.mission.tasks.all())[-1] == task
    sheet = manager_client.get(world.role.get_absolute_url())
    block = html(sheet).split(f'id="mission-{world.mission.pk}"', 1)[1].split("</article>", 1)[0]
    assert escape(TASK_DATA["action"]) in block


def test_adding_a_task_updates_the_share_of_time(manager_client, world):
    # world.role: the first mission draws on lived experience (2 x 60 min), the second not.
    lived = world.mission
    assert lived.draws_on_lived_experience
    manager_client.post(
        reverse("missions:task_new", args=[lived.pk]),
        {**TASK_DATA, **WEEKLY, "duration_minutes": 240},
    )
    sheet = manager_client.get(world.role.get_absolute_url())
    # (120 + 240) lived minutes out of 480: 75 %.
    assert sheet.context["role"].health.lived_share == 75


def test_edit_a_task(manager_client, world):
    url = reverse("missions:task_edit", args=[world.task.pk])
    revision = manager_client.get(url).context["form"]["revision"].value()

    response = manager_client.post(url, {**TASK_DATA, "revision": revision})

    assert response.status_code == 302
    assert response.url == world.mission.get_absolute_url()
    world.task.refresh_from_db()
    assert world.task.action == TASK_DATA["action"]
    assert world.task.minutes_per_week == 150
    assert world.task.revision == revision + 1
    assert shown(TASK_DATA["action"], manager_client.get(world.role.get_absolute_url()))


def test_delete_a_task_after_confirmation(manager_client, world):
    url = reverse("missions:task_delete", args=[world.task.pk])
    confirm = manager_client.get(url)
    assert confirm.status_code == 200
    assert shown(world.task.action, confirm)
    assert DailyTask.objects.filter(pk=world.task.pk).exists()

    response = manager_client.post(url)

    assert response.status_code == 302
    assert response.url == world.mission.get_absolute_url()
    assert not DailyTask.objects.filter(pk=world.task.pk).exists()
    assert world.mission.tasks.count() == 1


def test_deleting_the_last_tasks_makes_the_sheet_warn(manager_client, world):
    for task in list(world.mission.tasks.all()):
        manager_client.post(reverse("missions:task_delete", args=[task.pk]))
    sheet = manager_client.get(world.role.get_absolute_url())
    health = sheet.context["role"].health
    assert health.n_missions_without_tasks == 1
    # The mission that drew on lived experience now has no time at all: 0 %.
    assert health.lived_share == 0
    assert len(health.warnings) == 2


def test_move_tasks_up_and_down(manager_client, world):
    last = world.mission.tasks.order_by("-position").first().position
    third = DailyTaskFactory(mission=world.mission, action="Troisième tâche", position=last + 1)
    first, second = list(world.mission.tasks.all())[:2]
    actions = [first.action, second.action, third.action]
    assert sheet_order(manager_client, world.role, actions) == actions

    response = manager_client.post(
        reverse("missions:task_move", args=[third.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert response.url == world.mission.get_absolute_url()
    expected = [first.action, third.action, second.action]
    assert sheet_order(manager_client, world.role, actions) == expected

    manager_client.post(reverse("missions:task_move", args=[first.pk]), {"direction": "down"})
    expected = [third.action, first.action, second.action]
    assert sheet_order(manager_client, world.role, actions) == expected
    assert [t.action for t in world.mission.tasks.all()] == expected


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [MAX_MINUTES_PER_WEEK + 1, -30])
def test_new_task_with_impossible_time_is_refused(manager_client, world, minutes):
    before = DailyTask.objects.count()
    data = {**TASK_DATA, **WEEKLY, "duration_minutes": minutes}

    response = manager_client.post(reverse("missions:task_new", args=[world.mission.pk]), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["duration_minutes"]
    assert 'id="error_1_id_duration_minutes"' in html(response)
    assert DailyTask.objects.count() == before
    assert shown(TASK_DATA["action"], response)
    assert f'value="{minutes}"' in html(response)


def test_task_at_exactly_48_hours_is_accepted(manager_client, world):
    data = {**TASK_DATA, **WEEKLY, "duration_minutes": MAX_MINUTES_PER_WEEK}
    response = manager_client.post(reverse("missions:task_new", args=[world.mission.pk]), data)
    assert response.status_code == 302
    assert DailyTask.objects.filter(duration_minutes=MAX_MINUTES_PER_WEEK).exists()


@pytest.mark.parametrize("minutes", [MAX_MINUTES_PER_WEEK + 1, -1, "deux heures"])
def test_editing_a_task_with_impossible_time_is_refused(manager_client, world, minutes):
    data = {**TASK_DATA, **WEEKLY, "duration_minutes": minutes, "revision": world.task.revision}

    response = manager_client.post(reverse("missions:task_edit", args=[world.task.pk]), data)

    assert response.status_code == 200
    assert "duration_minutes" in response.context["form"].errors
    saved = DailyTask.objects.get(pk=world.task.pk)
    assert (saved.action, saved.minutes_per_week, saved.revision) == (
        world.task.action,
        world.task.minutes_per_week,
        world.task.revision,
    )
    assert shown(TASK_DATA["action"], response)


def test_invalid_latitude_is_refused(manager_client, world):
    data = {**MISSION_DATA, "latitude": "whenever"}

    response = manager_client.post(reverse("missions:mission_new", args=[world.role.pk]), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["latitude"]
    assert not Mission.objects.filter(title=MISSION_DATA["title"]).exists()
    assert shown(MISSION_DATA["lived_experience"], response)


def test_invalid_frequency_is_refused(manager_client, world):
    data = {**TASK_DATA, "frequency": "hourly"}
    response = manager_client.post(reverse("missions:task_new", args=[world.mission.pk]), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["frequency"]
    assert not DailyTask.objects.filter(action=TASK_DATA["action"]).exists()


def test_mission_without_title_is_refused_and_keeps_what_was_typed(manager_client, world):
    data = {**MISSION_DATA, "title": ""}
    response = manager_client.post(reverse("missions:mission_new", args=[world.role.pk]), data)
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert world.role.missions.count() == 2
    for name in ("description", "lived_experience", "includes", "excludes"):
        assert shown(MISSION_DATA[name], response), name


def _garbage_requests(world):
    mission, task = world.mission, world.task
    return [
        ("missions:mission_new", world.role.pk, {"description": "sans titre"}),
        ("missions:mission_new", world.role.pk, {"title": "a\x00b", "latitude": "in_pair"}),
        ("missions:mission_new", world.role.pk, {"title": "x" * 500, "latitude": "in_pair"}),
        ("missions:mission_edit", mission.pk, {**MISSION_DATA, "revision": "abc"}),
        ("missions:mission_edit", mission.pk, {**MISSION_DATA, "revision": "-1"}),
        ("missions:mission_edit", mission.pk, {**MISSION_DATA}),
        ("missions:mission_edit", mission.pk, {"revision": "1"}),
        ("missions:task_new", mission.pk, {"frequency": "weekly"}),
        ("missions:task_new", mission.pk, {**TASK_DATA, "duration_minutes": "1e400"}),
        ("missions:task_edit", task.pk, {**TASK_DATA, "revision": "abc"}),
        ("missions:task_edit", task.pk, {"action": "", "revision": ""}),
        ("roles:edit", world.role.pk, {"title": "Titre", "revision": "1.5"}),
    ]


def test_garbage_form_data_never_breaks_a_page(manager_client, world):
    before = (
        Mission.objects.count(),
        DailyTask.objects.count(),
        Mission.objects.get(pk=world.mission.pk).revision,
        DailyTask.objects.get(pk=world.task.pk).revision,
    )
    for name, pk, data in _garbage_requests(world):
        response = manager_client.post(reverse(name, args=[pk]), data)
        assert response.status_code == 200, (name, data)
        assert response.context["form"].errors, (name, data)
    after = (
        Mission.objects.count(),
        DailyTask.objects.count(),
        Mission.objects.get(pk=world.mission.pk).revision,
        DailyTask.objects.get(pk=world.task.pk).revision,
    )
    assert after == before


# Not named `page`: that is pytest-playwright's fixture, whose browser parameter would group
# this test with the end-to-end ones and run their database flushes amid the other tests.
@pytest.mark.parametrize("form_page", ["mission_new", "task_new", "role_new", "role_edit"])
def test_empty_post_shows_the_form_again_and_saves_nothing(manager_client, world, form_page):
    url = {
        "mission_new": reverse("missions:mission_new", args=[world.role.pk]),
        "task_new": reverse("missions:task_new", args=[world.mission.pk]),
        "role_new": reverse("structures:role_new", args=[world.structure.slug]),
        "role_edit": reverse("roles:edit", args=[world.role.pk]),
    }[form_page]
    counts = (Mission.objects.count(), DailyTask.objects.count(), world.role.revision)
    response = manager_client.post(url, {})
    assert response.status_code == 200
    world.role.refresh_from_db()
    assert (Mission.objects.count(), DailyTask.objects.count(), world.role.revision) == counts


@pytest.mark.parametrize("direction", ["sideways", "", None])
@pytest.mark.parametrize("what", ["mission", "task"])
def test_move_with_a_strange_direction_does_not_break(manager_client, world, what, direction):
    obj = world.mission if what == "mission" else world.task
    data = {} if direction is None else {"direction": direction}
    response = manager_client.post(reverse(f"missions:{what}_move", args=[obj.pk]), data)
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["mission_move", "task_move"])
def test_move_only_answers_post(manager_client, world, name):
    pk = world.mission.pk if name == "mission_move" else world.task.pk
    response = manager_client.get(reverse(f"missions:{name}", args=[pk]), {"direction": "up"})
    assert response.status_code == 405


def test_unknown_mission_or_task_is_not_found(manager_client, world):
    for name in ("mission_edit", "mission_delete", "mission_move", "task_new"):
        assert manager_client.post(reverse(f"missions:{name}", args=[999999])).status_code == 404
    for name in ("task_edit", "task_delete", "task_move"):
        assert manager_client.post(reverse(f"missions:{name}", args=[999999])).status_code == 404
