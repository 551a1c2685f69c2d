"""The platform admin's erasure of people: added here, on the top floor, because erasing a
person reaches every floor's records (www/privacy.py)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from structures.admin import UserAdmin
from structures.models import User

from .privacy import person_erase

admin.site.unregister(User)


@admin.register(User)
class UserAdminWithErasure(UserAdmin):
    actions = ["erase_people"]

    @admin.action(description=_("Erase (anonymise) the selected people"), permissions=["change"])
    def erase_people(self, request, queryset):
        """Anonymise people (www.privacy.person_erase), after a confirmation page."""
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
