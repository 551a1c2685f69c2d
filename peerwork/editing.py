"""The shape shared by every edit page: validate, call the service, show conflicts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .concurrency import StaleEdit


def save_or_render(request, *, form, save, success_url, success_message, template, context):
    """On POST with a valid form, call `save(**changes)` and redirect; else render the form.

    `success_url` may be a callable taking what `save` returned (e.g. the new object).

    A concurrent edit re-renders the form with what the person typed and the saved version
    beside it (HTTP 409); saving again then knowingly replaces it.
    """
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(**form.changes())
        except StaleEdit as conflict:
            if conflict.current is None:
                messages.error(request, _("This item was deleted by someone else meanwhile."))
                # The page of the deleted object would be a 404: go to its parent instead.
                return redirect(context.get("parent_url") or context.get("cancel_url", "home"))
            form.take_revision(conflict.current)
            context["conflict"] = conflict.current
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url(saved) if callable(success_url) else success_url)
    return render(request, template, {"form": form, **context}, status=status)
