"""Calendar arithmetic the standard library leaves out."""

import calendar


def months_later(day, months):
    """`day` moved by `months` calendar months, kept within the month (31 January + 1 month
    is the last day of February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
