from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DailyTask, Mission, ReferenceMission


class TaskInline(admin.TabularInline):
    model = DailyTask
    extra = 0


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["title", "role", "latitude"]
    list_select_related = ["role"]
    search_fields = ["title"]
    inlines = [TaskInline]


class ReferenceMissionForm(forms.ModelForm):
    class Meta:
        model = ReferenceMission
        fields = [
            "title",
            "description",
            "lived_experience",
            "includes",
            "excludes",
            "latitude",
            "typical_tasks",
            "suits_kinds",
            "is_published",
            "position",
        ]
        # The codes are written out: a lazy text interpolated here would freeze its language.
        help_texts = {
            "typical_tasks": _(
                'A list of tasks, each like {"action": "Faire une tournée de rue en binôme", '
                '"frequency": "weekly", "times": 1, "duration_minutes": 120}. Frequencies: daily, '
                "times_a_week, weekly, times_a_month, monthly, quarterly, yearly, occasional; "
                "times counts only for times_a_week and times_a_month."
            ),
            "suits_kinds": _(
                'A list of kinds of structure, like ["caarud", "outreach"]; empty: all kinds. '
                "Kinds: chrs, caarud, csapa, day_centre, outreach, mental_health, gem, act, "
                "family_house, other."
            ),
        }


@admin.register(ReferenceMission)
class ReferenceMissionAdmin(admin.ModelAdmin):
    """The library of reference missions, curated by the platform admins."""

    form = ReferenceMissionForm
    list_display = ["title", "latitude", "is_published", "position"]
    list_editable = ["is_published", "position"]
    list_filter = ["is_published", "latitude"]
    search_fields = ["title", "description", "lived_experience"]
    ordering = ["position", "title"]
