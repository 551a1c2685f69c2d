"""The forms of the reviews: a review with several recommendations (a formset that works without
JavaScript), and a manager's follow-up of one recommendation."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import validate_text_length

from .models import RecommendationStatus

# Empty recommendation forms shown at first, and added by "More recommendations".
EXTRA_RECOMMENDATIONS = 3
MAX_RECOMMENDATIONS = 30
RECOMMENDATION_FIELDS = ("text", "role", "mission")


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label=_("Date of the review"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day of the meeting or of the visit."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        help_text=_(
            "What you saw and discussed with the structure. The managers read them; peer "
            "workers only see the recommendations about their roles."
        ),
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class RecommendationForm(forms.Form):
    """One recommendation, optionally about one role or one of its missions.

    The choices are computed once for the whole formset (`roles`, `missions` given by the view)
    rather than by a query per form."""

    text = forms.CharField(
        label=_("Recommendation"),
        required=False,
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty if you do not need this one."),
    )
    role = forms.ChoiceField(label=_("About the role (optional)"), required=False)
    mission = forms.ChoiceField(
        label=_("About the mission (optional)"),
        required=False,
        help_text=_("Choosing a mission is enough: its role is known."),
    )

    def __init__(self, *args, roles, missions, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = {str(role.pk): role for role in roles}
        self.missions = {str(mission.pk): mission for mission in missions}
        none = [("", _("The whole structure"))]
        self.fields["role"].choices = none + [(key, role.title) for key, role in self.roles.items()]
        grouped = {}
        for key, mission in self.missions.items():
            grouped.setdefault(mission.role.title, []).append((key, mission.title))
        self.fields["mission"].choices = [("", _("No mission in particular")), *grouped.items()]

    def clean(self):
        data = super().clean()
        text = (data.get("text") or "").strip()
        role = self.roles.get(data.get("role") or "")
        mission = self.missions.get(data.get("mission") or "")
        if (role or mission) and not text:
            self.add_error("text", _("Write the recommendation, or clear its role and mission."))
        if role and mission and mission.role_id != role.pk:
            self.add_error("mission", _("This mission belongs to another role."))
        data.update(text=text, role=role, mission=mission)
        return data

    def recommendation(self):
        """The recommendation as the service takes it, or None for an empty form."""
        data = getattr(self, "cleaned_data", None) or {}
        if not data.get("text"):
            return None
        return {name: data[name] for name in RECOMMENDATION_FIELDS}


def recommendation_formset(extra=EXTRA_RECOMMENDATIONS):
    return forms.formset_factory(
        RecommendationForm, extra=extra, max_num=MAX_RECOMMENDATIONS, validate_max=True
    )


RecommendationFormSet = recommendation_formset()


class FollowUpForm(forms.Form):
    """A manager's follow-up of one recommendation. Each recommendation of the page has its own
    form: `auto_id` keeps their ids apart."""

    status = forms.ChoiceField(
        label=_("Follow-up"),
        choices=[
            (RecommendationStatus.DONE, _("Done")),
            (RecommendationStatus.ANSWERED, _("I answer")),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Your answer"),
        required=False,
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when you answer; optional when it is done. The facilitator reads it."
        ),
    )

    def __init__(self, *args, recommendation, **kwargs):
        kwargs.setdefault("auto_id", f"follow-up-{recommendation.pk}-%s")
        if recommendation.status != RecommendationStatus.OPEN:
            kwargs.setdefault(
                "initial", {"status": recommendation.status, "answer": recommendation.answer}
            )
        super().__init__(*args, **kwargs)
