"""The signed agreement never lies: a changed sheet prints as a draft on every page, and each
version has its own PDF with its signatures and a fingerprint to check a printed copy."""

import io
import re

from django.urls import reverse
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from roles.services import role_update
from sheets.models import RoleSheetVersion
from sheets.versions import version_answer, version_request

from .factories import DailyTaskFactory, MissionFactory, RoleFactory

DRAFT = "Brouillon — diffère de la version 1 validée le"


def _pages(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _adopt(world):
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    return version_answer(version=version, by=world.peer_worker, decision="signed")


def _long_sheet(world):
    for index in range(15):
        DailyTaskFactory.create_batch(
            6, mission=MissionFactory(role=world.role, position=10 + index)
        )


def _edit(world, **fields):
    world.role.refresh_from_db()
    role_update(role=world.role, by=world.manager, revision=world.role.revision, **fields)


def _sheet_pdf(client, world):
    return _pages(client.get(reverse("roles:pdf", args=[world.role.pk])))


def _version_pdf(client, world, number=1):
    return _pages(client.get(reverse("roles:version_pdf", args=[world.role.pk, number])))


def _page_fingerprint(client, world, number=1):
    page = client.get(reverse("roles:version", args=[world.role.pk, number])).content.decode()
    return re.search(r'<code class="fingerprint">([0-9a-f ]+)</code>', page).group(1)


def test_a_sheet_changed_after_its_signature_says_draft_on_every_page(client, world):
    _long_sheet(world)
    _adopt(world)
    client.force_login(world.manager)
    pages = _sheet_pdf(client, world)
    assert not any("Brouillon" in page for page in pages)
    assert "Version 1, validée le" in pages[0]
    _edit(world, purpose="Un nouveau texte écrit après la signature.")
    pages = _sheet_pdf(client, world)
    assert len(pages) >= 3
    for page in pages:
        assert DRAFT in page
    text = " ".join(pages)
    assert "Un nouveau texte écrit après la signature." in text
    # Nothing claims the changed text was signed.
    assert "Version 1, validée le" not in text
    assert "Signatures de la version" not in text
    assert world.manager.get_full_name() not in text


def test_an_unsigned_sheet_says_draft_on_every_page(client, world):
    _long_sheet(world)
    client.force_login(world.manager)
    for page in _sheet_pdf(client, world):
        assert "Brouillon — aucune version de cette fiche n'a encore été signée" in page


def test_the_version_pdf_prints_that_version_with_its_signatures(client, world):
    _long_sheet(world)
    version = _adopt(world)
    signed_text = world.role.purpose
    _edit(world, purpose="Un nouveau texte écrit après la signature.")
    client.force_login(world.peer_worker)
    pages = _version_pdf(client, world)
    text = " ".join(pages)
    assert len(pages) >= 3
    assert signed_text in text
    assert "Un nouveau texte écrit après la signature." not in text
    assert not any("Brouillon" in page for page in pages)
    assert "Version 1, validée le" in pages[0]
    block = text[text.index("Signatures de la version 1") :]
    with translation.override("fr"):
        signed = formats.date_format(
            timezone.localtime(version.signatures.get(signer=world.manager).decided_at),
            "DATE_FORMAT",
        )
    assert f"{world.manager.get_full_name()} (responsable) : a signé le {signed}" in block
    assert f"{world.peer_worker.get_full_name()} (travailleur·se pair·e) : a signé le" in block
    fingerprint = _page_fingerprint(client, world)
    assert fingerprint == version.short_fingerprint()
    assert f"Empreinte de la version 1 : {fingerprint}." in block


def test_a_version_awaiting_signatures_says_so_on_every_page(client, world):
    _long_sheet(world)
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    client.force_login(world.manager)
    pages = _version_pdf(client, world)
    for page in pages:
        assert "Version 1 — non validée : en attente de signatures" in page
    text = " ".join(pages)
    assert f"{world.manager.get_full_name()} (responsable) : a signé le" in text
    assert f"{world.peer_worker.get_full_name()} (travailleur·se pair·e) : n'a pas signé" in text


def test_the_version_page_links_its_pdf_and_shows_its_fingerprint(client, world):
    version = _adopt(world)
    client.force_login(world.manager)
    page = client.get(version.get_absolute_url()).content.decode()
    assert reverse("roles:version_pdf", args=[world.role.pk, 1]) in page
    assert re.fullmatch(r"[0-9a-f]{4}( [0-9a-f]{4}){3}", _page_fingerprint(client, world))


def test_the_same_snapshot_gives_the_same_fingerprint_and_a_change_another(world):
    version = _adopt(world)
    again = RoleSheetVersion.objects.get(pk=version.pk)
    assert again.fingerprint() == version.fingerprint()
    assert len(version.fingerprint()) == 64
    # The order of the keys does not count (the database may give them in any order).
    shuffled = RoleSheetVersion(snapshot=dict(reversed(list(version.snapshot.items()))))
    assert shuffled.fingerprint() == version.fingerprint()
    changed = RoleSheetVersion(snapshot={**version.snapshot})
    changed.snapshot["role"] = {**changed.snapshot["role"], "purpose": "Autre chose."}
    assert changed.fingerprint() != version.fingerprint()
    comma = RoleSheetVersion(snapshot={**version.snapshot})
    comma.snapshot["role"] = {
        **comma.snapshot["role"],
        "title": version.snapshot["role"]["title"] + ",",
    }
    assert comma.short_fingerprint() != version.short_fingerprint()


def test_empty_sections_are_left_out(client, world):
    role = RoleFactory(structure=world.structure, blank=True)
    MissionFactory(role=role, blank=True, title="Mission sans détail")
    client.force_login(world.manager)
    text = " ".join(_pages(client.get(reverse("roles:pdf", args=[role.pk]))))
    assert "Mission sans détail" in text
    assert "Marge de manœuvre" in text
    for absent in [
        "Rien d'écrit",
        "Raison d'être",
        "Cadre du rôle",
        "Personnes accompagnées",
        "Comment le vécu",
        "Comprend",
        "Tâches du quotidien",
        "ne dit pas comment",
    ]:
        assert absent not in text


def test_labels_are_neutral_for_the_managers_who_read_them(client, world):
    client.force_login(world.manager)
    text = " ".join(_sheet_pdf(client, world))
    assert "Comment le vécu sert cette mission" in text
    assert "Comment mon vécu" not in text


def test_the_version_pdf_prints_typed_text_literally(client, world):
    world.role.purpose = 'Accueil <b>inconditionnel</b> & "aller vers" <font size=40>'
    world.role.save()
    world.mission.title = "Médiation à Łódź, Şişli et chez Nguyễn"
    world.mission.save()
    _adopt(world)
    client.force_login(world.manager)
    text = " ".join(_version_pdf(client, world))
    assert 'Accueil <b>inconditionnel</b> & "aller vers" <font size=40>' in text
    assert "Médiation à Łódź, Şişli et chez Nguyễn" in text


def test_a_version_pdf_is_kept_and_follows_its_status(client, world, monkeypatch):
    """Version PDFs are cached by version; a later adopted version marks it replaced."""
    from sheets import pdf

    builds = []
    real = pdf.render_version_pdf
    monkeypatch.setattr(
        pdf, "render_version_pdf", lambda *a, **kw: builds.append(1) or real(*a, **kw)
    )
    _adopt(world)
    client.force_login(world.manager)
    first = _version_pdf(client, world)
    assert _version_pdf(client, world) == first
    assert len(builds) == 1
    _edit(world, purpose="Une deuxième version.")
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    version_answer(version=version, by=world.peer_worker, decision="signed")
    pages = _version_pdf(client, world)
    assert "Version 1 — remplacée par une version ultérieure" in pages[0]
    assert "Une deuxième version." not in " ".join(pages)
