"""French pages and e-mails follow French typography: what a French reader would notice.

Every page of the permission matrix that answers 200, read in French by the people who read it,
the public pages, the error pages, and the e-mails the matrix's writes send: no "(s)" (real
plural forms instead), a no-break space before ":", ";", "!" and "?", and « » rather than "…".
URLs, times (10:30), scripts, styles and text marked in another language are left aside.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from .factories import ProposalFactory
from .test_permissions import EXPECTED, OK, URLS

READERS = ("manager", "peer_worker", "facilitator", "admin")
NO_BREAK = "\u00a0\u202f"
# A letter, digit or closing sign then a mark that needs a space in French; not a time (10:30),
# not a URL (https://, ?next=), not an emoticon-free "::" of code.
MISSING_SPACE = re.compile(rf"[^\s{NO_BREAK}][:;!?](?![\d/=\w])|[ \t\n][:;!?](?![\d/=\w])")
URL = re.compile(r"\b(?:https?|mailto):\S+|\S+@\S+")
STRAIGHT_QUOTES = re.compile(r"\"[^\"\n]{1,200}\"|“[^”\n]{1,200}”")


class _Text(HTMLParser):
    """The text a reader sees: no script, style, or element written in another language."""

    SKIPPED = {"script", "style", "template", "code", "pre", "textarea"}
    VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "col", "area", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append(tag in self.SKIPPED or bool(lang and not lang.startswith("fr")))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)


def visible_text(html):
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def faults(text):
    """What breaks French typography in `text`, as short excerpts."""
    text = URL.sub(" ", text)
    found = []
    for line in text.splitlines():
        line = line.strip()
        if "(s)" in line or re.search(r"\b0[\s\u00a0](minute|heure|jour)", line):
            found.append(f"(s): {line[:120]}")
        if MISSING_SPACE.search(line):
            found.append(f"space: {line[:120]}")
        if STRAIGHT_QUOTES.search(line):
            found.append(f"quotes: {line[:120]}")
    return found


def test_the_checker_sees_what_a_reader_sees():
    assert (
        faults("3 signature(s)")
        and faults("il y a 0\u00a0minute")
        and faults("validée il y a 0\u00a0jour")
        and faults("Statut: validé")
        and faults("Statut : validé")
    )
    assert faults('Supprimer "Accueil" ?')
    assert not faults("Statut\u00a0: validé, à 10:30, voir https://example.org/a?b=c")
    assert visible_text('<p>Oui<script>a:b</script><span lang="en">Status:</span></p>') == "Oui"


def _french(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    return response, response.content.decode()


def _pages(world):
    """(who, path) of every HTML page of the matrix a reader gets with a 200."""
    for url in URLS:
        if url.method != "get" or url.name in {"roles:pdf", "roles:version_pdf"}:
            continue
        if url.name.startswith("documents:"):  # Word and LibreOffice files
            continue
        if url.name in {"facilitation:report_csv", "account_data"}:
            continue
        if url.name in {"checkins:role_trend", "checkins:structure_trend"}:  # SVG pictures
            continue
        for actor in READERS:
            if EXPECTED[url.kind][actor] == OK:
                yield actor, reverse(url.name, kwargs=url.kwargs(world))


@pytest.fixture
def french_world(world):
    for actor in READERS:
        user = getattr(world, actor)
        user.language = "fr"
        user.save(update_fields=["language"])
    return world


def test_french_pages_follow_french_typography(french_world):
    problems = {}
    seen = 0
    for actor, path in _pages(french_world):
        client = Client()
        client.force_login(getattr(french_world, actor))
        response, html = _french(client, path)
        assert response.status_code == 200, path
        assert '<html lang="fr">' in html, path
        seen += 1
        for fault in faults(visible_text(html)):
            problems.setdefault(fault, f"{actor} {path}")
    assert seen > 30
    assert not problems, "\n".join(f"{where}: {fault}" for fault, where in problems.items())


@override_settings(DEBUG=False)
def test_public_and_error_pages_follow_french_typography(french_world):
    client = Client(raise_request_exception=False)
    problems = {}
    for path in (
        reverse("login"),
        reverse("privacy"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        "/no-such-page/",
    ):
        _, html = _french(client, path)
        problems.update({fault: path for fault in faults(visible_text(html))})
    client.force_login(french_world.peer_worker)
    _, html = _french(client, reverse("roles:edit", kwargs={"role_id": french_world.role.pk}))
    problems.update({fault: "403" for fault in faults(visible_text(html))})
    assert not problems, "\n".join(f"{where}: {fault}" for fault, where in problems.items())


def test_french_emails_follow_french_typography(french_world, django_capture_on_commit_callbacks):
    """The e-mails the matrix's writes send (proposals, decisions, comments, versions, reviews,
    invitations), each in its reader's language, here French."""
    problems = {}
    for url in URLS:
        # Deleting would take the objects later rows need; nothing is e-mailed about it anyway.
        if url.method != "post" or url.name.endswith(("delete", "deactivate", "unassign")):
            continue
        actor = next((a for a in READERS if EXPECTED[url.kind][a] == OK), None)
        if actor is None:
            continue
        client = Client()
        client.force_login(getattr(french_world, actor))
        path = reverse(url.name, kwargs=url.kwargs(french_world))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(path, url.data(french_world), HTTP_ACCEPT_LANGUAGE="fr")
    assert len(mail.outbox) >= 5
    for message in mail.outbox:
        for fault in faults(f"{message.subject}\n{message.body}"):
            problems.setdefault(fault, message.subject)
    assert not problems, "\n".join(f"{where}: {fault}" for fault, where in problems.items())


def test_a_proposal_made_a_moment_ago_says_so(french_world):
    ProposalFactory(role=french_world.role, mission=french_world.mission)
    client = Client()
    client.force_login(french_world.manager)
    _, html = _french(
        client, reverse("missions:proposals", kwargs={"role_id": french_world.role.pk})
    )
    text = visible_text(html)
    assert "à l’instant" in text
    assert "0\u00a0minute" not in text
