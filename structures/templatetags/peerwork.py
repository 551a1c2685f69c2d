from django import template
from django.utils.translation import gettext as _

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
    from missions.timing import task_time_label

    return task_time_label(task)


@register.filter
def saved_value(obj, field_name):
    """A field of the saved object as a person reads it (choice labels, not codes)."""
    display = getattr(obj, f"get_{field_name}_display", None)
    return display() if display else getattr(obj, field_name, "")
