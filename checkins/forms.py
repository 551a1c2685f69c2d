"""The check-in form: one small block per mission of the adopted sheet, then the work done
outside the sheet. Radio buttons and plain fields: it works on a phone without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import validate_single_line
from missions.timing import MAX_MINUTES_PER_WEEK

from .models import Cadence, Going, TimeSpent

EXTRA_LINES = 3


class MissionAnswerForm(forms.Form):
    going = forms.ChoiceField(
        label=_("How it goes"),
        choices=Going.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "“Drifting away”: the mission turns into something else than what was agreed "
            "(other tasks, ordinary staff work)."
        ),
    )
    time_spent = forms.ChoiceField(
        label=_("The time it took"), choices=TimeSpent.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("A note, if you wish"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )


class ExtraForm(forms.Form):
    text = forms.CharField(
        label=_("What I did that is not on my sheet"),
        required=False,
        max_length=300,
        validators=[validate_single_line],
    )
    minutes_per_week = forms.IntegerField(
        label=_("About how many minutes a week"),
        required=False,
        min_value=0,
        max_value=MAX_MINUTES_PER_WEEK,
    )

    def clean(self):
        data = super().clean()
        if data.get("minutes_per_week") and not data.get("text"):
            self.add_error("text", _("Say what it was."))
        return data


class ShareForm(forms.Form):
    share_notes = forms.BooleanField(
        label=_("Share my notes with the facilitator"),
        required=False,
        help_text=_(
            "The facilitator who supports the structure always sees how the missions go and "
            "the time compared; your notes only if you tick this."
        ),
    )


ExtraFormSet = forms.formset_factory(ExtraForm, extra=0, max_num=20, absolute_max=20)


class CadenceForm(forms.Form):
    cadence = forms.ChoiceField(
        label=_("How often do peer workers check in?"),
        choices=Cadence.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Periods are calendar slices (two weeks from a Monday, months, pairs of months). "
            "Check-ins already sent keep their dates."
        ),
    )
