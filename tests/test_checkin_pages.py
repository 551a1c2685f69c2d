"""The check-in pages: the peer worker's form on a phone (no JavaScript needed), the list of
check-ins with skipped periods, and who reads the notes."""

import datetime
import html

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from checkins.models import Cadence, CheckIn
from checkins.periods import period_of, previous_periods
from checkins.services import cadence_set, checkin_submit
from sheets.versions import version_answer, version_request

from .factories import MissionFactory, RoleAssignmentFactory


def _form_data(world, going="clear", note=""):
    data = {"extras-TOTAL_FORMS": "3", "extras-INITIAL_FORMS": "0"}
    for mission in world.missions:
        data |= {
            f"m{mission.pk}-going": going,
            f"m{mission.pk}-time_spent": "more",
            f"m{mission.pk}-note": note,
        }
    return data | {"extras-0-text": "Remplacer au standard", "extras-0-minutes_per_week": "90"}


def test_the_peer_worker_checks_in_from_the_form(client, adopted):
    client.force_login(adopted.peer_worker)
    url = reverse("checkins:form", args=[adopted.role.pk])
    page = client.get(url).content.decode()
    for mission in adopted.missions:
        assert mission.title in page
    assert 'type="radio"' in page
    response = client.post(url, _form_data(adopted, "drifting", "Surtout de l'accueil."))
    assert response.status_code == 302
    assert response["Location"] == reverse("checkins:list", args=[adopted.role.pk])
    checkin = CheckIn.objects.get()
    assert set(checkin.answers.values_list("going", flat=True)) == {"drifting"}
    assert list(checkin.extras.values_list("text", "minutes_per_week")) == [
        ("Remplacer au standard", 90)
    ]
    # Opened again, the form shows what was sent.
    page = client.get(url).content.decode()
    assert "Surtout de l&#x27;accueil." in page
    assert "ce que vous envoyez maintenant le remplace" in page


def test_a_missing_answer_keeps_what_was_typed(client, adopted):
    client.force_login(adopted.peer_worker)
    data = _form_data(adopted, note="Une remarque gardée")
    del data[f"m{adopted.missions[0].pk}-going"]
    response = client.post(reverse("checkins:form", args=[adopted.role.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Certaines réponses sont à revoir" in page
    assert "Une remarque gardée" in page and "Remplacer au standard" in page
    assert not CheckIn.objects.exists()


def test_without_an_adopted_version_the_form_explains(client, world):
    client.force_login(world.peer_worker)
    page = client.get(reverse("checkins:form", args=[world.role.pk])).content.decode()
    assert "pas encore de version validée" in page
    assert 'type="radio"' not in page


def test_the_list_shows_each_period_skipped_ones_included(client, adopted):
    today = timezone.localdate()
    start, _end = period_of(today)
    last_month = start - datetime.timedelta(days=1)
    checkin_submit(
        role=adopted.role,
        by=adopted.peer_worker,
        answers={m.pk: ("hard", "more", "Une remarque privée") for m in adopted.missions},
        day=last_month - datetime.timedelta(days=31),
    )
    client.force_login(adopted.manager)
    page = client.get(reverse("checkins:list", args=[adopted.role.pk])).content.decode()
    assert "Cette période est encore ouverte." in page  # this month
    assert page.count("Sautée") == 10  # 12 periods: one open, one answered, ten skipped
    assert "c&#x27;est difficile" in page and "Une remarque privée" in page


def test_the_facilitator_reads_notes_only_when_shared(client, adopted):
    answers = {m.pk: ("clear", "as_planned", "Une remarque privée") for m in adopted.missions}
    checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=answers)
    url = reverse("checkins:list", args=[adopted.role.pk])
    client.force_login(adopted.facilitator)
    page = client.get(url).content.decode()
    assert "ça se passe comme convenu" in page and "Une remarque privée" not in page
    checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=answers, share_notes=True)
    assert "Une remarque privée" in client.get(url).content.decode()


def test_the_sheet_links_the_check_ins(client, adopted):
    client.force_login(adopted.peer_worker)
    page = client.get(reverse("roles:detail", args=[adopted.role.pk])).content.decode()
    assert reverse("checkins:form", args=[adopted.role.pk]) in page
    client.force_login(adopted.other_peer_worker)
    page = client.get(reverse("roles:detail", args=[adopted.role.pk])).content.decode()
    assert reverse("checkins:list", args=[adopted.role.pk]) not in page


def _check_in_over(adopted, periods, answer, extras=()):
    """The peer worker checks in for each of the last `periods` periods, the same answer for
    every mission."""
    day = timezone.localdate()
    for _index in range(periods):
        checkin_submit(
            role=adopted.role,
            by=adopted.peer_worker,
            answers={m.pk: answer for m in adopted.missions},
            extras=list(extras),
            day=day,
        )
        day = period_of(day)[0] - datetime.timedelta(days=1)


@pytest.mark.parametrize("periods", [1, 12])
def test_the_list_query_count_does_not_grow(client, adopted, django_assert_num_queries, periods):
    _check_in_over(adopted, periods, ("clear", "as_planned", ""), extras=[("Autre chose", 10)])
    client.force_login(adopted.manager)
    url = reverse("checkins:list", args=[adopted.role.pk])
    client.get(url)
    cache.clear()
    # Session, person, the request's savepoint pair, role through the access check, then the
    # role with its figures, holders, check-ins, answers, extras, the trends (one query).
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    # Then the page is kept until the check-ins change: the access check alone.
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_a_check_in_line_turns_into_a_prefilled_proposal(client, adopted):
    note = "On me demande surtout l'accueil & le standard."
    answers = {m.pk: ("drifting", "more", note) for m in adopted.missions}
    checkin_submit(
        role=adopted.role, by=adopted.peer_worker, answers=answers, extras=[("Le standard", 60)]
    )
    mission = adopted.missions[0]
    client.force_login(adopted.peer_worker)
    page = client.get(reverse("checkins:list", args=[adopted.role.pk])).content.decode()
    change = reverse("missions:propose_mission_change", args=[mission.pk])
    assert f'href="{change}?rationale=' in page
    form = client.get(change, {"rationale": note}).content.decode()
    assert "On me demande surtout l&#x27;accueil &amp; le standard.</textarea>" in form
    task = client.get(
        reverse("missions:propose_task_add", args=[mission.pk]), {"action": "Le standard"}
    ).content.decode()
    assert 'value="Le standard"' in task
    # The manager reads the check-in; turning it into a proposal is the peer worker's own act.
    client.force_login(adopted.manager)
    page = client.get(reverse("checkins:list", args=[adopted.role.pk])).content.decode()
    assert f"{change}?rationale=" not in page


def test_a_check_in_line_proposes_to_remove_one_of_the_mission_s_tasks(client, adopted):
    note = "Cette tâche ne se fait plus : personne ne vient le matin."
    mission = adopted.missions[0]
    task = mission.tasks.first()
    answers = {m.pk: ("drifting", "less", note) for m in adopted.missions}
    checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=answers)
    client.force_login(adopted.peer_worker)
    page = client.get(reverse("checkins:list", args=[adopted.role.pk])).content.decode()
    removal = reverse("missions:propose_task_removal", args=[task.pk])
    assert f'href="{removal}?rationale=' in page
    assert "Proposer de retirer une de ses tâches" in page
    form = client.get(removal, {"rationale": note}).content.decode()
    assert "personne ne vient le matin.</textarea>" in form
    # A task removed meanwhile is no longer offered.
    task.delete()
    page = client.get(reverse("checkins:list", args=[adopted.role.pk])).content.decode()
    assert removal not in page
    client.force_login(adopted.manager)
    page = client.get(reverse("checkins:list", args=[adopted.role.pk])).content.decode()
    assert "propose-removal" not in page


@pytest.mark.parametrize("periods", [1, 12])
def test_the_peer_worker_s_list_query_count_does_not_grow(
    client, adopted, django_assert_num_queries, periods
):
    _check_in_over(adopted, periods, ("hard", "more", "Une note"))
    client.force_login(adopted.peer_worker)
    url = reverse("checkins:list", args=[adopted.role.pk])
    client.get(url)
    cache.clear()
    # The manager's 11 (above); whether this person may check in now (holds the role, still a
    # member: 2); the tasks of the missions, to propose removing one.
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_the_list_says_what_the_check_ins_show(client, adopted):
    today = timezone.localdate()
    before = period_of(today)[0] - datetime.timedelta(days=1)
    first, second = adopted.missions[0], adopted.missions[1]
    answers = {first.pk: ("drifting", "more", ""), second.pk: ("hard", "as_planned", "")}
    checkin_submit(
        role=adopted.role,
        by=adopted.peer_worker,
        answers=answers,
        extras=[("Le standard", 60)],
        day=before,
    )
    client.force_login(adopted.facilitator)
    page = html.unescape(
        client.get(reverse("checkins:list", args=[adopted.role.pk])).content.decode()
    )
    drifting = page.split("Signalées comme s'éloignant, deux dernières périodes")[1]
    assert first.title in drifting.split("Signalées difficiles")[0]
    assert second.title in drifting.split("Signalées difficiles")[1].split("Travail hors")[0]
    assert "environ 1\u00a0h par semaine" in page and "% de la semaine prévue" in page
    # This month is open, last month answered: the ten before are periods without a check-in.
    skipped = page.split("Périodes sans point d'étape")[1]
    assert skipped.split("</dd>")[0].strip().endswith("10")


def test_the_portfolio_warns_of_work_outside_the_sheet(client, adopted, settings):
    settings.CHECKIN_OUTSIDE_SHARE_ALERT = 10
    answers = {m.pk: ("clear", "as_planned", "") for m in adopted.missions}
    checkin_submit(
        role=adopted.role, by=adopted.peer_worker, answers=answers, extras=[("Le standard", 600)]
    )
    client.force_login(adopted.facilitator)
    page = html.unescape(client.get("/portfolio/").content.decode()).replace("\u00a0", " ")
    assert "Travail hors de la fiche signalé :" in page


def test_the_kept_list_is_never_stale_nor_another_reader_s(client, adopted):
    url = reverse("checkins:list", args=[adopted.role.pk])
    client.force_login(adopted.manager)
    assert "Une remarque" not in client.get(url).content.decode()
    answers = {m.pk: ("hard", "more", "Une remarque") for m in adopted.missions}
    checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=answers)
    page = client.get(url).content.decode()
    assert "Une remarque" in page  # a new check-in shows at once
    assert "propose-change" not in page  # the manager's page has no proposal links
    client.force_login(adopted.facilitator)
    assert "Une remarque" not in client.get(url).content.decode()  # not shared
    client.force_login(adopted.peer_worker)
    assert "propose-change" in client.get(url).content.decode()  # their own lines
    # A new cadence moves the periods at once.
    fortnights = previous_periods(timezone.localdate(), 12, Cadence.TWO_WEEKS)
    start = next(start for start, _end in fortnights if start.day != 1)  # not a month's
    shown = f"Du {date_format(start, 'DATE_FORMAT')} au"
    client.force_login(adopted.manager)
    assert shown not in html.unescape(client.get(url).content.decode())
    cadence_set(structure=adopted.structure, by=adopted.manager, cadence=Cadence.TWO_WEEKS)
    assert shown in html.unescape(client.get(url).content.decode())


def test_only_the_two_latest_own_check_ins_turn_into_proposals(client, adopted):
    day = timezone.localdate()
    for _index in range(4):
        checkin_submit(
            role=adopted.role,
            by=adopted.peer_worker,
            answers={m.pk: ("hard", "more", "Une note") for m in adopted.missions},
            day=day,
        )
        day = period_of(day)[0] - datetime.timedelta(days=1)
    client.force_login(adopted.peer_worker)
    page = client.get(reverse("checkins:list", args=[adopted.role.pk])).content.decode()
    change = reverse("missions:propose_mission_change", args=[adopted.missions[0].pk])
    assert page.count(f'href="{change}?') == 2


def test_the_kept_form_is_never_stale_nor_another_person_s(client, adopted):
    url = reverse("checkins:form", args=[adopted.role.pk])
    client.force_login(adopted.peer_worker)
    assert "Déjà dit" not in client.get(url).content.decode()
    answers = {m.pk: ("hard", "more", "Déjà dit") for m in adopted.missions}
    checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=answers)
    page = client.get(url).content.decode()
    assert "Déjà dit" in page  # this period's check-in, prefilled at once
    # Another peer worker holding the role has a form of their own.
    RoleAssignmentFactory(role=adopted.role, peer_worker=adopted.other_peer_worker)
    client.force_login(adopted.other_peer_worker)
    page = client.get(url).content.decode()
    assert "Déjà dit" not in page and "ce que vous envoyez maintenant le remplace" not in page
    # A mission added and a new version adopted: the form asks about it at once.
    mission = MissionFactory(role=adopted.role, title="Animer le groupe de parole")
    version = version_request(role=adopted.role, by=adopted.manager)
    for person in (adopted.manager, adopted.peer_worker, adopted.other_peer_worker):
        version = version_answer(version=version, by=person, decision="signed")
    assert mission.title in client.get(url).content.decode()


@pytest.mark.parametrize("missions", [2, 20])
def test_the_form_query_count_does_not_grow(client, adopted, django_assert_num_queries, missions):
    for index in range(missions - len(adopted.missions)):
        MissionFactory(role=adopted.role, title=f"Mission {index}")
    version = version_request(role=adopted.role, by=adopted.manager)
    for person in (adopted.manager, adopted.peer_worker):
        version = version_answer(version=version, by=person, decision="signed")
    answers = {m.pk: ("clear", "as_planned", "") for m in adopted.role.missions.all()}
    checkin_submit(role=adopted.role, by=adopted.peer_worker, answers=answers)
    client.force_login(adopted.peer_worker)
    url = reverse("checkins:form", args=[adopted.role.pk])
    client.get(url)
    cache.clear()
    # Session, person, the request's savepoint pair, role through the access check, the adopted
    # version, the structure's cadence, this period's check-in with its answers and extras.
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert page.count('type="radio"') == 6 * missions
    with django_assert_num_queries(5):  # then kept: the access check alone
        assert client.get(url).status_code == 200
