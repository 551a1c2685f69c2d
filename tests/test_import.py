"""Importing a fiche de poste (.docx, .odt) as a draft role: what went where, a preview the
manager corrects, nothing saved before they confirm, bad files refused with a clear message.

Over 600 lines: one module per feature, in sections: test documents, what a browser sends,
lines to draft, the preview, bad files, round trip and fuzzing.
"""

import html
import io
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from odf.opendocument import OpenDocumentText
from odf.style import Style
from odf.text import H, List, ListItem, P

from documents.drafts import build_draft
from documents.reading import Line
from missions.models import DailyTask
from missions.timing import Frequency
from roles.models import Role

from .factories import DailyTaskFactory, MissionFactory

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- documents made in the tests ---------------------------------------------------------


def _docx_bytes(build):
    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _day_centre(document):
    document.add_paragraph("Travailleur·se pair·e à l'accueil de jour", style="Title")
    document.add_heading("Raison d'être", 1)
    document.add_paragraph("Faire le lien entre les personnes accueillies et l'équipe.")
    document.add_heading("Public accompagné", 1)
    document.add_paragraph("Personnes sans domicile, souvent après la rue.")
    document.add_heading("Missions", 1)
    document.add_heading("1. Accueil des personnes", 2)
    document.add_paragraph("Accueillir chaque personne qui arrive, sans condition.")
    document.add_paragraph("Ouvrir l'accueil tous les matins (1 h)", style="List Bullet")
    document.add_paragraph(
        "Tenir le cahier de liaison — 2 fois par semaine · 15 min", style="List Bullet"
    )
    document.add_heading("2. Médiation avec l'équipe soignante", 2)
    table = document.add_table(rows=3, cols=3)
    rows = [
        ("Tâche", "Fréquence", "Durée"),
        ("Réunion à l'hôpital", "1 fois par mois", "2 h"),
        ("Appels aux partenaires", "chaque semaine", "30 min"),
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value


def _upload(name, content, content_type=DOCX):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _odt_bytes():
    document = OpenDocumentText()
    heading = Style(name="Heading_20_1", family="paragraph")
    document.styles.addElement(heading)
    document.text.addElement(P(text="Pair·e aidant·e en CSAPA"))
    document.text.addElement(H(outlinelevel=1, stylename=heading, text="Missions"))
    missions = List()
    for title in ("Accompagner vers le soin", "Animer le groupe d'entraide"):
        item = ListItem()
        item.addElement(P(text=title))
        missions.addElement(item)
    document.text.addElement(missions)
    document.text.addElement(H(outlinelevel=1, stylename=heading, text="Temps de travail"))
    document.text.addElement(P(text="17 h 30 par semaine, réparties sur trois jours."))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


# --- what a browser would send back ----------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of the page's form with an action, as a browser submits them."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.data = action, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "radio"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""
        elif tag == "select":
            self._select = name
        elif (
            tag == "option"
            and self._select
            and ("selected" in attrs or self._select not in self.data)
        ):
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self._textarea:
            # A browser drops the newline that follows <textarea>.
            first = not self.data[self._textarea]
            self.data[self._textarea] += data.removeprefix("\n") if first else data


def _radios(html):
    """The checked radio buttons (a plain dict keeps the last one of a group)."""
    checked = {}

    class Radios(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("type") == "radio" and "checked" in attrs:
                checked[attrs["name"]] = attrs["value"]

    Radios().feed(html)
    return checked


def _form(response, world):
    page = response.content.decode()
    reader = _FormReader(reverse("documents:import_preview", args=[world.structure.slug]))
    reader.feed(page)
    return reader.data | _radios(page)


def _text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager)
    return client


def _send(client, world, upload):
    return client.post(reverse("documents:import", args=[world.structure.slug]), {"file": upload})


def _confirm(client, world, data, button="create"):
    url = reverse("documents:import_preview", args=[world.structure.slug])
    return client.post(url, data | {button: "1"})


# --- from lines to a draft -------------------------------------------------------------------


def test_the_day_centre_sheet_is_read_into_a_draft(manager, world):
    roles = Role.objects.count()
    response = _send(manager, world, _upload("fiche.docx", _docx_bytes(_day_centre)))
    assert response.status_code == 200
    assert Role.objects.count() == roles  # nothing saved before the manager confirms
    data = _form(response, world)
    assert data["role-title"] == "Travailleur·se pair·e à l'accueil de jour"
    assert data["role-purpose"] == "Faire le lien entre les personnes accueillies et l'équipe."
    assert data["role-people_served"] == "Personnes sans domicile, souvent après la rue."
    assert data["missions-0-title"] == "Accueil des personnes"
    assert data["missions-1-title"] == "Médiation avec l'équipe soignante"
    page = _text(response)
    assert "Tâche — Fréquence — Durée" in page  # the header row, listed as found no place

    response = _confirm(manager, world, data)
    assert response.status_code == 302
    role = Role.objects.get(title="Travailleur·se pair·e à l'accueil de jour")
    assert response["Location"] == role.get_absolute_url()
    missions = list(role.missions.order_by("position"))
    assert [m.title for m in missions] == [
        "Accueil des personnes",
        "Médiation avec l'équipe soignante",
    ]
    assert missions[0].description == "Accueillir chaque personne qui arrive, sans condition."
    tasks = [
        (t.action, t.frequency, t.times, t.duration_minutes)
        for m in missions
        for t in m.tasks.order_by("position")
    ]
    assert tasks == [
        ("Ouvrir l'accueil", Frequency.DAILY, 1, 60),
        ("Tenir le cahier de liaison", Frequency.TIMES_A_WEEK, 2, 15),
        ("Réunion à l'hôpital", Frequency.MONTHLY, 1, 120),
        ("Appels aux partenaires", Frequency.WEEKLY, 1, 30),
    ]


def test_an_odt_with_missions_as_list_items(manager, world):
    response = _send(
        manager,
        world,
        _upload("fiche.odt", _odt_bytes(), "application/vnd.oasis.opendocument.text"),
    )
    assert response.status_code == 200
    data = _form(response, world)
    assert data["role-title"] == "Pair·e aidant·e en CSAPA"
    assert data["missions-0-title"] == "Accompagner vers le soin"
    assert data["missions-1-title"] == "Animer le groupe d'entraide"
    assert data["role-working_hours"] == "17 h 30 par semaine, réparties sur trois jours."


def test_numbered_missions_with_their_bulleted_tasks(manager, world):
    def sheet(document):
        document.add_paragraph("Pair·e aidant·e en CHRS", style="Title")
        document.add_heading("Missions principales", 1)
        document.add_paragraph("Accueillir les personnes", style="List Number")
        document.add_paragraph("Préparer le café chaque matin, 15 min", style="List Bullet")
        document.add_paragraph("Animer le groupe d'entraide", style="List Number")
        document.add_paragraph("Animer la séance 2 fois par mois (1 h 30)", style="List Bullet")

    data = _form(_send(manager, world, _upload("f.docx", _docx_bytes(sheet))), world)
    assert [data["missions-0-title"], data["missions-1-title"]] == [
        "Accueillir les personnes",
        "Animer le groupe d'entraide",
    ]
    assert (data["tasks-0-mission"], data["tasks-0-action"], data["tasks-0-frequency"]) == (
        "1",
        "Préparer le café",
        "daily",
    )
    assert (data["tasks-1-mission"], data["tasks-1-frequency"], data["tasks-1-times"]) == (
        "2",
        "times_a_month",
        "2",
    )
    assert data["tasks-1-duration_minutes"] == "90"


def test_a_bulleted_list_of_missions():
    draft = build_draft(
        [
            Line("title", "Pair·e"),
            Line("heading", "Missions"),
            Line("item", "Accueillir"),
            Line("item", "Orienter"),
            Line("item", "Accompagner"),
        ]
    )
    assert [m.title for m in draft.missions] == ["Accueillir", "Orienter", "Accompagner"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Accueillir — 2 fois par semaine · 30 min", ("Accueillir", "times_a_week", 2, 30)),
        ("Réunion d'équipe 1 h par mois", ("Réunion d'équipe", "monthly", 1, 60)),
        ("Ouvrir tous les matins", ("Ouvrir", "daily", 1, 0)),
        ("Bilan : une demi-journée par trimestre", ("Bilan", "quarterly", 1, 210)),
        (
            "Groupe de parole deux fois par mois, 2 heures",
            ("Groupe de parole", "times_a_month", 2, 120),
        ),
        ("Journée régionale une fois par an", ("Journée régionale", "yearly", 1, 0)),
        ("Remplacer un collègue si besoin", ("Remplacer un collègue", "occasional", 1, 0)),
        ("Appels 1 h 30 par semaine", ("Appels", "weekly", 1, 90)),
        ("Tenir le cahier", ("Tenir le cahier", "weekly", 1, 0)),
    ],
)
def test_time_is_recognised_as_the_text_says_it(line, expected):
    draft = build_draft([Line("title", "Pair·e"), Line("heading", "Accueil"), Line("item", line)])
    task = draft.missions[0].tasks[0]
    assert (task.action, task.frequency, task.times, task.duration_minutes) == expected
    assert task.recognised == (line != "Tenir le cahier")


def test_lines_without_a_home_are_listed_never_dropped():
    lines = [
        Line("title", "Pair·e aidant·e"),
        Line("text", "Document interne, version de mars."),
        Line("item", "Une puce isolée"),
        Line("heading", "Accueil"),
        Line("item", "Accueillir 1 h par semaine"),
    ]
    draft = build_draft(lines)
    assert draft.unplaced == ["Document interne, version de mars.", "Une puce isolée"]
    assert [t.action for t in draft.missions[0].tasks] == ["Accueillir"]


def test_a_document_with_nothing_recognisable_lists_every_line(manager, world):
    def prose(document):
        for text in ("Bonjour à toutes et à tous,", "Voici nos notes de la réunion.", "Merci !"):
            document.add_paragraph(text)

    response = _send(manager, world, _upload("notes.docx", _docx_bytes(prose)))
    assert response.status_code == 200
    page = _text(response)
    assert "Rien dans ce fichier ne ressemble à une fiche de rôle" in page
    data = _form(response, world)
    assert data["role-title"] == "Bonjour à toutes et à tous,"
    assert [data[f"unplaced-{i}-text"] for i in range(2)] == [
        "Voici nos notes de la réunion.",
        "Merci !",
    ]


# --- the preview the manager corrects ---------------------------------------------------


def test_the_manager_places_a_line_and_sees_it_before_anything_is_saved(manager, world):
    def sheet(document):
        document.add_paragraph("Pair·e aidant·e", style="Title")
        document.add_paragraph("Préparer le café 15 min chaque jour")
        document.add_heading("Accueil", 1)
        document.add_paragraph("Ouvrir la porte", style="List Bullet")

    data = _form(_send(manager, world, _upload("f.docx", _docx_bytes(sheet))), world)
    assert data["unplaced-0-text"] == "Préparer le café 15 min chaque jour"
    data["unplaced-0-destination"] = "task-1"
    response = _confirm(manager, world, data)  # "create", but a line was just placed
    assert response.status_code == 200
    assert not Role.objects.filter(title="Pair·e aidant·e").exists()
    assert "Les lignes placées sont maintenant dans l'aperçu" in _text(response)
    data = _form(response, world)
    assert data["tasks-1-action"] == "Préparer le café"
    assert data["tasks-1-frequency"] == "daily"
    assert data["tasks-1-duration_minutes"] == "15"
    assert "unplaced-0-text" not in data
    assert _confirm(manager, world, data).status_code == 302
    role = Role.objects.get(title="Pair·e aidant·e")
    assert list(DailyTask.objects.filter(mission__role=role).values_list("action", flat=True)) == [
        "Ouvrir la porte",
        "Préparer le café",
    ]


def test_corrections_are_what_is_saved(manager, world):
    data = _form(_send(manager, world, _upload("f.docx", _docx_bytes(_day_centre))), world)
    data["role-title"] = "Médiateur·rice pair·e"
    data["missions-1-DELETE"] = "on"  # with its tasks
    data["tasks-0-duration_minutes"] = "45"
    data["tasks-1-DELETE"] = "on"
    assert _confirm(manager, world, data).status_code == 302
    role = Role.objects.get(title="Médiateur·rice pair·e")
    assert [m.title for m in role.missions.all()] == ["Accueil des personnes"]
    assert list(role.missions.get().tasks.values_list("action", "duration_minutes")) == [
        ("Ouvrir l'accueil", 45)
    ]


def test_a_title_already_taken_is_said_and_nothing_is_lost(manager, world):
    data = _form(_send(manager, world, _upload("f.docx", _docx_bytes(_day_centre))), world)
    data["role-title"] = world.role.title
    data["role-purpose"] = "Un texte retouché à la main."
    roles = Role.objects.count()
    response = _confirm(manager, world, data)
    assert response.status_code == 400
    assert Role.objects.count() == roles
    page = _text(response)
    assert "a déjà un rôle avec cet intitulé" in page
    assert "Un texte retouché à la main." in page
    assert _form(response, world)["missions-1-title"] == "Médiation avec l'équipe soignante"


def test_a_task_with_a_bad_time_is_refused_in_the_preview(manager, world):
    data = _form(_send(manager, world, _upload("f.docx", _docx_bytes(_day_centre))), world)
    data["tasks-0-duration_minutes"] = "100000"
    response = _confirm(manager, world, data)
    assert response.status_code == 400
    assert "Certaines réponses sont à revoir" in _text(response)
    assert not Role.objects.filter(title__startswith="Travailleur·se pair·e à l'accueil").exists()


# --- bad files ------------------------------------------------------------------------------


def _zip(parts, encrypted=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    data = bytearray(buffer.getvalue())
    if encrypted:  # the "encrypted" bit, in the local and the central headers
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = data.find(signature)
            data[start + offset] |= 0x1
    return bytes(data)


def _replace_part(data, name, content):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts[name] = content
    return _zip(parts)


ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Bonjour, ceci est un simple texte.", "pas un document texte Word (.docx) ou"),
        (b"", "Le fichier soumis est vide."),  # Django's own check
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "protégé par un mot de passe"),
        (_zip({"notes.txt": b"rien"}), "pas un document texte Word (.docx) ou"),
        (
            _zip(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"<a/>",
                }
            ),
            "pas un document texte Word (.docx) ou",
        ),
        (
            _zip({"word/document.xml": b"<w:document"}, encrypted=True),
            "protégé par un mot de passe",
        ),
        (
            _zip(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.text",
                    "content.xml": b"\x8f\x12 encrypted",
                    "META-INF/manifest.xml": b"<manifest:encryption-data/>",
                }
            ),
            "protégé par un mot de passe",
        ),
        (_replace_part(_docx_bytes(_day_centre), "word/document.xml", ENTITIES), "entités XML"),
        (_replace_part(_docx_bytes(_day_centre), "word/document.xml", b"<w:doc"), "semble abîmé"),
    ],
    ids=[
        "text",
        "empty",
        "ole",
        "zip",
        "spreadsheet",
        "encrypted-zip",
        "encrypted-odt",
        "entities",
        "damaged",
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(manager, world, content, message):
    roles = Role.objects.count()
    response = _send(manager, world, _upload("fiche.docx", content))
    assert response.status_code == 400
    page = _text(response)
    assert message in page
    assert "Le fichier n'a pas pu être utilisé" in page
    assert Role.objects.count() == roles


def test_a_file_over_the_size_limit_is_refused(manager, world, settings):
    settings.IMPORT_MAX_BYTES = 2 * 1024 * 1024
    roles = Role.objects.count()
    response = _send(manager, world, _upload("f.docx", b"x" * (2 * 1024 * 1024 + 1)))
    assert response.status_code == 400
    assert "Ce fichier dépasse 2,0\u00a0Mio." in _text(response)
    assert Role.objects.count() == roles


def test_a_zip_bomb_is_refused_before_it_is_unpacked(manager, world, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = _replace_part(_docx_bytes(_day_centre), "word/media/zeros.bin", b"\0" * 2_000_000)
    assert len(bomb) < 100_000  # small on the wire
    response = _send(manager, world, _upload("f.docx", bomb))
    assert response.status_code == 400
    assert "une fois décompressé, dépasse 1,0\u00a0Mio" in _text(response)


def test_a_file_with_too_many_lines_is_refused(manager, world):
    def long(document):
        for index in range(601):
            document.add_paragraph(f"Ligne {index}", style="List Bullet")

    response = _send(manager, world, _upload("f.docx", _docx_bytes(long)))
    assert response.status_code == 400
    assert "Ce fichier a plus de 600 lignes de texte" in _text(response)


def test_macros_are_ignored(manager, world):
    with_macros = _replace_part(_docx_bytes(_day_centre), "word/vbaProject.bin", b"Sub AutoOpen()")
    response = _send(manager, world, _upload("f.docx", with_macros))
    assert response.status_code == 200
    assert _form(response, world)["missions-0-title"] == "Accueil des personnes"


def test_the_message_is_in_the_readers_language(client, world):
    world.manager.language = "en"
    world.manager.save(update_fields=["language"])
    client.force_login(world.manager)
    response = _send(client, world, _upload("f.docx", b"plain text"))
    assert "This is not a Word (.docx) or LibreOffice (.odt) text document." in _text(response)


@pytest.mark.parametrize(
    ("actor", "status"),
    [("peer_worker", 403), ("facilitator", 403), ("other_manager", 404), ("anonymous", 302)],
)
def test_only_the_structures_managers_may_send_a_file(world, actor, status):
    client = Client()
    if actor != "anonymous":
        client.force_login(getattr(world, actor))
    roles = Role.objects.count()
    response = _send(client, world, _upload("f.docx", _docx_bytes(_day_centre)))
    assert response.status_code == status
    assert Role.objects.count() == roles


# --- round trip and fuzzing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"), [("documents:sheet_docx", "docx"), ("documents:sheet_odt", "odt")]
)
def test_an_exported_sheet_imports_back_to_the_same_missions_and_tasks(manager, world, name, fmt):
    mission = MissionFactory(role=world.role, title="Médiation « santé »", position=9)
    DailyTaskFactory(
        mission=mission,
        action="Appeler l'hôpital",
        frequency="times_a_month",
        times=3,
        duration_minutes=20,
    )
    DailyTaskFactory(
        mission=mission, action="Bilan annuel", frequency="yearly", duration_minutes=180
    )
    DailyTaskFactory(
        mission=mission, action="Remplacer", frequency="occasional", duration_minutes=0
    )
    DailyTaskFactory(mission=mission, action="Ouvrir", frequency="daily", duration_minutes=30)
    exported = manager.get(reverse(name, args=[world.role.pk])).content
    data = _form(_send(manager, world, _upload(f"sheet.{fmt}", exported)), world)
    data["role-title"] = "Copie importée"
    assert _confirm(manager, world, data).status_code == 302

    def sheet(role):
        return [
            (
                m.title,
                m.description,
                [(t.action, t.frequency, t.times, t.duration_minutes) for t in m.tasks.all()],
            )
            for m in role.missions.all()
        ]

    copy = Role.objects.get(title="Copie importée")
    assert sheet(copy) == sheet(world.role)
    assert copy.purpose == world.role.purpose
    assert copy.people_served == world.role.people_served


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=3000))
def test_any_bytes_never_give_a_500(manager, world, content):
    response = _send(manager, world, _upload("f.docx", content))
    assert response.status_code in (200, 400)


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    paragraphs=st.lists(
        st.tuples(
            st.sampled_from(["Title", "Heading 1", "Heading 2", "List Bullet", "Normal"]),
            st.text(
                alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=400
            ),
        ),
        max_size=12,
    )
)
def test_any_document_gives_a_preview_that_can_be_sent_back(manager, world, paragraphs):
    def build(document):
        for style, text in paragraphs:
            document.add_paragraph(text, style=style)

    response = _send(manager, world, _upload("f.docx", _docx_bytes(build)))
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        data = _form(response, world) | {"role-title": "Un intitulé libre"}
        assert _confirm(manager, world, data, button="apply").status_code in (200, 400)
