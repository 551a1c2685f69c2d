"""Reviews and recommendations move the page counter of their structure (core/counters.py), so
that the portfolio, which shows what waits in each structure, keys on the counters alone."""

from django.db import migrations

from core.counters import bump_triggers, install

PAGE = {"target": "structures_structure", "column": "page_counter"}

TRIGGERS = [
    bump_triggers(
        "peerwork_page_from_review",
        table="structures_review",
        ids="SELECT {row}.structure_id",
        **PAGE,
    ),
    bump_triggers(
        "peerwork_page_from_recommendation",
        table="structures_recommendation",
        ids="SELECT structure_id FROM structures_review WHERE id = {row}.review_id",
        **PAGE,
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("facilitation", "0003_bounded_text_single_line_fields"),
        ("structures", "0007_page_counter"),
    ]

    operations = [migrations.RunPython(*install(TRIGGERS))]
