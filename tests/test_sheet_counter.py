"""The counters cached pages are keyed on (Role.sheet_counter, Structure.page_counter) move in
the writer's own transaction, whatever way the write takes: a service, the platform admin's
change or delete, a cascade, a queryset update, raw SQL, a rename of a person the page names.
A write they missed would leave a stale page in the cache (core/counters.py)."""

import datetime
import importlib

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.counters import trigger_names
from missions import proposals, services
from missions.models import DailyTask, Mission, Proposal, ProposalComment
from roles import services as role_services
from roles.models import Role
from sheets.models import Signature
from sheets.versions import version_answer, version_request
from structures.models import Capacity, Invitation, Structure, User
from structures.services import invitation_send

from .factories import MembershipFactory, ProposalCommentFactory, RoleFactory


def sheet_counter(role):
    return Role.objects.values_list("sheet_counter", flat=True).get(pk=role.pk)


def page_counter(structure):
    return Structure.objects.values_list("page_counter", flat=True).get(pk=structure.pk)


class Rollback(Exception):
    pass


def assert_moves_in_its_transaction(write, counter):
    """`counter()` has moved right after `write()`, inside the writer's transaction, and is
    back where it was when that transaction rolls back."""
    before = counter()
    with pytest.raises(Rollback), transaction.atomic():
        write()
        assert counter() > before
        raise Rollback
    assert counter() == before


def _task_sql(action, task):
    table = connection.ops.quote_name(DailyTask._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", [action, task.pk])  # noqa: S608


def test_the_triggers_are_all_in_the_database(db):
    vendor = connection.vendor
    expected = set()
    for module in (
        "structures.migrations.0007_page_counter",
        "roles.migrations.0008_sheet_counter",
        "missions.migrations.0009_sheet_counter_triggers",
        "facilitation.migrations.0004_page_counter_triggers",
        "checkins.migrations.0002_page_counter_triggers",
        "checkins.migrations.0003_sheet_counter_triggers",
        "checkins.migrations.0004_cadence_and_planned_time",
        "sheets.migrations.0002_review_dates",
    ):
        expected |= trigger_names(importlib.import_module(module).TRIGGERS, vendor)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    assert expected <= present


def test_a_service(world):
    assert_moves_in_its_transaction(
        lambda: services.task_update(
            task=DailyTask.objects.get(pk=world.task.pk),
            by=world.manager,
            revision=world.task.revision,
            action="Passer au foyer le mardi",
        ),
        lambda: sheet_counter(world.role),
    )


def test_a_queryset_update_that_touches_no_revision_nor_date(world):
    assert_moves_in_its_transaction(
        lambda: Mission.objects.filter(pk=world.mission.pk).update(title="Accueil du soir"),
        lambda: sheet_counter(world.role),
    )


def test_raw_sql(world):
    assert_moves_in_its_transaction(
        lambda: _task_sql("Passer au foyer le mardi", world.task),
        lambda: sheet_counter(world.role),
    )


def test_a_task_removed_with_its_mission_by_cascade(world):
    n_tasks = world.mission.tasks.count()
    assert n_tasks
    before = sheet_counter(world.role)
    Mission.objects.filter(pk=world.mission.pk).delete()
    assert not DailyTask.objects.filter(pk=world.task.pk).exists()
    # The mission's row and each of its tasks' rows.
    assert sheet_counter(world.role) >= before + n_tasks + 1
    assert_moves_in_its_transaction(
        lambda: Mission.objects.filter(role=world.role).delete(), lambda: sheet_counter(world.role)
    )


def test_a_signature(world):
    version = version_request(role=world.role, by=world.manager)
    assert_moves_in_its_transaction(
        lambda: version_answer(
            version=version, by=world.manager, decision=Signature.Decision.SIGNED
        ),
        lambda: sheet_counter(world.role),
    )
    assert_moves_in_its_transaction(
        lambda: Signature.objects.filter(version=version, signer=world.manager).update(
            decision=Signature.Decision.SIGNED, decided_at=timezone.now()
        ),
        lambda: sheet_counter(world.role),
    )


def test_a_comment(world):
    proposal = proposals.proposal_create(
        role=world.role,
        by=world.peer_worker,
        kind=Proposal.Kind.REMOVE_TASK,
        task=world.task,
        rationale="Plus utile.",
    )
    assert_moves_in_its_transaction(
        lambda: proposals.comment_add(proposal=proposal, by=world.manager, body="D'accord."),
        lambda: sheet_counter(world.role),
    )


@pytest.mark.parametrize("where", ["holder", "signatory", "history author", "comment author"])
def test_a_rename_of_a_person_the_sheet_names(world, where):
    # Someone the sheet names in this one place only.
    capacity = Capacity.MANAGER if where == "signatory" else Capacity.PEER_WORKER
    person = MembershipFactory(structure=world.structure, capacity=capacity).user
    if where == "holder":
        role_services.role_assign(role=world.role, peer_worker=person, by=world.manager)
    elif where == "signatory":
        version = version_request(role=world.role, by=world.manager)
        Signature.objects.create(version=version, signer=person)
    elif where == "history author":
        services.task_delete(task=world.task, by=person)
    else:
        ProposalCommentFactory(
            proposal=proposals.proposal_create(
                role=world.role,
                by=world.peer_worker,
                kind=Proposal.Kind.REMOVE_TASK,
                task=world.task,
                rationale="Plus utile.",
            ),
            author=person,
        )

    def rename():
        person.full_name = "Nouveau Nom"
        person.save()

    assert_moves_in_its_transaction(rename, lambda: sheet_counter(world.role))


def test_a_rename_moves_the_pages_of_the_structures_where_the_person_is(world):
    other = RoleFactory(structure=world.other_structure, with_missions=1)
    before = sheet_counter(other), page_counter(world.other_structure)
    assert_moves_in_its_transaction(
        lambda: User.objects.filter(pk=world.peer_worker.pk).update(full_name="Nouveau Nom"),
        lambda: page_counter(world.structure),
    )
    # Nothing of the other structure names them.
    User.objects.filter(pk=world.peer_worker.pk).update(full_name="Nouveau Nom")
    assert (sheet_counter(other), page_counter(world.other_structure)) == before


def test_a_login_moves_no_counter(client, world):
    before = sheet_counter(world.role), page_counter(world.structure)
    client.post(reverse("login"), {"username": world.peer_worker.email, "password": "password"})
    assert User.objects.get(pk=world.peer_worker.pk).last_login is not None
    assert (sheet_counter(world.role), page_counter(world.structure)) == before


def test_a_save_from_an_old_copy_does_not_take_the_counter_back(world):
    old_copy = Role.objects.get(pk=world.role.pk)
    services.task_delete(task=world.task, by=world.manager)
    moved = sheet_counter(world.role)
    old_copy.purpose = "Autre"
    old_copy.save()
    assert sheet_counter(world.role) > moved


def test_another_sheet_does_not_move(world):
    other = RoleFactory(structure=world.structure, with_missions=1)
    before = sheet_counter(other)
    services.task_delete(task=world.task, by=world.manager)
    assert sheet_counter(other) == before


def test_roles_created_and_removed_move_the_structure_page(world):
    assert_moves_in_its_transaction(
        lambda: RoleFactory(structure=world.structure), lambda: page_counter(world.structure)
    )
    assert_moves_in_its_transaction(
        lambda: Role.objects.filter(pk=world.role.pk).delete(),
        lambda: page_counter(world.structure),
    )


# --- the platform admin ------------------------------------------------------------------------


def _admin_form_data(response):
    """The POST data of an admin change form as it was shown (nothing changed), as a browser
    would send it."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        forms.extend(inline.formset.initial_forms)  # the extra ones stay empty
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif isinstance(value, datetime.datetime):  # the admin's split date and time
                local = timezone.localtime(value)
                data[form.add_prefix(name) + "_0"] = local.date().isoformat()
                data[form.add_prefix(name) + "_1"] = local.strftime("%H:%M:%S")
            elif value not in (None, False):
                data[form.add_prefix(name)] = value
    return data


def test_an_admin_change(client, world):
    client.force_login(world.admin)
    url = reverse("admin:missions_mission_change", args=[world.mission.pk])
    data = _admin_form_data(client.get(url))
    data["tasks-0-action"] = "Passer au foyer le mardi"
    before = sheet_counter(world.role)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert DailyTask.objects.filter(action="Passer au foyer le mardi").exists()
    assert sheet_counter(world.role) > before


def test_an_admin_delete(client, world):
    client.force_login(world.admin)
    before = sheet_counter(world.role)
    response = client.post(
        reverse("admin:missions_mission_delete", args=[world.mission.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Mission.objects.filter(pk=world.mission.pk).exists()
    assert sheet_counter(world.role) > before


def test_an_admin_change_of_a_structure_moves_its_page(client, world):
    client.force_login(world.admin)
    url = reverse("admin:structures_structure_change", args=[world.structure.pk])
    data = _admin_form_data(client.get(url))
    data["city"] = "Rennes"
    before = page_counter(world.structure)
    assert client.post(url, data).status_code == 302
    assert page_counter(world.structure) > before


# --- what a reader notices ---------------------------------------------------------------------


def test_the_sheet_shows_a_write_that_touches_neither_revision_nor_date(client, world):
    client.force_login(world.manager)
    assert "Passer au foyer le mardi" not in client.get(world.role.get_absolute_url()).text
    _task_sql("Passer au foyer le mardi", world.task)
    assert "Passer au foyer le mardi" in client.get(world.role.get_absolute_url()).text


def test_the_proposal_page_shows_a_renamed_author_of_a_message(client, world):
    comment = ProposalCommentFactory(
        proposal=proposals.proposal_create(
            role=world.role,
            by=world.peer_worker,
            kind=Proposal.Kind.REMOVE_TASK,
            task=world.task,
            rationale="Plus utile.",
        ),
        author=world.other_peer_worker,
    )
    client.force_login(world.manager)
    url = comment.proposal.get_absolute_url()
    assert "Nouveau Nom" not in client.get(url).text
    User.objects.filter(pk=world.other_peer_worker.pk).update(full_name="Nouveau Nom")
    assert "Nouveau Nom" in client.get(url).text
    ProposalComment.objects.filter(pk=comment.pk).update(body="Un autre message")
    assert "Un autre message" in client.get(url).text


def test_the_structure_page_drops_an_invitation_when_it_expires(client, world, monkeypatch):
    invitation_send(
        structure=world.structure,
        email="nouvelle.collegue@example.org",
        capacity=Capacity.PEER_WORKER,
        by=world.manager,
        language="fr",
    )
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Invitation.objects.filter(structure=world.structure).update(expires_at=soon)
    client.force_login(world.manager)
    url = world.structure.get_absolute_url()
    assert "nouvelle.collegue@example.org" in client.get(url).text
    later = soon + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "nouvelle.collegue@example.org" not in client.get(url).text
