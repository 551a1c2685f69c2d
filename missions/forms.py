from django import forms

from core.forms import ChangesMixin, RevisionFormMixin

from .models import DailyTask, Mission
from .timing import MAX_TIMES, normalize_times


class MissionForm(ChangesMixin, forms.ModelForm):
    class Meta:
        model = Mission
        fields = Mission.EDITABLE_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("description", "lived_experience", "includes", "excludes")
        } | {"latitude": forms.RadioSelect}


class MissionEditForm(RevisionFormMixin, MissionForm):
    pass


class TaskForm(ChangesMixin, forms.ModelForm):
    class Meta:
        model = DailyTask
        fields = DailyTask.EDITABLE_FIELDS
        widgets = {
            "times": forms.NumberInput(attrs={"min": 1, "max": MAX_TIMES}),
            "duration_minutes": forms.NumberInput(attrs={"min": 0, "step": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty for every kind where "how many times" means nothing.
        self.fields["times"].required = False

    def clean_times(self):
        return self.cleaned_data["times"] or 1

    def clean(self):
        data = super().clean()
        if data.get("frequency") and data.get("times"):
            data["frequency"], data["times"] = normalize_times(data["frequency"], data["times"])
        return data


class TaskEditForm(RevisionFormMixin, TaskForm):
    pass
