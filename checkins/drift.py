"""Drift made visible, for the portfolio (one query each, for any number of roles):
- a mission that its peer worker reports drifting away from what was agreed in two periods in
  a row;
- work outside the sheet, in a peer worker's last check-in, above a share of the planned week
  (`CHECKIN_OUTSIDE_SHARE_ALERT`)."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .models import Cadence, CheckIn, CheckInAnswer, Going
from .periods import period_index, previous_periods

# Two periods in a row among the last three: the current one may not be checked in yet.
LOOK_BACK = 3


def _periods(day, count):
    """{cadence: its last `count` periods up to `day`}, and the first day of the oldest."""
    periods = {c: previous_periods(day or timezone.localdate(), count, c) for c in Cadence.values}
    return periods, min(p[0][0] for p in periods.values())


CADENCE = "checkin__role__structure__checkin_cadence__cadence"


def drifting_missions(role_ids, day=None):
    """{role id: [mission titles]} of the missions reported drifting in two periods in a row
    (by the same peer worker), among the last three periods of the structure's cadence."""
    periods, since = _periods(day, LOOK_BACK)
    rows = CheckInAnswer.objects.filter(
        checkin__role_id__in=role_ids,
        checkin__period_start__gte=since,
        going=Going.DRIFTING,
    ).values_list(
        "checkin__role_id",
        "checkin__peer_worker_id",
        "mission_title",
        "checkin__period_start",
        CADENCE,
    )
    reported = defaultdict(set)
    for role_id, person, title, start, cadence in rows:
        index = period_index(periods[cadence or Cadence.MONTH], start)
        if index is not None:
            reported[(role_id, person, title)].add(index)
    found = defaultdict(list)
    for (role_id, _person, title), indexes in sorted(reported.items(), key=str):
        if any(i + 1 in indexes for i in indexes) and title not in found[role_id]:
            found[role_id].append(title)
    return dict(found)


def outside_the_sheet(roles, day=None):
    """{role id: the largest share (percent) of its planned week that a peer worker's check-in
    of the last two periods reports as work outside the sheet}, for the roles where it is over
    `CHECKIN_OUTSIDE_SHARE_ALERT`. `roles` carry `minutes_total` (sheets.indicators)."""
    planned = {role.pk: role.minutes_total for role in roles if role.minutes_total}
    periods, since = _periods(day, 2)
    rows = (
        CheckIn.objects.filter(role_id__in=planned, period_start__gte=since)
        .annotate(outside=Sum("extras__minutes_per_week"))
        .filter(outside__gt=0)
        .values_list("role_id", "outside", "period_start", CADENCE.removeprefix("checkin__"))
    )
    found = {}
    for role_id, minutes, start, cadence in rows:
        if period_index(periods[cadence or Cadence.MONTH], start) is None:
            continue
        share = round(100 * minutes / planned[role_id])
        if share > settings.CHECKIN_OUTSIDE_SHARE_ALERT:
            found[role_id] = max(share, found.get(role_id, 0))
    return found
