"""History lines for the reviews of a sheet. Changing the kinds' constraint remakes the
history table on SQLite, which drops its counter trigger: it is made again."""

import importlib

from django.conf import settings
from django.db import migrations, models

from core.counters import around_remake

# The triggers on the history table or naming it (the user's, which finds history lines).
BEFORE, AFTER = around_remake(
    [
        t
        for t in importlib.import_module("roles.migrations.0008_sheet_counter").TRIGGERS
        if "roles_roleevent" in (t.table, *t.ids.split())
    ]
)


class Migration(migrations.Migration):

    dependencies = [
        ('roles', '0009_versions_move_to_sheets'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(*BEFORE),
        migrations.RemoveConstraint(
            model_name='roleevent',
            name='roleevent_kind_valid',
        ),
        migrations.AlterField(
            model_name='roleevent',
            name='kind',
            field=models.CharField(choices=[('role_created', 'role created'), ('role_changed', 'role changed'), ('mission_added', 'mission added'), ('mission_changed', 'mission changed'), ('mission_removed', 'mission removed'), ('mission_moved', 'mission moved'), ('task_added', 'task added'), ('task_changed', 'task changed'), ('task_removed', 'task removed'), ('task_moved', 'task moved'), ('assigned', 'peer worker assigned'), ('unassigned', 'peer worker unassigned'), ('proposal_made', 'adjustment proposed'), ('proposal_accepted', 'proposal accepted'), ('proposal_declined', 'proposal declined'), ('proposal_withdrawn', 'proposal withdrawn'), ('signatures_requested', 'signatures requested'), ('signed', 'version signed'), ('changes_requested', 'changes requested before signing'), ('version_adopted', 'version adopted'), ('review_confirmed', 'sheet reviewed and confirmed'), ('review_changes', 'sheet reviewed: changes to propose'), ('review_noted', 'views noted for the review'), ('early_review_asked', 'early review asked')], max_length=30, verbose_name='what'),
        ),
        migrations.AddConstraint(
            model_name='roleevent',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['role_created', 'role_changed', 'mission_added', 'mission_changed', 'mission_removed', 'mission_moved', 'task_added', 'task_changed', 'task_removed', 'task_moved', 'assigned', 'unassigned', 'proposal_made', 'proposal_accepted', 'proposal_declined', 'proposal_withdrawn', 'signatures_requested', 'signed', 'changes_requested', 'version_adopted', 'review_confirmed', 'review_changes', 'review_noted', 'early_review_asked'])), name='roleevent_kind_valid'),
        ),
        migrations.RunPython(*AFTER),
    ]
