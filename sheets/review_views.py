"""The review of an adopted sheet, and a peer worker's request for an early one
(sheets/reviews.py). For the structure's managers and the peer workers holding the role;
facilitators read the reviews on the versions page. Outsiders get 404 (roles.access)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import add_service_error, date_input
from core.text import validate_text_length
from roles.access import get_role_for_user
from sheets.models import EarlyReviewRequest, RoleSheetVersion, SheetReview

from . import reviews

Outcome = SheetReview.Outcome
HISTORY_SHOWN = 20


def _text(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class SheetReviewForm(forms.Form):
    helped = _text(
        gettext_lazy("What helped?"), gettext_lazy("In the missions, the tasks, the frame.")
    )
    drop = _text(gettext_lazy("What should be dropped?"))
    change = _text(
        gettext_lazy("What should change?"),
        gettext_lazy("Needed if the sheet must change: it becomes the reason of the proposals."),
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("What the review concludes"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what the review concludes.")},
    )
    next_review_on = forms.DateField(
        label=gettext_lazy("Next review on"),
        required=False,
        widget=date_input(),
        help_text=gettext_lazy("If the sheet is confirmed. Twelve months from today by default."),
    )

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        choices = (
            Outcome.choices
            if manager
            else [c for c in Outcome.choices if c[0] != Outcome.CONFIRMED]
        )
        self.fields["outcome"].choices = choices
        if not manager:
            del self.fields["next_review_on"]


class EarlyReviewForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why should the sheet be reviewed now?"),
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Your managers receive it by e-mail; the sheet shows the request."),
        error_messages={"required": gettext_lazy("Say why the sheet should be reviewed now.")},
    )


def _adopted(role):
    return RoleSheetVersion.objects.filter(
        role=role, status=RoleSheetVersion.Status.ADOPTED
    ).first()


def sheet_review(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require(access.can_propose)
    version = _adopted(role)
    form = SheetReviewForm(
        request.POST if request.method == "POST" else None,
        manager=access.is_manager,
        initial={"next_review_on": reviews.default_review_on()},
    )
    status = 200
    if request.method == "POST" and version is not None:
        if form.is_valid():
            try:
                review = reviews.sheet_review(version=version, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error([form], error)
            else:
                messages.success(request, _outcome_message(review))
                if review.outcome == Outcome.CHANGES:
                    return redirect(f"{request.path}#propose")
                return redirect(role)
        status = 400
    history, early, to_propose = [], [], None
    if version is not None:
        history = list(
            SheetReview.objects.filter(version__role=role)
            .select_related("by", "version")
            .defer("version__snapshot")[:HISTORY_SHOWN]
        )
        early = list(
            EarlyReviewRequest.objects.filter(
                version=version, answered_at__isnull=True
            ).select_related("by")
        )
        # After "it must change": the way to the proposals, the review's words as the reason.
        latest = next((r for r in history if r.version_id == version.pk), None)
        if latest is not None and latest.outcome == Outcome.CHANGES:
            to_propose = latest
    return render(
        request,
        "sheets/review.html",
        {
            "role": role,
            "access": access,
            "version": version,
            "form": form,
            "history": history,
            "early": early,
            "to_propose": to_propose,
            "review_line": reviews.review_line(version),
            "missions": version.snapshot["missions"] if version else [],
        },
        status=status,
    )


def _outcome_message(review):
    if review.outcome == Outcome.CONFIRMED:
        return _("The sheet is confirmed until %(date)s.") % {
            "date": date_format(review.next_review_on, "DATE_FORMAT")
        }
    if review.outcome == Outcome.CHANGES:
        return _("The review is recorded. Now propose the changes, below.")
    return _("Your views are recorded for the review.")


def early_review(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require(access.holds_role)
    version = _adopted(role)
    form = EarlyReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and version is not None:
        if form.is_valid():
            try:
                reviews.early_review_ask(
                    version=version, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_error([form], error)
            else:
                messages.success(
                    request, _("Your request is sent: the sheet is now due for its review.")
                )
                return redirect(role)
        status = 400
    return render(
        request,
        "sheets/early_review.html",
        {"role": role, "access": access, "version": version, "form": form},
        status=status,
    )
