"""The check-in form writes each mission's answer with a template of its own (it is repeated
once per mission, and crispy's per-field templates were most of the page's time): it must say
exactly what crispy-bootstrap5 says, in every state a person meets (new, prefilled, refused)."""

from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from checkins.forms import MissionAnswerForm


class _Tree(HTMLParser):
    """Tags with their attributes (classes as a set) and the words between them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "class" in attrs:
            attrs["class"] = " ".join(sorted(attrs["class"].split()))
        if "aria-describedby" in attrs:
            attrs["aria-describedby"] = " ".join(sorted(attrs["aria-describedby"].split()))
        self.events.append(("start", tag, tuple(sorted(attrs.items()))))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        if words := " ".join(data.split()):
            self.events.append(("text", words))


def _tree(markup):
    parser = _Tree()
    parser.feed(markup)
    return parser.events


STATES = {
    "new": {},
    "prefilled": {"initial": {"going": "hard", "time_spent": "more", "note": "Déjà «dit» & écrit"}},
    "sent": {"data": {"m7-going": "drifting", "m7-time_spent": "less", "m7-note": "<b>x</b>"}},
    "refused, nothing chosen": {"data": {"m7-note": "gardé"}},
    "refused, note too long": {
        "data": {"m7-going": "clear", "m7-time_spent": "as_planned", "m7-note": "é" * 4001}
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("state", STATES)
def test_the_answer_says_what_crispy_says(state, language):
    with translation.override(language):
        form = MissionAnswerForm(prefix="m7", **STATES[state])
        if form.is_bound:
            form.is_valid()
        crispy = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
            Context({"form": form})
        )
        ours = render_to_string("checkins/_answer.html", {"form": form})
    assert _tree(ours) == _tree(crispy)
    assert ("Comment ça se passe" in ours) == (language == "fr")
    if state.startswith("refused"):
        assert 'aria-invalid="true"' in ours
