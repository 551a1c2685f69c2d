"""Co-signed versions of a role sheet: asking for signatures, answering, adoption, comparison.

Over 600 lines: one module per feature, the whole journey of a version, a section per step
(asking, answering, reading, comparing, who reads what, queries).
"""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from missions import services as mission_services
from missions.models import Latitude
from outbox.notify import absolute
from roles.models import RoleEvent
from roles.services import role_update
from sheets.models import RoleSheetVersion, Signature
from sheets.snapshots import diff, snapshot
from sheets.versions import sheet_with_content, version_answer, version_request
from structures.models import Capacity

from .factories import (
    DailyTaskFactory,
    MembershipFactory,
    MissionFactory,
    RoleAssignmentFactory,
)

Status = RoleSheetVersion.Status
Decision = Signature.Decision


@pytest.fixture
def client(client):
    """Pages in English whatever the account's language (the cookie wins)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(name, world, **kwargs):
    return reverse(f"roles:{name}", kwargs={"role_id": world.role.pk, **kwargs})


def _answer_url(world, number=1):
    return _url("version_answer", world, number=number)


def _ask(client, world, capture):
    client.force_login(world.manager)
    with capture(execute=True):
        response = client.post(_url("version_request", world))
    return response


def _sign_all(version, *people):
    for person in people:
        version = version_answer(version=version, by=person, decision=Decision.SIGNED)
    return version


def _page(response):
    return response.content.decode()


# --- asking for signatures --------------------------------------------------------------------


def test_manager_asks_for_signatures_and_each_peer_worker_gets_an_email(
    client, world, django_capture_on_commit_callbacks
):
    second = MembershipFactory(structure=world.structure).user
    second.language = "en"
    second.save()
    world.peer_worker.language = "fr"
    world.peer_worker.save()
    RoleAssignmentFactory(role=world.role, peer_worker=second)
    expected_snapshot = snapshot(sheet_with_content(world.role.pk))

    response = _ask(client, world, django_capture_on_commit_callbacks)

    version = RoleSheetVersion.objects.get(role=world.role)
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()
    assert (version.number, version.status, version.requested_by) == (
        1,
        Status.AWAITING,
        world.manager,
    )
    assert version.snapshot == expected_snapshot
    assert len(version.snapshot["missions"]) == 2
    assert {s.signer for s in version.signatures.all()} == {
        world.manager,
        world.peer_worker,
        second,
    }
    assert set(version.signatures.values_list("decision", flat=True)) == {Decision.PENDING}
    # The manager asked: the peer workers are told, each once, with a link to the version.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.peer_worker.email, second.email])
    link = absolute(version.get_absolute_url())
    assert all(link in m.body for m in mail.outbox)
    english = next(m for m in mail.outbox if m.to == [second.email])
    assert english.subject == f"Version 1 of the role sheet “{world.role.title}” is ready to sign"
    french = next(m for m in mail.outbox if m.to == [world.peer_worker.email])
    with translation.override("fr"):
        subject = gettext("Version %(number)s of the role sheet “%(role)s” is ready to sign")
    assert french.subject == subject % {"number": 1, "role": world.role.title}
    assert world.manager.get_full_name() in english.body
    assert RoleEvent.objects.filter(
        role=world.role, kind=RoleEvent.Kind.SIGNATURES_REQUESTED, actor=world.manager
    ).exists()


def test_asking_without_a_peer_worker_explains_and_creates_nothing(
    client, world, django_capture_on_commit_callbacks
):
    world.role.assignments.all().delete()
    response = _ask(client, world, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == _url("versions", world)
    page = _page(client.get(response["Location"]))
    assert "Give the role to a peer worker before asking for signatures." in page
    assert not RoleSheetVersion.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("actor", ["peer_worker", "other_peer_worker", "facilitator"])
def test_only_managers_ask_for_signatures(client, world, actor):
    client.force_login(getattr(world, actor))
    assert client.post(_url("version_request", world)).status_code == 403
    assert not RoleSheetVersion.objects.exists()


def test_version_request_is_post_only(client, world):
    client.force_login(world.manager)
    assert client.get(_url("version_request", world)).status_code == 405
    assert not RoleSheetVersion.objects.exists()


# --- answering --------------------------------------------------------------------------------


def test_manager_and_peer_worker_sign_and_the_version_is_adopted(
    client, world, django_capture_on_commit_callbacks
):
    _ask(client, world, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    response = client.post(_answer_url(world), {"decision": "signed"}, follow=True)
    assert "You signed version 1." in _page(response)
    version = RoleSheetVersion.objects.get()
    assert version.status == Status.AWAITING

    client.force_login(world.peer_worker)
    page = _page(client.get(version.get_absolute_url()))
    assert 'name="decision" value="signed"' in page
    assert 'name="decision" value="changes"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_answer_url(world), {"decision": "signed"}, follow=True)
    assert "Everyone has signed: version 1 is adopted." in _page(response)

    version.refresh_from_db()
    assert version.status == Status.ADOPTED
    assert version.adopted_at is not None
    assert set(version.signatures.values_list("decision", flat=True)) == {Decision.SIGNED}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.manager.email, world.peer_worker.email]
    )
    assert all(absolute(version.get_absolute_url()) in m.body for m in mail.outbox)
    kinds = list(RoleEvent.objects.filter(role=world.role).values_list("kind", flat=True)[:3])
    assert kinds == [RoleEvent.Kind.VERSION_ADOPTED, RoleEvent.Kind.SIGNED, RoleEvent.Kind.SIGNED]
    # Once signed, the form is gone.
    assert 'name="decision"' not in _page(client.get(version.get_absolute_url()))


def test_a_later_change_makes_the_draft_differ_from_the_adopted_version(client, world):
    version = _sign_all(
        version_request(role=world.role, by=world.manager), world.manager, world.peer_worker
    )
    client.force_login(world.peer_worker)
    compare = _url("version_compare", world) + "?from=1&to=draft"
    assert "No difference" in _page(client.get(compare))

    role_update(
        role=world.role,
        by=world.manager,
        revision=world.role.revision,
        purpose="Une nouvelle raison d'être.",
    )
    response = client.get(compare)
    assert response.status_code == 200
    page = _page(response)
    assert "No difference" not in page
    assert "Raison d&#x27;être" in page
    assert version.snapshot["role"]["purpose"] in page.replace("&#x27;", "'")
    assert "Une nouvelle raison d&#x27;être." in page


def test_asking_for_changes_needs_a_comment_and_tells_the_requester(
    client, world, django_capture_on_commit_callbacks
):
    _ask(client, world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    client.force_login(world.peer_worker)

    response = client.post(_answer_url(world), {"decision": "changes", "comment": "  "})
    assert response.status_code == 200
    assert "Say which changes you would like." in _page(response)
    signature = Signature.objects.get(signer=world.peer_worker)
    assert signature.decision == Decision.PENDING
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _answer_url(world),
            {"decision": "changes", "comment": "Ajouter les permanences du samedi."},
        )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert (signature.decision, signature.comment) == (
        Decision.CHANGES_REQUESTED,
        "Ajouter les permanences du samedi.",
    )
    assert signature.decided_at is not None
    assert RoleSheetVersion.objects.get().status == Status.AWAITING
    assert [m.to for m in mail.outbox] == [[world.manager.email]]
    assert "Ajouter les permanences du samedi." in mail.outbox[0].body
    assert absolute(_url("version", world, number=1)) in mail.outbox[0].body
    # The answer is shown on the version page, with its comment.
    page = _page(client.get(_url("version", world, number=1)))
    assert "asks for changes" in page
    assert "Ajouter les permanences du samedi." in page


def test_a_requester_asking_for_changes_gets_no_email_from_themselves(
    world, django_capture_on_commit_callbacks
):
    version = version_request(role=world.role, by=world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        version_answer(
            version=version, by=world.manager, decision=Decision.CHANGES_REQUESTED, comment="Oups."
        )
    assert mail.outbox == []


@pytest.mark.parametrize("actor", ["facilitator", "other_peer_worker"])
def test_a_facilitator_or_a_non_signatory_cannot_sign(client, world, actor):
    version = version_request(role=world.role, by=world.manager)
    client.force_login(getattr(world, actor))
    page = _page(client.get(version.get_absolute_url()))
    assert 'name="decision"' not in page  # readable, but no form
    for decision in ("signed", "changes"):
        response = client.post(_answer_url(world), {"decision": decision, "comment": "Non."})
        assert response.status_code == 403
    version.refresh_from_db()
    assert version.status == Status.AWAITING
    assert not Signature.objects.filter(signer=getattr(world, actor)).exists()
    assert set(version.signatures.values_list("decision", flat=True)) == {Decision.PENDING}


def test_a_facilitator_is_never_asked_to_sign(world):
    version = version_request(role=world.role, by=world.manager)
    signers = set(version.signatures.values_list("signer", flat=True))
    assert signers == {world.manager.pk, world.peer_worker.pk}


def test_outsiders_cannot_even_see_the_version(client, world):
    version_request(role=world.role, by=world.manager)
    client.force_login(world.other_manager)
    assert client.get(_url("version", world, number=1)).status_code == 404
    assert client.post(_answer_url(world), {"decision": "signed"}).status_code == 404
    assert Signature.objects.filter(decision=Decision.SIGNED).count() == 0


def test_a_new_request_supersedes_the_awaiting_version(client, world):
    first = version_request(role=world.role, by=world.manager)
    version_answer(version=first, by=world.manager, decision=Decision.SIGNED)
    second = version_request(role=world.role, by=world.manager)
    first.refresh_from_db()
    assert (first.status, second.number, second.status) == (
        Status.SUPERSEDED,
        2,
        Status.AWAITING,
    )
    assert second.signatures.filter(decision=Decision.PENDING).count() == 2


def test_signing_a_superseded_version_is_refused(client, world):
    first = version_request(role=world.role, by=world.manager)
    version_request(role=world.role, by=world.manager)
    client.force_login(world.peer_worker)
    page = _page(first_page := client.get(first.get_absolute_url()))
    assert first_page.status_code == 200
    assert 'name="decision"' not in page
    assert "A later version replaced this one." in page

    response = client.post(_answer_url(world, 1), {"decision": "signed"}, follow=True)
    assert response.status_code == 200
    assert "This version is no longer waiting for signatures." in _page(response)
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert not first.signatures.filter(decision=Decision.SIGNED).exists()


def test_signing_twice_is_refused_with_a_message(client, world):
    version_request(role=world.role, by=world.manager)
    client.force_login(world.manager)
    client.post(_answer_url(world), {"decision": "signed"})
    response = client.post(_answer_url(world), {"decision": "signed"}, follow=True)
    assert "You have already signed this version." in _page(response)


def test_an_unknown_decision_is_refused_with_a_message(client, world):
    version_request(role=world.role, by=world.manager)
    client.force_login(world.peer_worker)
    response = client.post(_answer_url(world), {"decision": "maybe"}, follow=True)
    assert response.status_code == 200
    assert "Choose to sign or to ask for changes." in _page(response)
    assert not Signature.objects.exclude(decision=Decision.PENDING).exists()


def test_version_answer_is_post_only(client, world):
    version_request(role=world.role, by=world.manager)
    client.force_login(world.peer_worker)
    assert client.get(_answer_url(world)).status_code == 405


def test_an_unknown_version_number_is_a_404(client, world):
    version_request(role=world.role, by=world.manager)
    client.force_login(world.peer_worker)
    assert client.get(_url("version", world, number=2)).status_code == 404
    assert client.post(_answer_url(world, 2), {"decision": "signed"}).status_code == 404


# --- reading versions as they were ------------------------------------------------------------


def test_the_adopted_version_stays_exactly_as_it_was_after_the_sheet_changes(client, world):
    version = _sign_all(
        version_request(role=world.role, by=world.manager), world.manager, world.peer_worker
    )
    frozen = dict(version.snapshot)
    old_title, old_task, old_role = world.mission.title, world.task.action, world.role.title
    mission_services.mission_update(
        mission=world.mission,
        by=world.manager,
        revision=world.mission.revision,
        title="Une mission renommée",
        latitude=Latitude.AUTONOMOUS,
    )
    mission_services.task_delete(task=world.task, by=world.manager)
    role_update(role=world.role, by=world.manager, revision=world.role.revision, title="Renommé")

    version.refresh_from_db()
    assert version.snapshot == frozen
    client.force_login(world.facilitator)
    page = _page(client.get(version.get_absolute_url()))
    assert old_title in page
    assert old_task in page
    assert "Une mission renommée" not in page
    assert f'<dd class="col-sm-8">{old_role}</dd>' in page  # the title of the time
    assert "In pair with a colleague" in page  # the latitude label of the time
    assert "Adopted" in page


def test_the_versions_page_lists_versions_signatures_and_comparisons(client, world):
    _sign_all(version_request(role=world.role, by=world.manager), world.manager, world.peer_worker)
    version_request(role=world.role, by=world.manager)
    client.force_login(world.manager)
    page = _page(client.get(_url("versions", world)))
    assert "Version 1" in page and "Version 2" in page
    assert "Adopted" in page and "Waiting for signatures" in page
    assert world.peer_worker.get_full_name() in page
    assert f"{_url('version_compare', world)}?from=1&amp;to=2" in page
    assert f"{_url('version_compare', world)}?from=1&amp;to=draft" in page
    assert "Ask for signatures on the current sheet" in page
    assert "How signing together works" in page

    client.force_login(world.peer_worker)
    page = _page(client.get(_url("versions", world)))
    assert "Ask for signatures on the current sheet" not in page


# --- comparison -------------------------------------------------------------------------------


def test_the_diff_shows_missions_and_tasks_added_removed_and_changed_field_by_field(world):
    role = world.role
    removed_mission = role.missions.last()
    kept_task, removed_task = world.mission.tasks.all()
    old = snapshot(sheet_with_content(role.pk))

    by = world.manager
    mission_services.mission_update(
        mission=world.mission,
        by=by,
        revision=world.mission.revision,
        excludes="Le ménage",
        latitude=Latitude.AUTONOMOUS,
    )
    mission_services.mission_delete(mission=removed_mission, by=by)
    added = mission_services.mission_create(role=role, by=by, title="Participer aux réunions")
    mission_services.task_create(mission=added, by=by, action="Préparer l'ordre du jour")
    mission_services.task_update(
        task=kept_task, by=by, revision=kept_task.revision, duration_minutes=90
    )
    mission_services.task_delete(task=removed_task, by=by)
    mission_services.task_create(mission=world.mission, by=by, action="Tenir la permanence")
    new = snapshot(sheet_with_content(role.pk))

    result = diff(old, new)
    assert result
    assert result.role_fields == []
    by_title = {m.title: m for m in result.missions}
    assert set(by_title) == {world.mission.title, removed_mission.title, "Participer aux réunions"}

    changed = by_title[world.mission.title]
    assert changed.status == "changed"
    assert {(f.label, f.old, f.new) for f in changed.fields} == {
        ("what the mission does not include", "La distribution des repas", "Le ménage"),
        ("latitude", "in pair with a colleague", "autonomous (on their own)"),
    }
    tasks = {(t.title, t.status) for t in changed.tasks}
    assert tasks == {
        (kept_task.action, "changed"),
        (removed_task.action, "removed"),
        ("Tenir la permanence", "added"),
    }
    kept = next(t for t in changed.tasks if t.status == "changed")
    assert [(f.old, f.new) for f in kept.fields] == [(60, 90)]

    assert by_title[removed_mission.title].status == "removed"
    assert {t.status for t in by_title[removed_mission.title].tasks} == {"removed"}
    new_mission = by_title["Participer aux réunions"]
    assert new_mission.status == "added"
    assert [(t.title, t.status) for t in new_mission.tasks] == [
        ("Préparer l'ordre du jour", "added")
    ]
    assert ("mission", None, "Participer aux réunions") in {
        (f.label, f.old, f.new) for f in new_mission.fields
    }


def test_the_diff_notices_a_mission_moved(world):
    old = snapshot(sheet_with_content(world.role.pk))
    mission_services.mission_move(mission=world.mission, by=world.manager, offset=1)
    result = diff(old, snapshot(sheet_with_content(world.role.pk)))
    assert result
    assert [(m.title, m.moved) for m in result.missions] == [(world.mission.title, True)]


def test_the_compare_page_shows_each_change_in_words(client, world):
    version_request(role=world.role, by=world.manager)
    mission_services.mission_update(
        mission=world.mission,
        by=world.manager,
        revision=world.mission.revision,
        latitude=Latitude.AUTONOMOUS,
    )
    mission_services.mission_create(role=world.role, by=world.manager, title="Nouvelle mission")
    mission_services.task_delete(task=world.task, by=world.manager)
    version_request(role=world.role, by=world.manager)
    client.force_login(world.peer_worker)
    response = client.get(_url("version_compare", world) + "?from=1&to=2")
    assert response.status_code == 200
    page = _page(response)
    assert "What changed from version 1 to version 2" in page
    assert "Mission changed:" in page
    assert "Mission added:" in page and "Nouvelle mission" in page
    assert "Task removed:" in page and world.task.action in page
    assert "Before:" in page and "After:" in page
    assert "in pair with a colleague" in page and "autonomous (on their own)" in page


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 200, "Compare versions of the role sheet"),
        ("?from=abc&to=draft", 400, "Choose the version to start from."),
        ("?from=9&to=draft", 400, "There is no version 9."),
        ("?from=1", 400, "Choose the version to compare it with, or the current draft."),
        ("?from=1&to=7", 400, "There is no version 7."),
        ("?to=draft", 400, "Choose the version to start from."),
        ("?from=-1&to=1", 400, "Choose the version to start from."),
    ],
)
def test_the_compare_page_explains_wrong_parameters(client, world, query, status, message):
    version_request(role=world.role, by=world.manager)
    client.force_login(world.peer_worker)
    response = client.get(_url("version_compare", world) + query)
    assert response.status_code == status
    page = _page(response)
    assert message in page
    assert 'name="from"' in page and 'name="to"' in page  # a form to choose


def test_the_compare_page_without_any_version_says_so(client, world):
    client.force_login(world.manager)
    response = client.get(_url("version_compare", world))
    assert response.status_code == 200
    assert "This sheet has no version yet" in _page(response)


# --- who reads what ---------------------------------------------------------------------------

READ_PAGES = [
    ("versions", {}),
    ("version", {"number": 1}),
    ("version_compare", {}),
    ("history", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("manager", 200),
        ("peer_worker", 200),
        ("other_peer_worker", 200),
        ("facilitator", 200),
        ("other_manager", 404),
        ("other_facilitator", 404),
        ("admin", 404),
    ],
)
def test_everyone_who_reads_the_role_reads_its_versions(
    client, world, name, kwargs, actor, expected
):
    version_request(role=world.role, by=world.manager)
    client.force_login(getattr(world, actor))
    assert client.get(_url(name, world, **kwargs)).status_code == expected


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_anonymous_people_are_sent_to_log_in(client, world, name, kwargs):
    version_request(role=world.role, by=world.manager)
    response = client.get(_url(name, world, **kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_manager_who_left_the_structure_cannot_ask(client, world):
    membership = world.manager.memberships.get(structure=world.structure)
    membership.is_active = False
    membership.save()
    client.force_login(world.manager)
    assert client.post(_url("version_request", world)).status_code == 404
    assert not RoleSheetVersion.objects.exists()
    assert membership.capacity == Capacity.MANAGER


# --- a fixed number of queries ----------------------------------------------------------------

# Session + user + the request's savepoint pair (ATOMIC_REQUESTS), then: role with access,
# the versions to choose from, the two snapshots compared.
COMPARE_VERSIONS_QUERIES = 7
# The same with the draft: role with access, its missions, their tasks, the versions, a snapshot.
COMPARE_DRAFT_QUERIES = 9
# Role with access, assignments exist?, versions with who asked, their signatures with signers,
# their reviews with who wrote them.
VERSIONS_PAGE_QUERIES = 9
# Role with access, the version, its signatures with signers.
VERSION_PAGE_QUERIES = 7


def _grow(world, size):
    for _ in range(2 * size):
        DailyTaskFactory.create_batch(3, mission=MissionFactory(role=world.role))
    for _ in range(size):
        RoleAssignmentFactory(
            role=world.role, peer_worker=MembershipFactory(structure=world.structure).user
        )
    for _ in range(size):
        version_request(role=world.role, by=world.manager)
    DailyTaskFactory.create_batch(size, mission=world.mission)
    return version_request(role=world.role, by=world.manager)


@pytest.mark.parametrize("size", [1, 10])
def test_compare_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    last = _grow(world, size)
    client.force_login(world.peer_worker)
    url = _url("version_compare", world) + f"?from=1&to={last.number}"
    with django_assert_num_queries(COMPARE_VERSIONS_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert "Task added:" in _page(response)


@pytest.mark.parametrize("size", [1, 10])
def test_compare_with_draft_query_count_does_not_grow(
    client, world, django_assert_num_queries, size
):
    _grow(world, size)
    MissionFactory(role=world.role, title="Après la dernière version")
    client.force_login(world.peer_worker)
    with django_assert_num_queries(COMPARE_DRAFT_QUERIES):
        response = client.get(_url("version_compare", world) + "?from=1&to=draft")
    assert response.status_code == 200
    assert "Après la dernière version" in _page(response)


@pytest.mark.parametrize("size", [1, 10])
def test_version_pages_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    last = _grow(world, size)
    client.force_login(world.manager)
    with django_assert_num_queries(VERSIONS_PAGE_QUERIES):
        response = client.get(_url("versions", world))
    assert response.status_code == 200
    with django_assert_num_queries(VERSION_PAGE_QUERIES):
        response = client.get(last.get_absolute_url())
    assert response.status_code == 200
    assert 'name="decision" value="signed"' in _page(response)
