"""The access log and the points ledger now belong to core and points (state only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("residents", "0003_points_household"),
        ("core", "0001_access_log_moved"),
        ("points", "0001_points_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='pointsaccount',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='pointsentry',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='pointsentry',
                    name='reverses',
                ),
                migrations.RemoveField(
                    model_name='pointsentry',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='AccessLog',
                ),
                migrations.DeleteModel(
                    name='PointsAccount',
                ),
                migrations.DeleteModel(
                    name='PointsEntry',
                ),
            ],
            database_operations=[],
        ),
    ]
