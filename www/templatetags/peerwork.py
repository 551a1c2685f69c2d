"""Template filters and tags every page may use (on the top floor: they know every floor)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core.worddiff import word_diff as segments
from missions.timing import task_time_label

register = template.Library()


@register.filter
def duration(minutes):
    """Minutes as plain hours and minutes: 90 → "1 h 30", 45 → "45 min"."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    if not rest:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}


@register.filter
def task_time(task):
    """How often and how long a task takes, with its time a week (a task or a task dict)."""
    return task_time_label(task)


@register.filter
def saved_value(obj, field_name):
    """A field of the saved object as a person reads it (choice labels, not codes)."""
    display = getattr(obj, f"get_{field_name}_display", None)
    return display() if display else getattr(obj, field_name, "")


@register.simple_tag
def word_diff(old, new):
    """`old` → `new` with the changed words marked: <del> / <ins> (struck / underlined, not
    colour alone) and, for screen readers, which do not announce them, hidden words saying so."""
    hidden = '<span class="visually-hidden">{}</span>'
    marks = {
        "del": "<del>" + hidden + "{}" + hidden + "</del>",
        "ins": "<ins>" + hidden + "{}" + hidden + "</ins>",
    }
    labels = {"del": _("Removed:"), "ins": _("Added:")}
    parts = [
        format_html(marks[s.kind], f"[{labels[s.kind]} ", s.text, "]")
        if s.kind in marks
        else format_html("{}", s.text)
        for s in segments("" if old is None else old, "" if new is None else new)
    ]
    return format_html_join("", "{}", ((part,) for part in parts))
