from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from buurtkracht.places.services import postcode_areas_import


class Command(BaseCommand):
    help = (
        "Load the centres of postcode areas (PC6) from a CSV file with the columns "
        "postcode,latitude,longitude, so matching can say how far people are apart. "
        "All rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only, store nothing")
        parser.add_argument("--source", default="", help="where the data comes from")

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                result = postcode_areas_import(
                    stream, source=options["source"] or path.name, dry_run=options["dry_run"]
                )
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
            ) from None
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(_("Nothing was stored: fix the lines above and try again."))
        message = (
            _("Check: %(added)d postcodes would be added, %(changed)d changed. Nothing stored.")
            if options["dry_run"]
            else _("Postcodes: %(added)d added, %(changed)d changed.")
        )
        self.stdout.write(message % {"added": result.added, "changed": result.changed})
