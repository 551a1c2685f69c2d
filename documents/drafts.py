"""From the lines of a fiche de poste (documents/reading.py) to a draft role: what went where.

Recognised, in French and in English (our own exports are read back the same way):
- the title: the document's "Title" paragraph, else its first line;
- the role's fields, under a heading or a label that names them ("Raison d'être", "Public",
  "Temps de travail", "Supervision", "Savoir expérientiel"…);
- missions: headings (or, under a "Missions" heading without sub-headings, its items and
  numbered lines), with their description, their labelled fields, and their tasks: the list
  items and table rows under them, each with the time it says it takes (documents/recognise.py).

Every line that finds no home is kept in `unplaced`, so that the preview lists it: nothing
is dropped silently.
"""

import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from missions.models import Latitude
from missions.timing import Frequency

from .recognise import plain, split_task

ROLE_FIELDS = ["purpose", "people_served", "working_hours", "supervision", "lived_experience"]
MISSION_FIELDS = ["description", "lived_experience", "includes", "excludes"]
MAX_TITLE = 200
MAX_ACTION = 300
# The words of a table's header row ("Tâche | Fréquence | Durée"): not a task.
HEADER_WORDS = {
    "tache",
    "taches",
    "action",
    "actions",
    "activite",
    "activites",
    "frequence",
    "duree",
    "temps",
    "temps estime",
    "rythme",
    "task",
    "tasks",
    "frequency",
    "duration",
    "time",
}
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}|[ivx]{1,4}|[a-h])\s*[.)°–-]\s+", re.IGNORECASE)


@dataclass
class DraftTask:
    action: str
    frequency: str = Frequency.WEEKLY.value
    times: int = 1
    duration_minutes: int = 0
    recognised: bool = False  # whether a time was found in the line


@dataclass
class DraftMission:
    title: str
    description: str = ""
    lived_experience: str = ""
    includes: str = ""
    excludes: str = ""
    latitude: str = Latitude.IN_PAIR.value
    tasks: list = field(default_factory=list)


@dataclass
class Draft:
    title: str = ""
    fields: dict = field(default_factory=lambda: dict.fromkeys(ROLE_FIELDS, ""))
    missions: list = field(default_factory=list)
    unplaced: list = field(default_factory=list)

    def is_empty(self):
        return not (self.missions or any(self.fields.values()))


def _labels():
    """Plain label → what it names, from our own labels in both languages and the words
    fiches de poste use."""
    ours = {
        "purpose": ["Raison d'être"],
        "people_served": ["People accompanied"],
        "working_hours": ["Working time"],
        "supervision": ["Supervision and practice analysis"],
        "lived_experience": ["Lived experience called on"],
        "frame": ["Frame of the role"],
        "missions": ["Missions"],
        "mission:lived_experience": ["How lived experience serves this mission"],
        "mission:includes": ["Includes"],
        "mission:excludes": ["Does not include"],
        "mission:latitude": ["Latitude"],
        "mission:tasks": ["Daily tasks"],
    }
    words = {
        "purpose": [
            "raison d'etre",
            "finalite",
            "finalite du poste",
            "objet du poste",
            "objectif du poste",
            "objectifs du poste",
            "presentation du poste",
            "definition du poste",
            "purpose",
        ],
        "people_served": [
            "public",
            "public accompagne",
            "publics",
            "personnes accompagnees",
            "usagers",
            "beneficiaires",
        ],
        "working_hours": ["temps de travail", "horaires", "quotite", "quotite de travail"],
        "supervision": [
            "supervision",
            "analyse de pratiques",
            "analyse des pratiques",
            "encadrement",
        ],
        "lived_experience": [
            "savoir experientiel",
            "savoirs experientiels",
            "experience vecue",
            "savoirs d'experience",
            "vecu mobilise",
        ],
        "frame": ["cadre du poste", "cadre", "conditions d'exercice"],
        "missions": [
            "missions",
            "missions principales",
            "missions et activites",
            "activites",
            "activites principales",
        ],
        "mission:tasks": ["taches", "taches quotidiennes", "activites", "tasks"],
        "mission:includes": ["inclut", "comprend"],
        "mission:excludes": ["n'inclut pas", "ne comprend pas", "hors mission"],
    }
    labels = {}
    for language in ("fr", "en"):
        with translation.override(language):
            for name, texts in ours.items():
                for text in texts:
                    labels.setdefault(plain(_(text)), name)
    for name, texts in words.items():
        for text in texts:
            labels.setdefault(text, name)
    return labels


def _signature_words():
    found = []
    for language in ("fr", "en"):
        with translation.override(language):
            found.append(plain(_("Signatures of version %(number)s") % {"number": ""}).strip())
    return found


def _latitude(text):
    words = plain(text)
    for language in ("fr", "en"):
        with translation.override(language):
            for value, label in Latitude.choices:
                if plain(str(label)) in words or words in plain(str(label)):
                    return value
    return None


def _single_line(text, limit):
    return " ".join(text.split())[:limit]


def build_draft(lines):
    """The draft role the lines make, with the lines that found no home."""
    labels, signature_words = _labels(), _signature_words()
    draft = Draft()
    role_field = None  # the role field the text goes to
    mission = None
    mission_field = None  # "tasks", "latitude", or a text field of the mission
    in_missions = in_signatures = False
    from_item = False  # whether the mission came from an item of a list of missions
    from_numbered = False  # and whether that list was numbered

    def label_of(text):
        if len(text) > 80:
            return None
        return labels.get(plain(text).rstrip(" :").strip())

    def add_to(obj_fields, name, text):
        obj_fields[name] = f"{obj_fields[name]}\n{text}".strip()

    def new_mission(text):
        nonlocal mission, mission_field, role_field
        mission = DraftMission(title=_single_line(_NUMBERED.sub("", text), MAX_TITLE))
        draft.missions.append(mission)
        mission_field, role_field = None, None

    def add_task(text, cells=()):
        action, time = split_task(text, cells)
        task = DraftTask(action=_single_line(action, MAX_ACTION))
        if time:
            task.frequency, task.times = time.frequency, time.times
            task.duration_minutes, task.recognised = time.duration_minutes, True
        mission.tasks.append(task)

    # What comes before a "Title" paragraph (a header, a logo's caption) is not the title.
    before_title = next((i for i, line in enumerate(lines) if line.kind == "title"), 0)
    draft.unplaced.extend(line.text.strip() for line in lines[:before_title])
    for line in lines[before_title:]:
        text = line.text.strip()
        if line.kind == "title" and not draft.title:
            draft.title = _single_line(text, MAX_TITLE)
            continue
        if any(plain(text).startswith(words) for words in signature_words if words):
            in_signatures = True
        label = label_of(text) if line.kind in ("heading", "text", "title") else None
        if in_signatures and label is None:
            draft.unplaced.append(text)
            continue
        if label is not None:
            in_signatures = False
            if label.startswith("mission:") and mission is not None:
                mission_field = label.removeprefix("mission:")
                continue
            if label in ROLE_FIELDS:
                role_field, mission, in_missions = label, None, False
                continue
            if label in ("frame", "missions"):
                role_field, mission, in_missions = None, None, label == "missions"
                from_item = False
                continue
            if label.startswith("mission:"):  # "Tâches" with no mission above it
                role_field = None
                continue
        if not draft.title and line.kind in ("heading", "text", "title"):
            draft.title = _single_line(text, MAX_TITLE)
            continue
        if line.kind in ("heading", "title"):
            new_mission(text)
            in_missions, from_item = True, False
            continue
        # Under "Missions" with no sub-heading, its items (or numbered lines) are the missions.
        # A bulleted item under a numbered mission is one of its tasks.
        numbered = line.kind == "text" and _NUMBERED.match(text)
        listed = line.kind == "item" and (
            mission is None
            or (from_item and mission_field is None and (line.numbered or not from_numbered))
        )
        if in_missions and (numbered or listed):
            new_mission(text)
            from_item, from_numbered = True, bool(numbered or line.numbered)
            continue
        if line.kind == "row" and all(plain(c) in HEADER_WORDS for c in line.cells if c):
            draft.unplaced.append(text)
            continue
        if line.kind in ("item", "row"):
            if mission is not None and mission_field in (None, "tasks"):
                add_task(text, line.cells)
            elif mission is not None and mission_field in MISSION_FIELDS:
                add_to(mission.__dict__, mission_field, f"– {text}")
            elif role_field is not None:
                add_to(draft.fields, role_field, f"– {text}")
            else:
                draft.unplaced.append(text)
            continue
        # Plain text.
        if mission is not None:
            if mission_field == "latitude":
                latitude = _latitude(text)
                if latitude:
                    mission.latitude = latitude
                else:
                    draft.unplaced.append(text)
            elif mission_field in MISSION_FIELDS:
                add_to(mission.__dict__, mission_field, text)
            elif mission_field == "tasks":
                add_task(text)
            else:
                add_to(mission.__dict__, "description", text)
        elif role_field is not None:
            add_to(draft.fields, role_field, text)
        else:
            draft.unplaced.append(text)
    return draft
