"""The check-in pages: the peer worker's form on a phone (no JavaScript needed), the list of
check-ins with skipped periods, and who reads the notes."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn
from checkins.periods import period_of
from checkins.services import checkin_submit


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


@pytest.mark.parametrize("periods", [1, 12])
def test_the_list_query_count_does_not_grow(client, adopted, django_assert_num_queries, periods):
    today = timezone.localdate()
    day = today
    for _index in range(periods):
        checkin_submit(
            role=adopted.role,
            by=adopted.peer_worker,
            answers={m.pk: ("clear", "as_planned", "") for m in adopted.missions},
            extras=[("Autre chose", 10)],
            day=day,
        )
        day = period_of(day)[0] - datetime.timedelta(days=1)
    client.force_login(adopted.manager)
    url = reverse("checkins:list", args=[adopted.role.pk])
    client.get(url)
    # Session, person, role through the access check, holders, check-ins, answers, extras…
    # and the trends' figures per period (one query, checkins.trends).
    with django_assert_num_queries(10):
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
    day = timezone.localdate()
    for _index in range(periods):
        checkin_submit(
            role=adopted.role,
            by=adopted.peer_worker,
            answers={m.pk: ("hard", "more", "Une note") for m in adopted.missions},
            day=day,
        )
        day = period_of(day)[0] - datetime.timedelta(days=1)
    client.force_login(adopted.peer_worker)
    url = reverse("checkins:list", args=[adopted.role.pk])
    client.get(url)
    # The manager's 10 (above); whether this person may check in now (holds the role, still a
    # member: 2); the tasks of the missions, to propose removing one.
    with django_assert_num_queries(13):
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
