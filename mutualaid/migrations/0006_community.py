import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Grid = apps.get_model("grids", "Grid")
    for name in ("Need", "Offer"):
        model = apps.get_model("mutualaid", name)
        model.objects.update(
            community_id=Subquery(
                Grid.objects.filter(pk=OuterRef("grid_id")).values("community_id")[:1]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0005_map_points"),
        ("mutualaid", "0005_map_point_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="need",
            name="community",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="grids.community",
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="community",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="grids.community",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="need",
            name="community",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="grids.community",
            ),
        ),
        migrations.AlterField(
            model_name="offer",
            name="community",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="grids.community",
            ),
        ),
        migrations.AddIndex(
            model_name="need",
            index=models.Index(
                condition=models.Q(("state__in", ["open", "partly_matched"])),
                fields=["category", "community", "created_at"],
                name="need_open_community_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                condition=models.Q(("state__in", ["open", "partly_claimed"])),
                fields=["category", "community", "created_at"],
                name="offer_open_community_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="need",
            index=models.Index(
                condition=models.Q(("state__in", ["open", "partly_matched"])),
                fields=["community", "-created_at", "-id"],
                name="need_open_nearby_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                condition=models.Q(("state__in", ["open", "partly_claimed"])),
                fields=["community", "-created_at", "-id"],
                name="offer_open_nearby_idx",
            ),
        ),
    ]
