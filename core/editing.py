"""The shape shared by every edit page: validate, call the service, show conflicts."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .concurrency import TRY_AGAIN_MESSAGE, StaleEdit, TryAgain


@dataclass
class InPlace:
    """How an edit page opens inside the role sheet when htmx asks for it (JavaScript on).

    The form is rendered alone in an element with the id `form_id`, headed by `heading` at
    `level`; after a save, `done(saved)` gives the updated section of the sheet (`saved` is
    None when the object was deleted by someone else meanwhile).
    """

    form_id: str
    heading: str
    level: int
    done: Callable[[object], HttpResponse]
    intro: str = ""
    extra: dict = field(default_factory=dict)

    def context(self):
        return {
            "form_id": self.form_id,
            "heading": self.heading,
            "level": self.level,
            "intro": self.intro,
            **self.extra,
        }


def save_or_render(
    request, *, form, save, success_url, success_message, template, context, inplace=None
):
    """On POST with a valid form, call `save(**changes)` and redirect; else render the form.

    `success_url` may be a callable taking what `save` returned (e.g. the new object).

    A concurrent edit re-renders the form with what the person typed and the saved version
    beside it (HTTP 409); saving again then knowingly replaces it.

    With `inplace` and an htmx request, the same steps answer with pieces of the sheet
    instead of pages: the form alone (typed values, errors, conflict), then the updated section.
    """
    htmx = inplace is not None and bool(getattr(request, "htmx", False))
    if htmx:
        # Ids unique on the sheet, where several forms may be open at once.
        form.auto_id = f"{inplace.form_id}-%s"
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(**form.changes())
        except StaleEdit as conflict:
            if conflict.current is None:
                messages.error(request, _("This item was deleted by someone else meanwhile."))
                if htmx:
                    return inplace.done(None)
                # The page of the deleted object would be a 404: go to its parent instead.
                return redirect(context.get("parent_url") or context.get("cancel_url", "home"))
            form.take_revision(conflict.current)
            context["conflict"] = conflict.current
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        except TryAgain:
            # Nothing was saved; what was typed stays in the form (409: htmx swaps it in).
            form.add_error(None, TRY_AGAIN_MESSAGE)
            status = 409
        else:
            messages.success(request, success_message)
            if htmx:
                return inplace.done(saved)
            return redirect(success_url(saved) if callable(success_url) else success_url)
    if htmx:
        template, context = "_inplace.html#form", {**context, **inplace.context()}
    response = render(request, template, {"form": form, **context}, status=status)
    if inplace is not None:
        patch_vary_headers(response, ["HX-Request"])
    return response
