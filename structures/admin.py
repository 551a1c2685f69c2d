from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import FacilitatorSupport, Invitation, Membership, Structure, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    filter_horizontal = []
    list_filter = ["is_staff", "is_active"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class SupportInline(admin.TabularInline):
    model = FacilitatorSupport
    extra = 1
    autocomplete_fields = ["facilitator"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SupportInline, MembershipInline]


@admin.register(FacilitatorSupport)
class FacilitatorSupportAdmin(admin.ModelAdmin):
    list_display = ["facilitator", "structure", "start_date", "end_date"]
    list_select_related = ["facilitator", "structure"]
    autocomplete_fields = ["facilitator", "structure"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "structure", "capacity", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["structure"]
    readonly_fields = [
        "structure",
        "email",
        "capacity",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_by",
        "replaced_at",
    ]
    exclude = ["token_hash"]
