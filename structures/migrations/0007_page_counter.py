"""Structure.page_counter, kept by triggers on the tables the structure page shows besides its
role sheets (core/counters.py). The roles app adds those about which roles a structure has."""

from django.db import migrations, models

from core.counters import bump_triggers, install, self_counter

PAGE = {"target": "structures_structure", "column": "page_counter"}

TRIGGERS = [
    self_counter("peerwork_structure_counter", table="structures_structure", column="page_counter"),
    bump_triggers(
        "peerwork_page_from_membership",
        table="structures_membership",
        ids="SELECT {row}.structure_id",
        **PAGE,
    ),
    bump_triggers(
        "peerwork_page_from_support",
        table="structures_facilitatorsupport",
        ids="SELECT {row}.structure_id",
        **PAGE,
    ),
    bump_triggers(
        "peerwork_page_from_invitation",
        table="structures_invitation",
        ids="SELECT {row}.structure_id",
        **PAGE,
    ),
    # People's names and whether they are active, where the page shows them.
    bump_triggers(
        "peerwork_page_from_user",
        table="structures_user",
        ids=(
            "SELECT structure_id FROM structures_membership WHERE user_id = {row}.id "
            "UNION SELECT structure_id FROM structures_facilitatorsupport "
            "WHERE facilitator_id = {row}.id "
            "UNION SELECT structure_id FROM structures_invitation WHERE invited_by_id = {row}.id"
        ),
        on=("UPDATE",),
        watch=("full_name", "email", "is_active"),
        **PAGE,
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0006_bounded_text_single_line_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="structure",
            name="page_counter",
            field=models.PositiveBigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.RunPython(*install(TRIGGERS)),
    ]
