"""Check-ins move the page counter of their role's structure (core/counters.py), so that the
portfolio, which shows missions reported drifting, keys on the counters alone."""

from django.db import migrations

from core.counters import bump_triggers, install

PAGE = {"target": "structures_structure", "column": "page_counter"}

TRIGGERS = [
    bump_triggers(
        "peerwork_page_from_checkin",
        table="checkins_checkin",
        ids="SELECT structure_id FROM roles_role WHERE id = {row}.role_id",
        **PAGE,
    ),
    bump_triggers(
        "peerwork_page_from_checkin_answer",
        table="checkins_checkinanswer",
        ids=(
            "SELECT r.structure_id FROM roles_role r INNER JOIN checkins_checkin c "
            "ON c.role_id = r.id WHERE c.id = {row}.checkin_id"
        ),
        **PAGE,
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0001_initial"),
        ("structures", "0007_page_counter"),
    ]

    operations = [migrations.RunPython(*install(TRIGGERS))]
