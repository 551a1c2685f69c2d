from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import ChangesMixin, RevisionFormMixin
from structures.models import Capacity

from .models import Role


class RoleForm(ChangesMixin, forms.ModelForm):
    class Meta:
        model = Role
        fields = Role.EDITABLE_FIELDS
        localized_fields = ["contracted_hours"]  # "17,5" in French
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("purpose", "people_served", "supervision", "lived_experience")
        } | {"contracted_hours": forms.TextInput(attrs={"inputmode": "decimal"})}


class RoleEditForm(RevisionFormMixin, RoleForm):
    pass


class AssignForm(forms.Form):
    peer_worker = forms.ModelChoiceField(
        label=_("Peer worker"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choose a peer worker"),
        error_messages={"invalid_choice": _("Choose a peer worker of this structure.")},
    )

    def __init__(self, *args, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer_worker"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__structure_id=role.structure_id,
                memberships__capacity=Capacity.PEER_WORKER,
                memberships__is_active=True,
            )
            .exclude(role_assignments__role=role)
            .order_by("full_name", "email")
        )
