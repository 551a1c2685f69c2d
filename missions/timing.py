"""Time as people count it: how often a task comes back and how long it takes each time.

The conventions, in one place (the Python property and the SQL annotations both read them, so
the numbers match everywhere):
- a working week has 5 days ("chaque jour" = 5 times a week);
- a month is 52/12 weeks, a quarter 13 weeks, a year 52 weeks;
- "ponctuel" (occasionally) counts 0 minutes a week: it is shown, not added up;
- minutes a week are whole minutes, rounded half up.
"""

from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# 48 hours a week is the legal maximum in France; more is a typo.
MAX_MINUTES_PER_WEEK = 48 * 60
# One occurrence lasts at most two days of 24 h (a yearly seminar, say).
MAX_DURATION_MINUTES = 48 * 60
# "n times a month" goes up to every day of a month.
MAX_TIMES = 31
WORKING_DAYS_PER_WEEK = 5


class Frequency(models.TextChoices):
    DAILY = "daily", gettext_lazy("every day")
    TIMES_A_WEEK = "times_a_week", gettext_lazy("a few times a week")
    WEEKLY = "weekly", gettext_lazy("every week")
    TIMES_A_MONTH = "times_a_month", gettext_lazy("a few times a month")
    MONTHLY = "monthly", gettext_lazy("every month")
    QUARTERLY = "quarterly", gettext_lazy("every quarter")
    YEARLY = "yearly", gettext_lazy("every year")
    OCCASIONAL = "occasional", gettext_lazy("occasionally")


# The kinds where "how many times" means something; elsewhere `times` is 1.
COUNTED = (Frequency.TIMES_A_WEEK, Frequency.TIMES_A_MONTH)

# Occurrences a week for one "time", as a fraction (numerator, denominator).
PER_WEEK = {
    Frequency.DAILY: (WORKING_DAYS_PER_WEEK, 1),
    Frequency.TIMES_A_WEEK: (1, 1),
    Frequency.WEEKLY: (1, 1),
    Frequency.TIMES_A_MONTH: (12, 52),
    Frequency.MONTHLY: (12, 52),
    Frequency.QUARTERLY: (1, 13),
    Frequency.YEARLY: (1, 52),
    Frequency.OCCASIONAL: (0, 1),
}


def normalize_times(frequency, times):
    """(frequency, times) as stored: "every week" typed with 3 times means 3 times a week;
    where "how many times" means nothing, it is 1."""
    if times and times > 1:
        frequency = {Frequency.WEEKLY: Frequency.TIMES_A_WEEK}.get(frequency, frequency)
        frequency = {Frequency.MONTHLY: Frequency.TIMES_A_MONTH}.get(frequency, frequency)
    return frequency, (times or 1) if frequency in COUNTED else 1


def minutes_per_week(frequency, times, duration):
    """Whole minutes a week that a task amounts to (rounded half up)."""
    numerator, denominator = PER_WEEK.get(frequency, (0, 1))
    total = int(duration or 0) * int(times or 1) * numerator
    return (2 * total + denominator) // (2 * denominator)


def minutes_per_week_sql(prefix=""):
    """`minutes_per_week` as an SQL expression over a task's columns (`prefix` like "tasks__"),
    for annotations and constraints: the same integer arithmetic, the same rounding."""
    duration, times = models.F(f"{prefix}duration_minutes"), models.F(f"{prefix}times")
    whens = []
    for frequency, (numerator, denominator) in PER_WEEK.items():
        total = duration * times * Value(numerator)
        whens.append(
            When(
                **{f"{prefix}frequency": frequency},
                then=(Value(2) * total + Value(denominator)) / Value(2 * denominator),
            )
        )
    return Case(*whens, default=Value(0), output_field=IntegerField())


def from_legacy(frequency, minutes):
    """(frequency, times, duration) for a task stored the old way: a frequency word and the
    minutes a week it takes in total. The weekly total is kept exactly; the frequency too
    when a whole duration a time gives that total, otherwise the task becomes "every week".
    Old "from time to time" tasks counted in the totals, so they become "every week" too
    (new "occasionally" tasks count 0)."""
    minutes = int(minutes or 0)
    if frequency == "daily" and minutes % WORKING_DAYS_PER_WEEK == 0:
        return Frequency.DAILY.value, 1, minutes // WORKING_DAYS_PER_WEEK
    if frequency == "several_a_week":
        for times in (2, 3):
            if minutes and minutes % times == 0:
                return Frequency.TIMES_A_WEEK.value, times, minutes // times
    if frequency == "monthly":
        # A month is 52/12 weeks: the nearest whole duration a month always rounds back.
        duration = (2 * minutes * 52 + 12) // 24
        if duration <= MAX_DURATION_MINUTES:
            return Frequency.MONTHLY.value, 1, duration
    if frequency == "occasional" and not minutes:
        return Frequency.OCCASIONAL.value, 1, 0
    if frequency not in {"daily", "several_a_week", "weekly", "monthly", "occasional"}:
        return frequency, 1, minutes  # not a frequency: left for validation to refuse
    return Frequency.WEEKLY.value, 1, minutes


def task_values(item):
    """The time fields of a task dict, new keys or old ones (stored proposals, versions and
    exports written before tasks had a duration a time)."""
    if "duration_minutes" not in item and "minutes_per_week" in item:
        frequency, times, duration = from_legacy(item.get("frequency"), item["minutes_per_week"])
        return {"frequency": frequency, "times": times, "duration_minutes": duration}
    return {
        "frequency": item.get("frequency") or Frequency.WEEKLY,
        "times": item.get("times") or 1,
        "duration_minutes": item.get("duration_minutes") or 0,
    }


def upgrade(item):
    """A task dict with the new time keys in place of the old ones (a copy)."""
    if "minutes_per_week" not in item or "duration_minutes" in item:
        return dict(item)
    values = {k: v for k, v in item.items() if k != "minutes_per_week"}
    return values | task_values(item)


def duration(minutes):
    """Minutes as plain hours and minutes: 90 → "1 h 30", 45 → "45 min" (no line break)."""
    hours, rest = divmod(int(minutes or 0), 60)
    if not hours:
        text = _("%(minutes)s min") % {"minutes": rest}
    elif not rest:
        text = _("%(hours)s h") % {"hours": hours}
    else:
        text = _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}
    return text.replace(" ", "\u00a0")


def _how_often(frequency, times):
    if frequency == Frequency.TIMES_A_WEEK:
        return ngettext("once a week", "%(count)s times a week", times) % {"count": times}
    if frequency == Frequency.TIMES_A_MONTH:
        return ngettext("once a month", "%(count)s times a month", times) % {"count": times}
    return str(Frequency(frequency).label)


def task_time_label(task):
    """How often and how long, as people say it, with the time a week it amounts to:
    "2 fois par semaine · 30 min → 1 h par semaine", "1 h par trimestre (≈ 5 min par semaine)".
    `task` is a DailyTask or a task dict (new keys or old ones)."""
    if isinstance(task, dict):
        values = task_values(task)
    else:
        values = {n: getattr(task, n) for n in ("frequency", "times", "duration_minutes")}
    frequency, times, each = values["frequency"], values["times"], values["duration_minutes"]
    if frequency not in PER_WEEK:
        return str(frequency)
    week = duration(minutes_per_week(frequency, times, each))
    time = duration(each)
    if frequency == Frequency.OCCASIONAL:
        if not each:
            return _("Occasionally (not counted per week)")
        return _("Occasionally · %(time)s each time (not counted per week)") % {"time": time}
    if frequency == Frequency.WEEKLY:
        return _("%(time)s a week") % {"time": time}
    if frequency == Frequency.MONTHLY:
        return _("%(time)s a month (≈ %(week)s a week)") % {"time": time, "week": week}
    if frequency == Frequency.QUARTERLY:
        return _("%(time)s a quarter (≈ %(week)s a week)") % {"time": time, "week": week}
    if frequency == Frequency.YEARLY:
        return _("%(time)s a year (≈ %(week)s a week)") % {"time": time, "week": week}
    how_often = _how_often(frequency, times)
    if frequency == Frequency.TIMES_A_MONTH:
        text = _("%(how_often)s · %(time)s (≈ %(week)s a week)")
    else:
        text = _("%(how_often)s · %(time)s → %(week)s a week")
    return text % {"how_often": how_often[:1].upper() + how_often[1:], "time": time, "week": week}
