"""Database trouble gets a clear answer, never a 500.

- parallel writes that lose a race (a unique title, a deadlock) answer with the form's error or
  "try again" (threads, PostgreSQL only);
- a database that does not answer: /healthz says 503 quickly, connections and statements time
  out (settings);
- every field is bounded like its column, free text by TEXT_MAX_LENGTH; single-line fields
  refuse line breaks;
- editing a mission or a task that someone removed meanwhile says who removed it and keeps the
  typed text.

Longer than most modules: it is the one module of this feature (issue #11), in four sections
that follow the points above.
"""

import os
import socket
import threading
import time

import pytest
from django import forms as django_forms
from django.conf import settings
from django.db import OperationalError, connection, connections, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from core.concurrency import TryAgain, retry_once
from core.text import validate_single_line, validate_text_length
from missions.models import DailyTask, Mission
from peerwork import health
from roles.models import Role
from structures.models import Capacity, Invitation

from .factories import MembershipFactory, RoleFactory, StructureFactory

TIMEOUT_SECONDS = 120


def _postgresql_only():
    if connection.vendor != "postgresql":
        message = "races are tested on PostgreSQL (set DATABASE_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _in_parallel(count, work):
    """Run `work(number)` in `count` threads started together; return their results."""
    start = threading.Barrier(count)
    results = [None] * count

    def run(number):
        try:
            start.wait(timeout=TIMEOUT_SECONDS)
            results[number] = work(number)
        except Exception as error:  # reported by the test, not lost in the thread
            results[number] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running"
    return results


def _client(user, language="fr"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


ROLE_DATA = {
    "purpose": "",
    "people_served": "",
    "working_hours": "",
    "supervision": "",
    "lived_experience": "",
}


# --- 1. races ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "titles",
    [["Médiateur·rice pair·e"] * 20, ["Kiosque", "\u212aiosque"] * 10],
    ids=["same-title", "kelvin-sign"],
)
def test_parallel_creates_of_one_title_give_one_role_and_form_errors(titles):
    _postgresql_only()
    structure = StructureFactory()
    managers = [
        MembershipFactory(structure=structure, capacity=Capacity.MANAGER).user for _ in titles
    ]
    url = reverse("structures:role_new", args=[structure.slug])

    def create(number):
        client = _client(managers[number], "fr" if number % 2 else "en")
        response = client.post(url, {**ROLE_DATA, "title": titles[number]})
        return response.status_code, response.content.decode()

    results = _in_parallel(len(titles), create)

    assert [r for r in results if isinstance(r, Exception)] == []
    statuses = [status for status, _page in results]
    assert statuses.count(302) == 1, statuses
    assert statuses.count(200) == len(titles) - 1, statuses
    for number, (status, page) in enumerate(results):
        if status == 200:
            expected = (
                "Cette structure a déjà un rôle avec cet intitulé."
                if number % 2
                else "This structure already has a role with this title."
            )
            assert escape(expected) in page
            assert escape(titles[number]) in page  # what was typed stays in the form
    assert Role.objects.filter(structure=structure).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_moves_never_give_a_server_error():
    _postgresql_only()
    role = RoleFactory(with_missions=8)
    managers = [
        MembershipFactory(structure=role.structure, capacity=Capacity.MANAGER).user
        for _ in range(16)
    ]
    missions = list(role.missions.order_by("position"))
    task_mission = missions[0]
    tasks = list(task_mission.tasks.all())

    def move(number):
        client = _client(managers[number])
        statuses = []
        for round_ in range(4):
            direction = "up" if (number + round_) % 2 else "down"
            if number % 4 == 3:
                target = tasks[(number + round_) % len(tasks)]
                url = reverse("missions:task_move", args=[target.pk])
            else:
                target = missions[(number + round_) % len(missions)]
                url = reverse("missions:mission_move", args=[target.pk])
            statuses.append(client.post(url, {"direction": direction}).status_code)
        return statuses

    results = _in_parallel(len(managers), move)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert {status for statuses in results for status in statuses} == {302}
    positions = sorted(role.missions.values_list("position", flat=True))
    assert positions == list(range(len(missions)))


def _deadlock():
    """An OperationalError as Django raises it for a PostgreSQL deadlock."""
    cause = type("DeadlockDetected", (Exception,), {"sqlstate": "40P01"})("deadlock detected")
    error = OperationalError("deadlock detected")
    error.__cause__ = cause
    return error


def test_a_deadlock_is_retried_once_then_the_write_goes_through(world):
    calls = []

    @retry_once
    @transaction.atomic
    def write():
        calls.append(1)
        Mission.objects.filter(pk=world.mission.pk).update(title="Écrit")
        if len(calls) == 1:
            raise _deadlock()
        return "done"

    assert write() == "done"
    assert len(calls) == 2
    assert Mission.objects.get(pk=world.mission.pk).title == "Écrit"


def test_two_deadlocks_in_a_row_raise_try_again_and_write_nothing(world):
    @retry_once
    @transaction.atomic
    def write():
        Mission.objects.filter(pk=world.mission.pk).update(title="Jamais écrit")
        raise _deadlock()

    with pytest.raises(TryAgain):
        write()
    assert Mission.objects.get(pk=world.mission.pk).title != "Jamais écrit"


def test_other_database_errors_are_not_retried(world):
    calls = []

    @retry_once
    @transaction.atomic
    def write():
        calls.append(1)
        raise OperationalError("disk full")

    with pytest.raises(OperationalError):
        write()
    assert calls == [1]


@pytest.fixture
def deadlocking(monkeypatch):
    """Every UPDATE of a mission or task deadlocks, however often it is tried."""
    from django.db.models import QuerySet

    original = QuerySet.update

    def update(queryset, **kwargs):
        if queryset.model in (Mission, DailyTask):
            raise _deadlock()
        return original(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    monkeypatch.setattr(QuerySet, "bulk_update", lambda queryset, *a, **k: update(queryset))


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Someone else was saving at the same moment, so nothing was saved."),
        ("fr", "Quelqu'un d'autre enregistrait au même moment"),
    ],
)
def test_an_edit_that_keeps_deadlocking_says_try_again_and_keeps_the_text(
    world, deadlocking, language, message
):
    client = _client(world.manager, language)
    url = reverse("missions:mission_edit", args=[world.mission.pk])
    data = {
        "title": "Mon titre tapé",
        "description": "Tout ce que j'ai écrit",
        "latitude": world.mission.latitude,
        "revision": world.mission.revision,
    }
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert escape(message) in page
    assert escape("Tout ce que j'ai écrit") in page
    assert Mission.objects.get(pk=world.mission.pk).title != "Mon titre tapé"


def test_a_move_that_keeps_deadlocking_says_try_again(world, deadlocking):
    client = _client(world.manager, "en")
    url = reverse("missions:mission_move", args=[world.mission.pk])
    response = client.post(url, {"direction": "down"}, follow=True)
    assert response.status_code == 200
    assert escape("Please try again.") in response.content.decode()


def test_an_unanswered_race_or_a_timeout_elsewhere_is_a_503_page(world, monkeypatch):
    import sheets.views
    import structures.views

    client = _client(world.manager, "en")

    def busy(*args, **kwargs):
        raise TryAgain

    monkeypatch.setattr(sheets.views, "role_create", busy)
    url = reverse("structures:role_new", args=[world.structure.slug])
    with override_settings(DEBUG=False):
        response = client.post(url, {**ROLE_DATA, "title": "Un rôle"})
    assert response.status_code == 409  # save_or_render keeps the form

    def timeout(*args, **kwargs):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(structures.views, "invitation_send", timeout)
    url = reverse("structures:member_invite", args=[world.structure.slug])
    data = {"email": "nouvelle@example.org", "capacity": Capacity.PEER_WORKER}
    response = client.post(url, data)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Please try again in a moment." in response.content.decode()


# --- 2. a database that does not answer -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_within_2_seconds_when_the_database_is_frozen(client, monkeypatch):
    assert client.get(reverse("healthz")).status_code == 200  # and the views are loaded
    wrapper = connections["default"]
    thaw = threading.Event()

    def frozen(*args, **kwargs):
        thaw.wait(TIMEOUT_SECONDS)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(wrapper, "cursor", frozen)
    try:
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert time.monotonic() - started < 2
        # While the first probe waits, the next ones answer at once, without a new thread.
        started = time.monotonic()
        assert client.get(reverse("healthz")).status_code == 503
        assert time.monotonic() - started < 0.5
    finally:
        thaw.set()
        monkeypatch.undo()
        deadline = time.monotonic() + 10
        while health._stuck.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
        connections["default"].close()
        connections["default"] = wrapper
    # The database is back: so is "ok".
    assert client.get(reverse("healthz")).status_code == 200


def test_connections_and_statements_time_out(db):
    _postgresql_only()
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] == 2
    assert "statement_timeout=25000" in options["options"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("25s",)


def test_a_statement_cancelled_by_the_server_is_a_503_page_saying_try_again(world, monkeypatch):
    """statement_timeout (here 50 ms for this transaction only) makes a page fail fast."""
    _postgresql_only()
    import sheets.views

    def slow(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")

    monkeypatch.setattr(sheets.views, "sheet_pdf", slow)
    client = _client(world.manager, "fr")
    started = time.monotonic()
    with override_settings(DEBUG=False):
        response = client.get(reverse("roles:pdf", args=[world.role.pk]))
    assert time.monotonic() - started < 1.5
    assert response.status_code == 503
    assert "Veuillez réessayer dans un instant." in response.content.decode()


def test_connecting_to_a_server_that_never_answers_gives_up_quickly(db):
    """A socket that accepts connections (the kernel does) and never says a word."""
    _postgresql_only()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        host, port = silent.getsockname()
        settings_dict = {**connection.settings_dict, "HOST": host, "PORT": str(port)}
        frozen = type(connections["default"])(settings_dict, alias="frozen")
        started = time.monotonic()
        with pytest.raises(OperationalError):
            frozen.ensure_connection()
        assert time.monotonic() - started < 4
    finally:
        silent.close()


# --- 3. bounded fields, single lines ----------------------------------------------------------

LONG_ADDRESS = "a" * 288 + "@example.org"  # 300 characters: a valid address, too long to store


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_invitation_address_longer_than_its_column_is_refused_clearly(world, language):
    assert len(LONG_ADDRESS) == 300
    client = _client(world.manager, language)
    url = reverse("structures:member_invite", args=[world.structure.slug])
    data = {"email": LONG_ADDRESS, "full_name": "Ana", "capacity": Capacity.PEER_WORKER}
    response = client.post(url, data)
    assert response.status_code == 200
    expected = {
        "fr": "Assurez-vous que cette valeur comporte au plus 254 caractères",
        "en": "Ensure this value has at most 254 characters",
    }[language]
    assert expected in response.content.decode()
    assert not Invitation.objects.filter(structure=world.structure).exists()


def _long_text(extra=1):
    return "é" * (settings.TEXT_MAX_LENGTH + extra)


@pytest.mark.parametrize(
    ("url_name", "target", "data"),
    [
        ("structures:role_new", "structure", {**ROLE_DATA, "title": "Rôle", "purpose": None}),
        (
            "missions:mission_new",
            "role",
            {"title": "Mission", "latitude": "in_pair", "includes": None},
        ),
        ("missions:proposal_comment", "proposal", {"body": None}),
        (
            "facilitation:review_new",
            "review_structure",
            {
                "reviewed_on": "2026-01-05",
                "notes": None,
                "recommendations-TOTAL_FORMS": "1",
                "recommendations-INITIAL_FORMS": "0",
            },
        ),
    ],
    ids=["role", "mission", "comment", "review"],
)
def test_free_text_longer_than_text_max_length_is_refused_clearly(world, url_name, target, data):
    from missions.proposals import proposal_create

    actor = world.facilitator if target == "review_structure" else world.manager
    args = {
        "structure": [world.structure.slug],
        "review_structure": [world.structure.slug],
        "role": [world.role.pk],
    }.get(target)
    if target == "proposal":
        proposal = proposal_create(
            role=world.role,
            by=world.peer_worker,
            kind="add_task",
            mission=world.mission,
            rationale="Parce que.",
            proposed={"action": "Accueillir", "frequency": "weekly", "minutes_per_week": 30},
        )
        args = [proposal.pk]
    field = next(name for name, value in data.items() if value is None)
    client = _client(actor, "en")
    url = reverse(url_name, args=args)
    response = client.post(url, {**data, field: _long_text()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This text is too long: at most" in page
    assert escape(_long_text()[:100]) in page  # what was typed is kept
    # At the limit exactly, it is saved.
    response = client.post(url, {**data, field: _long_text(0)})
    assert response.status_code == 302


def test_text_max_length_is_read_when_validating(world):
    client = _client(world.manager, "fr")
    url = reverse("structures:role_new", args=[world.structure.slug])
    with override_settings(TEXT_MAX_LENGTH=20):
        response = client.post(url, {**ROLE_DATA, "title": "Rôle", "supervision": "x" * 21})
    assert response.status_code == 200
    assert "Ce texte est trop long" in response.content.decode()


def _all_forms():
    from facilitation import review_forms
    from missions import admin as missions_admin
    from missions import forms as mission_forms
    from missions import proposal_forms
    from roles import forms as role_forms
    from sheets import version_views
    from structures import forms as structure_forms

    modules = [
        missions_admin,
        mission_forms,
        proposal_forms,
        role_forms,
        version_views,
        structure_forms,
        review_forms,
    ]
    return {
        f"{module.__name__}.{name}": value
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, django_forms.BaseForm)
        and value.__module__ == module.__name__
    }


def _model_field(form_class, name):
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    return model._meta.get_field(name) if model is not None else None


def test_every_form_field_is_bounded_like_its_column_and_free_text_by_the_setting():
    """A new form field that forgets its bound fails here (not in production on PostgreSQL)."""
    unbounded = []
    for label, form_class in _all_forms().items():
        for name, field in form_class.base_fields.items():
            if not isinstance(field, django_forms.CharField) or isinstance(
                field,
                django_forms.JSONField,  # the admin's structured lists
            ):
                continue
            if isinstance(field.widget, django_forms.PasswordInput):
                continue  # only its hash is stored
            column = _model_field(form_class, name)
            validators = list(field.validators) + list(getattr(column, "validators", []))
            if isinstance(field.widget, django_forms.Textarea):
                if validate_text_length not in validators:
                    unbounded.append(f"{label}.{name}: free text without TEXT_MAX_LENGTH")
            elif field.max_length is None:
                unbounded.append(f"{label}.{name}: no max_length")
            elif column is not None and field.max_length > column.max_length:
                unbounded.append(f"{label}.{name}: longer than its column")
            elif validate_single_line not in validators and not isinstance(
                field, django_forms.EmailField
            ):
                unbounded.append(f"{label}.{name}: accepts line breaks")
    assert unbounded == []
    # The plain forms' fields that end in a column are bounded like it.
    from structures.forms import AcceptInvitationForm, InviteForm
    from structures.models import User

    for form_field, column in [
        (InviteForm.base_fields["email"], Invitation._meta.get_field("email")),
        (InviteForm.base_fields["full_name"], Invitation._meta.get_field("full_name")),
        (AcceptInvitationForm.base_fields["full_name"], User._meta.get_field("full_name")),
    ]:
        assert form_field.max_length == column.max_length


NEWLINE_TITLE = "Accueil\nBcc: tous@example.org"


@pytest.mark.parametrize(
    ("url_name", "arg", "data", "field"),
    [
        ("structures:role_new", "structure", ROLE_DATA, "title"),
        ("structures:role_new", "structure", {**ROLE_DATA, "title": "Rôle"}, "working_hours"),
        ("missions:mission_new", "role", {"latitude": "in_pair"}, "title"),
        ("missions:task_new", "mission", {"frequency": "weekly", "minutes_per_week": 30}, "action"),
        (
            "structures:member_invite",
            "structure",
            {"email": "ana@example.org", "capacity": Capacity.PEER_WORKER},
            "full_name",
        ),
    ],
    ids=["role-title", "working-hours", "mission-title", "task-action", "invited-name"],
)
@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\u2028"])
def test_single_line_fields_refuse_line_breaks(world, url_name, arg, data, field, line_break):
    args = {
        "structure": [world.structure.slug],
        "role": [world.role.pk],
        "mission": [world.mission.pk],
    }[arg]
    before = (Role.objects.count(), Mission.objects.count(), DailyTask.objects.count())
    client = _client(world.manager, "fr")
    value = NEWLINE_TITLE.replace("\n", line_break)
    response = client.post(reverse(url_name, args=args), {**data, field: value})
    assert response.status_code == 200
    assert escape("Écrivez ceci sur une seule ligne, sans retour à la ligne.") in (
        response.content.decode()
    )
    assert (Role.objects.count(), Mission.objects.count(), DailyTask.objects.count()) == before
    assert not Invitation.objects.exists()


def test_a_proposal_cannot_carry_a_title_on_two_lines(world):
    client = _client(world.peer_worker, "en")
    url = reverse("missions:propose_mission_add", args=[world.role.pk])
    data = {"title": NEWLINE_TITLE, "latitude": "in_pair", "rationale": "Utile.", "send": "1"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Write this on one line, without line breaks." in response.content.decode()
    assert not world.role.proposals.exists()


def test_a_kelvin_sign_title_is_stored_as_read_and_clashes_with_the_plain_one(world):
    client = _client(world.manager, "en")
    url = reverse("structures:role_new", args=[world.structure.slug])
    assert client.post(url, {**ROLE_DATA, "title": "\u212aiosque"}).status_code == 302
    assert Role.objects.filter(structure=world.structure, title="Kiosque").exists()
    for twin in ("kiosque", "KIOSQUE", "\u212aIOSQUE", " Kiosque "):
        response = client.post(url, {**ROLE_DATA, "title": twin})
        assert response.status_code == 200, twin
        assert "This structure already has a role with this title." in response.content.decode()
    # Renaming another role to a look-alike is refused too.
    edit = reverse("roles:edit", args=[world.role.pk])
    data = {**ROLE_DATA, "title": "\u212aIOSQUE", "revision": world.role.revision}
    assert client.post(edit, data).status_code == 200
    assert Role.objects.filter(structure=world.structure).count() == 2


# --- 4. edited while someone removed it -------------------------------------------------------


@pytest.fixture
def colleague(world):
    return MembershipFactory(
        structure=world.structure, capacity=Capacity.MANAGER, user__full_name="Claire Dumas"
    ).user


def _mission_post(world):
    return {
        "title": "Mon titre retravaillé",
        "description": "Trois paragraphes que j'ai mis une heure à écrire.",
        "lived_experience": "",
        "includes": "",
        "excludes": "",
        "latitude": "supervised",
        "revision": world.mission.revision,
    }


@pytest.mark.parametrize("language", ["fr", "en"])
def test_saving_a_mission_removed_meanwhile_says_who_removed_it_and_keeps_the_text(
    world, colleague, language
):
    from missions.services import mission_delete

    title = world.mission.title
    client = _client(world.manager, language)
    url = reverse("missions:mission_edit", args=[world.mission.pk])
    assert client.get(url).status_code == 200
    mission_delete(mission=world.mission, by=colleague)

    response = client.post(url, _mission_post(world))

    assert response.status_code == 409
    page = response.content.decode()
    said = {
        "fr": f"«\u202f{title}\u202f» a été supprimée par Claire Dumas",
        "en": f"“{title}” was removed by Claire Dumas",
    }[language]
    assert escape(said).replace("&#x27;", "'") in page.replace("&#x27;", "'")
    assert escape("Trois paragraphes que j'ai mis une heure à écrire.") in page
    assert escape("Mon titre retravaillé") in page
    assert "<textarea" in page and "readonly" in page
    assert world.role.get_absolute_url() in page


def test_in_place_the_removal_notice_takes_the_form_s_place(world, colleague):
    from missions.services import mission_delete

    pk = world.mission.pk
    mission_delete(mission=world.mission, by=colleague)
    client = _client(world.manager, "en")
    response = client.post(
        reverse("missions:mission_edit", args=[pk]), _mission_post(world), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert page.lstrip().startswith(f'<div id="mission-{pk}-form"')
    assert "<html" not in page
    assert "was removed by Claire Dumas" in page
    assert escape("Trois paragraphes que j'ai mis une heure à écrire.") in page


def test_saving_a_task_removed_meanwhile_says_who_removed_it(world, colleague):
    from missions.services import task_delete

    pk = world.task.pk
    task_delete(task=world.task, by=colleague)
    client = _client(world.manager, "en")
    response = client.post(
        reverse("missions:task_edit", args=[pk]),
        {"action": "Ma nouvelle action", "frequency": "daily", "minutes_per_week": 45},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "This task was removed" in page
    assert "was removed by Claire Dumas" in page
    assert escape("Ma nouvelle action") in page
    assert "every day" in page  # the choice as it reads


def test_a_removed_mission_stays_a_404_for_outsiders_and_a_403_for_readers(world, colleague):
    from missions.services import mission_delete

    pk = world.mission.pk
    mission_delete(mission=world.mission, by=colleague)
    url = reverse("missions:mission_edit", args=[pk])
    assert _client(world.other_manager).post(url, _mission_post(world)).status_code == 404
    assert _client(world.peer_worker).post(url, _mission_post(world)).status_code == 403
    missing = reverse("missions:mission_edit", args=[pk + 1000])
    assert _client(world.manager).post(missing, _mission_post(world)).status_code == 404


def test_a_title_that_normalisation_makes_too_long_is_refused_not_a_500(world):
    """200 ligatures fit the column as typed, but are 400 letters once normalised."""
    client = _client(world.manager, "en")
    edit = reverse("roles:edit", args=[world.role.pk])
    data = {**ROLE_DATA, "title": "\ufb01" * 200, "revision": world.role.revision}
    response = client.post(edit, data)
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    world.role.refresh_from_db()
    assert world.role.revision == data["revision"]
