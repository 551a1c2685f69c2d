"""Error pages are the project's own, in the reader's language, with DEBUG off; the favicon is
there for browsers that ask /favicon.ico."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Page introuvable"), ("en", "Page not found")],
)
def test_a_missing_page_says_so_in_the_readers_language(client, db, language, heading):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page
    assert "favicon.svg" in page


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Vous ne pouvez pas faire cela ici"), ("en", "You cannot do this here")],
)
def test_a_refused_page_says_so_in_the_readers_language(world, language, heading):
    client = Client()
    client.force_login(world.peer_worker)
    url = reverse("roles:edit", kwargs={"role_id": world.role.pk})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Demande incomprise"), ("en", "Request not understood")],
)
def test_a_bad_request_says_so_in_the_readers_language(db, language, heading):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = defaults.bad_request(request, SuspiciousOperation("bad"))
    assert response.status_code == 400
    assert heading in response.content.decode()
    assert "Bad Request (400)" not in response.content.decode()


def test_a_server_error_is_ours_in_both_languages_without_the_database():
    # No `db` fixture: any query while rendering it would raise here.
    response = defaults.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Une erreur est survenue" in page
    assert "Something went wrong" in page


def test_browsers_asking_for_favicon_ico_get_ours(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    icon = client.get(response["Location"])
    icon.close()  # a file response: closed, or the file stays open
    assert icon.status_code == 200
