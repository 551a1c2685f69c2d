"""French typography in the library of reference missions: a no-break space before ":", ";",
"!" and "?" (the starter set had ordinary spaces, which wrap the mark alone onto a new line)."""

import re

from django.db import migrations

SPACE_BEFORE_MARK = re.compile(r" ([:;!?])(?=\s|$)")
FIELDS = ("title", "description", "lived_experience", "includes", "excludes")


def use_no_break_spaces(apps, schema_editor):
    ReferenceMission = apps.get_model("missions", "ReferenceMission")
    for reference in ReferenceMission.objects.all():
        changed = []
        for name in FIELDS:
            text = getattr(reference, name)
            fixed = SPACE_BEFORE_MARK.sub("\u00a0\\1", text)
            if fixed != text:
                setattr(reference, name, fixed)
                changed.append(name)
        if changed:
            reference.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("missions", "0009_sheet_counter_triggers")]

    operations = [migrations.RunPython(use_no_break_spaces, migrations.RunPython.noop)]
