"""Check-in periods: fixed calendar slices, so that a skipped period stays a gap (never
guessed) and two people's check-ins of the same month compare."""

import datetime

from core.dates import months_later

from .models import Cadence

# Two-week periods count from a Monday, the same for every structure.
_FORTNIGHT_ORIGIN = datetime.date(2024, 1, 1)


def _month_start(day, months):
    """The first day of the `months`-long slice of the year holding `day`."""
    month = (day.month - 1) // months * months + 1
    return day.replace(month=month, day=1)


def period_of(day, cadence=Cadence.MONTH):
    """(first day, last day) of the period holding `day`."""
    if cadence == Cadence.TWO_WEEKS:
        start = day - datetime.timedelta(days=(day - _FORTNIGHT_ORIGIN).days % 14)
        return start, start + datetime.timedelta(days=13)
    months = 2 if cadence == Cadence.TWO_MONTHS else 1
    start = _month_start(day, months)
    return start, months_later(start, months) - datetime.timedelta(days=1)


def previous_periods(day, count, cadence=Cadence.MONTH):
    """The `count` periods up to the one holding `day`, oldest first."""
    periods = [period_of(day, cadence)]
    while len(periods) < count:
        periods.insert(0, period_of(periods[0][0] - datetime.timedelta(days=1), cadence))
    return periods


def period_index(periods, day):
    """The index in `periods` of the one holding `day` (None if none does): check-ins written
    under another cadence find their place in the current one's periods."""
    for index, (start, end) in enumerate(periods):
        if start <= day <= end:
            return index
    return None
