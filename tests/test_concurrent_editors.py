"""25 managers edit the same mission at once, 5 edits each, through the real edit view.

Every edit is either applied (302) or refused with the conflict shown (409: the saved version
in the box, the person's text kept in the form); a refused editor re-reads the new revision
from the 409 page and tries again a few times, then gives up. Nothing is lost: the applied
edits are exactly the mission's revisions and its history, in order, and the last one is what
the database holds. PostgreSQL only (row locks and real concurrency).

Each thread has its own test Client (its own session and CSRF token, checks enforced) and its
own database connection. The revision and the CSRF token are read from the HTML the person
receives, as a browser would post them: `response.context` is filled from a signal that every
thread's Client listens to, so under concurrency it may hold another thread's form.
"""

import itertools
import os
import re
import threading
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from missions.models import Latitude, Mission
from roles.models import RoleEvent
from structures.models import Capacity

from .factories import MembershipFactory, RoleFactory

EDITORS = 25
EDITS = 5
ATTEMPTS = 3  # the first save and two retries after a conflict, then the editor gives up
TIMEOUT_SECONDS = 300

BASE_DATA = {
    "title": "Aller vers",
    "lived_experience": "Mon vécu aide à créer la confiance.",
    "includes": "Les maraudes du soir",
    "excludes": "La distribution des repas",
    "latitude": Latitude.IN_PAIR,
}
INITIAL_DESCRIPTION = "Description de départ"

REVISION_INPUT = re.compile(r'<input type="hidden" name="revision" value="(\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONFLICT_BOX = re.compile(r'<div class="alert alert-warning" role="alert">(.*?)</div>', re.S)
SAVED_DESCRIPTION = re.compile(r"Description (?:de départ|editor-\d+-edit-\d+)")


@dataclass
class Outcome:
    applied: list = field(default_factory=list)  # (revision it started from, description)
    gave_up: list = field(default_factory=list)  # descriptions refused ATTEMPTS times
    conflicts: list = field(default_factory=list)  # (revision shown, description shown)
    statuses: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def _form_state(response):
    page = response.content.decode()
    revision, token = REVISION_INPUT.search(page), CSRF_INPUT.search(page)
    assert revision and token, "no edit form on the page"
    return int(revision.group(1)), token.group(1)


def _check_conflict_page(response, typed, outcome):
    """The 409 page shows both versions: the saved one in the box, the typed one in the form."""
    page = response.content.decode()
    box = CONFLICT_BOX.search(page)
    if box is None:
        outcome.problems.append(f"409 without the conflict box for {typed!r}")
        return
    shown = SAVED_DESCRIPTION.findall(box.group(1))
    form = page.split('<form method="post" novalidate', 1)[1]
    if len(shown) != 1 or shown[0] == typed:
        outcome.problems.append(f"409 for {typed!r} shows {shown!r} as the saved version")
    elif escape(typed) not in form:
        outcome.problems.append(f"409 for {typed!r} does not keep the typed text in the form")
    else:
        revision, _token = _form_state(response)
        outcome.conflicts.append((revision, shown[0]))


def _editor(number, user, url, start, outcome):
    client = Client(enforce_csrf_checks=True)
    try:
        client.force_login(user)
        start.wait(timeout=TIMEOUT_SECONDS)
        for edit in range(EDITS):
            response = client.get(url)
            outcome.statuses.append(response.status_code)
            if response.status_code != 200:
                outcome.problems.append(f"GET of the form answered {response.status_code}")
                continue
            revision, token = _form_state(response)
            typed = f"Description editor-{number:02d}-edit-{edit}"
            for _attempt in range(ATTEMPTS):
                data = {
                    **BASE_DATA,
                    "description": typed,
                    "revision": revision,
                    "csrfmiddlewaretoken": token,
                }
                response = client.post(url, data)
                outcome.statuses.append(response.status_code)
                if response.status_code == 302:
                    outcome.applied.append((revision, typed))
                    break
                if response.status_code != 409:
                    outcome.problems.append(f"POST answered {response.status_code}")
                    break
                _check_conflict_page(response, typed, outcome)
                revision, token = _form_state(response)  # knowingly save over the new version
            else:
                outcome.gave_up.append(typed)
    except Exception as error:  # reported by the test, not lost in the thread
        outcome.problems.append(f"editor {number}: {error!r}")
    finally:
        connection.close()


def test_concurrent_editors_lose_nothing(transactional_db):
    if connection.vendor != "postgresql":
        message = "concurrent editing is tested on PostgreSQL (set DATABASE_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    role = RoleFactory(with_missions=1)
    mission = role.missions.get()
    Mission.objects.filter(pk=mission.pk).update(description=INITIAL_DESCRIPTION, **BASE_DATA)
    managers = [
        MembershipFactory(structure=role.structure, capacity=Capacity.MANAGER).user
        for _ in range(EDITORS)
    ]
    url = reverse("missions:mission_edit", args=[mission.pk])
    outcomes = [Outcome() for _ in managers]
    start = threading.Barrier(EDITORS)
    threads = [
        threading.Thread(target=_editor, args=(number, user, url, start, outcome))
        for number, (user, outcome) in enumerate(zip(managers, outcomes, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "an editor is still running"

    problems = [problem for outcome in outcomes for problem in outcome.problems]
    statuses = [status for outcome in outcomes for status in outcome.statuses]
    applied = sorted(item for outcome in outcomes for item in outcome.applied)
    gave_up = [item for outcome in outcomes for item in outcome.gave_up]
    conflicts = [item for outcome in outcomes for item in outcome.conflicts]

    assert problems == []
    assert not [status for status in statuses if status >= 500], "server errors"
    assert set(statuses) <= {200, 302, 409}
    # Every edit was either applied, or refused with the conflict shown ATTEMPTS times.
    assert len(applied) + len(gave_up) == EDITORS * EDITS
    assert conflicts, "no conflict happened: the editors did not run concurrently"
    assert statuses.count(409) == len(conflicts)

    # 0 lost updates: each applied edit made exactly one revision, one after the other.
    mission.refresh_from_db()
    assert mission.revision - 1 == len(applied)
    assert [revision for revision, _typed in applied] == list(range(1, mission.revision))
    events = list(
        RoleEvent.objects.filter(role=role, kind=RoleEvent.Kind.MISSION_CHANGED).order_by("id")
    )
    assert len(events) == len(applied)
    descriptions = [INITIAL_DESCRIPTION] + [typed for _revision, typed in applied]
    assert [event.changes["description"] for event in events] == [
        [old, new] for old, new in itertools.pairwise(descriptions)
    ]
    assert mission.description == descriptions[-1]
    # Each conflict showed the version saved at the revision it then offered to save over.
    saved_at = dict(enumerate(descriptions, start=1))
    assert all(saved_at[revision] == shown for revision, shown in conflicts)
