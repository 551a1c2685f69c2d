from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read only: what left, what waits, and why it failed."""

    list_display = ["created_at", "to", "subject", "attempts", "sent_at", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
    exclude = ["body"]  # it may hold an invitation or password link

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
