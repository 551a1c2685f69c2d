"""The demo data command: idempotent, only in demo mode, and showing what the product is for."""

import html
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from checkins.models import CheckIn
from missions.models import DailyTask, Mission
from roles.models import Role, RoleAssignment
from sheets.indicators import with_indicators
from structures.models import FacilitatorSupport, Invitation, Membership, Structure, User

ACCOUNTS = [
    "responsable@escale.example",
    "pair@escale.example",
    "pair2@escale.example",
    "responsable@tilleuls.example",
    "pair@tilleuls.example",
    "responsable@phare.example",
    "facilitation@plateforme.example",
    "admin@plateforme.example",
]
MODELS = [
    CheckIn,
    User,
    Structure,
    Membership,
    FacilitatorSupport,
    Invitation,
    Role,
    RoleAssignment,
    Mission,
    DailyTask,
]


def seed():
    call_command("seed_demo", stdout=StringIO())


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    seed()


def sheet(client, email, slug):
    client.force_login(User.objects.get(email=email))
    role = Role.objects.get(structure__slug=slug)
    response = client.get(role.get_absolute_url())
    assert response.status_code == 200
    return response


def test_running_twice_creates_nothing_more(demo):
    first = counts()
    assert first["Structure"] == 3
    assert first["Role"] == 3
    assert first["DailyTask"] > 0
    seed()
    assert counts() == first


def test_demo_accounts_exist_and_can_log_in(demo, client):
    for email in ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.is_active
        # Through the login form: django-axes needs the request (Client.login gives none).
        response = client.post("/accounts/login/", {"username": email, "password": "demo-peerwork"})
        assert response.status_code == 302, email
        client.logout()
    admin = User.objects.get(email="admin@plateforme.example")
    assert admin.is_staff
    assert admin.is_superuser
    assert not User.objects.get(email="responsable@escale.example").is_staff


def test_every_demo_account_has_something_to_see(demo):
    for email in ACCOUNTS:
        user = User.objects.get(email=email)
        has_place = (
            user.memberships.filter(is_active=True).exists()
            or user.supports.exists()
            or user.is_staff
        )
        assert has_place, email


def test_rerun_keeps_edits_made_in_the_demo(demo):
    task = DailyTask.objects.order_by("pk").first()
    DailyTask.objects.filter(pk=task.pk).update(duration_minutes=5)
    user = User.objects.get(email="pair@escale.example")
    user.set_password("mon-nouveau-mot-de-passe")
    user.save()

    seed()

    assert DailyTask.objects.get(pk=task.pk).duration_minutes == 5
    assert User.objects.get(email="pair@escale.example").check_password("mon-nouveau-mot-de-passe")


def test_refuses_to_run_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        seed()
    assert not User.objects.exists()
    assert not Structure.objects.exists()


def test_phare_sheet_shows_warnings(demo, client):
    response = sheet(client, "responsable@phare.example", "phare")
    assert response.context["role"].health.warnings
    warnings = re.findall(r'<li class="indicator-warn[^"]*">', response.content.decode())
    health = response.context["role"].health
    assert len(warnings) == len(health.warnings) + len(health.agreement_warnings)


def test_escale_sheet_draws_on_lived_experience(demo, client):
    role = with_indicators(Role.objects.all()).get(structure__slug="escale")
    assert role.health.n_lived_missions >= 1
    response = sheet(client, "pair@escale.example", "escale")
    assert "draws-lived" in response.content.decode()


def test_escale_and_tilleuls_are_supported_by_the_facilitator(demo, client):
    facilitator = User.objects.get(email="facilitation@plateforme.example")
    supported = set(
        FacilitatorSupport.objects.current()
        .filter(facilitator=facilitator)
        .values_list("structure__slug", flat=True)
    )
    assert supported == {"escale", "tilleuls"}
    response = sheet(client, "facilitation@plateforme.example", "tilleuls")
    assert response.status_code == 200


def test_escale_has_six_months_of_check_ins_with_a_drifting_mission(demo, client):
    escale = Role.objects.get(structure__slug="escale")
    assert CheckIn.objects.filter(role=escale).count() == 6
    assert not CheckIn.objects.filter(role__structure__slug="phare").exists()
    seed()  # a re-run adds none
    assert CheckIn.objects.count() == 6
    client.force_login(User.objects.get(email="facilitation@plateforme.example"))
    page = html.unescape(client.get("/portfolio/").content.decode()).replace("\u00a0", " ")
    assert "signalée deux fois de suite" in page
