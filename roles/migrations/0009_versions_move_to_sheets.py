# Versions and signatures moved to the sheets app; their tables (and triggers) stay as they are.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0008_sheet_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Signature"),
                migrations.DeleteModel(name="RoleSheetVersion"),
            ],
        ),
    ]
