"""The role sheet exported for HR as Word (.docx) and LibreOffice (.odt) files: the PDF's content
in the PDF's order, a draft that says so, each version with its signatures."""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from docx import Document
from odf import teletype
from odf.opendocument import load
from odf.style import Header
from odf.text import H, P

from roles.services import role_update
from sheets.versions import version_answer, version_request

from .factories import DailyTaskFactory, MissionFactory, RoleFactory

DRAFT = "Brouillon — diffère de la version 1 validée le"


def _docx(response):
    """(header, [(style, text)…]) of a .docx download."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"].startswith("attachment;")
    document = Document(io.BytesIO(response.content))
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    return header, [(p.style.name, p.text) for p in document.paragraphs]


def _odt(response):
    """(header, [(kind, text)…]) of an .odt download: kind is "h1", "h2", "item" or "p"."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    document = load(io.BytesIO(response.content))
    lines = []

    def walk(element, in_list=False):
        for child in element.childNodes:
            if child.qname == H(outlinelevel=1).qname:
                level = child.getAttribute("outlinelevel")
                lines.append((f"h{level}", teletype.extractText(child)))
            elif child.qname == P().qname:
                lines.append(("item" if in_list else "p", teletype.extractText(child)))
            elif child.nodeType == child.ELEMENT_NODE:
                walk(child, in_list or child.tagName == "text:list-item")

    walk(document.text)
    header = " ".join(
        teletype.extractText(p)
        for header in document.masterstyles.getElementsByType(Header)
        for p in header.getElementsByType(P)
    )
    return header, lines


def _get(client, name, world, *args, **headers):
    return client.get(reverse(name, args=[world.role.pk, *args]), **headers)


def _adopt(world):
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    return version_answer(version=version, by=world.peer_worker, decision="signed")


def _edit(world, **fields):
    world.role.refresh_from_db()
    role_update(role=world.role, by=world.manager, revision=world.role.revision, **fields)


@pytest.fixture
def sheet(world):
    """The world's role with a known sheet: two missions (in that order) and their tasks."""
    world.role.missions.all().delete()
    first = MissionFactory(role=world.role, position=1, title="Accueil des personnes")
    DailyTaskFactory(
        mission=first,
        position=1,
        action="Ouvrir l'accueil du matin",
        frequency="times_a_week",
        times=2,
        duration_minutes=60,
    )
    DailyTaskFactory(mission=first, position=2, action="Tenir le cahier de liaison")
    second = MissionFactory(role=world.role, position=2, title="Médiation avec l'équipe soignante")
    DailyTaskFactory(mission=second, position=1, action="Préparer la réunion à l'hôpital")
    world.role.refresh_from_db()
    return world


def test_the_word_file_holds_the_sheet_in_the_pdf_order(client, sheet):
    client.force_login(sheet.peer_worker)
    _header, paragraphs = _docx(_get(client, "documents:sheet_docx", sheet))
    assert ("Title", sheet.role.title) in paragraphs
    headings = [text for style, text in paragraphs if style == "Heading 2"]
    assert headings == ["1. Accueil des personnes", "2. Médiation avec l'équipe soignante"]
    tasks = [text for style, text in paragraphs if style == "List Bullet"]
    assert tasks[0].startswith("Ouvrir l'accueil du matin — 2 fois par semaine · 1\u00a0h")
    assert tasks[1].startswith("Tenir le cahier de liaison — ")
    assert tasks[2].startswith("Préparer la réunion à l'hôpital — ")
    texts = [text for _style, text in paragraphs]
    # Each task sits under its mission.
    assert texts.index("2. Médiation avec l'équipe soignante") < texts.index(tasks[2])
    assert texts.index(tasks[1]) < texts.index("2. Médiation avec l'équipe soignante")
    assert "Missions" in [text for style, text in paragraphs if style == "Heading 1"]


def test_the_libreoffice_file_holds_the_same_sheet(client, sheet):
    client.force_login(sheet.manager)
    _header, lines = _odt(_get(client, "documents:sheet_odt", sheet))
    _word_header, paragraphs = _docx(_get(client, "documents:sheet_docx", sheet))
    assert [text for kind, text in lines if kind == "h2"] == [
        "1. Accueil des personnes",
        "2. Médiation avec l'équipe soignante",
    ]
    items = [text for kind, text in lines if kind == "item"]
    assert items == [text for style, text in paragraphs if style == "List Bullet"]
    # The same content in the same order as the Word file (the status line's time aside).
    assert [text for _kind, text in lines] == [text for _style, text in paragraphs]


def test_an_unsigned_sheet_says_draft_in_every_page_header(client, sheet):
    client.force_login(sheet.manager)
    for header, _lines in (
        _docx(_get(client, "documents:sheet_docx", sheet)),
        _odt(_get(client, "documents:sheet_odt", sheet)),
    ):
        assert header.startswith("Brouillon — aucune version")


def test_a_sheet_changed_after_its_signature_says_draft_without_signatures(client, sheet):
    _adopt(sheet)
    client.force_login(sheet.manager)
    header, paragraphs = _docx(_get(client, "documents:sheet_docx", sheet))
    assert header == ""  # the adopted text: no banner
    assert any(text.startswith("Signatures de la version 1") for _s, text in paragraphs)
    _edit(sheet, purpose="Une raison d'être écrite après la signature.")
    for header, lines in (
        _docx(_get(client, "documents:sheet_docx", sheet)),
        _odt(_get(client, "documents:sheet_odt", sheet)),
    ):
        assert header.startswith(DRAFT)
        texts = [text for _kind, text in lines]
        assert "Une raison d'être écrite après la signature." in texts
        assert not any("Signatures de la version" in text for text in texts)


def test_a_version_file_prints_that_version_with_its_signatures(client, sheet):
    version = _adopt(sheet)
    _edit(sheet, title="Un autre intitulé")
    client.force_login(sheet.facilitator)
    page = client.get(reverse("roles:version", args=[sheet.role.pk, 1])).content.decode()
    fingerprint = re.search(r'<code class="fingerprint">([0-9a-f ]+)</code>', page).group(1)
    for name, read in (("documents:version_docx", _docx), ("documents:version_odt", _odt)):
        header, lines = read(_get(client, name, sheet, 1))
        texts = [text for _kind, text in lines]
        assert header == ""
        assert version.snapshot["role"]["title"] in texts
        assert "Un autre intitulé" not in texts
        signatories = " ".join(t for t in texts if "a signé le" in t)
        assert f"{sheet.manager.get_full_name()} (responsable)" in signatories
        assert sheet.peer_worker.get_full_name() in signatories
        assert any(fingerprint in text for text in texts)


def test_a_version_awaiting_signatures_says_so(client, sheet):
    version_request(role=sheet.role, by=sheet.manager)
    client.force_login(sheet.peer_worker)
    for name, read in (("documents:version_docx", _docx), ("documents:version_odt", _odt)):
        header, _lines = read(_get(client, name, sheet, 1))
        assert header.startswith("Version 1 — non validée")


def test_the_files_are_in_the_readers_language(client, sheet):
    sheet.manager.language = "en"
    sheet.manager.save(update_fields=["language"])
    client.force_login(sheet.manager)
    header, paragraphs = _docx(_get(client, "documents:sheet_docx", sheet))
    assert header.startswith("Draft — no version")
    assert ("Heading 1", "Missions") in paragraphs
    assert any(
        text.startswith("Ouvrir l'accueil du matin — 2 times a week") for _s, text in paragraphs
    )


def test_typed_text_is_written_literally(client, world):
    typed = 'Dire <b>bonjour</b> & "merci"\nPuis écouter\x07'
    world.role.refresh_from_db()
    _edit(world, purpose=typed)
    client.force_login(world.manager)
    _header, paragraphs = _docx(_get(client, "documents:sheet_docx", world))
    assert 'Dire <b>bonjour</b> & "merci"\nPuis écouter' in [t for _s, t in paragraphs]
    _header, lines = _odt(_get(client, "documents:sheet_odt", world))
    assert 'Dire <b>bonjour</b> & "merci"\nPuis écouter' in [t for _k, t in lines]


def test_empty_sections_are_left_out(client, world):
    role = RoleFactory(structure=world.structure, purpose="", people_served="", working_hours="")
    role.supervision = role.lived_experience = ""
    role.save()
    client.force_login(world.manager)
    _header, paragraphs = _docx(client.get(reverse("documents:sheet_docx", args=[role.pk])))
    sections = [text for style, text in paragraphs if style == "Heading 1"]
    assert sections == []
    assert not any("Rien d" in text for _s, text in paragraphs)


def test_the_file_name_names_the_structure_and_role(client, world):
    client.force_login(world.manager)
    response = _get(client, "documents:sheet_odt", world)
    assert re.fullmatch(
        r'attachment; filename="caarud-lescale-[a-z0-9-]+\.odt"', response["Content-Disposition"]
    )


def test_an_unknown_version_is_not_found(client, world):
    client.force_login(world.manager)
    assert _get(client, "documents:version_docx", world, 7).status_code == 404


def test_a_file_is_made_once_per_state_of_the_sheet(client, sheet, monkeypatch):
    from documents import writing

    builds, real = [], writing.render_docx
    monkeypatch.setitem(
        writing.FORMATS,
        "docx",
        (lambda printed: builds.append(1) or real(printed), writing.DOCX_TYPE),
    )
    client.force_login(sheet.manager)
    first = _docx(_get(client, "documents:sheet_docx", sheet))
    assert _docx(_get(client, "documents:sheet_docx", sheet)) == first
    assert len(builds) == 1
    _edit(sheet, purpose="Changée")
    assert "Changée" in [t for _s, t in _docx(_get(client, "documents:sheet_docx", sheet))[1]]
    assert len(builds) == 2


@pytest.mark.parametrize("name", ["documents:sheet_docx", "documents:sheet_odt"])
def test_the_query_count_does_not_grow_with_the_sheet(
    client, world, name, django_assert_num_queries
):
    client.force_login(world.manager)
    url = reverse(name, args=[world.role.pk])
    client.get(url)  # the session and the person, loaded once
    cache.clear()
    with django_assert_num_queries(10) as small:
        assert client.get(url).status_code == 200
    for index in range(10):
        DailyTaskFactory.create_batch(
            5, mission=MissionFactory(role=world.role, position=20 + index)
        )
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_sheet_and_version_pages_link_their_files(client, world):
    _adopt(world)
    client.force_login(world.peer_worker)
    page = client.get(reverse("roles:detail", args=[world.role.pk])).content.decode()
    for name in ("documents:sheet_docx", "documents:sheet_odt"):
        assert f'href="{reverse(name, args=[world.role.pk])}"' in page
    page = client.get(reverse("roles:version", args=[world.role.pk, 1])).content.decode()
    for name in ("documents:version_docx", "documents:version_odt"):
        assert f'href="{reverse(name, args=[world.role.pk, 1])}"' in page
    assert "Version 1 en Word (.docx)" in page
