from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from .access import get_structure_for_user
from .forms import AcceptInvitationForm, InviteForm
from .models import Capacity, Invitation
from .services import invitation_accept, invitation_send


def member_invite(request, slug):
    structure, access = get_structure_for_user(request.user, slug)
    access.require_edit()
    form = InviteForm(request.POST or None, initial={"capacity": Capacity.PEER_WORKER})
    if request.method == "POST" and form.is_valid():
        try:
            invitation_send(
                structure=structure,
                by=request.user,
                language=translation.get_language(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect(structure)
    return render(
        request,
        "structures/invite.html",
        {"structure": structure, "form": form, "valid_days": settings.INVITATION_VALID_DAYS},
    )


@login_not_required
def invitation_detail(request, token):
    """The link from the invitation e-mail. Single-use and expiring."""
    invitation = Invitation.objects.for_token(token).select_related("structure").first()
    if invitation is None or not invitation.is_usable:
        return render(request, "structures/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    form = None
    if user is None and get_user_model().objects.filter(email__iexact=invitation.email).exists():
        # The person has an account: they accept once logged in, coming back to this link.
        return render(
            request,
            "structures/invitation_accept.html",
            {"invitation": invitation, "must_log_in": True},
        )
    if user is None:
        form = AcceptInvitationForm(
            request.POST or None,
            email=invitation.email,
            initial={"full_name": invitation.full_name},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            joined = invitation_accept(
                invitation=invitation,
                user=user,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else None,
            )
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("home")
            form.add_error(None, error)
        else:
            if user is None:
                login(request, joined, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome to %(structure)s.") % {"structure": invitation.structure.name},
            )
            return redirect(invitation.structure)
    return render(
        request, "structures/invitation_accept.html", {"invitation": invitation, "form": form}
    )
