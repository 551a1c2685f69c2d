from django import forms

from core.forms import ChangesMixin, RevisionFormMixin

from .models import DailyTask, Mission


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
        widgets = {"minutes_per_week": forms.NumberInput(attrs={"min": 0, "step": 5})}


class TaskEditForm(RevisionFormMixin, TaskForm):
    pass
