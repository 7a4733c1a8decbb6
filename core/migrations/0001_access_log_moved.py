"""The access log moves from residents to the shared base: state only, the table
(residents_accesslog) and every row stay where they are."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def rename_content_types(apps, schema_editor):
    """Permissions and admin history of the moved models follow them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ('accesslog',):
        if not ContentType.objects.filter(app_label="core", model=model).exists():
            ContentType.objects.filter(app_label="residents", model=model).update(app_label="core")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("residents", "0003_points_household"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AccessLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=64, verbose_name='action')),
                        ('scope', models.CharField(blank=True, max_length=64, verbose_name='scope')),
                        ('detail', models.JSONField(blank=True, default=dict, verbose_name='detail')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='at')),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='access_logs_made', to=settings.AUTH_USER_MODEL)),
                        ('subject', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='access_logs_about', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'personal data access',
                        'verbose_name_plural': 'personal data access log',
                        'db_table': 'residents_accesslog',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['subject', '-created_at'], name='accesslog_subject_idx'), models.Index(fields=['actor', '-created_at'], name='accesslog_actor_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, migrations.RunPython.noop),
    ]
