"""Campaigns; needs and offers may belong to one; offers directed to a person; claims
remember their kind and the grid where they are received (backfilled for old claims:
the need's grid, else the receiver's home grid, else the offer's grid).

Not atomic: on PostgreSQL a column filled in the same transaction cannot then be made
NOT NULL (pending deferred foreign-key checks); each step commits on its own instead.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def claims_backfill(apps, schema_editor):
    Claim = apps.get_model("mutualaid", "Claim")
    Offer = apps.get_model("mutualaid", "Offer")
    Need = apps.get_model("mutualaid", "Need")
    Membership = apps.get_model("grids", "Membership")
    offer = Offer.objects.filter(pk=OuterRef("offer_id"))
    Claim.objects.update(category_id=Subquery(offer.values("category_id")[:1]))
    Claim.objects.filter(need__isnull=False).update(
        grid_id=Subquery(Need.objects.filter(pk=OuterRef("need_id")).values("grid_id")[:1])
    )
    home = Membership.objects.filter(user_id=OuterRef("receiver_id"), left_at__isnull=True)
    Claim.objects.filter(grid__isnull=True).update(
        grid_id=Coalesce(
            Subquery(home.values("grid_id")[:1]), Subquery(offer.values("grid_id")[:1])
        )
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('grids', '0004_volunteer_lead_activity_cards'),
        ('mutualaid', '0002_categories'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Campaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=60, verbose_name='title')),
                ('description', models.CharField(blank=True, max_length=1000, verbose_name='description')),
                ('target_quantity', models.PositiveIntegerField(blank=True, help_text='In the unit of its kinds of help.', null=True, verbose_name='target')),
                ('starts_at', models.DateTimeField(verbose_name='starts')),
                ('ends_at', models.DateTimeField(verbose_name='ends')),
                ('state', models.CharField(choices=[('active', 'Running'), ('closed', 'Closed')], default='active', max_length=10)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('version', models.PositiveBigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'campaign',
                'verbose_name_plural': 'campaigns',
            },
        ),
        migrations.AddField(
            model_name='claim',
            name='category',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mutualaid.category'),
        ),
        migrations.AddField(
            model_name='claim',
            name='grid',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grids.grid'),
        ),
        migrations.RunPython(claims_backfill, migrations.RunPython.noop, atomic=True),
        migrations.AlterField(
            model_name='claim',
            name='category',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mutualaid.category'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='grid',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grids.grid'),
        ),
        migrations.AddField(
            model_name='offer',
            name='for_person',
            field=models.ForeignKey(blank=True, help_text='A directed donation: only this neighbour may claim it.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='directed_offers', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(condition=models.Q(('state', 'handed_over')), fields=['grid', 'category', 'closed_at'], name='claim_handed_over_idx'),
        ),
        migrations.AddField(
            model_name='campaign',
            name='categories',
            field=models.ManyToManyField(related_name='campaigns', to='mutualaid.category', verbose_name='kinds of help'),
        ),
        migrations.AddField(
            model_name='campaign',
            name='community',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grids.community'),
        ),
        migrations.AddField(
            model_name='campaign',
            name='created_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='campaign',
            name='grids',
            field=models.ManyToManyField(blank=True, help_text='None chosen: the whole community.', related_name='+', to='grids.grid', verbose_name='grids'),
        ),
        migrations.AddField(
            model_name='need',
            name='campaign',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='needs', to='mutualaid.campaign', verbose_name='campaign'),
        ),
        migrations.AddField(
            model_name='offer',
            name='campaign',
            field=models.ForeignKey(blank=True, help_text='A donation to a campaign: only residents of its area may claim it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='offers', to='mutualaid.campaign', verbose_name='campaign'),
        ),
        migrations.AddIndex(
            model_name='offer',
            index=models.Index(condition=models.Q(('for_person__isnull', False)), fields=['for_person', '-created_at'], name='offer_for_person_idx'),
        ),
        migrations.AddConstraint(
            model_name='offer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('for_need__isnull', False), ('for_person__isnull', False), _negated=True), models.Q(('for_need__isnull', False), ('campaign__isnull', False), _negated=True), models.Q(('for_person__isnull', False), ('campaign__isnull', False), _negated=True)), name='offer_one_direction'),
        ),
        migrations.AddIndex(
            model_name='campaign',
            index=models.Index(fields=['community', '-starts_at'], name='campaign_community_idx'),
        ),
        migrations.AddIndex(
            model_name='campaign',
            index=models.Index(condition=models.Q(('state', 'active')), fields=['community', 'ends_at'], name='campaign_active_idx'),
        ),
        migrations.AddConstraint(
            model_name='campaign',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='campaign_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='campaign',
            constraint=models.CheckConstraint(condition=models.Q(('target_quantity__isnull', True), ('target_quantity__gt', 0), _connector='OR'), name='campaign_target_positive'),
        ),
        migrations.AddConstraint(
            model_name='campaign',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'active'), ('closed_at__isnull', True)), models.Q(('state', 'closed'), ('closed_at__isnull', False)), _connector='OR'), name='campaign_closed_has_time'),
        ),
    ]
