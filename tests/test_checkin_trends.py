"""The trends of the check-ins (issue #14): the figures per period, computed in SQL; the charts
as SVG without JavaScript; the tables that say the same in text; who sees them."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from checkins.charts import chart_svg, going_chart, lived_chart
from checkins.models import Cadence
from checkins.periods import period_of, previous_periods
from checkins.services import cadence_set, checkin_submit
from checkins.trends import PERIODS, role_trends, structure_trends
from sheets.versions import version_answer, version_request
from structures.models import Capacity

from .factories import MembershipFactory, RoleAssignmentFactory, RoleFactory

D = datetime.date


def _submit(world, person=None, going=("clear", "clear"), spent=("as_planned",) * 2, **kwargs):
    """A check-in on the world's two missions (120 min a week each, the first one lived)."""
    answers = {m.pk: (g, s, "") for m, g, s in zip(world.missions, going, spent, strict=True)}
    return checkin_submit(
        role=world.role, by=person or world.peer_worker, answers=answers, **kwargs
    )


def _months_ago(months):
    day = timezone.localdate()
    for _index in range(months):
        day = period_of(day)[0] - datetime.timedelta(days=1)
    return day


def _second_holder(world):
    person = MembershipFactory(structure=world.structure, capacity=Capacity.PEER_WORKER).user
    RoleAssignmentFactory(role=world.role, peer_worker=person)
    return person


# --- the figures ---------------------------------------------------------------------------


def test_planned_and_reported_shares_a_worked_example(adopted):
    # Planned: the lived mission has 120 of the sheet's 240 minutes a week → 50 %.
    # Reported: lived 120 × 1.5 (more time) = 180; the other 120 × 0.5 (less time) = 60; work
    # outside the sheet 60 → 180 / (180 + 60 + 60) = 60 %.
    _submit(adopted, going=("clear", "drifting"), spent=("more", "less"), extras=[("Accueil", 60)])
    current = role_trends([adopted.role.pk])[adopted.role.pk].periods[-1]
    assert current.planned_share == 50
    assert current.reported_share == 60
    assert (current.clear, current.hard, current.drifting) == (1, 0, 1)


def test_as_planned_with_nothing_outside_reports_the_planned_share(adopted):
    _submit(adopted)
    current = role_trends([adopted.role.pk])[adopted.role.pk].periods[-1]
    assert current.planned_share == current.reported_share == 50


def test_two_peer_workers_of_a_period_add_up(adopted):
    _submit(adopted, going=("hard", "clear"), spent=("less", "less"))
    _submit(adopted, _second_holder(adopted), going=("hard", "drifting"), spent=("more", "more"))
    current = role_trends([adopted.role.pk])[adopted.role.pk].periods[-1]
    assert (current.clear, current.hard, current.drifting) == (1, 2, 1)
    # (60 + 180) lived of (60 + 60 + 180 + 180): half, as planned.
    assert current.reported_share == 50


def test_a_period_without_a_check_in_is_a_gap(adopted):
    _submit(adopted, day=_months_ago(3))
    _submit(adopted)
    trend = role_trends([adopted.role.pk])[adopted.role.pk]
    assert len(trend.periods) == PERIODS
    figures = [(p.clear, p.planned_share, p.reported_share) for p in trend.periods]
    assert figures[-1] == figures[-4] == (2, 50, 50)
    for period in trend.periods[:-4] + trend.periods[-3:-1]:
        assert period.gap
        assert (period.clear, period.hard, period.drifting) == (None, None, None)
        assert (period.planned_share, period.reported_share) == (None, None)


def test_older_check_ins_are_out_of_the_last_periods(adopted):
    _submit(adopted, day=_months_ago(PERIODS))
    trend = role_trends([adopted.role.pk])[adopted.role.pk]
    assert not trend.has_checkins


def test_the_periods_follow_the_structure_s_cadence(adopted):
    today = timezone.localdate()
    cadence_set(structure=adopted.structure, by=adopted.manager, cadence=Cadence.TWO_WEEKS)
    _submit(adopted, day=today - datetime.timedelta(days=14))
    trend = role_trends([adopted.role.pk])[adopted.role.pk]
    assert trend.cadence == Cadence.TWO_WEEKS
    fortnights = previous_periods(today, PERIODS, Cadence.TWO_WEEKS)
    assert [(p.start, p.end) for p in trend.periods] == fortnights
    assert [p.gap for p in trend.periods] == [True] * 10 + [False, True]


def test_a_structure_s_trend_adds_up_its_roles(adopted):
    other = RoleFactory(structure=adopted.structure, with_missions=1)
    RoleAssignmentFactory(role=other, peer_worker=adopted.peer_worker)
    version = version_request(role=other, by=adopted.manager)
    version_answer(version=version, by=adopted.manager, decision="signed")
    version_answer(version=version, by=adopted.peer_worker, decision="signed")
    _submit(adopted, going=("clear", "hard"))
    mission = other.missions.get()
    checkin_submit(
        role=other, by=adopted.peer_worker, answers={mission.pk: ("drifting", "more", "")}
    )
    trends = structure_trends([adopted.structure.pk, adopted.other_structure.pk])
    current = trends[adopted.structure.pk].periods[-1]
    assert (current.clear, current.hard, current.drifting) == (1, 1, 1)
    # Planned 120 + 120 lived of 360; reported 120 + 180 lived of 120 + 120 + 180.
    assert (current.planned_share, current.reported_share) == (67, 71)
    assert not trends[adopted.other_structure.pk].has_checkins


def test_the_figures_in_short_a_worked_example(adopted):
    # Last month: the lived mission drifting with more time, the other hard with less, an
    # hour a week outside the sheet (the worked example above: 50 % planned, 60 % reported).
    _submit(
        adopted,
        going=("drifting", "hard"),
        spent=("more", "less"),
        extras=[("Accueil", 60)],
        day=_months_ago(1),
    )
    trend = role_trends([adopted.role.pk])[adopted.role.pk]
    # This month has no check-in yet: the last two periods are the two months before.
    assert [p.start for p in trend.recent] == [p.start for p in trend.periods[-3:-1]]
    assert (trend.recent_drifting, trend.recent_hard) == (1, 1)
    assert trend.latest is trend.periods[-2]
    assert trend.outside_share == 25  # 60 of the 240 minutes the sheet plans
    assert (trend.latest.planned_share, trend.latest.reported_share) == (50, 60)
    assert trend.skipped == 10  # eleven periods over, one checked in; this one is open

    _submit(adopted)  # this month, as agreed, nothing outside
    trend = role_trends([adopted.role.pk])[adopted.role.pk]
    assert (trend.recent_drifting, trend.recent_hard) == (1, 1)  # last month still counts
    assert trend.latest is trend.periods[-1]
    assert trend.outside_share == 0
    assert trend.skipped == 10


def test_no_check_in_lately_says_so_rather_than_zero(adopted):
    _submit(adopted, going=("drifting", "drifting"), day=_months_ago(4))
    trend = role_trends([adopted.role.pk])[adopted.role.pk]
    assert trend.has_checkins and trend.latest is None
    assert (trend.recent_drifting, trend.outside_share) == (0, None)


def test_the_sheet_and_the_portfolio_say_the_figures_in_words(client, adopted):
    _submit(
        adopted,
        going=("drifting", "hard"),
        spent=("more", "less"),
        extras=[("Accueil", 60)],
        day=_months_ago(1),
    )
    nbsp = "\u00a0"
    client.force_login(adopted.manager)
    sheet = html.unescape(client.get(adopted.role.get_absolute_url()).content.decode())
    assert f"Réponses «{nbsp}à la dérive{nbsp}», deux dernières périodes" in sheet
    assert f"25{nbsp}% de la semaine prévue" in sheet
    assert f"50{nbsp}% prévu, 60{nbsp}% selon les points d'étape" in sheet
    assert "Périodes sans point d'étape, sur les 12 dernières" in sheet
    client.force_login(adopted.facilitator)
    portfolio = html.unescape(client.get(reverse("portfolio")).content.decode())
    assert f"50{nbsp}% prévu, 60{nbsp}% selon les points d'étape" in portfolio


@pytest.mark.parametrize("size", [1, 10])
def test_the_trend_data_costs_one_query(adopted, django_assert_num_queries, size):
    people = [adopted.peer_worker] + [_second_holder(adopted) for _ in range(size - 1)]
    for person in people:
        for months in range(min(size, PERIODS)):
            _submit(adopted, person, extras=[("Accueil", 30)], day=_months_ago(months))
    with django_assert_num_queries(1):
        trend = role_trends([adopted.role.pk])[adopted.role.pk]
    assert trend.periods[-1].clear == 2 * size
    with django_assert_num_queries(1):
        structure_trends([adopted.structure.pk, adopted.other_structure.pk])


# --- the charts ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["going", "lived"])
def test_the_role_chart_is_an_svg_without_script(client, adopted, kind):
    _submit(adopted)
    client.force_login(adopted.manager)
    url = reverse("checkins:role_trend", kwargs={"role_id": adopted.role.pk, "kind": kind})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert "<script" not in svg.lower()
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "default-src 'none'" in policy
    # The override is for the image only: the pages keep their strict policy.
    page = client.get(reverse("checkins:list", kwargs={"role_id": adopted.role.pk}))
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_the_structure_chart_is_an_svg_without_script(client, adopted):
    _submit(adopted)
    client.force_login(adopted.facilitator)
    url = reverse(
        "checkins:structure_trend", kwargs={"slug": adopted.structure.slug, "kind": "lived"}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "<script" not in response.content.decode().lower()


def test_an_unknown_chart_is_not_found(client, adopted):
    client.force_login(adopted.manager)
    url = reverse("checkins:role_trend", kwargs={"role_id": adopted.role.pk, "kind": "other"})
    assert client.get(url).status_code == 404


def test_the_chart_is_never_stale(client, adopted):
    _submit(adopted)
    client.force_login(adopted.manager)
    url = reverse("checkins:role_trend", kwargs={"role_id": adopted.role.pk, "kind": "lived"})
    with translation.override("en"):
        before = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert ">50%<" in before
        _submit(adopted, spent=("more", "less"))  # the same period, answered again
        after = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">75%<" in after


def test_the_labels_are_in_the_reader_s_language(client, adopted):
    _submit(adopted, going=("clear", "drifting"), spent=("more", "less"), extras=[("Accueil", 60)])
    trend = role_trends([adopted.role.pk])[adopted.role.pk]
    with translation.override("fr"):
        going, lived = chart_svg(trend, "going"), chart_svg(trend, "lived")
    assert "comme convenu" in going and "à la dérive" in going
    assert "60\u00a0%" in lived and "prévu sur la fiche" in lived
    with translation.override("en"):
        going, lived = chart_svg(trend, "going"), chart_svg(trend, "lived")
    assert "as agreed" in going and "drifting away" in going
    assert "60%" in lived and "planned on the sheet" in lived
    client.force_login(adopted.manager)
    url = reverse("checkins:role_trend", kwargs={"role_id": adopted.role.pk, "kind": "going"})
    assert "comme convenu" in client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "as agreed" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


# --- the text alternative ------------------------------------------------------------------


def _tables(page):
    """The rows of each table of the trends: [[header, cell, …], …] per table."""
    found = []
    for table in re.findall(r"<table class=\"table table-sm\">(.*?)</table>", page, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        found.append(
            [
                [
                    html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                    for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
                ]
                for row in rows[1:]
            ]
        )
    return found


def test_the_tables_hold_the_figures_of_the_charts(client, adopted):
    _submit(adopted, day=_months_ago(2), going=("hard", "hard"))
    _submit(adopted, going=("clear", "drifting"), spent=("more", "less"), extras=[("Accueil", 60)])
    trend = role_trends([adopted.role.pk])[adopted.role.pk]
    client.force_login(adopted.manager)
    with translation.override("en"):
        page = client.get(
            reverse("checkins:list", kwargs={"role_id": adopted.role.pk}),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        going, lived = _tables(page)
        series = [values for values, _options in going_chart(trend).raw_series]
        shares = [values for values, _options in lived_chart(trend).raw_series]
    assert len(going) == len(lived) == PERIODS
    for index, row in enumerate(going):
        if trend.periods[index].gap:
            assert row[1:] == ["no check-in"]
        else:
            assert row[1:] == [str(values[index]) for values in series]
    for index, row in enumerate(lived):
        if not trend.periods[index].gap:
            assert row[1:] == [f"{values[index]}%" for values in shares]
    assert going[-1][1:] == ["1", "0", "1"] and lived[-1][1:] == ["50%", "60%"]
    assert going[-3][1:] == ["0", "2", "0"]
    assert going[-2][1:] == ["no check-in"]
    assert '<caption class="caption-top">' in page and '<th scope="row">' in page
    assert 'class="table-responsive"' in page
    assert page.count('alt="Chart of') == 2


def test_the_sheet_shows_the_trends_to_readers_only(client, adopted):
    url = adopted.role.get_absolute_url()
    client.force_login(adopted.manager)
    page = client.get(url).content.decode()
    assert "checkin-trends" in page
    assert reverse("checkins:role_trend", args=[adopted.role.pk, "going"]) not in page
    _submit(adopted)
    page = client.get(url).content.decode()
    for kind in ("going", "lived"):
        assert reverse("checkins:role_trend", args=[adopted.role.pk, kind]) in page
    client.force_login(adopted.other_peer_worker)
    assert "checkin-trends" not in client.get(url).content.decode()


def test_no_chart_without_check_ins_says_so(client, adopted):
    client.force_login(adopted.manager)
    with translation.override("en"):
        page = client.get(
            reverse("checkins:list", kwargs={"role_id": adopted.role.pk}),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
    assert "No check-in in the last 12 periods: no chart yet." in page
    assert "<img" not in page.split("checkin-trends")[-1].split("</section>")[0]


def test_the_portfolio_shows_each_structure_s_trends(client, adopted):
    _submit(adopted, going=("clear", "drifting"))
    client.force_login(adopted.facilitator)
    page = client.get(reverse("portfolio")).content.decode()
    for kind in ("going", "lived"):
        assert reverse("checkins:structure_trend", args=[adopted.structure.slug, kind]) in page
    going, _lived = _tables(page)
    assert going[-1][1:] == ["1", "0", "1"]
