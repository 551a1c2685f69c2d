"""What the check-ins of the last periods say, period by period, for a role or a structure
(the trend charts and their tables, issue #14). One query for any number of roles or
structures: the answers and the check-ins, summed per period in SQL.

Per period:
- how the missions go: the answers "as agreed", "hard", "drifting away";
- the share of time on lived-experience missions, *planned*: the minutes a week the adopted
  sheet gives to the missions that draw on lived experience, over all its minutes;
- the same share *as reported*: each answer's planned minutes weighted by the time it took
  (less time ×0.5, about the time ×1, more time ×1.5, `TIME_WEIGHT`), and the work outside
  the sheet added to the whole (it never counts as lived experience).

Periods follow the structure's cadence (checkins.periods); a period without any check-in is a
gap, all its figures None: nothing is guessed or drawn between two check-ins."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from .models import Cadence, CheckIn, CheckInAnswer, Going, TimeSpent
from .periods import period_index, previous_periods

PERIODS = 12
TIME_WEIGHT = {TimeSpent.LESS: 0.5, TimeSpent.AS_PLANNED: 1, TimeSpent.MORE: 1.5}
_CADENCE = "role__structure__checkin_cadence__cadence"
_FIGURES = (
    "checkins",
    "clear",
    "hard",
    "drifting",
    "planned",
    "planned_lived",
    "reported",  # in half minutes, so that the weighted sums stay integers in SQL
    "reported_lived",
    "outside",
)


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


@dataclass
class Period:
    start: object
    end: object
    sums: dict = field(default_factory=dict)  # _FIGURES, empty for a gap

    @property
    def gap(self):
        return not self.sums.get("checkins")

    def _figure(self, name):
        return None if self.gap else self.sums[name]

    @property
    def clear(self):
        return self._figure("clear")

    @property
    def hard(self):
        return self._figure("hard")

    @property
    def drifting(self):
        return self._figure("drifting")

    @property
    def planned_share(self):
        """Percent of the planned minutes on lived-experience missions (None: gap, no time)."""
        return None if self.gap else _percent(self.sums["planned_lived"], self.sums["planned"])

    @property
    def reported_share(self):
        """Percent of the reported time on lived-experience missions (None: gap, no time)."""
        if self.gap:
            return None
        whole = self.sums["reported"] + 2 * self.sums["outside"]  # in half minutes
        return _percent(self.sums["reported_lived"], whole)


@dataclass
class Trend:
    cadence: str
    periods: list  # of Period, oldest first

    @property
    def has_checkins(self):
        return any(not period.gap for period in self.periods)

    # What the charts say in a few figures (issue #14's indicators), from the same sums.

    @property
    def recent(self):
        """The last two periods; the current one is left out while nobody has checked in."""
        periods = self.periods
        if periods and periods[-1].gap and periods[-1].end >= timezone.localdate():
            periods = periods[:-1]
        return periods[-2:]

    @property
    def recent_drifting(self):
        return sum(period.drifting or 0 for period in self.recent)

    @property
    def recent_hard(self):
        return sum(period.hard or 0 for period in self.recent)

    @property
    def latest(self):
        """The latest of the recent periods that has check-ins, or None."""
        return next((period for period in reversed(self.recent) if not period.gap), None)

    @property
    def outside_share(self):
        """Work outside the sheet in the latest period, in percent of the week its check-ins
        plan (None: no check-in lately, or no time on the sheet)."""
        latest = self.latest
        return None if latest is None else _percent(latest.sums["outside"], latest.sums["planned"])

    @property
    def skipped(self):
        """Periods over without any check-in (the current one is never counted)."""
        today = timezone.localdate()
        return sum(1 for period in self.periods if period.gap and period.end < today)


def _reported_halves():
    return Case(
        *[
            When(time_spent=spent, then=F("planned_minutes") * int(2 * weight))
            for spent, weight in TIME_WEIGHT.items()
        ],
        default=0,
        output_field=IntegerField(),
    )


def _rows(scope, ids, since):
    """Per (role or structure, period start, cadence): the sums of _FIGURES, from the answers
    and from the check-ins (counted, with their work outside the sheet), in one query."""
    zero = Value(0, output_field=IntegerField())
    answer = {"checkin__period_start__gte": since, f"checkin__{scope}__in": ids}
    reported = _reported_halves()
    answers = (
        CheckInAnswer.objects.filter(**answer)
        .values(
            key=F(f"checkin__{scope}"),
            start=F("checkin__period_start"),
            cadence=F(f"checkin__{_CADENCE}"),
        )
        .annotate(
            checkins=zero,
            clear=Count("pk", filter=Q(going=Going.CLEAR)),
            hard=Count("pk", filter=Q(going=Going.HARD)),
            drifting=Count("pk", filter=Q(going=Going.DRIFTING)),
            planned=Sum("planned_minutes"),
            planned_lived=Sum("planned_minutes", filter=Q(lived=True)),
            reported=Sum(reported),
            reported_lived=Sum(reported, filter=Q(lived=True)),
            outside=zero,
        )
        .order_by()
    )
    checkins = (
        CheckIn.objects.filter(period_start__gte=since, **{f"{scope}__in": ids})
        .values(key=F(scope), start=F("period_start"), cadence=F(_CADENCE))
        .annotate(
            checkins=Count("pk", distinct=True),
            **dict.fromkeys(_FIGURES[1:-1], zero),
            outside=Sum("extras__minutes_per_week"),
        )
        .order_by()
    )
    return answers.union(checkins, all=True).order_by()


def _trends(scope, ids, day):
    day = day or timezone.localdate()
    periods = {c: previous_periods(day, PERIODS, c) for c in Cadence.values}
    since = min(p[0][0] for p in periods.values())
    trends = {}
    for row in _rows(scope, list(ids), since) if ids else ():
        cadence = row["cadence"] or Cadence.MONTH
        trend = trends.get(row["key"])
        if trend is None:
            trend = trends[row["key"]] = Trend(
                cadence, [Period(start, end) for start, end in periods[cadence]]
            )
        index = period_index(periods[cadence], row["start"])
        if index is not None:
            sums = trend.periods[index].sums
            for name in _FIGURES:
                sums[name] = sums.get(name, 0) + (row[name] or 0)
    empty = [Period(start, end) for start, end in periods[Cadence.MONTH]]
    return {key: trends.get(key) or Trend(Cadence.MONTH, empty) for key in ids}


def role_trends(role_ids, day=None):
    """{role id: Trend} of the check-ins of the roles, whoever wrote them."""
    return _trends("role_id", role_ids, day)


def structure_trends(structure_ids, day=None):
    """{structure id: Trend} of the check-ins on all the roles of the structures."""
    return _trends("role__structure_id", structure_ids, day)
