from django.db import migrations


def seed(apps, schema_editor):
    from reports.categories import seed as seed_categories

    seed_categories(apps.get_model("reports", "Category"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
