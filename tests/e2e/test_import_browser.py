"""A manager on a phone imports the structure's fiche de poste and corrects it before saving.

From the structure page, the manager sends a Word file; the preview shows the role's title and
raison d'être, the missions with their tasks and times, and the line that found no place. The
manager puts that line in as a task of the first mission, sees it in the preview, creates the
draft role, and lands on its sheet, which links its Word and LibreOffice files.

In French and in English, with JavaScript on and off (tests/e2e/journeys.py).
"""

import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from roles.models import Role
from structures.models import Capacity
from tests.e2e.journeys import PHONE, VARIANTS, Person, exactly, field
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Travailleur·se pair·e à l'accueil de jour"


def _fiche(path):
    document = Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("Préparer le café 15 min chaque jour")
    document.add_heading("Raison d'être", 1)
    document.add_paragraph("Faire le lien entre les personnes accueillies et l'équipe.")
    document.add_heading("Missions", 1)
    document.add_heading("1. Accueil des personnes", 2)
    document.add_paragraph("Ouvrir l'accueil tous les matins (1 h)", style="List Bullet")
    document.add_heading("2. Médiation avec l'équipe", 2)
    document.add_paragraph("Réunion à l'hôpital — 1 fois par mois · 2 h", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@VARIANTS
def test_a_manager_imports_a_fiche_de_poste_on_a_phone(
    live_server, browser, axe_check, tmp_path, lang, js
):
    manager = MembershipFactory(
        capacity=Capacity.MANAGER, user__email="resp@example.org", user__full_name="Camille Resp"
    ).user
    structure = manager.memberships.get().structure
    person = Person(browser, axe_check, live_server.url, manager, lang=lang, js=js, viewport=PHONE)
    page = person.page
    person.log_in(structure.get_absolute_url())
    page.get_by_role("link", name=exactly(person.t("Import a fiche de poste"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(person.t("Import a fiche de poste"))
    person.check()

    field(person.main(), person.t("Fiche de poste")).set_input_files(_fiche(tmp_path / "f.docx"))
    page.get_by_role("button", name=exactly(person.t("Read the file"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(person.t("Check the draft role"))
    main = person.main()
    expect(main.locator("[name=role-title]")).to_have_value(TITLE)
    expect(main.locator("[name=missions-0-title]")).to_have_value("Accueil des personnes")
    expect(main.locator("[name=tasks-0-action]")).to_have_value("Ouvrir l'accueil")
    expect(main.locator("[name=tasks-1-frequency]")).to_have_value("monthly")
    unplaced = main.get_by_role("region", name=person.t("Lines that found no place"))
    expect(unplaced).to_contain_text("Préparer le café 15 min chaque jour")
    person.check()
    assert not Role.objects.filter(title=TITLE).exists()  # nothing saved yet

    choice = unplaced.get_by_label(person.t("Where this line goes"))
    choice.select_option(
        label=person.t("as a task of mission %(n)s (%(title)s)", n=1, title="Accueil des personnes")
    )
    page.get_by_role("button", name=exactly(person.t("Create the draft role"))).click()
    expect(person.status()).to_contain_text(
        person.t("The lines you placed are now in the preview: check it, then create the role.")
    )
    expect(main.locator("[name=tasks-1-action]")).to_have_value("Préparer le café")
    expect(unplaced).to_contain_text(person.t("Every line of the file found a place."))
    assert not Role.objects.filter(title=TITLE).exists()

    page.get_by_role("button", name=exactly(person.t("Create the draft role"))).click()
    role = Role.objects.get(title=TITLE)
    page.wait_for_url(re.compile(rf"{re.escape(role.get_absolute_url())}$"))
    expect(person.status()).to_contain_text(
        person.t("The draft role was created from the file. Check it, then ask for signatures.")
    )
    expect(page.get_by_role("article", name="Accueil des personnes")).to_contain_text(
        "Préparer le café"
    )
    expect(page.get_by_role("link", name=person.t("Download as Word (.docx)"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=person.t("Download as LibreOffice (.odt)")).click()
    assert download.value.suggested_filename.endswith(".odt")
    person.check()
    person.close()
