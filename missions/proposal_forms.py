"""The small forms around a proposal: why, a message, a decision.

The proposed values themselves are entered with MissionForm / TaskForm (missions/forms.py).
Each form of the proposal page has its own `auto_id`, so that two fields both named `reason`
(accept and decline) never share an id on the same page.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from peerwork.text import validate_text_length


class _PageForm(forms.Form):
    id_prefix = "id_%s"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", self.id_prefix)
        super().__init__(*args, **kwargs)


class RationaleForm(_PageForm):
    id_prefix = "proposal-%s"

    rationale = forms.CharField(
        label=_("Why do you propose this?"),
        help_text=_(
            "In a few plain words: what it would change for the people accompanied or for the "
            "work. The managers read it before deciding. No health details and no names of "
            "people accompanied."
        ),
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CommentForm(_PageForm):
    id_prefix = "comment-form-%s"

    body = forms.CharField(
        label=_("Your message"),
        help_text=_(
            "Everyone taking part in this proposal will receive it by e-mail. No health details "
            "and no names of people accompanied."
        ),
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcceptForm(_PageForm):
    id_prefix = "accept-%s"

    reason = forms.CharField(
        label=_("A word for the author (optional)"),
        required=False,
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    acknowledge_conflict = forms.BooleanField(
        label=_("I have looked at the changes made since"),
        help_text=_(
            "The mission or task was changed after this proposal was written. Accepting applies "
            "only what the proposal changes, on top of the current version."
        ),
        required=False,
    )

    def __init__(self, *args, with_conflict=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_conflict:
            del self.fields["acknowledge_conflict"]


class DeclineForm(_PageForm):
    id_prefix = "decline-%s"

    reason = forms.CharField(
        label=_("Why do you decline?"),
        help_text=_("Required: the author needs to know why."),
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
