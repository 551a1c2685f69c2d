from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.text import validate_single_line

from .models import Capacity


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or the password is not right. Please try again."),
        "inactive": _("This account is not active."),
    }


class InviteForm(forms.Form):
    # Bounded like the columns (Invitation.email, full_name).
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, required=False, validators=[validate_single_line]
    )
    capacity = forms.ChoiceField(
        label=_("They will join as"), choices=Capacity.choices, widget=forms.RadioSelect
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your name"), max_length=150, validators=[validate_single_line]
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                password_validation.validate_password(p1, user=get_user_model()(email=self.email))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
