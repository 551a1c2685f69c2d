"""The role sheet as a PDF: complete, accented, in the reader's language."""

import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from missions.models import DailyTask
from roles.versions import version_answer, version_request

from .factories import DailyTaskFactory, MissionFactory, RoleFactory


def _pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _font_names(response):
    fonts = PdfReader(io.BytesIO(response.content)).pages[0]["/Resources"]["/Font"]
    return " ".join(str(font.get_object()["/BaseFont"]) for font in fonts.values())


def _flat(text):
    return " ".join(text.split())


def test_the_pdf_holds_the_whole_sheet(client, world):
    mission = MissionFactory(role=world.role, title="Médiation avec l'équipe soignante")
    DailyTaskFactory(mission=mission, action="Préparer la réunion hebdomadaire à l'hôpital")
    client.force_login(world.peer_worker)
    response = client.get(reverse("roles:pdf", args=[world.role.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, text = _pdf_text(response)
    text = _flat(text)
    assert 1 <= pages <= 3
    assert world.role.title in text
    assert "Médiation avec l'équipe soignante" in text  # accents survive
    for m in world.role.missions.all():
        assert m.title in text
        for task in m.tasks.all():
            assert task.action in text


def test_the_pdf_names_the_adopted_version_and_its_signatories(client, world):
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    version_answer(version=version, by=world.peer_worker, decision="signed")
    client.force_login(world.manager)
    _pages, text = _pdf_text(client.get(reverse("roles:pdf", args=[world.role.pk])))
    text = _flat(text)
    assert "Version 1" in text
    assert world.manager.get_full_name() in text
    assert world.peer_worker.get_full_name() in text


@pytest.mark.parametrize(("language", "words"), [("fr", "Raison d'être"), ("en", "Missions")])
def test_the_pdf_speaks_the_reader_s_language(client, world, language, words):
    world.manager.language = language
    world.manager.save()
    client.force_login(world.manager)
    response = client.get(reverse("roles:pdf", args=[world.role.pk]))
    _pages, text = _pdf_text(response)
    assert words in _flat(text)
    # Screen readers pick their voice from the document's language.
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == language
    if language == "en":
        assert "Frame of the role" in _flat(text)
    else:
        assert "Frame of the role" not in _flat(text)


def test_outsiders_get_no_pdf(client, world):
    client.force_login(world.other_manager)
    assert client.get(reverse("roles:pdf", args=[world.role.pk])).status_code == 404


def test_the_pdf_follows_every_change_of_the_sheet(client, world):
    """PDFs are kept per state of the sheet: a change shows in the next download."""
    from missions import services

    client.force_login(world.manager)
    url = reverse("roles:pdf", args=[world.role.pk])
    assert "Passer au foyer le mardi" not in _flat(_pdf_text(client.get(url))[1])
    services.task_update(
        task=world.task,
        by=world.manager,
        revision=world.task.revision,
        action="Passer au foyer le mardi",
    )
    assert "Passer au foyer le mardi" in _flat(_pdf_text(client.get(url))[1])


def test_the_pdf_names_a_renamed_signatory(client, world):
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    version_answer(version=version, by=world.peer_worker, decision="signed")
    client.force_login(world.manager)
    url = reverse("roles:pdf", args=[world.role.pk])
    assert world.manager.get_full_name() in _flat(_pdf_text(client.get(url))[1])
    world.manager.full_name = "Responsable Renommée"
    world.manager.save()
    assert "Responsable Renommée" in _flat(_pdf_text(client.get(url))[1])


def test_a_long_sheet_prints_every_task_over_numbered_pages(client, world):
    """20 missions x 10 tasks: nothing is cut at a page break, and each page says its number."""
    for index in range(20):
        DailyTaskFactory.create_batch(
            10, mission=MissionFactory(role=world.role, position=10 + index)
        )
    client.force_login(world.manager)
    reader = PdfReader(io.BytesIO(client.get(reverse("roles:pdf", args=[world.role.pk])).content))
    pages = [_flat(page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    assert len(pages) >= 5
    for task in DailyTask.objects.filter(mission__role=world.role):
        assert f"{task.action} — 1 h par semaine" in text
    footer = f"{world.structure.name} — {world.role.title}"
    for number, page in enumerate(pages, start=1):
        assert footer in page, page[:80]
        assert f" {number} " in f" {page} "


def test_what_a_person_typed_prints_as_typed(client, world):
    """Markup characters, line breaks and letters beyond Latin-1 come out as typed; the PDF's
    own markup cannot be driven from a text field."""
    world.role.title = 'Pair·e <b>aidant·e</b> & "co" <font size=40>'
    world.role.purpose = "Première ligne\nDeuxième ligne : Łódź, Şişli, Nguyễn"
    world.role.save()
    world.task.action = "Accueillir <i>sans</i> rendez-vous & orienter"
    world.task.save()
    client.force_login(world.manager)
    response = client.get(reverse("roles:pdf", args=[world.role.pk]))
    assert response.status_code == 200
    _pages, text = _pdf_text(response)
    assert "Première ligne\nDeuxième ligne : Łódź, Şişli, Nguyễn" in text
    assert "DejaVuSans" in _font_names(response)
    flat = _flat(text)
    assert 'Pair·e <b>aidant·e</b> & "co" <font size=40>' in flat
    assert "Accueillir <i>sans</i> rendez-vous & orienter" in flat


@given(text=st.text(max_size=300))
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_gives_a_pdf(world, text):
    """Whatever a field holds (control characters, emoji, unpaired surrogates…), the PDF is made."""
    from roles.pdf import render_sheet_pdf
    from roles.sheet import sheet_queryset

    role = sheet_queryset().select_related("structure").get(pk=world.role.pk)
    role.title = role.purpose = text
    mission = role.missions.all()[0]
    mission.title = mission.description = mission.includes = text
    mission.tasks.all()[0].action = text
    pdf = render_sheet_pdf(role, adopted=None, signatures=[])
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_the_font_check_warns_when_dejavu_is_missing(settings, tmp_path):
    from roles.checks import pdf_font_present

    assert pdf_font_present(None) == []
    settings.PDF_FONT_DIR = str(tmp_path)
    assert [warning.id for warning in pdf_font_present(None)] == ["roles.W001"]


def test_without_dejavu_the_pdf_is_still_made(client, world, settings, tmp_path):
    """A machine without the font prints the sheet in ReportLab's own Vera, never a 500."""
    from roles import pdf

    settings.PDF_FONT_DIR = str(tmp_path)
    pdf._font_family.cache_clear()
    try:
        client.force_login(world.manager)
        response = client.get(reverse("roles:pdf", args=[world.role.pk]))
        assert response.status_code == 200
        assert world.role.title in _flat(_pdf_text(response)[1])
        assert "BitstreamVeraSans" in _font_names(response)
        assert "DejaVuSans" not in _font_names(response)
    finally:
        pdf._font_family.cache_clear()


def test_two_pdfs_made_at_once_each_hold_their_own_sheet(world):
    """gunicorn runs threads: fonts are shared between them, the sheets are not mixed up."""
    from concurrent.futures import ThreadPoolExecutor

    from roles.pdf import render_sheet_pdf
    from roles.sheet import sheet_queryset

    other = RoleFactory(structure=world.structure, title="Médiateur·rice santé", with_missions=3)
    roles = list(
        sheet_queryset().select_related("structure").filter(pk__in=[world.role.pk, other.pk])
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(
            pool.map(lambda role: render_sheet_pdf(role, adopted=None, signatures=[]), roles * 4)
        )
    for role, pdf in zip(roles * 4, pdfs, strict=True):
        text = _flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
        (stranger,) = (r for r in roles if r != role)
        assert role.title in text, text[:300]
        assert stranger.title not in text, text[:300]


def _typesetter():
    from roles.pdf import _font_family
    from roles.typeset import Typesetter

    font = _font_family()
    return font, Typesetter(
        footer_font=font, footer="Structure — Rôle", title="t", author="a", subject="s", lang="fr"
    )


def test_no_line_runs_past_the_right_margin_and_no_letter_is_lost():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from roles.typeset import Style

    font, sheet = _typesetter()
    style = Style(font=font, size=10, leading=14, indent=20, hang=10)
    words = "Accompagner une personne à la CPAM pour ouvrir ses droits " * 12
    url = "https://exemple.fr/" + "tres-long-chemin-sans-espace-" * 12
    lines = sheet.break_lines([(f"{words}\n{url}", font, 10, None)], style)
    assert len(lines) > 5
    for number, line in enumerate(lines):
        room = sheet.width - style.indent + (style.hang if number == 0 else 0)
        x, _font, _size, _color, text = line[-1]
        assert x + stringWidth(text.lstrip(" "), font, 10) <= room + 0.01
    printed = "".join(group[4] for line in lines for group in line)
    assert "".join(printed.split()) == "".join(f"{words}{url}".split())


def test_a_heading_never_ends_a_page():
    """A heading that would leave no room for the lines after it starts the next page."""
    from roles.typeset import Style

    font, sheet = _typesetter()
    body = Style(font=font, size=10, leading=14)
    heading = Style(font=font, size=11, leading=15, before=10, keep=28)
    while sheet._room() > 40:
        sheet.paragraph("Une ligne de texte.", body)
    assert sheet.number == 1
    sheet.paragraph("2. Mission suivante", heading)
    assert sheet.number == 2
    pdf = sheet.finish()
    last_page = PdfReader(io.BytesIO(pdf)).pages[1].extract_text()
    assert "2. Mission suivante" in last_page
