from django.shortcuts import render

from core.security_log import security_log


def csrf_failure(request, reason=""):
    """A refused form (missing or stale CSRF token): logged, and explained in plain words."""
    security_log("csrf_failure", request=request, path=request.path[:200])
    return render(request, "403_csrf.html", status=403)
