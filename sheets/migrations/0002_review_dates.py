"""Review dates of adopted versions (12 months after adoption for those adopted before), the
reviews themselves and the requests for an early one. Adding a constraint remakes the
versions' table on SQLite, which drops its counter trigger: it is made again."""

import datetime
import importlib

import core.text
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.counters import around_remake, bump_triggers, install
from core.dates import months_later

# The triggers on the versions' table or naming it (signatures', users').
BEFORE, AFTER = around_remake(
    [
        t
        for t in importlib.import_module("roles.migrations.0008_sheet_counter").TRIGGERS
        if "roles_rolesheetversion" in (t.table, *t.ids.split())
    ]
)

SHEET = {"target": "roles_role", "column": "sheet_counter"}
_OF_VERSION = "SELECT role_id FROM roles_rolesheetversion WHERE id = {row}.version_id"

# The sheet shows where its review stands.
TRIGGERS = [
    bump_triggers(
        "peerwork_sheet_from_sheet_review", table="sheets_sheetreview", ids=_OF_VERSION, **SHEET
    ),
    bump_triggers(
        "peerwork_sheet_from_early_review",
        table="sheets_earlyreviewrequest",
        ids=_OF_VERSION,
        **SHEET,
    ),
]


def fill_review_dates(apps, schema_editor):
    Version = apps.get_model("sheets", "RoleSheetVersion")
    for version in Version.objects.filter(status="adopted", review_on__isnull=True):
        adopted = version.adopted_at or datetime.datetime.now(datetime.UTC)
        version.review_on = months_later(adopted.date(), 12)
        version.save(update_fields=["review_on"])


class Migration(migrations.Migration):

    dependencies = [
        ('roles', '0010_review_events'),
        ('sheets', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(*BEFORE),
        migrations.CreateModel(
            name='EarlyReviewRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(validators=[core.text.TextLengthValidator()], verbose_name='why review it now')),
                ('asked_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='asked at')),
                ('review_on_before', models.DateField(blank=True, null=True, verbose_name='review date before')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
            ],
            options={
                'verbose_name': 'request for an early review',
                'verbose_name_plural': 'requests for an early review',
                'ordering': ['-asked_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SheetReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('helped', models.TextField(blank=True, validators=[core.text.TextLengthValidator()], verbose_name='what helped')),
                ('drop', models.TextField(blank=True, validators=[core.text.TextLengthValidator()], verbose_name='what to drop')),
                ('change', models.TextField(blank=True, validators=[core.text.TextLengthValidator()], verbose_name='what to change')),
                ('outcome', models.CharField(choices=[('confirmed', 'the sheet stays as it is, until a new review date'), ('changes', 'the sheet must change: proposals follow'), ('noted', 'my views, for the review')], max_length=10, verbose_name='outcome')),
                ('next_review_on', models.DateField(blank=True, null=True, verbose_name='next review on')),
            ],
            options={
                'verbose_name': 'review of the sheet',
                'verbose_name_plural': 'reviews of the sheet',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='rolesheetversion',
            name='review_on',
            field=models.DateField(blank=True, null=True, verbose_name='to review on'),
        ),
        migrations.RunPython(fill_review_dates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='rolesheetversion',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'adopted'), _negated=True), ('review_on__isnull', False), _connector='OR'), name='version_adopted_has_review_date'),
        ),
        migrations.AddField(
            model_name='earlyreviewrequest',
            name='by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='asked by'),
        ),
        migrations.AddField(
            model_name='earlyreviewrequest',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='early_requests', to='sheets.rolesheetversion', verbose_name='version'),
        ),
        migrations.AddField(
            model_name='sheetreview',
            name='by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AddField(
            model_name='sheetreview',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='sheets.rolesheetversion', verbose_name='version'),
        ),
        migrations.AddConstraint(
            model_name='earlyreviewrequest',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='earlyreview_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='earlyreviewrequest',
            constraint=models.UniqueConstraint(condition=models.Q(('answered_at__isnull', True)), fields=('version', 'by'), name='earlyreview_one_open_per_person'),
        ),
        migrations.AddConstraint(
            model_name='sheetreview',
            constraint=models.CheckConstraint(condition=models.Q(('outcome__in', ['confirmed', 'changes', 'noted'])), name='sheetreview_outcome_valid'),
        ),
        migrations.AddConstraint(
            model_name='sheetreview',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('next_review_on__isnull', False), ('outcome', 'confirmed')), models.Q(models.Q(('outcome', 'confirmed'), _negated=True), ('next_review_on__isnull', True)), _connector='OR'), name='sheetreview_confirmed_has_next_date'),
        ),
        migrations.AddConstraint(
            model_name='sheetreview',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'changes'), _negated=True), models.Q(('change', ''), _negated=True), _connector='OR'), name='sheetreview_changes_say_what'),
        ),
        migrations.RunPython(*AFTER),
        migrations.RunPython(*install(TRIGGERS)),
    ]
