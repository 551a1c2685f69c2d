"""Each page costs a fixed number of queries, whatever the size of the data (no N+1)."""

import pytest

from sheets.versions import version_request

from .factories import DailyTaskFactory, MissionFactory, RoleAssignmentFactory, RoleFactory


def _grow_sheet(role, missions, tasks_per_mission):
    for index in range(missions):
        mission = MissionFactory(role=role, lived_experience="vécu" if index % 2 else "")
        DailyTaskFactory.create_batch(tasks_per_mission, mission=mission)


# Session + user + the request's savepoint pair (ATOMIC_REQUESTS), then the page's own queries:
# role sheet = role with access and the sheet's counter, and when the sheet changed since it was
# last shown (sheets/sheet.py): role with indicators, missions, tasks, assignments with people,
# adopted/awaiting versions, signatures of the awaiting one, the check-ins' panels (missions
# drifting, work outside the sheet, the trends' figures per period: sheets/panels.py);
# structure page = structure with access and the counters of what its page shows, and when that
# changed since the page was last shown: roles with indicators, assignments, members, supports,
# pending invitations, the check-in cadence; home = visible structures, my roles, and the
# counts of what waits for the person, of every kind, in one query (facilitation/waiting.py).
ROLE_SHEET_QUERIES = 5
ROLE_SHEET_CHANGED_QUERIES = ROLE_SHEET_QUERIES + 9
STRUCTURE_PAGE_QUERIES = 5
STRUCTURE_PAGE_CHANGED_QUERIES = STRUCTURE_PAGE_QUERIES + 6
HOME_QUERIES = 7


@pytest.mark.parametrize("size", [1, 10])
def test_role_sheet_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    _grow_sheet(world.role, missions=2 * size, tasks_per_mission=3)
    RoleAssignmentFactory.create_batch(size, role=world.role)
    for _ in range(size):  # each request supersedes the previous one
        version_request(role=world.role, by=world.manager)
    client.force_login(world.manager)
    with django_assert_num_queries(ROLE_SHEET_CHANGED_QUERIES):
        response = client.get(world.role.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="mission card') == world.role.missions.count()
    with django_assert_num_queries(ROLE_SHEET_QUERIES):
        again = client.get(world.role.get_absolute_url())
    assert again.content.decode().count('class="mission card') == world.role.missions.count()


@pytest.mark.parametrize("size", [1, 10])
def test_structure_page_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for _ in range(size):
        role = RoleFactory(structure=world.structure)
        _grow_sheet(role, missions=2, tasks_per_mission=2)
        RoleAssignmentFactory(role=role)
    client.force_login(world.manager)
    with django_assert_num_queries(STRUCTURE_PAGE_CHANGED_QUERIES):
        response = client.get(world.structure.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3"') == world.structure.roles.count()
    with django_assert_num_queries(STRUCTURE_PAGE_QUERIES):
        again = client.get(world.structure.get_absolute_url())
    assert again.content.decode().count('class="card mb-3"') == world.structure.roles.count()


@pytest.mark.parametrize("size", [1, 10])
def test_home_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for _ in range(size):
        RoleAssignmentFactory(
            role=RoleFactory(structure=world.structure), peer_worker=world.peer_worker
        )
    client.force_login(world.peer_worker)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
