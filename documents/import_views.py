"""Importing a fiche de poste: upload, a preview the manager corrects, then a draft role.

Nothing is saved before the manager confirms the preview, and the file is not kept: the upload
is read in memory and the preview carries what was read in its own fields (no session, no
temporary file), so leaving the page leaves nothing behind.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roles.models import Role
from structures.access import get_structure_for_user

from .drafts import MISSION_FIELDS, ROLE_FIELDS, Draft, DraftMission, DraftTask, build_draft
from .forms import (
    LEAVE_OUT,
    NEW_MISSION,
    MissionDraftFormSet,
    RoleDraftForm,
    TaskDraftFormSet,
    UnplacedFormSet,
    UploadForm,
)
from .reading import ImportRefused, read_upload
from .recognise import split_task
from .services import import_role

MISSION_KEYS = ["title", *MISSION_FIELDS, "latitude"]
TASK_KEYS = ["action", "frequency", "times", "duration_minutes"]


def _field_labels():
    return [(name, capfirst(Role._meta.get_field(name).verbose_name)) for name in ROLE_FIELDS]


def _forms(draft, data=None):
    """The preview's forms: bound to `data` (a POST), or filled from `draft`."""
    if data is not None:
        missions = MissionDraftFormSet(data, prefix="missions")
        titles = [form["title"].value() or "" for form in missions.forms]
    else:
        missions = MissionDraftFormSet(
            prefix="missions",
            initial=[{key: getattr(m, key) for key in MISSION_KEYS} for m in draft.missions],
        )
        titles = [m.title for m in draft.missions]
    kwargs = {"prefix": "tasks", "form_kwargs": {"missions": titles}}
    if data is not None:
        tasks = TaskDraftFormSet(data, **kwargs)
    else:
        initial = [
            {"mission": number, "recognised": task.recognised}
            | {key: getattr(task, key) for key in TASK_KEYS}
            for number, mission in enumerate(draft.missions, start=1)
            for task in mission.tasks
        ]
        tasks = TaskDraftFormSet(initial=initial, **kwargs)
    kwargs = {
        "prefix": "unplaced",
        "form_kwargs": {"missions": titles, "field_labels": _field_labels()},
    }
    unplaced = (
        UnplacedFormSet(data, **kwargs)
        if data is not None
        else UnplacedFormSet(initial=[{"text": text} for text in draft.unplaced], **kwargs)
    )
    role = (
        RoleDraftForm(data)
        if data is not None
        else RoleDraftForm(initial={"title": draft.title, **draft.fields})
    )
    return role, missions, tasks, unplaced


def _preview(request, structure, forms, *, status=200, notice=""):
    role, missions, tasks, unplaced = forms
    if notice:
        messages.info(request, notice)  # said in the page's live region, with this answer
    groups, shown = [], set()
    for number, mission in enumerate(missions.forms, start=1):
        mine = [t for t in tasks.forms if str(t["mission"].value()) == str(number)]
        shown.update(id(t) for t in mine)
        groups.append((number, mission, mine))
    # Tasks whose mission number is wrong (a tampered form) are still shown, with their error.
    others = [t for t in tasks.forms if id(t) not in shown]
    return render(
        request,
        "documents/import_preview.html",
        {
            "structure": structure,
            "role_form": role,
            "missions": missions,
            "tasks": tasks,
            "unplaced": unplaced,
            "groups": groups,
            "other_tasks": others,
        },
        status=status,
    )


def import_start(request, slug):
    """The upload form; a file sent is read and shown as a preview (nothing saved)."""
    structure, access = get_structure_for_user(request.user, slug)
    access.require_edit()
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            lines = read_upload(form.cleaned_data["file"])
        except ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            if not lines:
                form.add_error("file", _("This file holds no text."))
            else:
                draft = build_draft(lines)
                notice = ""
                if draft.is_empty():
                    notice = _(
                        "Nothing in this file looks like a role sheet (no headings, lists or "
                        "known sections). Every line is listed below: choose where each goes."
                    )
                return _preview(request, structure, _forms(draft), notice=notice)
    return render(
        request,
        "documents/import_start.html",
        {"structure": structure, "form": form},
        status=400 if form.errors else 200,
    )


def _corrected(forms):
    """The draft as the manager corrected it, and whether lines were placed in it."""
    role, missions, tasks, unplaced = forms
    draft = Draft(title=role.cleaned_data["title"])
    draft.fields = {
        name: role.cleaned_data[name] for name in Role.EDITABLE_FIELDS if name != "title"
    }
    kept = {}  # the missions' numbers in the form → their draft
    for number, form in enumerate(missions.forms, start=1):
        if form.cleaned_data.get("DELETE"):
            continue
        kept[number] = DraftMission(**{key: form.cleaned_data[key] for key in MISSION_KEYS})
        draft.missions.append(kept[number])
    for form in tasks.forms:
        data = form.cleaned_data
        if data.get("DELETE") or data["mission"] not in kept:
            continue
        fields = {key: data[key] for key in TASK_KEYS}
        kept[data["mission"]].tasks.append(DraftTask(**fields, recognised=data["recognised"]))
    placed = False
    for form in unplaced.forms:
        text, where = form.cleaned_data["text"], form.cleaned_data["destination"]
        kind, _sep, number = where.partition("-")
        mission = kept.get(int(number)) if number.isdigit() else None
        if where == LEAVE_OUT or (number and mission is None):
            draft.unplaced.append(text)
            continue
        placed = True
        if where == NEW_MISSION:
            draft.missions.append(DraftMission(title=" ".join(text.split())[:200]))
        elif kind == "task":
            action, time = split_task(text)
            task = DraftTask(action=action[:300])
            if time:
                task.frequency, task.times = time.frequency, time.times
                task.duration_minutes, task.recognised = time.duration_minutes, True
            mission.tasks.append(task)
        elif kind == "description":
            mission.description = f"{mission.description}\n{text}".strip()
        else:
            draft.fields[where] = f"{draft.fields[where]}\n{text}".strip()
    return draft, placed


@require_POST
def import_preview(request, slug):
    """The corrected preview: shown again with the placed lines, or saved as a new role."""
    structure, access = get_structure_for_user(request.user, slug)
    access.require_edit()
    forms = _forms(None, request.POST)
    if not all(form.is_valid() for form in forms):
        return _preview(request, structure, forms, status=400)
    draft, placed = _corrected(forms)
    if placed or "create" not in request.POST:
        notice = _("The lines you placed are now in the preview: check it, then create the role.")
        return _preview(request, structure, _forms(draft), notice=notice if placed else "")
    try:
        role = import_role(
            structure=structure,
            by=request.user,
            role_fields={"title": draft.title, **draft.fields},
            missions=[
                (
                    {key: getattr(mission, key) for key in MISSION_KEYS},
                    [{key: getattr(task, key) for key in TASK_KEYS} for task in mission.tasks],
                )
                for mission in draft.missions
            ],
        )
    except ValidationError as error:
        role_form = forms[0]
        if set(getattr(error, "error_dict", ())) <= set(role_form.fields):
            role_form.add_error(None, error)  # a title already taken, on its field
        else:
            role_form.add_error(None, " ".join(error.messages))
        return _preview(request, structure, forms, status=400)
    messages.success(
        request,
        _("The draft role was created from the file. Check it, then ask for signatures."),
    )
    return redirect(role)
