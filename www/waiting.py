"""The page of what waits for the person (the definition: facilitation/waiting.py)."""

from django.shortcuts import render

from facilitation.waiting import RECENT_DAYS, REVIEW_DUE_DAYS, Kind, waiting_items
from missions.models import Proposal


def waiting(request):
    sections = waiting_items(request.user)
    answers = sections[Kind.ANSWERS]
    return render(
        request,
        "www/waiting.html",
        {
            "sections": sections,
            "decided": [item for item in answers if item.obj.status != Proposal.Status.OPEN],
            "discussed": [item for item in answers if item.obj.status == Proposal.Status.OPEN],
            "nothing": not any(sections.values()),
            "recent_days": RECENT_DAYS,
            "review_due_days": REVIEW_DUE_DAYS,
        },
    )
