"""Role.sheet_counter, kept by triggers on the roles tables a sheet shows (core/counters.py);
the missions app adds those on its own tables. A role created, removed or moved also moves
its structure's page counter (the structure page lists its roles)."""

from django.db import migrations, models

from core.counters import bump_triggers, install, self_counter

SHEET = {"target": "roles_role", "column": "sheet_counter"}
PAGE = {"target": "structures_structure", "column": "page_counter"}

TRIGGERS = [
    self_counter("peerwork_role_counter", table="roles_role", column="sheet_counter"),
    bump_triggers(
        "peerwork_page_from_role",
        table="roles_role",
        ids="SELECT {row}.structure_id",
        on=("INSERT", "DELETE"),
        **PAGE,
    ),
    bump_triggers(
        "peerwork_page_from_role_move",
        table="roles_role",
        ids="SELECT {row}.structure_id",
        on=("UPDATE",),
        watch=("structure_id",),
        **PAGE,
    ),
    bump_triggers(
        "peerwork_sheet_from_assignment",
        table="roles_roleassignment",
        ids="SELECT {row}.role_id",
        **SHEET,
    ),
    bump_triggers(
        "peerwork_sheet_from_event", table="roles_roleevent", ids="SELECT {row}.role_id", **SHEET
    ),
    bump_triggers(
        "peerwork_sheet_from_version",
        table="roles_rolesheetversion",
        ids="SELECT {row}.role_id",
        **SHEET,
    ),
    bump_triggers(
        "peerwork_sheet_from_signature",
        table="roles_signature",
        ids="SELECT role_id FROM roles_rolesheetversion WHERE id = {row}.version_id",
        **SHEET,
    ),
    # People's names, where sheets, their history and versions show them.
    bump_triggers(
        "peerwork_sheet_from_user",
        table="structures_user",
        ids=(
            "SELECT role_id FROM roles_roleassignment WHERE peer_worker_id = {row}.id "
            "UNION SELECT v.role_id FROM roles_signature s INNER JOIN roles_rolesheetversion v "
            "ON s.version_id = v.id WHERE s.signer_id = {row}.id "
            "UNION SELECT role_id FROM roles_rolesheetversion WHERE requested_by_id = {row}.id "
            "UNION SELECT role_id FROM roles_roleevent WHERE actor_id = {row}.id "
            "UNION SELECT role_id FROM roles_roleevent WHERE person_id = {row}.id "
            "UNION SELECT id FROM roles_role WHERE updated_by_id = {row}.id"
        ),
        on=("UPDATE",),
        watch=("full_name", "email", "is_active"),
        **SHEET,
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0007_bounded_text_single_line_fields"),
        ("structures", "0007_page_counter"),
    ]

    operations = [
        migrations.AddField(
            model_name="role",
            name="sheet_counter",
            field=models.PositiveBigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.RunPython(*install(TRIGGERS)),
    ]
