"""A manager writes a role sheet, from an empty role to a version adopted by both sides.

The role has a title only, and a peer worker holds it. On a desktop, the manager writes the
raison d'être and the frame of the role, adds two missions (the first says how lived
experience is put to work, what it includes and excludes, and its latitude), then the daily
tasks of each, and watches the sheet's warnings go away one by one. With JavaScript the
missions and tasks are added in place (htmx); without it, through form pages. The manager asks
for signatures and signs; the peer worker, on a 360x740 phone, reads the version from the home
page and signs it; the sheet then says the version is adopted and warns about nothing.

In French and in English, with JavaScript on and off (tests/e2e/journeys.py).
"""

import re

import pytest
from playwright.sync_api import expect

from missions.models import Frequency, Latitude
from sheets.models import RoleSheetVersion, Signature
from structures.models import Capacity
from tests.e2e.journeys import DESKTOP, PHONE, VARIANTS, Person, exactly, field
from tests.factories import MembershipFactory, RoleAssignmentFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Travailleur·se pair·e de rue"
# What the manager types, by the label of the field (a msgid of the app's catalogue).
ROLE = {
    "raison d'être": (
        "Aller à la rencontre des personnes qui ne viennent plus vers les services, "
        "et faire le lien avec l'équipe."
    ),
    "people accompanied": "Personnes sans domicile, dans le quartier de la gare.",
    "working time": "24 heures par semaine, du lundi au mercredi.",
    "supervision and practice analysis": (
        "Point chaque semaine avec la cheffe de service, analyse de la pratique une fois par mois."
    ),
    "lived experience called on": "Expérience de la rue et des démarches d'accès aux droits.",
}
STREET = {
    "mission": "Rencontrer les personnes à la rue",
    "what it is": "Aller vers les personnes là où elles sont, le soir surtout.",
    "how lived experience is put to work": (
        "J'ai vécu à la rue : je sais aborder les gens sans les brusquer, et ils me font confiance."
    ),
    "what the mission includes": "Les tournées du soir et l'orientation vers l'accueil de jour.",
    "what the mission does not include": (
        "La distribution des repas et les démarches à la place des personnes."
    ),
}
STREET_LATITUDE = "in pair with a colleague"
TEAM = {
    "mission": "Faire le lien avec l'équipe",
    "what it is": "Dire à l'équipe ce que les personnes rencontrées attendent.",
}
TEAM_LATITUDE = "with the supervisor"
# (action, frequency, times, minutes each time): 420 of 510 minutes a week on the mission
# drawing on experience (3 × 120, 5 × 12; then 90).
STREET_TASKS = [
    ("Faire la tournée du soir avec un·e collègue", Frequency.TIMES_A_WEEK, 3, 120),
    ("Noter ce que les personnes demandent", Frequency.DAILY, 1, 12),
]
TEAM_TASKS = [("Raconter la semaine à la réunion d'équipe", Frequency.WEEKLY, 1, 90)]


@pytest.fixture
def empty_role():
    """A structure with a manager and a peer worker, and a role that has only a title."""
    manager = MembershipFactory(
        capacity=Capacity.MANAGER, user__email="resp@example.org", user__full_name="Camille Resp"
    ).user
    structure = manager.memberships.get().structure
    peer_worker = MembershipFactory(
        structure=structure,
        capacity=Capacity.PEER_WORKER,
        user__email="pair@example.org",
        user__full_name="Sam Pair",
    ).user
    role = RoleFactory(
        structure=structure,
        title=TITLE,
        purpose="",
        people_served="",
        working_hours="",
        supervision="",
        lived_experience="",
    )
    RoleAssignmentFactory(role=role, peer_worker=peer_worker)
    return {"manager": manager, "peer_worker": peer_worker, "role": role}


def open_form(person, link, form_id, page_url):
    """Follow an "Add…" link of the sheet: a form in place with JavaScript, else a page.

    Returns what holds the form, checked by axe-core with the form open.
    """
    page = person.page
    link.click()
    if person.js:
        scope = page.locator(f"#{form_id}")
        # The first field takes the focus (static/js/peerwork.js).
        expect(scope.locator("input:not([type=hidden])").first).to_be_focused()
    else:
        page.wait_for_url(page_url)
        scope = person.main()
    person.check(only_without_js=True)
    return scope


def save_form(person, scope, form_id, sheet_url):
    """Save an "Add…" form and wait for the sheet: swapped in place, or redirected to."""
    scope.get_by_role("button", name=exactly(person.t("Save"))).click()
    if person.js:
        expect(person.page.locator(f"#{form_id}")).to_have_count(0)
    else:
        person.page.wait_for_url(re.compile(rf"{re.escape(sheet_url)}#mission-\d+$"))


def fill(person, scope, values):
    for label, value in values.items():
        field(scope, person.t(label)).fill(value)


def add_mission(person, values, latitude, sheet_url):
    page = person.page
    link = page.get_by_role("link", name=exactly(person.t("Add a mission")))
    scope = open_form(person, link, "mission-new-form", re.compile(r"/missions/new/$"))
    fill(person, scope, values)
    field(scope, person.t(latitude)).check()
    save_form(person, scope, "mission-new-form", sheet_url)
    expect(person.status()).to_contain_text(
        person.t("The mission was added. Now say what is done concretely: add its tasks.")
    )
    card = page.get_by_role("article", name=values["mission"])
    expect(card).to_contain_text(values["what it is"])
    return card


def add_task(person, mission, task, sheet_url, *, check=False):
    page = person.page
    action, frequency, times, minutes = task
    link = page.get_by_role("link", name=f"{person.t('Add a task')} — {mission.title}")
    form_id = f"mission-{mission.pk}-form"
    if check:
        scope = open_form(person, link, form_id, re.compile(r"/tasks/new/$"))
    else:  # the same form as checked before, for another task
        link.click()
        scope = page.locator(f"#{form_id}") if person.js else person.main()
    field(scope, person.t("what is done concretely")).fill(action)
    field(scope, person.t("how often")).select_option(frequency)
    if times > 1:
        field(scope, person.t("how many times")).fill(str(times))
    field(scope, person.t("time each time (minutes)")).fill(str(minutes))
    save_form(person, scope, form_id, sheet_url)
    expect(person.status()).to_contain_text(person.t("The task was added."))
    expect(page.get_by_role("article", name=mission.title)).to_contain_text(action)


@VARIANTS
def test_manager_writes_a_role_sheet_that_both_sides_adopt(
    live_server, browser, axe_check, empty_role, lang, js
):
    role = empty_role["role"]
    sheet_url = role.get_absolute_url()

    def person(user, viewport):
        return Person(
            browser, axe_check, live_server.url, user, lang=lang, js=js, viewport=viewport
        )

    manager = person(empty_role["manager"], DESKTOP)
    peer = person(empty_role["peer_worker"], PHONE)
    m, p, t = manager.page, peer.page, manager.t
    try:
        # --- 1. The empty sheet says what is missing ---------------------------------------------
        manager.log_in(sheet_url)
        expect(m).to_have_url(re.compile(rf"{re.escape(sheet_url)}$"))
        expect(m.get_by_role("heading", level=1)).to_have_text(TITLE)
        health = m.get_by_role("region", name=t("Is this role sheet clear?"))
        expect(health).to_contain_text(
            t("The raison d'être is not written: say why this role exists.")
        )
        expect(health).to_contain_text(t("This role has no mission yet."))
        expect(m.get_by_role("region", name=exactly(t("Raison d'être")))).to_contain_text(
            t("Not written yet.")
        )
        manager.check()

        # --- 2. The raison d'être and the frame of the role ------------------------------------
        m.get_by_role("link", name=exactly(t("Edit the role"))).click()
        m.wait_for_url(f"**{sheet_url}edit/")
        expect(m.get_by_role("heading", level=1)).to_have_text(t("Edit the role"))
        manager.check()
        fill(manager, manager.main(), ROLE)
        manager.main().get_by_role("button", name=exactly(t("Save"))).click()
        m.wait_for_url(re.compile(rf"{re.escape(sheet_url)}$"))
        expect(manager.status()).to_contain_text(t("The role sheet was saved."))
        expect(m.get_by_role("region", name=exactly(t("Raison d'être")))).to_contain_text(
            ROLE["raison d'être"]
        )
        expect(m.get_by_role("region", name=t("Frame of the role"))).to_contain_text(
            ROLE["supervision and practice analysis"]
        )
        expect(health).to_contain_text(t("The raison d'être is written."))
        expect(health).not_to_contain_text(
            t("The raison d'être is not written: say why this role exists.")
        )

        # --- 3. Two missions: one draws on lived experience ------------------------------------
        street = add_mission(manager, STREET, STREET_LATITUDE, sheet_url)
        expect(street).to_contain_text(STREET["how lived experience is put to work"])
        expect(street).to_contain_text(STREET["what the mission does not include"])
        expect(street).to_contain_text(t(STREET_LATITUDE), ignore_case=True)
        expect(health).not_to_contain_text(t("This role has no mission yet."))
        team = add_mission(manager, TEAM, TEAM_LATITUDE, sheet_url)
        expect(team).to_contain_text(
            t("This mission does not say how lived experience is put to work.")
        )
        expect(m.locator("article.mission h3")).to_have_text([STREET["mission"], TEAM["mission"]])
        expect(health).to_contain_text(
            manager.tn(
                "%(count)s mission has no daily task: say what is done concretely.",
                "%(count)s missions have no daily task: say what is done concretely.",
                2,
            )
        )
        manager.check()

        # --- 4. Their daily tasks; the sheet's warnings go away ---------------------------------
        missions = {mission.title: mission for mission in role.missions.all()}
        street_mission, team_mission = missions[STREET["mission"]], missions[TEAM["mission"]]
        for index, task in enumerate(STREET_TASKS):
            add_task(manager, street_mission, task, sheet_url, check=index == 0)
        expect(health).to_contain_text(
            manager.tn(
                "%(count)s mission has no daily task: say what is done concretely.",
                "%(count)s missions have no daily task: say what is done concretely.",
                1,
            )
        )
        for task in TEAM_TASKS:
            add_task(manager, team_mission, task, sheet_url)
        expect(health.locator(".indicator-warn")).to_have_count(0)
        expect(health).to_contain_text(t("Every mission has daily tasks."))
        expect(health).to_contain_text(
            manager.tn(
                "%(counter)s mission draws on lived experience.",
                "%(counter)s missions draw on lived experience.",
                1,
            )
        )
        expect(health).to_contain_text(
            t(
                "Share of the estimated time on missions that draw on lived experience: "
                "%(share)s%%.",
                share=82,
            )
        )
        expect(m.locator("#missions")).not_to_contain_text(
            t("No daily task yet: what is done concretely?")
        )
        manager.check()

        # --- 5. The manager asks for signatures and signs version 1 ----------------------------
        agreement = m.get_by_role("region", name=t("Agreed together?"))
        expect(agreement).to_contain_text(
            t("No version of this sheet has been signed by both sides yet.")
        )
        agreement.get_by_role("link", name=t("Signed versions")).click()
        m.wait_for_url(f"**{sheet_url}versions/")
        manager.check()
        m.get_by_role("button", name=t("Ask for signatures on the current sheet")).click()
        m.wait_for_url(re.compile(r"/versions/1/$"))
        expect(manager.status()).to_contain_text(
            t(
                "Version %(number)s is ready: the peer workers holding the role received an "
                "e-mail asking them to read and sign it. Sign it too.",
                number=1,
            )
        )
        expect(manager.main()).to_contain_text(STREET_TASKS[0][0])
        manager.check()
        m.get_by_role("button", name=t("Sign version %(number)s", number=1)).click()
        expect(manager.status()).to_contain_text(
            t("You signed version %(number)s. It is adopted when everyone has signed.", number=1)
        )
        expect(manager.main()).to_contain_text(
            t("%(signed)s of %(total)s signed.", signed=1, total=2)
        )

        # --- 6. The peer worker, on a phone, reads it from the home page and signs -------------
        peer.log_in(check=True)
        next_steps = p.get_by_role("region", name=peer.t("What to do next"))
        expect(next_steps).to_contain_text(
            peer.tn(
                "%(counter)s version of a role sheet waits for your signature.",
                "%(counter)s versions of role sheets wait for your signature.",
                1,
            )
        )
        peer.check()
        p.get_by_role("region", name=peer.t("My role sheets")).get_by_role(
            "link", name=TITLE
        ).click()
        p.wait_for_url(re.compile(rf"{re.escape(sheet_url)}$"))
        expect(p.get_by_role("article", name=STREET["mission"])).to_contain_text(
            STREET["how lived experience is put to work"]
        )
        peer.check()
        agreement = p.get_by_role("region", name=peer.t("Agreed together?"))
        expect(agreement).to_contain_text(
            peer.t(
                "Version %(number)s waits for signatures: %(signed)s of %(total)s signed.",
                number=1,
                signed=1,
                total=2,
            )
        )
        agreement.get_by_role("link", name=peer.t("Read and sign it")).click()
        p.wait_for_url(re.compile(r"/versions/1/$"))
        expect(peer.main()).to_contain_text(TEAM_TASKS[0][0])
        peer.check()
        p.get_by_role("button", name=peer.t("Sign version %(number)s", number=1)).click()
        expect(peer.status()).to_contain_text(
            peer.t("Everyone has signed: version %(number)s is adopted.", number=1)
        )
        peer.check()

        # --- 7. The sheet says the version is adopted, and warns about nothing ----------------
        version = RoleSheetVersion.objects.get(role=role)
        for someone in (peer, manager):
            someone.goto(sheet_url)
            agreement = someone.page.get_by_role("region", name=someone.t("Agreed together?"))
            expect(agreement).to_contain_text(
                someone.t(
                    "Version %(number)s was signed by both sides on %(date)s.",
                    number=1,
                    date=someone.date(version.adopted_at, "SHORT_DATE_FORMAT"),
                )
            )
            expect(agreement).to_contain_text(
                someone.t("The current sheet is the adopted version.")
            )
            expect(someone.page.locator("#sheet-indicators .indicator-warn")).to_have_count(0)
        peer.check()
    finally:
        manager.close()
        peer.close()

    # --- 8. What the database says -------------------------------------------------------------
    role.refresh_from_db()
    assert role.purpose == ROLE["raison d'être"]
    assert role.working_hours == ROLE["working time"]
    street_mission, team_mission = role.missions.all()
    assert street_mission.title == STREET["mission"]
    assert street_mission.lived_experience == STREET["how lived experience is put to work"]
    assert street_mission.includes == STREET["what the mission includes"]
    assert street_mission.excludes == STREET["what the mission does not include"]
    assert street_mission.latitude == Latitude.IN_PAIR
    assert team_mission.title == TEAM["mission"]
    assert team_mission.lived_experience == ""
    assert team_mission.latitude == Latitude.SUPERVISED
    for mission, tasks in [(street_mission, STREET_TASKS), (team_mission, TEAM_TASKS)]:
        saved = mission.tasks.values_list("action", "frequency", "times", "duration_minutes")
        assert list(saved) == [tuple(task) for task in tasks]
    version = RoleSheetVersion.objects.get(role=role)
    assert version.number == 1
    assert version.status == RoleSheetVersion.Status.ADOPTED
    signatures = {s.signer_id: s.decision for s in version.signatures.all()}
    assert signatures == {
        empty_role["manager"].pk: Signature.Decision.SIGNED,
        empty_role["peer_worker"].pk: Signature.Decision.SIGNED,
    }
