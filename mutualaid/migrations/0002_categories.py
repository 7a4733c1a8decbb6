from django.db import migrations

from mutualaid.categories import categories_seed


def seed(apps, schema_editor):
    categories_seed(apps.get_model("mutualaid", "Category"))


class Migration(migrations.Migration):
    dependencies = [("mutualaid", "0001_aid")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
