from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerwork.editing import save_or_render
from peerwork.fragments import cached_fragment, fragment_key, render_page
from roles.forms import RoleForm
from roles.models import Role, RoleAssignment
from roles.services import role_create

from .access import get_structure_for_user, visible_structures
from .forms import AcceptInvitationForm, InviteForm
from .models import Capacity, FacilitatorSupport, Invitation, Membership, Structure
from .services import invitation_accept, invitation_send, membership_deactivate
from .stamps import with_page_stamp
from .waiting import proposals_to_decide, versions_to_sign


def home(request):
    """What to do next, for each kind of person. A facilitator who belongs to no structure
    starts from their portfolio."""
    structures = list(visible_structures(request.user).order_by("name"))
    if structures and not any(structure.viewer_capacity for structure in structures):
        return redirect("portfolio")
    my_roles = list(
        Role.objects.filter(
            assignments__peer_worker=request.user,
            structure__memberships__user=request.user,
            structure__memberships__is_active=True,
        )
        .select_related("structure")
        .order_by("structure__name", "title")
    )
    supports_some = any(structure.viewer_supports for structure in structures)
    next_steps = {
        "to_decide": proposals_to_decide(request.user).count(),
        "to_sign": versions_to_sign(request.user).count(),
    }
    return render(
        request,
        "home.html",
        {
            "structures": structures,
            "my_roles": my_roles,
            "supports_some": supports_some,
            "next_steps": next_steps,
        },
    )


def structure_detail(request, slug):
    """The structure's role sheets and people; the content is rendered once per state of what
    it shows (its page stamp, structures/stamps.py) and of who reads it."""
    structure, access = get_structure_for_user(
        request.user, slug, with_page_stamp(Structure.objects.all())
    )

    def get_context():
        roles = (
            structure.roles.with_indicators()
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=RoleAssignment.objects.select_related("peer_worker").order_by(
                        "peer_worker__full_name"
                    ),
                )
            )
            .order_by("title")
        )
        members = (
            Membership.objects.active()
            .filter(structure=structure)
            .select_related("user")
            .order_by("capacity", "user__full_name", "user__email")
        )
        facilitators = (
            FacilitatorSupport.objects.current()
            .filter(structure=structure)
            .select_related("facilitator")
        )
        invitations = (
            Invitation.objects.pending().filter(structure=structure) if access.can_edit else []
        )
        return {
            "structure": structure,
            "access": access,
            "roles": roles,
            "members": members,
            "facilitators": facilitators,
            "invitations": invitations,
        }

    key = fragment_key(
        "structure",
        structure.pk,
        [structure.name, structure.slug, structure.kind, structure.city],
        structure.page_stamp,
        access.capacity,
        # Managers see a button to remove each colleague's access, but not their own.
        request.user.pk if access.can_edit else None,
    )
    return render_page(
        request,
        "structures/detail.html",
        {
            "structure": structure,
            "content": cached_fragment(request, key, "structures/detail.html#content", get_context),
        },
    )


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
