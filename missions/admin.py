from django.contrib import admin

from .models import DailyTask, Mission


class TaskInline(admin.TabularInline):
    model = DailyTask
    extra = 0


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["title", "role", "latitude"]
    list_select_related = ["role"]
    search_fields = ["title"]
    inlines = [TaskInline]
