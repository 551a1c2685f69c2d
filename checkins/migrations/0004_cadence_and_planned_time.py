"""A structure's check-in cadence, and what each answer's mission planned (minutes, lived
experience). Adding the columns remakes the answers' table on SQLite, which drops its counter
triggers: they are made again here (core/counters.py)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

from checkins.services import planned
from core.counters import around_remake, bump_triggers, install

# A new cadence moves the periods every page of the structure shows.
TRIGGERS = [
    bump_triggers(
        "peerwork_page_from_checkin_cadence",
        table="checkins_checkincadence",
        target="structures_structure",
        column="page_counter",
        ids="SELECT {row}.structure_id",
    ),
    bump_triggers(
        "peerwork_sheet_from_checkin_cadence",
        table="checkins_checkincadence",
        target="roles_role",
        column="sheet_counter",
        ids="SELECT id FROM roles_role WHERE structure_id = {row}.structure_id",
    ),
]


# The answers' triggers (page and sheet counters), around the table's remaking on SQLite.
BEFORE, AFTER = around_remake(
    [
        t
        for name in ("0002_page_counter_triggers", "0003_sheet_counter_triggers")
        for t in importlib.import_module(f"checkins.migrations.{name}").TRIGGERS
        if t.table == "checkins_checkinanswer"
    ]
)


def fill_planned(apps, schema_editor):
    CheckInAnswer = apps.get_model("checkins", "CheckInAnswer")
    answers = CheckInAnswer.objects.select_related("checkin__version")
    for answer in answers.iterator():
        missions = {m["id"]: m for m in answer.checkin.version.snapshot.get("missions", [])}
        mission = missions.get(answer.mission_id)
        if mission is None:
            continue
        answer.planned_minutes, answer.lived = planned(mission)
        answer.save(update_fields=["planned_minutes", "lived"])


class Migration(migrations.Migration):

    dependencies = [
        ('checkins', '0003_sheet_counter_triggers'),
        ('structures', '0007_page_counter'),
        ('roles', '0008_sheet_counter'),
    ]

    operations = [
        migrations.RunPython(*BEFORE),
        migrations.AddField(
            model_name='checkinanswer',
            name='lived',
            field=models.BooleanField(default=False, verbose_name='draws on lived experience'),
        ),
        migrations.AddField(
            model_name='checkinanswer',
            name='planned_minutes',
            field=models.PositiveIntegerField(default=0, verbose_name='minutes a week on the sheet'),
        ),
        migrations.CreateModel(
            name='CheckInCadence',
            fields=[
                ('structure', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='checkin_cadence', serialize=False, to='structures.structure', verbose_name='structure')),
                ('cadence', models.CharField(choices=[('2w', 'every two weeks'), ('1m', 'every month'), ('2m', 'every two months')], default='1m', max_length=2, verbose_name='check-ins')),
            ],
            options={
                'verbose_name': 'check-in cadence',
                'verbose_name_plural': 'check-in cadences',
                'constraints': [models.CheckConstraint(condition=models.Q(('cadence__in', ['2w', '1m', '2m'])), name='checkin_cadence_valid')],
            },
        ),
        migrations.RunPython(*AFTER),
        migrations.RunPython(fill_planned, migrations.RunPython.noop),
        migrations.RunPython(*install(TRIGGERS)),
    ]
