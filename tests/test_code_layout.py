"""The code stays easy to read: a Python module over about 400 lines says in its docstring why
it is long (issue #12), so a newcomer knows whether to split it or to read it whole."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
# "About 490 lines: …", "Over 800 lines: …", "long because …", "Longer than most modules: …"
SAYS_WHY = re.compile(r"\b(about|over)\s+\d{3,}\s+lines\b|\blong because\b|\blonger than\b", re.I)
SKIPPED = {".venv", ".assets", "migrations", "node_modules", "staticfiles", "test-artifacts"}


def python_modules():
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIPPED.intersection(path.relative_to(ROOT).parts):
            yield path


def test_a_long_module_says_why_in_its_docstring():
    unexplained = []
    for path in python_modules():
        text = path.read_text()
        if text.count("\n") <= LIMIT:
            continue
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if not SAYS_WHY.search(docstring):
            unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert unexplained == []


def test_the_check_sees_a_long_module_without_a_reason():
    """The rule itself: a docstring that only mentions lines in passing is not a reason."""
    assert not SAYS_WHY.search("A line break, an over-long text: never a 500.")
    assert SAYS_WHY.search("About 490 lines: one journey in one place.")
    assert SAYS_WHY.search("Longer than most modules: the one module of this feature.")
