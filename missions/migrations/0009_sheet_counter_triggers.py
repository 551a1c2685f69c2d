"""Triggers on the missions tables that move the counter of the role sheet showing their rows
(Role.sheet_counter, core/counters.py): missions, tasks, proposals and their discussion."""

from django.db import migrations

from core.counters import bump_triggers, install

SHEET = {"target": "roles_role", "column": "sheet_counter"}

TRIGGERS = [
    bump_triggers(
        "peerwork_sheet_from_mission",
        table="missions_mission",
        ids="SELECT {row}.role_id",
        **SHEET,
    ),
    bump_triggers(
        "peerwork_sheet_from_task",
        table="missions_dailytask",
        ids="SELECT role_id FROM missions_mission WHERE id = {row}.mission_id",
        **SHEET,
    ),
    bump_triggers(
        "peerwork_sheet_from_proposal",
        table="missions_proposal",
        ids="SELECT {row}.role_id",
        **SHEET,
    ),
    bump_triggers(
        "peerwork_sheet_from_comment",
        table="missions_proposalcomment",
        ids="SELECT role_id FROM missions_proposal WHERE id = {row}.proposal_id",
        **SHEET,
    ),
    # People's names, where proposals, their discussion and the sheet show them.
    bump_triggers(
        "peerwork_sheet_from_user_missions",
        table="structures_user",
        ids=(
            "SELECT role_id FROM missions_proposal WHERE author_id = {row}.id "
            "UNION SELECT role_id FROM missions_proposal WHERE decided_by_id = {row}.id "
            "UNION SELECT p.role_id FROM missions_proposalcomment c INNER JOIN missions_proposal p "
            "ON c.proposal_id = p.id WHERE c.author_id = {row}.id "
            "UNION SELECT role_id FROM missions_mission WHERE updated_by_id = {row}.id "
            "UNION SELECT m.role_id FROM missions_dailytask t INNER JOIN missions_mission m "
            "ON t.mission_id = m.id WHERE t.updated_by_id = {row}.id"
        ),
        on=("UPDATE",),
        watch=("full_name", "email", "is_active"),
        **SHEET,
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0008_bounded_text_single_line_fields"),
        ("roles", "0008_sheet_counter"),
    ]

    operations = [
        migrations.RunPython(*install(TRIGGERS)),
    ]
