"""The points ledger (from residents) and rewards (from activities) move to their own
app: state only, the tables keep their names and every row stays."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = {"residents": ("pointsaccount", "pointsentry"), "activities": ("reward", "redemption")}


def rename_content_types(apps, schema_editor):
    """Permissions and admin history of the moved models follow them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, models_moved in MOVED.items():
        for model in models_moved:
            if not ContentType.objects.filter(app_label="points", model=model).exists():
                ContentType.objects.filter(app_label=old_app, model=model).update(
                    app_label="points"
                )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("residents", "0003_points_household"),
        ("activities", "0001_activities"),
        ("grids", "0005_map_points"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PointsAccount',
                    fields=[
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL)),
                        ('balance', models.IntegerField(default=0)),
                        ('public', models.BooleanField(default=False, help_text='Off by default: the leaderboard shows only those who chose to be named.', verbose_name='show my name on the points leaderboard')),
                    ],
                    options={
                        'verbose_name': 'points account',
                        'verbose_name_plural': 'points accounts',
                        'db_table': 'residents_pointsaccount',
                        'constraints': [models.CheckConstraint(condition=models.Q(('balance__gte', 0)), name='points_non_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='Reward',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=40, verbose_name='name')),
                        ('description', models.CharField(blank=True, max_length=200, verbose_name='description')),
                        ('cost', models.PositiveIntegerField(verbose_name='points')),
                        ('stock', models.PositiveIntegerField(verbose_name='in stock')),
                        ('active', models.BooleanField(default=True, verbose_name='on offer')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('community', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rewards', to='grids.community')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'reward',
                        'verbose_name_plural': 'rewards',
                        'db_table': 'activities_reward',
                        'ordering': ['cost', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Redemption',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('cost', models.PositiveIntegerField()),
                        ('code', models.CharField(max_length=6)),
                        ('state', models.CharField(choices=[('redeemed', 'To collect'), ('collected', 'Collected')], default='redeemed', max_length=10)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('collected_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='redemptions', to=settings.AUTH_USER_MODEL)),
                        ('reward', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='redemptions', to='points.reward')),
                    ],
                    options={
                        'db_table': 'activities_redemption',
                        'ordering': ['-id'],
                    },
                ),
                migrations.CreateModel(
                    name='PointsEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.IntegerField(verbose_name='points')),
                        ('balance_after', models.IntegerField(verbose_name='balance after')),
                        ('kind', models.CharField(choices=[('volunteer', 'Volunteer service'), ('aid', 'Mutual aid handover'), ('redeem', 'Reward redeemed'), ('correction', 'Correction')], max_length=12, verbose_name='kind')),
                        ('reason', models.CharField(max_length=200, verbose_name='reason')),
                        ('ref_type', models.CharField(blank=True, max_length=30)),
                        ('ref_id', models.BigIntegerField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='points.pointsentry')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='points_entries', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'points entry',
                        'verbose_name_plural': 'points ledger',
                        'db_table': 'residents_pointsentry',
                        'ordering': ['-id'],
                        'indexes': [models.Index(fields=['user', '-id'], name='points_entry_user_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='points_entry_not_zero'), models.CheckConstraint(condition=models.Q(('balance_after__gte', 0)), name='points_entry_balance_ok'), models.UniqueConstraint(condition=models.Q(('kind__in', ['volunteer', 'aid', 'redeem']), ('ref_id__isnull', False)), fields=('user', 'kind', 'ref_type', 'ref_id'), name='points_entry_once')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='reward',
                    constraint=models.CheckConstraint(condition=models.Q(('cost__gt', 0)), name='reward_cost_positive'),
                ),
                migrations.AddIndex(
                    model_name='redemption',
                    index=models.Index(fields=['user', '-id'], name='redemption_user_idx'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, migrations.RunPython.noop),
    ]
