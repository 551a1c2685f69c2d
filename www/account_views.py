"""A person's own account, their data as a download, and the privacy page."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.models import ApiToken
from api.tokens import token_create, token_revoke
from core.security_log import security_log
from outbox.models import MailChoice, MailPreference
from roles.models import RoleAssignment
from structures.models import Membership

from .privacy import account_data


@login_not_required
def privacy(request):
    """What is stored, why, for how long, who sees it and whom to ask. Public."""
    return render(
        request,
        "privacy.html",
        {
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
            "inactive_years": round(settings.INACTIVE_ACCOUNT_DAYS / 365, 1),
            "inactive_days": settings.INACTIVE_ACCOUNT_DAYS,
        },
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the new token"),
        max_length=100,
        help_text=gettext_lazy("What will use it, for example “annual report”."),
    )


class MailPreferenceForm(forms.Form):
    choice = forms.ChoiceField(
        label=gettext_lazy("How do you want to hear of what waits for you?"),
        choices=MailChoice.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Invitations and password resets always come by e-mail. "
            "“Waiting for me” always lists everything."
        ),
    )


@require_POST
def mail_preference(request):
    form = MailPreferenceForm(request.POST)
    if not form.is_valid():
        return _account_page(request, mail_form=form, status=400)
    MailPreference.objects.update_or_create(
        user=request.user, defaults={"choice": form.cleaned_data["choice"]}
    )
    messages.success(request, _("Your choice of e-mails is saved."))
    return redirect(f"{reverse('account')}#account-mails")


def _account_page(request, *, token_form=None, new_key=None, mail_form=None, status=200):
    user = request.user
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("structure")
        .order_by("-is_active", "structure__name")
    )
    assignments = (
        RoleAssignment.objects.filter(peer_worker=user)
        .select_related("role__structure")
        .order_by("role__structure__name", "role__title")
    )
    response = render(
        request,
        "www/account.html",
        {
            "memberships": memberships,
            "assignments": assignments,
            "language_name": dict(settings.LANGUAGES).get(user.language),
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
            "tokens": ApiToken.objects.filter(user=user),
            "token_form": token_form or TokenForm(),
            "new_key": new_key,
            "api_docs_url": reverse("api:openapi-view"),
            "mail_form": mail_form
            or MailPreferenceForm(
                initial={
                    "choice": MailPreference.objects.filter(user=user)
                    .values_list("choice", flat=True)
                    .first()
                    or MailChoice.EACH
                }
            ),
        },
        status=status,
    )
    if new_key:
        response["Cache-Control"] = "no-store"  # the key is shown once: keep no copy
    return response


def account(request):
    """The person's details, structures and roles, their data to download, their API
    tokens."""
    return _account_page(request)


@require_POST
def token_new(request):
    """A new API token: its key is shown on this answer only, never again."""
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, key = token_create(by=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            security_log("api_token_created", request=request)
            return _account_page(request, new_key=key, token_form=TokenForm())
    return _account_page(request, token_form=form, status=400)


@require_POST
def token_revoke_view(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token_revoke(token=token, by=request.user)
    security_log("api_token_revoked", request=request)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("account")


@never_cache
def account_data_download(request):
    """Everything about the person, as one JSON file."""
    data = account_data(request.user)
    security_log("data_export", request=request)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="peerwork-my-data-{day}.json"'
    return response
