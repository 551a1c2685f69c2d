"""Check-ins move their role's sheet counter (core/counters.py): the sheet shows their drift
alerts (checkins/panels.py) in its cached body."""

from django.db import migrations

from core.counters import bump_triggers, install

SHEET = {"target": "roles_role", "column": "sheet_counter"}

TRIGGERS = [
    bump_triggers(
        "peerwork_sheet_from_checkin",
        table="checkins_checkin",
        ids="SELECT {row}.role_id",
        **SHEET,
    ),
    bump_triggers(
        "peerwork_sheet_from_checkin_answer",
        table="checkins_checkinanswer",
        ids="SELECT role_id FROM checkins_checkin WHERE id = {row}.checkin_id",
        **SHEET,
    ),
    bump_triggers(
        "peerwork_sheet_from_checkin_extra",
        table="checkins_checkinextra",
        ids="SELECT role_id FROM checkins_checkin WHERE id = {row}.checkin_id",
        **SHEET,
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0002_page_counter_triggers"),
        ("roles", "0008_sheet_counter"),
    ]

    operations = [migrations.RunPython(*install(TRIGGERS))]
