# Reviews and recommendations, moved from structures: the tables exist already (state only).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(
        app_label="structures", model__in=["review", "recommendation"]
    ).update(app_label="facilitation")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('missions', '0006_privacy_help_text'),
        ('roles', '0004_privacy_help_text'),
        ('structures', '0004_reviews_move_to_facilitation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Review',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reviewed_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='date of the review')),
                        ('notes', models.TextField(verbose_name='notes')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='written at')),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reviews_written', to=settings.AUTH_USER_MODEL, verbose_name='facilitator')),
                        ('structure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='structures.structure', verbose_name='structure')),
                    ],
                    options={
                        'verbose_name': 'review',
                        'verbose_name_plural': 'reviews',
                        'db_table': 'structures_review',
                        'ordering': ['-reviewed_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Recommendation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(verbose_name='recommendation')),
                        ('status', models.CharField(choices=[('open', 'to follow up'), ('done', 'done'), ('answered', 'answered')], default='open', max_length=20, verbose_name='follow-up')),
                        ('answer', models.TextField(blank=True, verbose_name='answer')),
                        ('followed_up_at', models.DateTimeField(blank=True, null=True, verbose_name='followed up at')),
                        ('position', models.PositiveIntegerField(default=0)),
                        ('followed_up_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='followed up by')),
                        ('mission', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='recommendations', to='missions.mission', verbose_name='about the mission')),
                        ('role', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='recommendations', to='roles.role', verbose_name='about the role')),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recommendations', to='facilitation.review', verbose_name='review')),
                    ],
                    options={
                        'verbose_name': 'recommendation',
                        'verbose_name_plural': 'recommendations',
                        'db_table': 'structures_recommendation',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='review',
                    constraint=models.CheckConstraint(condition=models.Q(('notes', ''), _negated=True), name='review_has_notes'),
                ),
                migrations.AddConstraint(
                    model_name='recommendation',
                    constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='recommendation_has_text'),
                ),
                migrations.AddConstraint(
                    model_name='recommendation',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'done', 'answered'])), name='recommendation_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='recommendation',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'answered'), _negated=True), models.Q(('answer', ''), _negated=True), _connector='OR'), name='recommendation_answer_has_text'),
                ),
                migrations.AddConstraint(
                    model_name='recommendation',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('followed_up_at__isnull', True), ('status', 'open')), models.Q(models.Q(('status', 'open'), _negated=True), ('followed_up_at__isnull', False)), _connector='OR'), name='recommendation_follow_up_has_date'),
                ),
            ],
        ),
        # Keep admin history and permissions attached to the moved models.
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
