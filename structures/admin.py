from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
    actions = ["erase_people"]

    @admin.action(description=_("Erase (anonymise) the selected people"), permissions=["change"])
    def erase_people(self, request, queryset):
        """Anonymise people (structures.privacy.person_erase), after a confirmation page."""
        from .privacy import person_erase

        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, _("You cannot erase your own account."), messages.ERROR)
            return None
        people = [person for person in queryset.order_by("email") if not person.is_erased]
        if not request.POST.get("post"):
            return TemplateResponse(
                request,
                "admin/erase_people_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Erase (anonymise) the selected people"),
                    "opts": self.model._meta,
                    "people": people,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for person in people:
            person_erase(user=person, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d person erased.", "%(count)d people erased.", len(people))
            % {"count": len(people)},
            messages.SUCCESS,
        )
        return None


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
