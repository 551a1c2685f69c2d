"""Editing a mission or a task that someone removed meanwhile: say who removed it and when, and
give back what the person typed, to copy (rather than a bare 404 and the text lost).

The removal is found through its history event (RoleEvent.target_id), and the role through
the usual access helper: outsiders still get a 404, as for any id that is not theirs.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from roles.access import get_role_for_user
from roles.models import RoleEvent


def _typed(request, form_class):
    """What the person typed, field by field, as they would read it (labels, choice labels)."""
    if request.method != "POST":
        return []
    rows = []
    for name, field in form_class.base_fields.items():
        value = request.POST.get(name, "").strip()
        if not value or name == "revision":
            continue
        choices = {str(key): label for key, label in getattr(field, "choices", [])}
        rows.append({"label": field.label, "value": choices.get(value, value)})
    return rows


def removed_or_404(request, *, kind, target_id, form_class, allowed, form_id, level):
    """The page (or, in place, the fragment) saying the object was removed; a 404 when it
    never existed or is not the person's to edit. `allowed(access)` tells who may edit it."""
    event = (
        RoleEvent.objects.filter(kind=kind, target_id=target_id)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        raise Http404
    role, access = get_role_for_user(request.user, event.role_id)
    access.require(allowed(access))
    context = {
        "event": event,
        "is_task": kind == RoleEvent.Kind.TASK_REMOVED,
        "remover": event.actor.get_full_name() if event.actor else None,
        "typed": _typed(request, form_class),
        "role": role,
        "structure": role.structure,
        "form_id": form_id,
        # In place, the notice takes the form's place and heading level; a page starts at h1.
        "level": level if request.htmx else 1,
    }
    # 409: the edit conflicts with the removal (htmx swaps 409 answers into the sheet).
    template = "missions/removed.html#notice" if request.htmx else "missions/removed.html"
    response = render(request, template, context, status=409)
    patch_vary_headers(response, ["HX-Request"])
    return response
