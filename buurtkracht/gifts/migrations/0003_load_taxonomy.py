from django.db import migrations


def load(apps, schema_editor):
    from buurtkracht.gifts.taxonomy import sync_taxonomy

    sync_taxonomy(
        category_model=apps.get_model("gifts", "TaxonomyCategory"),
        item_model=apps.get_model("gifts", "TaxonomyItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("gifts", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
