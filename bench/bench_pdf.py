"""The role sheet as PDF against its HTML page, measured in one run, for a demo-sized sheet
(4 missions x 3 tasks) and a large one (20 x 10).

Both are kept per state of the sheet: each is measured made afresh (the sheet saved just
before) and for an unchanged sheet. Prints the median times and their ratios; the last line is
one JSON object. Exit status 1 when the large sheet's PDF made afresh exceeds its 400 ms budget
(issues 6 and 12: laid out by ReportLab's Platypus). Run with `make bench`.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwork.settings_test")
_db = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)  # noqa: SIM115
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_db.name}")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# The security log notes each login made below: keep it out of the report.
os.environ.setdefault("SECURITY_LOG_FILE", os.devnull)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

PDF_BUDGET_SECONDS = 0.4
RUNS = 7


def _median(fn, before=None):
    fn()  # warm up (fonts, templates)
    times = []
    for _ in range(RUNS):
        if before:
            before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _saved(role):
    """The sheet saved again: what was kept for its previous state no longer serves."""
    from django.utils import timezone

    from roles.models import Role

    return lambda: Role.objects.filter(pk=role.pk).update(updated_at=timezone.now())


def _sheet(manager, missions, tasks):
    from tests.factories import DailyTaskFactory, MissionFactory, RoleAssignmentFactory, RoleFactory

    role = RoleFactory(structure=manager.memberships.get().structure)
    RoleAssignmentFactory(role=role)
    for index in range(missions):
        DailyTaskFactory.create_batch(tasks, mission=MissionFactory(role=role, position=index))
    return role


def main():
    call_command("migrate", verbosity=0)
    from tests.factories import MembershipFactory

    manager = MembershipFactory(manager=True).user
    client = Client()
    client.force_login(manager)
    result = {}
    for label, missions, tasks in [("demo_4x3", 4, 3), ("large_20x10", 20, 10)]:
        role = _sheet(manager, missions, tasks)
        sheet, pdf = role.get_absolute_url(), f"/roles/{role.pk}/sheet.pdf"
        for path in (sheet, pdf):
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path} does not answer 200")
        html_s = _median(lambda sheet=sheet: client.get(sheet), before=_saved(role))
        pdf_s = _median(lambda pdf=pdf: client.get(pdf), before=_saved(role))
        kept_s = _median(lambda pdf=pdf: client.get(pdf))
        result[f"{label}_html_ms"] = round(html_s * 1000, 1)
        result[f"{label}_pdf_ms"] = round(pdf_s * 1000, 1)
        result[f"{label}_pdf_unchanged_ms"] = round(kept_s * 1000, 1)
        result[f"{label}_pdf_to_html_ratio"] = round(pdf_s / html_s, 2)
        print(
            f"role sheet {label}, just saved: HTML {html_s * 1000:.0f} ms, PDF "
            f"{pdf_s * 1000:.0f} ms (ratio {pdf_s / html_s:.1f}); PDF of the unchanged sheet "
            f"{kept_s * 1000:.0f} ms (medians of {RUNS})"
        )
    result["pdf_budget_ms"] = PDF_BUDGET_SECONDS * 1000
    result["pdf_within_budget"] = result["large_20x10_pdf_ms"] <= PDF_BUDGET_SECONDS * 1000
    print(json.dumps(result))
    return 0 if result["pdf_within_budget"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        os.unlink(_db.name)
