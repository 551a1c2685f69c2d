"""Time as people count it: how often a task comes back, how long it takes each time, the time a
week it amounts to, and the total against the role's contracted hours.

About 430 lines: one module per feature, in sections: counting, the sheet, the form, old data.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from missions import proposals
from missions.models import DailyTask, Frequency, Proposal
from missions.timing import (
    MAX_DURATION_MINUTES,
    from_legacy,
    minutes_per_week,
    minutes_per_week_sql,
    task_time_label,
)
from roles.models import Role, RoleHealth
from sheets.indicators import with_indicators
from sheets.snapshots import diff, for_display, snapshot
from sheets.versions import sheet_with_content

from .factories import DailyTaskFactory, MissionFactory, RoleFactory

NBSP = "\u00a0"

# (frequency, times, minutes each time) → minutes a week. A week has 5 working days, a month
# 52/12 weeks, a quarter 13 weeks, a year 52; "occasionally" counts 0.
MINUTES_A_WEEK = [
    (Frequency.DAILY, 1, 30, 150),
    (Frequency.TIMES_A_WEEK, 2, 30, 60),
    (Frequency.WEEKLY, 1, 45, 45),
    (Frequency.TIMES_A_MONTH, 2, 60, 28),  # 120 × 12 / 52 = 27.7
    (Frequency.MONTHLY, 1, 120, 28),
    (Frequency.MONTHLY, 1, 60, 14),  # 13.8
    (Frequency.QUARTERLY, 1, 60, 5),  # 4.6
    (Frequency.QUARTERLY, 1, 180, 14),
    (Frequency.YEARLY, 1, 180, 3),  # 3.5 rounds half up... 3.46
    (Frequency.YEARLY, 1, 26, 1),  # exactly 0.5: half up
    (Frequency.OCCASIONAL, 1, 120, 0),
    (Frequency.WEEKLY, 1, 0, 0),
]


@pytest.mark.parametrize(("frequency", "times", "each", "week"), MINUTES_A_WEEK)
def test_minutes_a_week(frequency, times, each, week):
    assert minutes_per_week(frequency, times, each) == week
    assert DailyTask(frequency=frequency, times=times, duration_minutes=each).minutes_per_week == (
        week
    )


def test_sql_gives_the_same_minutes_a_week_as_python(db):
    mission = MissionFactory()
    for index, frequency in enumerate(Frequency):
        for each in (0, 1, 7, 13, 26, 45, 60, 95, 180, 575):
            times = (
                1 + index % 3
                if frequency in (Frequency.TIMES_A_WEEK, Frequency.TIMES_A_MONTH)
                else 1
            )
            DailyTaskFactory(
                mission=mission, frequency=frequency, times=times, duration_minutes=each
            )
    rows = DailyTask.objects.annotate(sql=minutes_per_week_sql())
    assert rows.count() == 80
    assert [task.sql for task in rows] == [task.minutes_per_week for task in rows]
    role = with_indicators(Role.objects.all()).get(pk=mission.role_id)
    assert role.minutes_total == sum(task.minutes_per_week for task in rows)


# (frequency, times, minutes each time) → the label in French and in English.
LABELS = [
    (
        Frequency.TIMES_A_WEEK, 2, 30,
        "2 fois par semaine · 30 min → 1 h par semaine",
        "2 times a week · 30 min → 1 h a week",
    ),
    (
        Frequency.TIMES_A_WEEK, 1, 30,
        "Une fois par semaine · 30 min → 30 min par semaine",
        "Once a week · 30 min → 30 min a week",
    ),
    (
        Frequency.DAILY, 1, 30,
        "Chaque jour · 30 min → 2 h 30 par semaine",
        "Every day · 30 min → 2 h 30 a week",
    ),
    (Frequency.WEEKLY, 1, 90, "1 h 30 par semaine", "1 h 30 a week"),
    (
        Frequency.TIMES_A_MONTH, 3, 60,
        "3 fois par mois · 1 h (≈ 42 min par semaine)",
        "3 times a month · 1 h (≈ 42 min a week)",
    ),
    (
        Frequency.MONTHLY, 1, 120,
        "2 h par mois (≈ 28 min par semaine)",
        "2 h a month (≈ 28 min a week)",
    ),
    (
        Frequency.QUARTERLY, 1, 60,
        "1 h par trimestre (≈ 5 min par semaine)",
        "1 h a quarter (≈ 5 min a week)",
    ),
    (Frequency.YEARLY, 1, 420, "7 h par an (≈ 8 min par semaine)", "7 h a year (≈ 8 min a week)"),
    (
        Frequency.OCCASIONAL, 1, 120,
        "Ponctuel · 2 h chaque fois (non compté par semaine)",
        "Occasionally · 2 h each time (not counted per week)",
    ),
    (
        Frequency.OCCASIONAL, 1, 0,
        "Ponctuel (non compté par semaine)",
        "Occasionally (not counted per week)",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("frequency", "times", "each", "french", "english"), LABELS)
def test_time_label_in_french_and_english(frequency, times, each, french, english):
    task = DailyTask(frequency=frequency, times=times, duration_minutes=each)
    values = {"frequency": frequency, "times": times, "duration_minutes": each}
    for language, expected in (("fr", french), ("en", english)):
        with translation.override(language):
            assert task_time_label(task).replace(NBSP, " ") == expected
            assert task_time_label(values) == task_time_label(task)


def test_time_label_never_breaks_a_duration_across_lines():
    with translation.override("fr"):
        label = task_time_label({"frequency": "quarterly", "times": 1, "duration_minutes": 90})
    assert f"1{NBSP}h{NBSP}30 par trimestre" in label
    assert f"7{NBSP}min" in label  # 90 / 13
    assert "(s)" not in label


def test_time_label_reads_a_task_stored_the_old_way():
    # Before: "monthly, 30 min a week" (2 h 10 a month typed as minutes a week).
    with translation.override("fr"):
        old = task_time_label({"frequency": "monthly", "minutes_per_week": 30})
        several = task_time_label({"frequency": "several_a_week", "minutes_per_week": 150})
    assert old.replace(NBSP, " ") == "2 h 10 par mois (≈ 30 min par semaine)"
    assert several.replace(NBSP, " ") == "2 fois par semaine · 1 h 15 → 2 h 30 par semaine"


# --- the sheet: per mission, in total, against the contract ----------------------------------


def _health(minutes, hours):
    return RoleHealth(True, 1, 0, 1, minutes, minutes, contracted_hours=hours)


@pytest.mark.parametrize(
    ("minutes", "hours", "share", "warns"),
    [
        (24 * 60, 24, 100, None),
        (24 * 60 + 15, 24, 101, "more"),
        (12 * 60, 24, 50, None),
        (12 * 60 - 15, 24, 49, "only"),
        (0, 24, 0, "only"),
        (600, None, None, None),
    ],
)
def test_contract_warning_thresholds(minutes, hours, share, warns):
    health = _health(minutes, hours)
    assert health.contract_share == share
    with translation.override("en"):
        warning = health.contract_warning
    if warns is None:
        assert warning is None
    else:
        assert warns in str(warning)


@override_settings(PEERWORK_TASK_TIME_LOW_SHARE=80)
def test_the_low_threshold_is_a_setting():
    assert _health(18 * 60, 24).contract_warning is not None  # 75 %
    assert _health(20 * 60, 24).contract_warning is None  # 83 %


def _sheet(client, user, role):
    client.force_login(user)
    return client.get(role.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_sheet_shows_the_time_per_mission_in_total_and_against_the_contract(client, world):
    role, mission = world.role, world.mission
    Role.objects.filter(pk=role.pk).update(contracted_hours=3.5)
    DailyTask.objects.filter(mission=mission).delete()
    DailyTaskFactory(
        mission=mission, frequency=Frequency.TIMES_A_WEEK, times=2, duration_minutes=120
    )
    DailyTaskFactory(mission=mission, frequency=Frequency.QUARTERLY, duration_minutes=180)

    page = _sheet(client, world.manager, role).replace(NBSP, " ")

    assert "2 fois par semaine · 2 h → 4 h par semaine" in page
    assert "3 h par trimestre (≈ 14 min par semaine)" in page
    assert "environ 4 h 14 par semaine" in page  # the mission
    # The other mission: 2 × 60 min. In total 6 h 14 for 3,5 h: 178 %.
    assert "Temps des tâches : 6 h 14 par semaine, pour 3,5 h au contrat (178 %)" in page
    assert 'role="alert"><strong>Attention :</strong> Les tâches prennent plus de temps' in page
    assert "3,5 h par semaine au contrat (0,1 ETP)" in page


def test_no_contract_warning_when_the_tasks_fit(client, world):
    Role.objects.filter(pk=world.role.pk).update(contracted_hours=4)  # 4 tasks × 60 min
    page = _sheet(client, world.manager, world.role).replace(NBSP, " ")
    assert "pour 4 h au contrat (100 %)" in page
    assert 'role="alert"' not in page


def test_contracted_hours_are_typed_the_french_way(client, world):
    client.force_login(world.manager)
    url = reverse("roles:edit", args=[world.role.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields} | {"contracted_hours": "17,5"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    world.role.refresh_from_db()
    assert world.role.contracted_hours == 17.5
    assert world.role.fte == 0.5
    data["contracted_hours"] = "60"
    response = client.post(url, data | {"revision": world.role.revision})
    assert response.status_code == 200
    assert "contracted_hours" in response.context["form"].errors


def test_share_of_lived_experience_time_uses_the_time_a_week(db):
    role = RoleFactory()
    lived = MissionFactory(role=role, lived_experience="Mon vécu de la rue")
    other = MissionFactory(role=role, lived_experience="")
    DailyTaskFactory(mission=lived, frequency=Frequency.TIMES_A_WEEK, times=2, duration_minutes=60)
    DailyTaskFactory(mission=lived, frequency=Frequency.QUARTERLY, duration_minutes=130)  # 10
    DailyTaskFactory(mission=other, frequency=Frequency.DAILY, duration_minutes=26)  # 130
    DailyTaskFactory(mission=other, frequency=Frequency.OCCASIONAL, duration_minutes=600)  # 0
    health = with_indicators(Role.objects.all()).get(pk=role.pk).health
    assert (health.minutes_lived, health.minutes_total) == (130, 260)
    assert health.lived_share == 50


# --- the form --------------------------------------------------------------------------------


def _post_task(client, world, **data):
    client.force_login(world.manager)
    url = reverse("missions:task_new", args=[world.mission.pk])
    return client.post(url, {"action": "Tenir la permanence", **data})


def test_every_week_with_three_times_means_three_times_a_week(client, world):
    response = _post_task(client, world, frequency="weekly", times="3", duration_minutes="40")
    assert response.status_code == 302
    task = DailyTask.objects.get(action="Tenir la permanence")
    assert (task.frequency, task.times, task.minutes_per_week) == ("times_a_week", 3, 120)


def test_times_is_ignored_where_it_means_nothing(client, world):
    response = _post_task(client, world, frequency="quarterly", times="4", duration_minutes="60")
    assert response.status_code == 302
    task = DailyTask.objects.get(action="Tenir la permanence")
    assert (task.frequency, task.times) == ("quarterly", 1)


def test_more_than_48_hours_a_week_is_refused_with_a_clear_message(client, world):
    response = _post_task(client, world, frequency="daily", duration_minutes="600")  # 50 h
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["duration_minutes"]
    assert "48" in errors["duration_minutes"][0]
    assert 'value="600"' in response.content.decode()
    assert not DailyTask.objects.filter(action="Tenir la permanence").exists()


def test_the_database_refuses_impossible_times(db):
    from django.db import IntegrityError, transaction

    mission = MissionFactory()
    for values in (
        {"frequency": "weekly", "times": 2},
        {"frequency": "times_a_week", "times": 0},
        {"frequency": "weekly", "duration_minutes": MAX_DURATION_MINUTES + 1},
        {"frequency": "daily", "duration_minutes": 600},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            DailyTask.objects.create(mission=mission, action="x", **values)


# --- old data: migration, versions, proposals ------------------------------------------------


@pytest.mark.parametrize("old", ["daily", "several_a_week", "weekly", "monthly", "occasional"])
def test_conversion_keeps_every_weekly_total_exactly(old):
    for minutes in range(48 * 60 + 1):
        frequency, times, each = from_legacy(old, minutes)
        assert minutes_per_week(frequency, times, each) == minutes, (old, minutes)
        assert each <= MAX_DURATION_MINUTES


@pytest.mark.parametrize(
    ("old", "minutes", "new"),
    [
        ("weekly", 30, ("weekly", 1, 30)),
        ("daily", 150, ("daily", 1, 30)),
        ("daily", 12, ("weekly", 1, 12)),
        ("several_a_week", 150, ("times_a_week", 2, 75)),
        ("several_a_week", 45, ("times_a_week", 3, 15)),
        ("several_a_week", 7, ("weekly", 1, 7)),
        ("monthly", 30, ("monthly", 1, 130)),
        ("occasional", 0, ("occasional", 1, 0)),
        ("occasional", 60, ("weekly", 1, 60)),
    ],
)
def test_conversion_rule(old, minutes, new):
    assert from_legacy(old, minutes) == new


@pytest.mark.django_db(transaction=True)
def test_migration_converts_stored_tasks_without_loss():
    executor = MigrationExecutor(connection)
    before = [("missions", "0006_privacy_help_text")]
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Structure = old_apps.get_model("structures", "Structure")
    Role = old_apps.get_model("roles", "Role")
    Mission = old_apps.get_model("missions", "Mission")
    OldTask = old_apps.get_model("missions", "DailyTask")
    Reference = old_apps.get_model("missions", "ReferenceMission")
    role = Role.objects.create(structure=Structure.objects.create(name="S", slug="s"), title="R")
    mission = Mission.objects.create(role=role, title="M")
    old = {
        "weekly": 30,
        "daily": 150,
        "several_a_week": 150,
        "monthly": 30,
        "occasional": 60,
    }
    for frequency, minutes in old.items():
        OldTask.objects.create(
            mission=mission, action=frequency, frequency=frequency, minutes_per_week=minutes
        )
    Reference.objects.create(
        title="Réf",
        description="d",
        lived_experience="v",
        typical_tasks=[{"action": "a", "frequency": "monthly", "minutes_per_week": 30}],
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    tasks = {t.action: t for t in DailyTask.objects.filter(mission_id=mission.pk)}
    assert {action: t.minutes_per_week for action, t in tasks.items()} == old
    assert (tasks["monthly"].frequency, tasks["monthly"].duration_minutes) == ("monthly", 130)
    assert (tasks["several_a_week"].frequency, tasks["several_a_week"].times) == (
        "times_a_week",
        2,
    )
    from missions.models import ReferenceMission

    assert ReferenceMission.objects.get(title="Réf").typical_tasks == [
        {"action": "a", "frequency": "monthly", "times": 1, "duration_minutes": 130}
    ]


def _as_stored_before(data):
    """A snapshot as versions adopted before this change stored it (never rewritten)."""
    for mission in data["missions"]:
        for task in mission["tasks"]:
            task["minutes_per_week"] = task.pop("duration_minutes") * task.pop("times")
    return data


def test_an_old_version_still_shows_and_compares_with_the_sheet(world):
    DailyTask.objects.filter(mission=world.mission).update(duration_minutes=45)
    old = _as_stored_before(snapshot(sheet_with_content(world.role.pk)))
    assert "minutes_per_week" in old["missions"][0]["tasks"][0]

    shown = for_display(old)["missions"][0].tasks[0]
    with translation.override("fr"):
        assert str(shown.time).replace(NBSP, " ") == "45 min par semaine"
    assert not diff(old, snapshot(sheet_with_content(world.role.pk)))


def test_an_old_stored_proposal_with_tasks_is_accepted(world):
    proposal = Proposal.objects.create(
        role=world.role,
        author=world.peer_worker,
        kind=Proposal.Kind.ADD_MISSION,
        subject="Réunions",
        rationale="Parce que.",
        proposed={
            "title": "Réunions",
            "tasks": [{"action": "Préparer", "frequency": "monthly", "minutes_per_week": 30}],
        },
    )
    shown = proposals.proposed_tasks(proposal)
    assert shown[0].minutes_per_week == 30
    proposals.proposal_accept(proposal=proposal, by=world.manager, reason="D'accord.")
    task = DailyTask.objects.get(action="Préparer")
    assert (task.frequency, task.duration_minutes, task.minutes_per_week) == ("monthly", 130, 30)


def test_an_old_stored_task_change_proposal_is_accepted(world):
    task = world.task
    proposal = Proposal.objects.create(
        role=world.role,
        author=world.peer_worker,
        kind=Proposal.Kind.CHANGE_TASK,
        mission=task.mission,
        task=task,
        subject=task.action,
        rationale="Plus souvent.",
        base_revision=task.revision,
        before={"action": task.action, "frequency": "weekly", "minutes_per_week": 60},
        proposed={"action": task.action, "frequency": "daily", "minutes_per_week": 100},
    )
    with translation.override("en"):
        labels = [c.label for c in proposals.changed_fields(proposal)]
    assert labels == [
        "how often",
        "time each time (minutes)",
    ]
    proposals.proposal_accept(proposal=proposal, by=world.manager, reason="D'accord.")
    task.refresh_from_db()
    assert (task.frequency, task.duration_minutes) == ("daily", 20)
