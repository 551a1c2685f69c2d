"""The small forms around a proposal: why, a message, a decision.

The proposed values themselves are entered with MissionForm / TaskForm (missions/forms.py).
Each form of the proposal page has its own `auto_id`, so that two fields both named `reason`
(accept and decline) never share an id on the same page.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import validate_single_line, validate_text_length

from .proposal_merge import decode


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
    """Accept, with the manager's result for each field both the proposal and a later edit
    changed (`merges`, proposal_merge.FieldMerge), and the revisions the page showed (`seen`)."""

    id_prefix = "accept-%s"

    reason = forms.CharField(
        label=_("A word for the author (optional)"),
        required=False,
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The revisions as JSON: a few numbers per shown item (a mission and its tasks).
    seen = forms.CharField(
        required=False,
        max_length=20000,
        validators=[validate_single_line],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, model=None, merges=(), seen="", **kwargs):
        kwargs.setdefault("initial", {})["seen"] = seen
        super().__init__(*args, **kwargs)
        self.merges = list(merges)
        for merge in self.merges:
            # Not required here: a result missing from the request (the page did not show it)
            # is a conflict for the service (409); one sent empty is the model's error.
            field = model._meta.get_field(merge.name).formfield(required=False)
            field.label = _("Result to keep: %(field)s") % {"field": merge.label}
            field.initial = merge.initial
            if merge.multiline:
                field.widget.attrs["rows"] = 4
            self.fields[self.result_name(merge.name)] = field

    @staticmethod
    def result_name(name):
        return f"result_{name}"

    def results(self):
        return {
            merge.name: self.cleaned_data[self.result_name(merge.name)]
            for merge in self.merges
            if self.result_name(merge.name) in self.data
        }

    def merge_rows(self):
        """(FieldMerge, its result field) pairs, for the page to show the three texts by each."""
        return [(merge, self[self.result_name(merge.name)]) for merge in self.merges]

    def seen_revisions(self):
        """None when the form carried none (a request not made from the page)."""
        if self.data.get("seen") is None:
            return None
        return decode(self.cleaned_data["seen"])


class DeclineForm(_PageForm):
    id_prefix = "decline-%s"

    reason = forms.CharField(
        label=_("Why do you decline?"),
        help_text=_("Required: the author needs to know why."),
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
