"""Check-ins, the domain: periods, who may check in, what is kept, who reads the notes."""

import datetime
import html
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from checkins.drift import drifting_missions
from checkins.models import Cadence, CheckIn, CheckInExtra
from checkins.periods import period_of, previous_periods
from checkins.services import checkin_submit, notes_visible
from missions.models import Mission
from structures.access import Access
from structures.models import Membership

D = datetime.date


@pytest.mark.parametrize(
    ("day", "cadence", "period"),
    [
        (D(2026, 12, 4), Cadence.MONTH, (D(2026, 12, 1), D(2026, 12, 31))),
        (D(2027, 2, 28), Cadence.MONTH, (D(2027, 2, 1), D(2027, 2, 28))),
        (D(2026, 12, 4), Cadence.TWO_MONTHS, (D(2026, 11, 1), D(2026, 12, 31))),
        (D(2027, 1, 1), Cadence.TWO_MONTHS, (D(2027, 1, 1), D(2027, 2, 28))),
        (D(2024, 1, 1), Cadence.TWO_WEEKS, (D(2024, 1, 1), D(2024, 1, 14))),
        (D(2026, 12, 4), Cadence.TWO_WEEKS, (D(2026, 11, 30), D(2026, 12, 13))),
    ],
)
def test_periods_are_fixed_calendar_slices(day, cadence, period):
    assert period_of(day, cadence) == period
    start, end = period
    assert period_of(start, cadence) == period_of(end, cadence) == period


def test_previous_periods_leave_no_gap():
    periods = previous_periods(D(2026, 3, 15), 12)
    assert periods[0] == (D(2025, 4, 1), D(2025, 4, 30))
    assert periods[-1] == (D(2026, 3, 1), D(2026, 3, 31))
    for (_s1, end), (start, _e2) in itertools.pairwise(periods):
        assert start == end + datetime.timedelta(days=1)


def _answers(world, going="clear", time_spent="as_planned", note=""):
    return {m.pk: (going, time_spent, note) for m in world.missions}


def test_the_peer_worker_checks_in_on_each_mission_of_the_adopted_sheet(adopted):
    checkin = checkin_submit(
        role=adopted.role,
        by=adopted.peer_worker,
        answers=_answers(adopted, "drifting", "more", "On me demande surtout de l'accueil."),
        extras=[("Remplacer au standard", 120)],
        day=D(2026, 12, 4),
    )
    assert (checkin.period_start, checkin.period_end) == (D(2026, 12, 1), D(2026, 12, 31))
    assert checkin.version.number == 1
    answers = list(checkin.answers.all())
    assert [a.mission_title for a in answers] == [m.title for m in adopted.missions]
    assert {(a.going, a.time_spent) for a in answers} == {("drifting", "more")}
    assert [(e.text, e.minutes_per_week) for e in checkin.extras.all()] == [
        ("Remplacer au standard", 120)
    ]


def test_a_second_check_in_in_the_period_replaces_the_first(adopted):
    first = checkin_submit(
        role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted), day=D(2026, 12, 4)
    )
    again = checkin_submit(
        role=adopted.role,
        by=adopted.peer_worker,
        answers=_answers(adopted, "hard"),
        day=D(2026, 12, 20),
    )
    assert again.pk == first.pk and again.revision == 2
    assert set(again.answers.values_list("going", flat=True)) == {"hard"}
    assert CheckIn.objects.count() == 1
    checkin_submit(
        role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted), day=D(2027, 1, 2)
    )
    assert CheckIn.objects.count() == 2


@pytest.mark.parametrize("actor", ["manager", "other_peer_worker", "facilitator", "other_manager"])
def test_only_the_peer_workers_holding_the_role_check_in(adopted, actor):
    with pytest.raises(PermissionDenied):
        checkin_submit(role=adopted.role, by=getattr(adopted, actor), answers=_answers(adopted))
    assert not CheckIn.objects.exists()


def test_a_peer_worker_who_left_the_structure_no_longer_checks_in(adopted):
    Membership.objects.filter(user=adopted.peer_worker).update(is_active=False)
    with pytest.raises(PermissionDenied):
        checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted))


def test_without_an_adopted_version_there_is_nothing_to_check_in_against(world):
    answers = {m.pk: ("clear", "as_planned", "") for m in world.role.missions.all()}
    with pytest.raises(ValidationError, match="pas encore de version validée"):
        checkin_submit(role=world.role, by=world.peer_worker, answers=answers)


def test_every_mission_gets_one_valid_answer(adopted):
    partial = dict(list(_answers(adopted).items())[:1])
    with pytest.raises(ValidationError):
        checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=partial)
    with pytest.raises(ValidationError):
        checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted, "bof"))
    with pytest.raises(ValidationError):
        checkin_submit(
            role=adopted.role,
            by=adopted.peer_worker,
            answers=_answers(adopted),
            extras=[("x" * 301, 30)],  # longer than its column
        )
    assert not CheckIn.objects.exists()


def test_a_mission_removed_later_keeps_its_answer_and_title(adopted):
    checkin = checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted))
    removed = adopted.missions[0]
    Mission.objects.filter(pk=removed.pk).delete()
    answer = checkin.answers.get(mission_title=removed.title)
    assert answer.mission is None


def test_the_database_refuses_two_check_ins_of_a_period_and_impossible_times(adopted):
    checkin = checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted))
    with transaction.atomic(), pytest.raises(IntegrityError):
        CheckIn.objects.create(
            role=checkin.role,
            peer_worker=checkin.peer_worker,
            version=checkin.version,
            period_start=checkin.period_start,
            period_end=checkin.period_end,
            submitted_at=checkin.submitted_at,
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        CheckInExtra.objects.create(checkin=checkin, text="Trop", minutes_per_week=48 * 60 + 1)


def test_the_facilitator_reads_the_notes_only_when_shared(adopted):
    checkin = checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted))
    facilitator, manager = Access("facilitator"), Access("manager")
    peer_worker = Access("peer_worker", is_assigned=True)
    assert not notes_visible(checkin, facilitator)
    assert notes_visible(checkin, manager) and notes_visible(checkin, peer_worker)
    assert not notes_visible(checkin, Access("peer_worker"))  # a colleague not on the role
    shared = checkin_submit(
        role=adopted.role, by=adopted.peer_worker, answers=_answers(adopted), share_notes=True
    )
    assert notes_visible(shared, facilitator)


def _check_in(world, day, going="drifting", by=None):
    answers = {m.pk: (going, "more", "") for m in world.missions}
    return checkin_submit(role=world.role, by=by or world.peer_worker, answers=answers, day=day)


def test_a_mission_drifting_twice_in_a_row_is_an_alert(adopted):
    _check_in(adopted, D(2026, 10, 10))
    assert drifting_missions([adopted.role.pk], D(2026, 11, 20)) == {}  # once is not a trend
    _check_in(adopted, D(2026, 11, 10))
    found = drifting_missions([adopted.role.pk], D(2026, 11, 20))
    assert found == {adopted.role.pk: [m.title for m in adopted.missions]}
    # The current period not yet checked in: the two before it still count.
    assert drifting_missions([adopted.role.pk], D(2026, 12, 4)) == found
    # Months later, it is history, not an alert.
    assert drifting_missions([adopted.role.pk], D(2027, 3, 1)) == {}


def test_drifting_in_periods_apart_or_said_once_is_not_an_alert(adopted):
    _check_in(adopted, D(2026, 9, 10))
    _check_in(adopted, D(2026, 10, 10), going="clear")
    _check_in(adopted, D(2026, 11, 10))
    assert drifting_missions([adopted.role.pk], D(2026, 11, 20)) == {}


def test_the_portfolio_shows_the_drift_and_links_the_check_ins(client, adopted):
    client.force_login(adopted.facilitator)
    client.get("/portfolio/")  # kept in the cache: the check-ins must move its counters
    today = timezone.localdate()
    start, _end = period_of(today)
    _check_in(adopted, start - datetime.timedelta(days=1))
    _check_in(adopted, today)
    page = html.unescape(client.get("/portfolio/").content.decode())
    title = adopted.missions[0].title
    assert f"« {title} » : signalée deux fois de suite" in page.replace("\u00a0", " ")
    assert reverse("checkins:list", args=[adopted.role.pk]) in page


def test_the_role_sheet_shows_the_drift_alert_to_those_who_read_check_ins(client, adopted):
    url = reverse("roles:detail", args=[adopted.role.pk])
    client.force_login(adopted.manager)
    assert "Ce que disent les points d'étape" not in client.get(url).content.decode()  # cached
    today = timezone.localdate()
    _check_in(adopted, period_of(today)[0] - datetime.timedelta(days=1))
    _check_in(adopted, today)
    page = html.unescape(client.get(url).content.decode())
    assert "Ce que disent les points d'étape" in page
    assert adopted.missions[0].title in page.split("Ce que disent les points d'étape")[1]
    client.force_login(adopted.other_peer_worker)  # reads the sheet, not the check-ins
    assert "Ce que disent les points d'étape" not in client.get(url).content.decode()
