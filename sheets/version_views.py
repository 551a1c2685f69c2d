"""Co-signed versions of a role sheet, their comparison, and the history of the role.

Everyone who can read the role reads these pages (its structure's managers and peer workers, the
supporting facilitator). Managers ask for signatures; the signatories of a version answer it
(sheets.versions checks who they are).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import add_service_error, date_input
from core.text import validate_text_length
from missions.models import Mission
from roles.access import get_role_for_user
from roles.models import Role
from sheets.models import RoleSheetVersion, SheetReview, Signature

from . import versions as services
from .history import event_changes
from .pdf import version_pdf
from .snapshots import diff, for_display, snapshot

Status = RoleSheetVersion.Status
Decision = Signature.Decision
DRAFT = "draft"
HISTORY_PAGE_SIZE = 50


class VersionAnswerForm(forms.Form):
    """The signatory's answer. The decision comes from the button pressed."""

    comment = forms.CharField(
        label=gettext_lazy("Your comment"),
        required=False,
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Needed if you ask for changes: say what should change. Optional when you sign."
        ),
    )


class VersionRequestForm(forms.Form):
    review_on = forms.DateField(
        label=gettext_lazy("Review the agreement on"),
        required=False,
        widget=date_input(),
        help_text=gettext_lazy(
            "The adopted sheet comes back for review on this date. Leave empty for twelve "
            "months after adoption."
        ),
    )


def _signatures():
    return Prefetch(
        "signatures",
        queryset=Signature.objects.select_related("signer").order_by(
            "signer__full_name", "signer__email"
        ),
    )


def versions(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    return _versions_page(request, role, access, VersionRequestForm())


def _versions_page(request, role, access, request_form, status=200):
    role_versions = list(
        role.versions.defer("snapshot")
        .select_related("requested_by")
        .prefetch_related(
            _signatures(), Prefetch("reviews", queryset=SheetReview.objects.select_related("by"))
        )
        .order_by("-number")
    )
    adopted = next((v for v in role_versions if v.status == Status.ADOPTED), None)
    return render(
        request,
        "roles/versions.html",
        {
            "role": role,
            "access": access,
            "versions": role_versions,
            "adopted": adopted,
            # The draft is compared with the adopted version, or else with the latest one.
            "draft_base": adopted or (role_versions[0] if role_versions else None),
            "has_peer_worker": access.can_edit and role.assignments.exists(),
            "request_form": request_form,
        },
        status=status,
    )


@require_POST
def version_request(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require_edit()
    form = VersionRequestForm(request.POST)
    if not form.is_valid():
        return _versions_page(request, role, access, form, status=400)
    try:
        version = services.version_request(
            role=role, by=request.user, review_on=form.cleaned_data["review_on"]
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            add_service_error([form], error)
            return _versions_page(request, role, access, form, status=400)
        messages.error(request, " ".join(error.messages))
        return redirect("roles:versions", role_id=role.pk)
    messages.success(
        request,
        _(
            "Version %(number)s is ready: the peer workers holding the role received an e-mail "
            "asking them to read and sign it. Sign it too."
        )
        % {"number": version.number},
    )
    return redirect(version)


def _version_page(request, role, access, version, form=None, status=200):
    signatures = list(version.signatures.select_related("signer").order_by("signer__full_name"))
    mine = next((s for s in signatures if s.signer_id == request.user.pk), None)
    can_answer = (
        version.status == Status.AWAITING and mine is not None and mine.decision != Decision.SIGNED
    )
    return render(
        request,
        "roles/version_detail.html",
        {
            "role": role,
            "access": access,
            "version": version,
            "sheet": for_display(version.snapshot),
            "signatures": signatures,
            "n_signed": sum(s.decision == Decision.SIGNED for s in signatures),
            "my_signature": mine,
            "form": (form or VersionAnswerForm()) if can_answer else None,
        },
        status=status,
    )


def _get_version(role, number):
    return get_object_or_404(
        RoleSheetVersion.objects.select_related("requested_by"), role=role, number=number
    )


def version(request, role_id, number):
    role, access = get_role_for_user(request.user, role_id)
    return _version_page(request, role, access, _get_version(role, number))


def version_pdf_view(request, role_id, number):
    """Version `number` as a PDF, exactly as it was frozen, with its signatures."""
    role, _access = get_role_for_user(request.user, role_id)
    version = _get_version(role, number)
    response = HttpResponse(version_pdf(role, version), content_type="application/pdf")
    filename = slugify(f"{role.structure.name} {version.snapshot['role']['title']}") or "role"
    response["Content-Disposition"] = f'inline; filename="{filename}-v{version.number}.pdf"'
    return response


@require_POST
def version_answer(request, role_id, number):
    role, access = get_role_for_user(request.user, role_id)
    version = _get_version(role, number)
    form = VersionAnswerForm(request.POST)
    form.is_valid()  # the comment is optional here; the service says when it is needed
    decision = request.POST.get("decision", "")
    try:
        # PermissionDenied (not a signatory of this version) becomes a 403.
        version = services.version_answer(
            version=version,
            by=request.user,
            decision=decision,
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return _version_page(request, role, access, version, form=form)
        messages.error(request, " ".join(error.messages))
        return redirect(version)
    if decision == Decision.CHANGES_REQUESTED:
        messages.success(
            request,
            _("Your request for changes was sent to the person who asked for signatures."),
        )
    elif version.status == Status.ADOPTED:
        messages.success(
            request,
            _("Everyone has signed: version %(number)s is adopted.") % {"number": version.number},
        )
    else:
        messages.success(
            request,
            _("You signed version %(number)s. It is adopted when everyone has signed.")
            % {"number": version.number},
        )
    return redirect(version)


def _with_content():
    return Role.objects.prefetch_related(
        Prefetch("missions", queryset=Mission.objects.prefetch_related("tasks"))
    )


def _parse_number(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def version_compare(request, role_id):
    """`?from=<n>&to=<n|draft>`: what changed between two versions, or since a version."""
    asked_from, asked_to = request.GET.get("from"), request.GET.get("to")
    to_draft = asked_to == DRAFT
    role, access = get_role_for_user(request.user, role_id, _with_content() if to_draft else None)
    choices = list(role.versions.only("pk", "role_id", "number", "status").order_by("-number"))
    numbers = {v.number for v in choices}
    errors = []
    from_number = _parse_number(asked_from)
    to_number = None if to_draft else _parse_number(asked_to)
    if asked_from is not None or asked_to is not None:
        if from_number is None:
            errors.append(_("Choose the version to start from."))
        elif from_number not in numbers:
            errors.append(_("There is no version %(number)s.") % {"number": from_number})
        if not to_draft and to_number is None:
            errors.append(_("Choose the version to compare it with, or the current draft."))
        elif to_number is not None and to_number not in numbers:
            errors.append(_("There is no version %(number)s.") % {"number": to_number})
    context = {
        "role": role,
        "access": access,
        "choices": choices,
        "errors": errors,
        "draft": DRAFT,
        "from_number": from_number,
        "to_value": DRAFT if to_draft else to_number,
        "sheet_diff": None,
    }
    ready = not errors and from_number is not None and (to_draft or to_number is not None)
    if not ready:
        if not choices:
            errors.append(_("This sheet has no version yet: there is nothing to compare."))
        # No parameters: the page offers the choice. Wrong parameters: a clear 400.
        status = 400 if (asked_from is not None or asked_to is not None) else 200
        if from_number is None and choices:
            adopted = next((v for v in choices if v.status == Status.ADOPTED), choices[0])
            context["from_number"] = adopted.number
        context["to_value"] = context["to_value"] or DRAFT
        return render(request, "roles/version_compare.html", context, status=status)
    wanted = {from_number} | ({to_number} if to_number else set())
    snapshots = dict(
        RoleSheetVersion.objects.filter(role=role, number__in=wanted).values_list(
            "number", "snapshot"
        )
    )
    old = snapshots[from_number]
    new = snapshot(role) if to_draft else snapshots[to_number]
    context["sheet_diff"] = diff(old, new)
    return render(request, "roles/version_compare.html", context)


def history(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    events = role.events.select_related("actor", "person").order_by("-at", "-id")
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(event, event_changes(event)) for event in page]
    return render(
        request,
        "roles/history.html",
        {
            "role": role,
            "access": access,
            "page": page,
            "page_links": page.paginator.get_elided_page_range(page.number),
            "rows": rows,
        },
    )
