"""How often and how long, recognised in a line of a fiche de poste written in French (or in
the English of our own exports): "2 fois par semaine", "1 h par mois", "tous les matins",
"une demi-journée par trimestre".

Regular expressions rather than a language model: the phrases a fiche de poste uses for time
are few and fixed, and a manager checks every guess in the preview anyway.
"""

import re
import unicodedata
from dataclasses import dataclass

from missions.timing import MAX_DURATION_MINUTES, MAX_TIMES, Frequency

NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "once": 1,
    "twice": 2,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
}
_N = r"(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")"


def _plain_map(text):
    """(`text` lower-cased, without accents, its spaces single; for each of its characters,
    the position in `text` it comes from)."""
    chars, positions = [], []
    for index, char in enumerate(text.replace("\u2019", "'")):
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        for piece in unicodedata.normalize("NFKD", char.lower()):
            if not unicodedata.combining(piece):
                chars.append(piece)
                positions.append(index)
    return "".join(chars), positions


def plain(text):
    """`text` lower-cased, without accents, its spaces (non-breaking ones too) single."""
    return _plain_map(text)[0].strip()


def _number(word):
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


# (pattern, frequency, whether the pattern's first group counts the times), first match wins.
_FREQUENCIES = [
    (rf"\b{_N} ?(?:fois|x) (?:par|/|a|chaque) ?semaine\b", Frequency.TIMES_A_WEEK, True),
    (rf"\b{_N} times? (?:a|per) week\b", Frequency.TIMES_A_WEEK, True),
    (rf"\b{_N} ?(?:fois|x) (?:par|/) ?mois\b", Frequency.TIMES_A_MONTH, True),
    (rf"\b{_N} times? (?:a|per) month\b", Frequency.TIMES_A_MONTH, True),
    (
        r"\b(?:tous les|chaque) (?:jours?|matins?|soirs?|apres-midis?)\b|\bquotidien\w*"
        r"|\bau quotidien\b|\bevery day\b|\bdaily\b|\bpar jour\b",
        Frequency.DAILY,
        False,
    ),
    (
        r"\b(?:chaque|toutes les) semaines?\b|\bhebdomadaire\w*|\bpar semaine\b"
        r"|\b(?:a|per) week\b|\bevery week\b|\bweekly\b",
        Frequency.WEEKLY,
        False,
    ),
    (
        r"\b(?:chaque|tous les) mois\b|\bmensuel\w*|\bpar mois\b|\b(?:a|per) month\b"
        r"|\bevery month\b|\bmonthly\b",
        Frequency.MONTHLY,
        False,
    ),
    (
        r"\b(?:chaque|par) trimestre\b|\btrimestriel\w*|\b(?:a|per|every) quarter\b"
        r"|\bquarterly\b",
        Frequency.QUARTERLY,
        False,
    ),
    (
        r"\b(?:chaque|par) an(?:nee)?\b|\btous les ans\b|\bannuel\w*|\b(?:a|per|every) year\b"
        r"|\byearly\b",
        Frequency.YEARLY,
        False,
    ),
    (
        r"\bponctuel\w*|\boccasionnel\w*|\bde temps (?:en|a) autre\b|\bde temps en temps\b"
        r"|\bsi besoin\b|\ba la demande\b|\boccasionally\b",
        Frequency.OCCASIONAL,
        False,
    ),
]
_FREQUENCIES = [(re.compile(p), f, counted) for p, f, counted in _FREQUENCIES]
_ONCE = re.compile(rf"\b{_N} ?(?:fois|x) $")

_DURATIONS = [
    # "1 h 30", "1h30", "2 heures 15", "1,5 h"
    (
        re.compile(
            r"\b(\d{1,2})(?:[,.](\d))? ?(?:h|heures?|hours?)"
            r"(?: ?(\d{1,2})\b(?! ?(?:fois|x)))?"
        ),
        "hours",
    ),
    (re.compile(r"\b(\d{1,3}) ?(?:min|minutes?|mn)\b"), "minutes"),
    (re.compile(r"\b(?:une )?demi-heure\b|\bhalf an hour\b"), 30),
    (re.compile(r"\bune heure\b|\ban hour\b"), 60),
    (re.compile(r"\b(?:une )?demi-journee\b|\bhalf a day\b"), 210),
    (re.compile(r"\bune journee\b|\ba day\b"), 420),
]


@dataclass(frozen=True)
class Time:
    frequency: str
    times: int
    duration_minutes: int


def _duration(text):
    """(minutes, start) of the first duration in `text` (plain), or (None, None)."""
    found = []
    for pattern, kind in _DURATIONS:
        match = pattern.search(text)
        if not match:
            continue
        if kind == "hours":
            hours, tenth, minutes = match.groups()
            value = int(hours) * 60 + (int(tenth) * 6 if tenth else 0) + int(minutes or 0)
        elif kind == "minutes":
            value = int(match.group(1))
        else:
            value = kind
        found.append((match.start(), value))
    if not found:
        return None, None
    start, value = min(found)
    return min(value, MAX_DURATION_MINUTES), start


def recognise(text):
    """(Time or None, the position in `text` where what says the time starts, or None).

    What our own exports add after the time ("→ 2 h par semaine", "(≈ 14 min par semaine)")
    is a computed total: it is left out."""
    words, positions = _plain_map(text)
    for marker in ("→", "(≈", "≈", "(non compte", "(not counted"):
        if marker in words:
            words = words[: words.index(marker)]
    frequency = times = start = None
    for pattern, kind, counted in _FREQUENCIES:
        match = pattern.search(words)
        if match:
            frequency, start = kind, match.start()
            times = min(_number(match.group(1)), MAX_TIMES) if counted else 1
            break
    if start is not None:
        # "une fois par an": the "une fois" belongs to the time, not to the action.
        once = _ONCE.search(words[:start])
        start = once.start() if once else start
    minutes, duration_start = _duration(words)
    if frequency is None and minutes is None:
        return None, None
    if frequency is None:
        frequency, times = Frequency.WEEKLY, 1  # "1 h" alone: the sheet's unit is the week
    if frequency in (Frequency.TIMES_A_WEEK, Frequency.TIMES_A_MONTH) and times == 1:
        frequency = {Frequency.TIMES_A_WEEK: Frequency.WEEKLY}.get(frequency, Frequency.MONTHLY)
    starts = [s for s in (start, duration_start) if s is not None]
    return Time(frequency.value, times, minutes or 0), positions[min(starts)]


def split_task(text, cells=()):
    """(action, Time or None) of a task's line: "Accueillir les personnes — 2 fois par
    semaine · 30 min" gives the action and the time; a line saying no time keeps it all.

    Where the line has a separator (an em dash, as our exports write, or a table's cells),
    the time is looked for after it only: "Bilan annuel — 3 h par an" keeps "annuel"."""
    if len(cells) > 1:
        action = " ".join(cells[0].split())
        time, _start = recognise(" ".join(cells[1:]))
        if time is not None and action:
            return action, time
    text = " ".join(text.split())
    head, separator, tail = text.rpartition(" — ")
    if separator and head.strip():
        time, start = recognise(tail)
        if time is not None and not tail[:start].strip(" ,;:(-–—·"):
            return head.strip(), time
    time, start = recognise(text)
    if time is None:
        return text, None
    action = text[:start].rstrip(" ,;:(-–—·").strip()
    return (action or text), time
