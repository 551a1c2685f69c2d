"""Drift made visible: a mission that its peer worker reports drifting away from what was
agreed in two periods in a row. One query for any number of roles."""

from collections import defaultdict

from django.utils import timezone

from .models import CheckInAnswer, Going
from .periods import previous_periods

# Two periods in a row among the last three: the current one may not be checked in yet.
LOOK_BACK = 3


def drifting_missions(role_ids, day=None):
    """{role id: [mission titles]} of the missions reported drifting in two periods in a row
    (by the same peer worker), among the last three periods."""
    periods = [start for start, _end in previous_periods(day or timezone.localdate(), LOOK_BACK)]
    rows = CheckInAnswer.objects.filter(
        checkin__role_id__in=role_ids,
        checkin__period_start__in=periods,
        going=Going.DRIFTING,
    ).values_list(
        "checkin__role_id", "checkin__peer_worker_id", "mission_title", "checkin__period_start"
    )
    reported = defaultdict(set)
    for role_id, person, title, start in rows:
        reported[(role_id, person, title)].add(periods.index(start))
    found = defaultdict(list)
    for (role_id, _person, title), indexes in sorted(reported.items(), key=str):
        if any(i + 1 in indexes for i in indexes) and title not in found[role_id]:
            found[role_id].append(title)
    return dict(found)
