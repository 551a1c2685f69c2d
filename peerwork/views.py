from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.templatetags.static import static

from core.security_log import security_log


def csrf_failure(request, reason=""):
    """A refused form (missing or stale CSRF token): logged, and explained in plain words."""
    security_log("csrf_failure", request=request, path=request.path[:200])
    return render(request, "403_csrf.html", status=403)


def permission_denied(request, exception=None):
    """A refused action, explained for the person's capacity in the structure when it is known
    (structures.access.CapacityDenied): a facilitator or a peer worker is not told the same."""
    capacity = getattr(exception, "capacity", None)
    return render(request, "403.html", {"capacity": capacity}, status=403)


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to: send them to our SVG."""
    return redirect(static("img/favicon.svg"), permanent=True)
