# Versions and signatures, moved from roles: the tables exist already (state only).

import core.text
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(
        app_label="roles", model__in=["rolesheetversion", "signature"]
    ).update(app_label="sheets")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('roles', '0009_versions_move_to_sheets'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RoleSheetVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(verbose_name='version')),
                        ('snapshot', models.JSONField(editable=False)),
                        ('status', models.CharField(choices=[('awaiting', 'waiting for signatures'), ('adopted', 'adopted'), ('superseded', 'replaced by a later version')], default='awaiting', max_length=20, verbose_name='status')),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested at')),
                        ('adopted_at', models.DateTimeField(blank=True, null=True, verbose_name='adopted at')),
                        ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                        ('role', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='roles.role', verbose_name='role')),
                    ],
                    options={
                        'verbose_name': 'role sheet version',
                        'verbose_name_plural': 'role sheet versions',
                        'db_table': 'roles_rolesheetversion',
                        'ordering': ['-number'],
                    },
                ),
                migrations.CreateModel(
                    name='Signature',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('decision', models.CharField(choices=[('pending', 'not answered yet'), ('signed', 'signed'), ('changes', 'asks for changes')], default='pending', max_length=20, verbose_name='answer')),
                        ('comment', models.TextField(blank=True, validators=[core.text.TextLengthValidator()], verbose_name='comment')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                        ('signer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatures', to=settings.AUTH_USER_MODEL, verbose_name='signatory')),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatures', to='sheets.rolesheetversion', verbose_name='version')),
                    ],
                    options={
                        'verbose_name': 'signature',
                        'verbose_name_plural': 'signatures',
                        'db_table': 'roles_signature',
                    },
                ),
                migrations.AddConstraint(
                    model_name='rolesheetversion',
                    constraint=models.UniqueConstraint(fields=('role', 'number'), name='version_number_unique'),
                ),
                migrations.AddConstraint(
                    model_name='rolesheetversion',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'awaiting')), fields=('role',), name='version_one_awaiting_per_role'),
                ),
                migrations.AddConstraint(
                    model_name='rolesheetversion',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['awaiting', 'adopted', 'superseded'])), name='version_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='rolesheetversion',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('adopted_at__isnull', True), ('status', 'awaiting')), models.Q(('adopted_at__isnull', False), ('status', 'adopted')), ('status', 'superseded'), _connector='OR'), name='version_adopted_has_date'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.UniqueConstraint(fields=('version', 'signer'), name='signature_unique'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.CheckConstraint(condition=models.Q(('decision__in', ['pending', 'signed', 'changes'])), name='signature_decision_valid'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('decision', 'pending')), models.Q(models.Q(('decision', 'pending'), _negated=True), ('decided_at__isnull', False)), _connector='OR'), name='signature_answer_has_date'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision', 'changes'), _negated=True), models.Q(('comment', ''), _negated=True), _connector='OR'), name='signature_changes_need_comment'),
                ),
            ],
        ),
        # Keep admin history and permissions attached to the moved models.
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
