"""Browser fixtures for the end-to-end tests: pytest-playwright driving the system Chromium.

`scripts/test.sh` exports PEERWORK_CHROMIUM (the browser's path). Without it the tests in this
directory are skipped, except under CI=true, where that is an error. Never `playwright install`.
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM must still work beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_OPTIONS = {
    "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    "resultTypes": ["violations"],
}


def _chromium_problem():
    """Why the browser cannot be launched, or None when it can."""
    path = os.environ.get("PEERWORK_CHROMIUM", "")
    if not path:
        return "PEERWORK_CHROMIUM is not set (scripts/test.sh sets it when Chromium is installed)"
    if not os.access(path, os.X_OK):
        return f"PEERWORK_CHROMIUM={path} is not an executable file"
    return None


def pytest_collection_modifyitems(config, items):
    # This hook sees every collected item, not only this directory's.
    e2e_items = [item for item in items if E2E_DIR in Path(item.path).resolve().parents]
    for item in e2e_items:
        item.add_marker(pytest.mark.e2e)
    problem = _chromium_problem() if e2e_items else None
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"end-to-end tests cannot run under CI: {problem}")
    skip = pytest.mark.skip(reason=f"no browser: {problem}")
    for item in e2e_items:
        item.add_marker(skip)


def _close_db_connections():
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


@pytest.fixture(scope="session")
def playwright(_pw_api_request_contexts):
    """pytest-playwright 0.10's `playwright` fixture, closing Django's connections around it.

    While Playwright's sync API is started, the main thread has a "running" asyncio loop, so
    Django's `connections` (an asgiref Local) hands out a second set of connection objects.
    Whatever is left open on the side not in use is orphaned: on PostgreSQL, dropping the test
    database at the end then fails with "database ... is being accessed by other users".
    """
    _close_db_connections()
    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    _close_db_connections()
    pw.stop()


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's `live_server`, started only once the test database exists.

    Session fixtures are set up before function ones, so the live server could start before
    `transactional_db` creates the database; on in-memory SQLite it would then not share the
    tests' connection, and each request thread would leak its own (ResourceWarning).
    """
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options (--headed, --slowmo…) plus the system Chromium."""
    problem = _chromium_problem()
    if problem:
        pytest.fail(problem)
    return {
        **browser_type_launch_args,
        "executable_path": os.environ["PEERWORK_CHROMIUM"],
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """pytest-playwright's own fallback `base_url` fixture, as a plain function.

    pytest-playwright 0.10 defines it as a method of a plugin object, which pytest 9 reports
    with a PytestRemovedIn10Warning, an error under `filterwarnings = error`.
    """
    return pytestconfig.getoption("--base-url", None) or pytestconfig.getini("base_url") or None


def format_axe_violations(violations):
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(
            f"\n[{violation.get('impact') or '?'}] {violation['id']}: {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"  - {target}\n    {node.get('html', '').strip()[:300]}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def assert_accessible(page, context=None):
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page and fail with a readable report."""
    results = Axe().run(page, context=context, options=AXE_OPTIONS)
    violations = results.response["violations"]
    if violations:
        pytest.fail(f"{page.url}\n{format_axe_violations(violations)}")
    return results


# Every page checked by axe is also saved as a screenshot here, for a person to look at.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def axe_check(request):
    """`axe_check(page)` (or `axe_check(page, context="main")`) asserts zero axe violations
    and saves a full-page screenshot named after the test, the step and the viewport width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    step = 0

    def check(page, context=None):
        nonlocal step
        step += 1
        width = (page.viewport_size or {}).get("width", 0)
        page.screenshot(path=SCREENSHOTS / f"{test_name}-{step:02d}-{width}px.png", full_page=True)
        return assert_accessible(page, context)

    return check
