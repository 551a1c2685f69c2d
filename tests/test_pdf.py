"""The role sheet as a PDF: complete, accented, in the reader's language."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from roles.versions import version_answer, version_request

from .factories import DailyTaskFactory, MissionFactory


def _pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


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
    _pages, text = _pdf_text(client.get(reverse("roles:pdf", args=[world.role.pk])))
    assert words in _flat(text)
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
