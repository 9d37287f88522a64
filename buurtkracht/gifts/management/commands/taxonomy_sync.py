from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from buurtkracht.gifts.models import TaxonomyCategory, TaxonomyItem
from buurtkracht.gifts.taxonomy import invalidate_index, sync_taxonomy


class Command(BaseCommand):
    help = "Load gifts/data/taxonomy.json into the database (idempotent; `run` calls it)."

    def handle(self, *args, **options):
        with transaction.atomic():
            categories, items = sync_taxonomy(
                category_model=TaxonomyCategory, item_model=TaxonomyItem
            )
        invalidate_index()
        self.stdout.write(
            _("Vocabulary: %(categories)d categories, %(items)d words added or changed.")
            % {"categories": categories, "items": items}
        )
