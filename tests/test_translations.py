"""The message catalogues are complete and in step with the source.

French is the interface's first language and English the second: every message of both
catalogues must be translated, not fuzzy, not obsolete, with the same placeholders as its msgid,
and every string marked for translation in the code and templates must be in them.

When this fails after a change of wording, update the catalogues (see the README):
    DEBUG=true python manage.py makemessages -l fr -l en --ignore=.venv --ignore=.assets \
        --ignore=tests --ignore=staticfiles
then translate the new entries (the English msgstr is a copy of the msgid), remove the `fuzzy`
flags and the obsolete `#~` entries, and run `compilemessages`.

Pure Python (no polib, no gettext tools), so it runs everywhere the suite runs.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fr", "en"]
# What `makemessages` skips: hidden directories (its default) and the --ignore options above.
IGNORED_DIRS = {"tests", "staticfiles", "node_modules", "htmlcov", "test-artifacts", "locale"}
GETTEXT_FUNCTIONS = {
    # name: (position of the context, of the msgid, of the plural msgid)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


# --- A small reader for .po files ------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # plural index (0 when not plural) -> text
    flags: set = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text, lineno):
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"line {lineno}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(text):
    """The entries of a .po file, header included (the entry whose msgid is empty)."""
    entries, entry, target = [], None, None

    def finish():
        if entry is not None and (entry.msgstr or entry.msgid or entry.obsolete):
            entries.append(entry)

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of an obsolete entry
                continue
        if not line:
            finish()
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=lineno)
        if obsolete:
            entry.obsolete = True
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.groups()
            if keyword == "msgid" and (entry.msgid or entry.msgstr):
                # An entry started without a blank line before it.
                finish()
                entry = Entry(line=lineno, obsolete=obsolete)
            target = (keyword, int(index or 0))
            value = _unquote(value, lineno)
        elif line.startswith('"') and target is not None:
            value = _unquote(line, lineno)
        else:
            raise ValueError(f"line {lineno}: cannot read {raw!r}")
        keyword, index = target
        if keyword == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        else:
            setattr(entry, keyword, (getattr(entry, keyword) or "") + value)
    finish()
    return entries


def nplurals(header):
    match = re.search(r"^Plural-Forms:.*nplurals\s*=\s*(\d+)", header.msgstr.get(0, ""), re.M)
    return int(match.group(1)) if match else 2


def catalogue_problems(text):
    """Everything wrong with a catalogue, as readable lines (empty when it is fine)."""
    entries = parse_po(text)
    problems = []
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None and not e.obsolete]
    if len(headers) != 1:
        return [f"expected one header entry, found {len(headers)}"]
    header = headers[0]
    if "fuzzy" in header.flags:
        problems.append("the header is fuzzy")
    forms = nplurals(header)
    seen = set()
    for entry in entries:
        if entry is header:
            continue
        where = f"line {entry.line}: {entry.msgid[:60]!r}"
        if entry.obsolete:
            problems.append(f"{where} is obsolete (#~): delete it")
            continue
        if entry.key in seen:
            problems.append(f"{where} appears twice")
        seen.add(entry.key)
        if "fuzzy" in entry.flags:
            problems.append(f"{where} is fuzzy")
        expected = list(range(forms)) if entry.msgid_plural is not None else [0]
        if sorted(entry.msgstr) != expected:
            problems.append(f"{where} has msgstr forms {sorted(entry.msgstr)}, expected {expected}")
        for index, text_ in sorted(entry.msgstr.items()):
            if not text_.strip():
                problems.append(f"{where} is not translated (msgstr[{index}] empty)")
                continue
            if entry.msgid_plural is None:
                if sorted(PLACEHOLDER.findall(text_)) != sorted(PLACEHOLDER.findall(entry.msgid)):
                    problems.append(f"{where}: placeholders differ in the translation")
            else:
                allowed = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
                if not set(PLACEHOLDER.findall(text_)) <= allowed:
                    problems.append(f"{where}: unknown placeholder in msgstr[{index}]")
    return problems


def catalogue(language):
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run makemessages"
    return path.read_text(encoding="utf-8")


# --- The strings the source marks for translation --------------------------------------------


def source_files(suffixes):
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if any(part.startswith(".") or part in IGNORED_DIRS for part in relative.parts[:-1]):
            continue
        if path.suffix in suffixes and path.is_file():
            yield path


def python_messages(source, origin="<string>"):
    """(context, msgid, plural) of every gettext call with literal arguments."""
    found = []
    for node in ast.walk(ast.parse(source, filename=origin)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in GETTEXT_FUNCTIONS:
            continue
        args = []
        for position in GETTEXT_FUNCTIONS[name]:
            arg = (
                node.args[position] if position is not None and position < len(node.args) else None
            )
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            args.append(arg.value if literal else None)
        if args[1] is not None:  # a variable, not a literal: nothing to extract
            found.append(tuple(args))
    return found


_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_CALL = re.compile(
    rf"(?<![\w.])(?P<name>npgettext|pgettext|ngettext|gettext_noop|gettext|_)\(\s*"
    rf"(?P<args>{_LITERAL}(?:\s*,\s*{_LITERAL})*)"
)


def template_messages(source, origin="<template>"):
    """(context, msgid, plural) of a template, found the way makemessages finds them."""
    found = []
    for match in _TEMPLATE_CALL.finditer(templatize(source, origin=origin)):
        args = [ast.literal_eval(lit) for lit in re.findall(_LITERAL, match.group("args"))]
        context, msgid, plural = GETTEXT_FUNCTIONS[match.group("name")]
        found.append(
            (
                None if context is None else args[context],
                args[msgid],
                None if plural is None else args[plural],
            )
        )
    return found


def source_messages():
    found = {}
    for path in source_files({".py"}):
        for message in python_messages(path.read_text(encoding="utf-8"), str(path)):
            found.setdefault(message, str(path.relative_to(ROOT)))
    for path in source_files({".html", ".txt"}):
        for message in template_messages(path.read_text(encoding="utf-8"), str(path)):
            found.setdefault(message, str(path.relative_to(ROOT)))
    return found


# --- Tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language):
    problems = catalogue_problems(catalogue(language))
    assert not problems, f"locale/{language}/LC_MESSAGES/django.po:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_source_is_in_the_catalogue(language):
    entries = {e.key: e for e in parse_po(catalogue(language)) if not e.obsolete}
    messages = source_messages()
    assert len(messages) > 100, "the scan of the source found too few strings: is it broken?"
    missing = [
        f"{origin}: {msgid!r}"
        for (context, msgid, plural), origin in messages.items()
        if (context, msgid) not in entries or entries[(context, msgid)].msgid_plural != plural
    ]
    assert not missing, f"not in locale/{language} (run makemessages):\n" + "\n".join(missing)


def test_no_catalogue_entry_is_left_from_removed_strings():
    in_source = {(context, msgid) for context, msgid, _plural in source_messages()}
    stale = [
        f"line {e.line}: {e.msgid!r}"
        for e in parse_po(catalogue("fr"))
        if e.msgid and not e.obsolete and e.key not in in_source
    ]
    assert not stale, "no longer in the source (run makemessages):\n" + "\n".join(stale)


def test_pages_are_in_french_by_default_and_english_on_request(client, settings, db):
    assert settings.LANGUAGE_CODE == "fr"
    assert [code for code, _name in settings.LANGUAGES] == LANGUAGES
    hint = "are the catalogues compiled? (make messages, or manage.py compilemessages)"
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="fr">' in page
    assert "Se connecter" in page, hint
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page


BROKEN = r"""
msgid ""
msgstr ""
"Language: fr\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

#, fuzzy
msgid "Save"
msgstr "Enregistrer"

msgid "Cancel"
msgstr ""

#, python-format
msgid "Hello %(name)s"
msgstr "Bonjour %(nom)s"

#, python-format
msgid "%(counter)s mission"
msgid_plural "%(counter)s missions"
msgstr[0] "%(counter)s mission"

#~ msgid "Old"
#~ msgstr "Ancien"
"""


def test_the_checks_can_fail():
    problems = "\n".join(catalogue_problems(BROKEN))
    for expected in ("is fuzzy", "not translated", "placeholders differ", "forms [0]", "obsolete"):
        assert expected in problems
    ok = BROKEN.split("#, fuzzy")[0] + 'msgid "Save"\nmsgstr "Enregistrer"\n'
    assert catalogue_problems(ok) == []
    assert template_messages(
        '{% load i18n %}{% translate "Save" %}{% blocktranslate with n=x %}Hi {{ n }}, 5%'
        "{% endblocktranslate %}{{ v|default:_('None') }}"
    ) == [(None, "Save", None), (None, "Hi %(n)s, 5%%", None), (None, "None", None)]
    assert python_messages('x = _("A")\ny = ngettext_lazy("B", "Bs", n)\nz = _(name)') == [
        (None, "A", None),
        (None, "B", "Bs"),
    ]
