"""A structure exports to JSON and imports into an empty database identically (round trip)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from facilitation.reviews import recommendation_follow_up, review_create
from missions.models import DailyTask, Mission, Proposal
from missions.proposals import comment_add, proposal_accept, proposal_create
from missions.services import mission_delete, task_create
from roles.models import Role
from sheets.models import RoleSheetVersion
from sheets.reviews import early_review_ask, sheet_review
from sheets.snapshots import diff, snapshot
from sheets.versions import version_answer, version_request
from structures.models import Structure, User
from www.privacy import person_erase


def _values(obj):
    return {name: getattr(obj, name) for name in type(obj).EDITABLE_FIELDS}


def _live_a_little(world):
    """Proposals with comments, an adopted version, a mission removed since (it remains only
    inside the version), a version waiting for signatures, a review with recommendations about
    the structure and a mission, history, a sheet's review and early request, and two erased
    people."""
    role, mission = world.role, world.mission
    accepted = proposal_create(
        role=role,
        by=world.peer_worker,
        kind=Proposal.Kind.CHANGE_MISSION,
        mission=mission,
        rationale="Le matin, on rencontre d'autres personnes.",
        proposed=_values(mission) | {"includes": "Les tournées du matin"},
    )
    comment_add(proposal=accepted, by=world.peer_worker, body="Qu'en pensez-vous ?")
    comment_add(proposal=accepted, by=world.facilitator, body="Bonne idée.")
    proposal_accept(proposal=accepted, by=world.manager, reason="D'accord")
    version = version_request(role=role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    version = version_answer(version=version, by=world.peer_worker, decision="signed")
    # Its review: a peer worker's early request, then views noted.
    early_review_ask(version=version, by=world.peer_worker, reason="Je fais surtout l'accueil.")
    sheet_review(version=version, by=world.peer_worker, outcome="noted", helped="Les binômes.")

    second = role.missions.exclude(pk=mission.pk).get()
    mission_delete(mission=second, by=world.manager)
    task_create(mission=mission, by=world.manager, action="Tenir la permanence", frequency="daily")
    task = mission.tasks.first()
    proposal_create(
        role=role,
        by=world.peer_worker,
        kind=Proposal.Kind.REMOVE_TASK,
        task=task,
        rationale="Une autre personne le fait déjà.",
    )
    version = version_request(role=role, by=world.manager)
    version_answer(
        version=version, by=world.peer_worker, decision="changes", comment="Encore un détail."
    )

    review = review_create(
        structure=world.structure,
        by=world.facilitator,
        reviewed_on=timezone.localdate(),
        notes="Visite de l'équipe.",
        recommendations=[
            {"text": "Prévoir une supervision mensuelle."},
            {"text": "Préciser cette mission.", "mission": mission},
        ],
    )
    recommendation_follow_up(
        recommendation=review.recommendations.first(),
        by=world.manager,
        status="answered",
        answer="C'est prévu.",
    )
    person_erase(user=world.other_peer_worker, by=None)
    person_erase(user=world.peer_worker, by=None)


def _export(slug, path):
    call_command("export_structure", slug, str(path))
    return path.read_text(encoding="utf-8")


def _differences(slug):
    """What each version changes against the current sheet, as plain text."""
    role = Role.objects.prefetch_related(
        Prefetch("missions", queryset=Mission.objects.prefetch_related("tasks"))
    ).get(structure__slug=slug)
    current = snapshot(role)
    return [
        repr(diff(version.snapshot, current))
        for version in RoleSheetVersion.objects.filter(role=role).order_by("number")
    ]


def test_round_trip_into_an_empty_database(world, tmp_path):
    _live_a_little(world)
    before = _differences("escale")
    assert all(before), "the versions differ from the current sheet"
    first = _export("escale", tmp_path / "first.json")

    # An empty database: everything goes (the test's transaction brings it back afterwards).
    connection.check_constraints()  # PostgreSQL: run the deferred checks before TRUNCATE
    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists() and not Structure.objects.exists()

    call_command("import_structure", str(tmp_path / "first.json"))
    second = _export("escale", tmp_path / "second.json")
    assert second == first

    document = json.loads(first)
    assert {"r1"} == {role["ref"] for role in document["roles"]}
    assert '"m-gone-1"' in first and '"t-gone-2"' in first  # the removed mission, in v1
    assert "id" not in json.dumps(document["structure"])
    # Comparing the versions with the current sheet says the same as before the export.
    assert _differences("escale") == before
    # People were created with unusable passwords; the erased ones stay anonymous.
    people = User.objects.all()
    assert people.count() == len(document["people"])
    assert not any(person.has_usable_password() for person in people)
    assert sum(person.is_erased for person in people) == 2
    assert Mission.objects.count() == 1 and DailyTask.objects.count() == 3


def test_the_export_holds_only_the_structure(world, tmp_path):
    _live_a_little(world)
    text = _export("escale", tmp_path / "escale.json")
    assert world.other_manager.email not in text
    assert world.other_structure.slug not in text
    document = json.loads(text)
    emails = [person["email"] for person in document["people"]]
    assert emails == [*sorted(emails[:-2]), "erased-1@erased.invalid", "erased-2@erased.invalid"]


def test_import_uses_existing_accounts_and_refuses_an_existing_structure(world, tmp_path):
    path = tmp_path / "escale.json"
    _export("escale", path)
    with pytest.raises(CommandError, match="exists already"):
        call_command("import_structure", str(path))

    manager = world.manager
    manager_password = manager.password
    Structure.objects.filter(slug="escale").delete()
    users_before = User.objects.count()
    call_command("import_structure", str(path))
    assert User.objects.count() == users_before  # every person was found by their address
    manager.refresh_from_db()
    assert manager.password == manager_password
    assert Structure.objects.get(slug="escale").memberships.filter(user=manager).exists()


def test_a_broken_file_imports_nothing(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"format": "peerwork-structure", "version": 1}))
    with pytest.raises(CommandError):
        call_command("import_structure", str(path))
    path.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("import_structure", str(path))
    assert not Structure.objects.exists()
    with pytest.raises(CommandError):
        call_command("export_structure", "nowhere", str(tmp_path / "out.json"))
