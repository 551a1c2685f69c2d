"""A structure's check-in cadence, and what each answer keeps of the plan it answers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from checkins.drift import drifting_missions
from checkins.models import Cadence, CheckIn
from checkins.services import cadence_of, cadence_set, checkin_submit
from missions.models import DailyTask, Mission
from missions.timing import minutes_per_week
from sheets.versions import version_answer, version_request
from structures.models import Structure

D = datetime.date


def _answers(world, going="clear", time_spent="as_planned"):
    return {m.pk: (going, time_spent, "") for m in world.missions}


def test_a_structure_checks_in_monthly_until_a_manager_chooses(adopted):
    assert cadence_of(adopted.structure.pk) == Cadence.MONTH
    cadence_set(structure=adopted.structure, by=adopted.manager, cadence=Cadence.TWO_WEEKS)
    assert cadence_of(adopted.structure.pk) == Cadence.TWO_WEEKS
    assert cadence_of(adopted.other_structure.pk) == Cadence.MONTH


@pytest.mark.parametrize("actor", ["peer_worker", "facilitator", "other_manager"])
def test_only_the_structure_s_managers_choose_the_cadence(adopted, actor):
    with pytest.raises(PermissionDenied):
        cadence_set(
            structure=adopted.structure, by=getattr(adopted, actor), cadence=Cadence.TWO_WEEKS
        )
    assert cadence_of(adopted.structure.pk) == Cadence.MONTH


def test_a_check_in_covers_the_structure_s_period(adopted):
    cadence_set(structure=adopted.structure, by=adopted.manager, cadence=Cadence.TWO_MONTHS)
    checkin = checkin_submit(
        role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted), day=D(2026, 4, 20)
    )
    assert (checkin.period_start, checkin.period_end) == (D(2026, 3, 1), D(2026, 4, 30))


def test_the_page_shows_fortnights_once_chosen_and_keeps_earlier_check_ins(client, adopted):
    today = timezone.localdate()
    checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted), day=today)
    client.force_login(adopted.manager)
    response = client.post(
        reverse("checkins:cadence", kwargs={"slug": adopted.structure.slug}),
        {"cadence": Cadence.TWO_WEEKS},
    )
    assert response.status_code == 302
    page = client.get(reverse("checkins:list", kwargs={"role_id": adopted.role.pk}))
    rows = page.context["rows"][0]["periods"]
    assert len(rows) == 12
    assert all((cell["end"] - cell["start"]).days == 13 for cell in rows)
    # The month's check-in sits in the fortnight holding its first day, not lost.
    assert sum(1 for cell in rows if cell["checkin"]) == 1


def test_the_structure_page_says_the_cadence_at_once(client, adopted):
    client.force_login(adopted.peer_worker)
    url = reverse("structures:detail", kwargs={"slug": adopted.structure.slug})
    assert "font le point chaque mois" in client.get(url).content.decode()
    counter = Structure.objects.get(pk=adopted.structure.pk).page_counter
    cadence_set(structure=adopted.structure, by=adopted.manager, cadence=Cadence.TWO_WEEKS)
    assert Structure.objects.get(pk=adopted.structure.pk).page_counter > counter
    assert "font le point toutes les deux semaines" in client.get(url).content.decode()


def test_a_bad_cadence_is_refused_with_the_form_kept(client, adopted):
    client.force_login(adopted.manager)
    response = client.post(
        reverse("checkins:cadence", kwargs={"slug": adopted.structure.slug}), {"cadence": "3y"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["cadence"]
    assert cadence_of(adopted.structure.pk) == Cadence.MONTH


def test_drift_is_read_in_the_structure_s_periods(adopted):
    cadence_set(structure=adopted.structure, by=adopted.manager, cadence=Cadence.TWO_WEEKS)
    drifting = _answers(adopted, going="drifting")
    for day in (D(2026, 11, 2), D(2026, 11, 16)):  # two fortnights in a row
        checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=drifting, day=day)
    found = drifting_missions([adopted.role.pk], D(2026, 11, 20))
    assert sorted(found[adopted.role.pk]) == sorted(m.title for m in adopted.missions)
    # Monthly, those two fall in one period: once is not a trend.
    cadence_set(structure=adopted.structure, by=adopted.manager, cadence=Cadence.MONTH)
    assert drifting_missions([adopted.role.pk], D(2026, 11, 20)) == {}


def test_each_answer_keeps_the_time_and_the_lived_experience_its_mission_planned(world):
    lived, plain = world.role.missions.all()
    Mission.objects.filter(pk=plain.pk).update(lived_experience="")
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    version_answer(version=version, by=world.peer_worker, decision="signed")
    # Edited after adoption: the answers follow the adopted version, not the sheet.
    Mission.objects.filter(pk=lived.pk).update(lived_experience="")
    DailyTask.objects.filter(mission=plain).update(duration_minutes=1)
    world.missions = [lived, plain]
    checkin = checkin_submit(
        role=world.role, by=world.peer_worker, answers=_answers(world), day=D(2026, 5, 5)
    )
    answers = {a.mission_id: a for a in CheckIn.objects.get(pk=checkin.pk).answers.all()}
    planned = {
        m["id"]: sum(
            minutes_per_week(t["frequency"], t["times"], t["duration_minutes"]) for t in m["tasks"]
        )
        for m in version.snapshot["missions"]
    }
    assert {pk: a.planned_minutes for pk, a in answers.items()} == planned
    assert all(minutes > 1 for minutes in planned.values())
    assert answers[lived.pk].lived is True
    assert answers[plain.pk].lived is False
