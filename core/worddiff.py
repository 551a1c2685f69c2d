"""Word-level differences and three-way merges of short texts (a mission's fields).

The standard library's difflib is enough: the texts are a few sentences, the diff runs on whole
words (so no character-level noise to clean up), and a dependency would bring nothing more.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

# A word with the spaces before it, or trailing spaces: joining the tokens gives the text back,
# and a word appended at the end keeps the last word equal ("repas" / "repas et…").
_TOKEN = re.compile(r"\s*\S+|\s+")


def tokens(text):
    return _TOKEN.findall(str(text or ""))


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "ins", "del"
    text: str


def word_diff(old, new):
    """The segments that turn `old` into `new`, word by word."""
    a, b = tokens(old), tokens(new)
    segments = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("del", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("ins", "".join(b[j1:j2])))
    return segments


def _edits(base, other):
    """The non-equal opcodes of base → other, in base's coordinates."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, other[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def merge3(base, ours, theirs):
    """Both sides' word changes applied to `base`, or None when they touch the same words.

    Two edits overlap when their ranges of base words intersect, or when both insert at the
    same place (their order would be a guess)."""
    a = tokens(base)
    edits = sorted(
        [(i1, i2, words, 0) for i1, i2, words in _edits(a, tokens(ours))]
        + [(i1, i2, words, 1) for i1, i2, words in _edits(a, tokens(theirs))]
    )
    for (s1, e1, _w1, _o1), (s2, e2, _w2, _o2) in pairwise(edits):
        if s2 < e1 or (s2 == s1 and (e1 == s1 or e2 == s2)):
            return None
    merged, at = [], 0
    for start, end, words, _origin in edits:
        merged.extend(a[at:start])
        merged.extend(words)
        at = end
    merged.extend(a[at:])
    return "".join(merged)
