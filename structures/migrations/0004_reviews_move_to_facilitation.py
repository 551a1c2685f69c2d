# Reviews and recommendations moved to the facilitation app; their tables stay where they are.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0003_language_chosen_by_the_person"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Recommendation"),
                migrations.DeleteModel(name="Review"),
            ],
        ),
    ]
