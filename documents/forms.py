"""Forms of the import: the upload, then the preview the manager corrects before anything is
saved (the role's fields, its missions, their tasks, and where each unplaced line goes)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from missions.forms import MissionForm, TaskForm
from roles.forms import RoleForm

LEAVE_OUT = ""
NEW_MISSION = "new-mission"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fiche de poste"),
        help_text=_(
            "A Word (.docx) or LibreOffice (.odt) file. Nothing is saved before you check it."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,.odt,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document,application/vnd.oasis.opendocument.text"
            }
        ),
    )


class RoleDraftForm(RoleForm):
    prefix = "role"


class MissionDraftForm(MissionForm):
    pass


class TaskDraftForm(TaskForm):
    """A task with the mission it goes in (a number of the missions' list, from 1)."""

    mission = forms.TypedChoiceField(label=_("mission"), coerce=int)
    recognised = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = ["mission", "action", "frequency", "times", "duration_minutes"]

    def __init__(self, *args, missions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].choices = [
            (number, f"{number}. {title}") for number, title in enumerate(missions, start=1)
        ]


class UnplacedForm(forms.Form):
    """A line of the file that found no home, and where the manager puts it."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    destination = forms.ChoiceField(label=_("Where this line goes"), required=False)

    def __init__(self, *args, missions=(), field_labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The line is printed above its choice; the choice's label reads it out.
        self.fields["destination"].widget.attrs["aria-describedby"] = self.line_id
        choices = [(LEAVE_OUT, _("leave it out")), (NEW_MISSION, _("as a new mission"))]
        choices += [(name, label) for name, label in field_labels]
        for number, title in enumerate(missions, start=1):
            facts = {"n": number, "title": title}
            choices.append((f"task-{number}", _("as a task of mission %(n)s (%(title)s)") % facts))
            choices.append(
                (
                    f"description-{number}",
                    _("in the description of mission %(n)s (%(title)s)") % facts,
                )
            )
        self.fields["destination"].choices = choices

    @property
    def line_id(self):
        return f"{self.prefix}-line"


class _LeaveOutFormSet(forms.BaseFormSet):
    leave_out_label = ""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = self.leave_out_label


class _MissionFormSet(_LeaveOutFormSet):
    leave_out_label = _("Leave this mission out (and its tasks)")


class _TaskFormSet(_LeaveOutFormSet):
    leave_out_label = _("Leave this task out")


MissionDraftFormSet = forms.formset_factory(
    MissionDraftForm, formset=_MissionFormSet, extra=0, can_delete=True
)
TaskDraftFormSet = forms.formset_factory(
    TaskDraftForm, formset=_TaskFormSet, extra=0, can_delete=True
)
UnplacedFormSet = forms.formset_factory(UnplacedForm, extra=0)
