"""The library of reference missions, seen from a role: read it, add one (managers), propose one
(the peer workers holding the role). The role is fetched through structures.access."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roles.access import get_role_for_user
from structures.models import StructureKind

from .models import DailyTask, ReferenceMission
from .proposal_forms import RationaleForm
from .references import mission_from_reference, reference_propose


def _published():
    return ReferenceMission.objects.filter(is_published=True)


def _entry(reference):
    """A reference with what the page shows: its tasks (unsaved DailyTask, for their labels)
    and the labels of the kinds of structure it suits."""
    reference.tasks = [DailyTask(**values) for values in reference.task_values()]
    reference.kind_labels = [StructureKind(kind).label for kind in reference.suits_kinds]
    return reference


def library(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    kind = role.structure.kind
    only_suiting = request.GET.get("suits") == "1"
    references = list(_published())
    if only_suiting:
        # The library is a short curated list, and a JSON "contains" is not portable (SQLite).
        references = [reference for reference in references if reference.suits(kind)]
    return render(
        request,
        "missions/library.html",
        {
            "role": role,
            "structure": role.structure,
            "access": access,
            "references": [_entry(reference) for reference in references],
            "only_suiting": only_suiting,
            "kind_label": StructureKind(kind).label,
        },
    )


@require_POST
def library_add(request, role_id, reference_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require_edit()
    reference = get_object_or_404(_published(), pk=reference_id)
    mission = mission_from_reference(role=role, reference=reference, by=request.user)
    messages.success(
        request,
        _(
            "The mission “%(title)s” was added from the library with its daily tasks. "
            "Now adapt it to your role."
        )
        % {"title": mission.title},
    )
    return redirect(mission)


def library_propose(request, role_id, reference_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require(access.can_propose)
    reference = get_object_or_404(_published(), pk=reference_id)
    form = RationaleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = reference_propose(
                role=role,
                reference=reference,
                by=request.user,
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your proposal was sent to the managers. You can follow the discussion and "
                    "the decision here."
                ),
            )
            return redirect(proposal)
    return render(
        request,
        "missions/library_propose.html",
        {
            "role": role,
            "structure": role.structure,
            "access": access,
            "reference": _entry(reference),
            "form": form,
        },
    )
