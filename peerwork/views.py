from django.shortcuts import render

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
