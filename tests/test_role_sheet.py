"""The role sheet: creating and editing a role, what the sheet shows, its health indicators,
who holds the role, and deleting it.

About 450 lines: one module per feature, a section per point above, plus bad input.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst

from missions.models import DailyTask, Latitude, Mission
from roles.models import PEER_SHARE_THRESHOLD, Role, RoleAssignment, RoleHealth
from sheets.indicators import with_indicators

from .factories import (
    DailyTaskFactory,
    MembershipFactory,
    MissionFactory,
    ProposalFactory,
    RoleFactory,
)

ROLE_DATA = {
    "title": "Médiateur·rice de santé pair·e",
    "purpose": "Ouvrir la porte du soin à celles et ceux qui ne la poussent plus.",
    "people_served": "Personnes suivies en psychiatrie, à domicile",
    "working_hours": "21 h par semaine, du mardi au jeudi",
    "supervision": "Supervision tous les quinze jours",
    "lived_experience": "Expérience du soin psychiatrique, avec du recul",
}


def html(response):
    return response.content.decode()


def shown(text, response):
    """Whether `text` appears on the page, as the template escapes it."""
    return escape(text) in html(response)


def page_warnings(response):
    """The warnings listed in the health box of a rendered role sheet (not the agreement box)."""
    box = html(response).split('id="health-title"', 1)[1].split("</section>", 1)[0]
    return [
        item.strip()
        for item in re.findall(r'<li class="indicator-warn[^"]*">(.*?)</li>', box, re.S)
    ]


def expected_warnings(role_pk, response):
    """The model's warnings for the role, in the language the page was rendered in."""
    role = with_indicators(Role.objects.all()).get(pk=role_pk)
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return [escape(str(warning)) for warning in role.health.warnings]


def health_of(role):
    return with_indicators(Role.objects.all()).get(pk=role.pk).health


def english_warnings(health):
    """The warnings in English (they are formatted in the active language when computed)."""
    with translation.override("en"):
        return [str(item) for item in health.warnings]


def role_with(structure, *missions, purpose="Pourquoi ce rôle existe."):
    """A role whose missions are given as (lived_experience, [minutes of each task])."""
    role = RoleFactory(structure=structure, purpose=purpose)
    for position, (lived, minutes) in enumerate(missions):
        mission = MissionFactory(role=role, position=position, lived_experience=lived)
        for value in minutes:
            DailyTaskFactory(mission=mission, minutes_per_week=value)
    return role


# --- creating and editing ------------------------------------------------------------------


def test_manager_creates_a_role_and_lands_on_its_sheet(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("structures:role_new", args=[world.structure.slug]), ROLE_DATA)

    role = Role.objects.get(structure=world.structure, title=ROLE_DATA["title"])
    assert response.status_code == 302
    assert response.url == role.get_absolute_url()
    assert role.purpose == ROLE_DATA["purpose"]
    assert role.lived_experience == ROLE_DATA["lived_experience"]
    assert role.updated_by == world.manager
    sheet = client.get(response.url)
    assert sheet.status_code == 200
    assert shown(ROLE_DATA["title"], sheet)
    assert shown(ROLE_DATA["purpose"], sheet)


def test_manager_edits_the_role_from_the_revision_they_opened(client, world):
    client.force_login(world.manager)
    url = reverse("roles:edit", args=[world.role.pk])
    form = client.get(url).context["form"]
    assert form["revision"].value() == world.role.revision == 1
    data = {**ROLE_DATA, "title": "Pair·e aidant·e", "revision": form["revision"].value()}

    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url == world.role.get_absolute_url()
    world.role.refresh_from_db()
    assert world.role.title == "Pair·e aidant·e"
    assert world.role.working_hours == ROLE_DATA["working_hours"]
    assert world.role.revision == 2
    assert world.role.updated_by == world.manager
    assert shown("Pair·e aidant·e", client.get(response.url))


def test_editing_a_role_keeping_its_own_title_is_not_a_duplicate(client, world):
    client.force_login(world.manager)
    data = {**ROLE_DATA, "title": world.role.title.upper(), "revision": 1}
    response = client.post(reverse("roles:edit", args=[world.role.pk]), data)
    assert response.status_code == 302
    world.role.refresh_from_db()
    assert world.role.title == world.role.title.upper()


# --- what the sheet shows -------------------------------------------------------------------


def test_sheet_shows_purpose_missions_tasks_scope_and_latitude(client, world):
    mission = MissionFactory(
        role=world.role,
        title="Accompagner vers le soin",
        lived_experience="J'ai connu les urgences psychiatriques de l'intérieur.",
        includes="Les rendez-vous au CMP",
        excludes="Donner les traitements",
        latitude=Latitude.SUPERVISED,
        position=10,
    )
    DailyTaskFactory(mission=mission, action="Appeler la personne la veille du rendez-vous")
    client.force_login(world.peer_worker)

    response = client.get(world.role.get_absolute_url())

    assert response.status_code == 200
    for text in (
        world.role.purpose,
        world.role.people_served,
        world.role.supervision,
        world.role.lived_experience,
        mission.title,
        mission.lived_experience,
        mission.includes,
        mission.excludes,
        "Appeler la personne la veille du rendez-vous",
    ):
        assert shown(text, response), text
    for task in world.mission.tasks.all():
        assert shown(task.action, response)
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        label = capfirst(str(mission.get_latitude_display()))
    assert shown(label, response)
    # The mission is in its own anchored block, with its tasks inside it.
    block = html(response).split(f'id="mission-{mission.pk}"', 1)[1].split("</article>", 1)[0]
    assert escape("Appeler la personne la veille du rendez-vous") in block
    assert escape(mission.excludes) in block


# --- health indicators ----------------------------------------------------------------------


def test_healthy_sheet_has_no_warning(client, world):
    role = role_with(world.structure, ("Mon vécu m'aide ici.", [120]), ("", [60]))
    health = health_of(role)
    assert health.has_purpose
    assert health.n_missions == 2
    assert health.n_missions_without_tasks == 0
    assert health.n_lived_missions == 1
    assert health.lived_share == 67
    assert health.warnings == []

    client.force_login(world.manager)
    response = client.get(role.get_absolute_url())
    assert page_warnings(response) == []


def test_missing_purpose_is_warned(client, world):
    role = role_with(world.structure, ("Mon vécu m'aide ici.", [60]), purpose="   ")
    health = health_of(role)
    assert not health.has_purpose
    assert len(health.warnings) == 1
    assert "raison d'être is not written" in english_warnings(health)[0]

    client.force_login(world.manager)
    response = client.get(role.get_absolute_url())
    assert page_warnings(response) == expected_warnings(role.pk, response)
    assert len(page_warnings(response)) == 1


def test_mission_without_tasks_is_warned(client, world):
    role = role_with(world.structure, ("Mon vécu m'aide ici.", [60]), ("", []), ("", []))
    health = health_of(role)
    assert health.n_missions == 3
    assert health.n_missions_without_tasks == 2
    assert len(health.warnings) == 1
    warning = english_warnings(health)[0]
    assert "2 missions have no daily task" in warning

    client.force_login(world.manager)
    response = client.get(role.get_absolute_url())
    assert page_warnings(response) == expected_warnings(role.pk, response)
    assert len(page_warnings(response)) == 1


def test_role_without_missions_is_warned(world):
    role = role_with(world.structure)
    health = health_of(role)
    assert health.n_missions == 0
    assert health.lived_share is None
    assert english_warnings(health) == ["This role has no mission yet."]


def test_no_mission_drawing_on_lived_experience_is_warned(client, world):
    role = role_with(world.structure, ("", [60]), ("", [30]))
    health = health_of(role)
    assert health.n_lived_missions == 0
    assert health.lived_share == 0
    warnings = english_warnings(health)
    assert len(warnings) == 1
    assert "No mission says how lived experience is put to work" in warnings[0]

    client.force_login(world.manager)
    response = client.get(role.get_absolute_url())
    assert page_warnings(response) == expected_warnings(role.pk, response)
    assert len(page_warnings(response)) == 1


def test_low_share_of_time_on_lived_experience_is_warned(client, world):
    # Lived-experience mission: 60 min a week; the other: 180 min (two tasks) → 25 %.
    role = role_with(world.structure, ("Mon vécu m'aide ici.", [60]), ("", [120, 60]))
    health = health_of(role)
    assert (health.minutes_lived, health.minutes_total) == (60, 240)
    assert health.lived_share == 25 < PEER_SHARE_THRESHOLD
    warnings = english_warnings(health)
    assert len(warnings) == 1
    assert "Only 25%" in warnings[0]

    client.force_login(world.manager)
    response = client.get(role.get_absolute_url())
    assert page_warnings(response) == expected_warnings(role.pk, response)
    assert "25" in page_warnings(response)[0]


def test_share_exactly_at_threshold_is_not_warned(world):
    role = role_with(world.structure, ("Mon vécu m'aide ici.", [90]), ("", [90]))
    health = health_of(role)
    assert health.lived_share == 50
    assert health.warnings == []


def test_indicators_do_not_mix_up_roles(world):
    """Each role's figures come from its own missions and tasks only."""
    first = role_with(world.structure, ("Vécu", [60]), ("", [180]))
    second = role_with(world.structure, ("Vécu", [30, 30]), ("", []))
    by_pk = {role.pk: role.health for role in with_indicators(Role.objects.all())}
    assert (by_pk[first.pk].minutes_lived, by_pk[first.pk].minutes_total) == (60, 240)
    assert (by_pk[second.pk].minutes_lived, by_pk[second.pk].minutes_total) == (60, 60)
    assert by_pk[second.pk].n_missions_without_tasks == 1
    assert by_pk[first.pk].n_missions_without_tasks == 0


def test_role_health_lived_share_rounds_and_handles_no_time():
    assert RoleHealth(True, 1, 0, 1, 0, 0).lived_share is None
    assert RoleHealth(True, 2, 0, 1, 300, 100).lived_share == 33
    assert RoleHealth(True, 2, 0, 1, 300, 200).lived_share == 67


def test_sheet_warns_several_problems_most_important_first(client, world):
    role = role_with(world.structure, ("", [60]), ("", []), purpose="")
    warnings = english_warnings(health_of(role))
    assert len(warnings) == 3
    assert "raison d'être" in warnings[0]
    assert "no daily task" in warnings[1]
    assert "lived experience" in warnings[2]

    client.force_login(world.manager)
    response = client.get(role.get_absolute_url())
    assert page_warnings(response) == expected_warnings(role.pk, response)
    assert len(page_warnings(response)) == 3


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed_title", ["Coordinateur pair", "COORDINATEUR PAIR", " coordinateur pair "]
)
def test_duplicate_title_in_the_structure_is_refused(client, world, typed_title):
    RoleFactory(structure=world.structure, title="Coordinateur pair")
    client.force_login(world.manager)
    data = {**ROLE_DATA, "title": typed_title}

    response = client.post(reverse("structures:role_new", args=[world.structure.slug]), data)

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert Role.objects.filter(structure=world.structure).count() == 2
    # The message is shown next to the title field, and what was typed is kept.
    assert 'id="error_1_id_title"' in html(response)
    assert shown(typed_title.strip(), response)
    assert shown(ROLE_DATA["purpose"], response)
    assert shown(ROLE_DATA["supervision"], response)


def test_same_title_in_another_structure_is_allowed(client, world):
    RoleFactory(structure=world.other_structure, title="Coordinateur pair")
    client.force_login(world.manager)
    data = {**ROLE_DATA, "title": "Coordinateur pair"}
    response = client.post(reverse("structures:role_new", args=[world.structure.slug]), data)
    assert response.status_code == 302
    assert Role.objects.filter(title="Coordinateur pair").count() == 2


def test_renaming_a_role_to_another_roles_title_is_refused(client, world):
    RoleFactory(structure=world.structure, title="Coordinateur pair")
    original = world.role.title
    client.force_login(world.manager)
    data = {**ROLE_DATA, "title": "coordinateur PAIR", "revision": 1}

    response = client.post(reverse("roles:edit", args=[world.role.pk]), data)

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    world.role.refresh_from_db()
    assert world.role.title == original
    assert world.role.revision == 1
    assert shown(ROLE_DATA["purpose"], response)


def test_empty_title_shows_an_error_and_keeps_what_was_typed(client, world):
    client.force_login(world.manager)
    data = {**ROLE_DATA, "title": "   "}

    response = client.post(reverse("structures:role_new", args=[world.structure.slug]), data)

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert Role.objects.filter(structure=world.structure).count() == 1
    for name in ("purpose", "people_served", "working_hours", "supervision", "lived_experience"):
        assert shown(ROLE_DATA[name], response), name


# --- who holds the role ---------------------------------------------------------------------


def test_only_unassigned_peer_workers_of_the_structure_are_offered(client, world):
    MembershipFactory(structure=world.structure, is_active=False)  # left the structure
    MembershipFactory(structure=world.other_structure)  # peer worker elsewhere
    client.force_login(world.manager)

    response = client.get(reverse("roles:people", args=[world.role.pk]))

    assert response.status_code == 200
    offered = list(response.context["form"].fields["peer_worker"].queryset)
    assert offered == [world.other_peer_worker]


def test_manager_assigns_a_peer_worker(client, world):
    client.force_login(world.manager)
    url = reverse("roles:people", args=[world.role.pk])

    response = client.post(url, {"peer_worker": world.other_peer_worker.pk})

    assert response.status_code == 302
    assert response.url == url
    assignment = RoleAssignment.objects.get(role=world.role, peer_worker=world.other_peer_worker)
    assert assignment.assigned_by == world.manager
    sheet = client.get(world.role.get_absolute_url())
    assert shown(world.other_peer_worker.get_full_name(), sheet)


@pytest.mark.parametrize("who", ["manager", "other_manager", "other_structure_peer_worker"])
def test_assigning_someone_who_is_not_a_peer_worker_here_is_refused(client, world, who):
    person = {
        "manager": world.manager,
        "other_manager": world.other_manager,
        "other_structure_peer_worker": MembershipFactory(structure=world.other_structure).user,
    }[who]
    client.force_login(world.manager)

    response = client.post(
        reverse("roles:people", args=[world.role.pk]), {"peer_worker": person.pk}
    )

    assert response.status_code == 200
    assert "peer_worker" in response.context["form"].errors
    assert not RoleAssignment.objects.filter(role=world.role, peer_worker=person).exists()


def test_manager_unassigns_a_peer_worker(client, world):
    assignment = RoleAssignment.objects.get(role=world.role, peer_worker=world.peer_worker)
    client.force_login(world.manager)

    response = client.post(reverse("roles:unassign", args=[world.role.pk, assignment.pk]))

    assert response.status_code == 302
    assert response.url == reverse("roles:people", args=[world.role.pk])
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    # They are offered again.
    page = client.get(response.url)
    assert world.peer_worker in page.context["form"].fields["peer_worker"].queryset


def test_unassigning_through_another_roles_address_is_not_found(client, world):
    other_role = RoleFactory(structure=world.structure)
    assignment = RoleAssignment.objects.get(role=world.role, peer_worker=world.peer_worker)
    client.force_login(world.manager)
    response = client.post(reverse("roles:unassign", args=[other_role.pk, assignment.pk]))
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


# --- deleting -------------------------------------------------------------------------------


def test_role_delete_asks_for_confirmation_then_deletes_everything(client, world):
    client.force_login(world.manager)
    url = reverse("roles:delete", args=[world.role.pk])
    mission_ids = list(world.role.missions.values_list("pk", flat=True))

    confirm = client.get(url)

    assert confirm.status_code == 200
    assert shown(world.role.title, confirm)
    assert Role.objects.filter(pk=world.role.pk).exists()

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == world.structure.get_absolute_url()
    assert not Role.objects.filter(pk=world.role.pk).exists()
    assert not Mission.objects.filter(pk__in=mission_ids).exists()
    assert not DailyTask.objects.filter(mission_id__in=mission_ids).exists()
    assert client.get(world.role.get_absolute_url()).status_code == 404
    structure_page = client.get(response.url)
    assert not shown(world.role.title, structure_page)


def test_a_proposal_made_today_waits_for_less_than_a_day(client, world):
    ProposalFactory(role=world.role, mission=world.mission)
    client.force_login(world.manager)
    page = client.get(world.role.get_absolute_url()).content.decode()
    assert "1 proposition attend une décision depuis moins d&#x27;un jour." in page
    assert not re.search(r"\b0[\s\u00a0]jour", page)
