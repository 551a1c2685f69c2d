from django.contrib import admin

from .models import Role, RoleAssignment


class AssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["peer_worker"]
    readonly_fields = ["assigned_by"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["title", "structure", "updated_at"]
    list_select_related = ["structure"]
    list_filter = ["structure"]
    search_fields = ["title"]
    inlines = [AssignmentInline]
