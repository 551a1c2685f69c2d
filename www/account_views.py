"""A person's own account, their data as a download, and the privacy page."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.security_log import security_log
from roles.models import RoleAssignment
from structures.models import Membership

from .privacy import account_data


@login_not_required
def privacy(request):
    """What is stored, why, for how long, who sees it and whom to ask. Public."""
    return render(
        request,
        "privacy.html",
        {
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
            "inactive_years": round(settings.INACTIVE_ACCOUNT_DAYS / 365, 1),
            "inactive_days": settings.INACTIVE_ACCOUNT_DAYS,
        },
    )


def account(request):
    """The person's details, structures and roles, with their data to download."""
    user = request.user
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("structure")
        .order_by("-is_active", "structure__name")
    )
    assignments = (
        RoleAssignment.objects.filter(peer_worker=user)
        .select_related("role__structure")
        .order_by("role__structure__name", "role__title")
    )
    return render(
        request,
        "www/account.html",
        {
            "memberships": memberships,
            "assignments": assignments,
            "language_name": dict(settings.LANGUAGES).get(user.language),
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


@never_cache
def account_data_download(request):
    """Everything about the person, as one JSON file."""
    data = account_data(request.user)
    security_log("data_export", request=request)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="peerwork-my-data-{day}.json"'
    return response
