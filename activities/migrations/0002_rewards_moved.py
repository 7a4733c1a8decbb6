"""Rewards and redemptions now belong to points (state only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0001_activities"),
        ("points", "0001_points_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='reward',
                    name='community',
                ),
                migrations.RemoveField(
                    model_name='reward',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='Redemption',
                ),
                migrations.DeleteModel(
                    name='Reward',
                ),
            ],
            database_operations=[],
        ),
    ]
