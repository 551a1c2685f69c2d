"""`/healthz` answers 200 "ok" only when the database answers, and is never cached."""

from unittest import mock

from django.db import OperationalError, connection
from django.urls import reverse


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_public(client, db):
    assert reverse("healthz") == "/healthz"
    response = client.get("/healthz")
    assert response.status_code == 200  # not a redirect to the login page


def test_healthz_answers_503_when_the_database_does_not(client, db):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content != b"ok"
    assert "no-store" in response["Cache-Control"]
