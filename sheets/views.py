from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.editing import save_or_render
from core.fragments import render_page
from roles.access import get_role_for_user
from roles.forms import AssignForm, RoleEditForm, RoleForm
from roles.models import RoleAssignment
from roles.services import (
    membership_deactivate,
    role_assign,
    role_create,
    role_delete,
    role_unassign,
    role_update,
)
from structures.access import get_structure_for_user
from structures.models import Membership

from .pdf import sheet_pdf
from .sheet import sheet_body, sheet_update


def role_detail(request, role_id):
    if request.htmx:
        # An in-place form was cancelled: the missions section as it is now.
        return sheet_update(request, role_id)
    role, access = get_role_for_user(request.user, role_id)
    context = {"role": role, "access": access, "sheet_body": sheet_body(request, role, access)}
    response = render_page(request, "roles/detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def role_pdf(request, role_id):
    """The sheet as a PDF for meetings and files, in the reader's language."""
    role, _access = get_role_for_user(request.user, role_id)
    response = HttpResponse(sheet_pdf(role), content_type="application/pdf")
    filename = slugify(f"{role.structure.name} {role.title}") or "role"
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def role_edit(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require_edit()
    form = RoleEditForm(request.POST or None, instance=role)
    return save_or_render(
        request,
        form=form,
        save=lambda **fields: role_update(
            role=role, by=request.user, revision=form.cleaned_data["revision"], **fields
        ),
        success_url=role.get_absolute_url(),
        success_message=_("The role sheet was saved."),
        template="roles/role_form.html",
        context={
            "structure": role.structure,
            "role": role,
            "cancel_url": role.get_absolute_url(),
            "parent_url": role.structure.get_absolute_url(),
        },
    )


def role_delete_view(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require_edit()
    if request.method == "POST":
        role_delete(role=role, by=request.user)
        messages.success(request, _("The role “%(title)s” was deleted.") % {"title": role.title})
        return redirect(role.structure)
    return render(
        request,
        "confirm_delete.html",
        {
            "object": role,
            "question": _("Delete the role “%(title)s” with all its missions and tasks?")
            % {"title": role.title},
            "cancel_url": role.get_absolute_url(),
            "structure": role.structure,
            "role": role,
        },
    )


def role_people(request, role_id):
    """Who holds the role; managers assign and unassign peer workers here."""
    role, access = get_role_for_user(request.user, role_id)
    assignments = role.assignments.select_related("peer_worker").order_by("peer_worker__full_name")
    form = AssignForm(request.POST or None, role=role) if access.can_edit else None
    if request.method == "POST":
        access.require_edit()
        if form.is_valid():
            try:
                role_assign(
                    role=role, peer_worker=form.cleaned_data["peer_worker"], by=request.user
                )
            except ValidationError as error:
                form.add_error("peer_worker", error)
            else:
                messages.success(
                    request,
                    _("%(name)s now holds this role.") % {"name": form.cleaned_data["peer_worker"]},
                )
                return redirect("roles:people", role_id=role.pk)
    return render(
        request,
        "roles/people.html",
        {"role": role, "access": access, "assignments": assignments, "form": form},
    )


@require_POST
def role_unassign_view(request, role_id, assignment_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require_edit()
    assignment = get_object_or_404(
        RoleAssignment.objects.select_related("peer_worker"), pk=assignment_id, role=role
    )
    role_unassign(assignment=assignment, by=request.user)
    messages.success(
        request, _("%(name)s no longer holds this role.") % {"name": assignment.peer_worker}
    )
    return redirect("roles:people", role_id=role.pk)


def role_new(request, slug):
    structure, access = get_structure_for_user(request.user, slug)
    access.require_edit()
    return save_or_render(
        request,
        form=RoleForm(request.POST or None),
        save=lambda **fields: role_create(structure=structure, by=request.user, **fields),
        success_url=lambda role: role.get_absolute_url(),
        success_message=_("The role was created. Now add its missions."),
        template="roles/role_form.html",
        context={"structure": structure, "cancel_url": structure.get_absolute_url()},
    )


@require_POST
def member_deactivate(request, slug, membership_id):
    structure, access = get_structure_for_user(request.user, slug)
    access.require_edit()
    membership = get_object_or_404(
        Membership.objects.active().select_related("user"), pk=membership_id, structure=structure
    )
    try:
        membership_deactivate(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s no longer has access to the structure.") % {"name": membership.user},
        )
    return redirect(structure)
