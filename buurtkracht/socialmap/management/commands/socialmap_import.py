import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from buurtkracht.neighbourhoods.models import Neighbourhood
from buurtkracht.socialmap.services import (
    hsds_check,
    hsds_import,
    hsds_import_tabular,
    hsds_json,
)


class Command(BaseCommand):
    help = (
        "Import a social map in HSDS 3.1: a JSON file, or a folder with the Tabular Data "
        "Package's CSV files. All or nothing; every problem with its path."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an HSDS .json file, or a folder of HSDS .csv files")
        parser.add_argument("--municipality", required=True)
        parser.add_argument(
            "--neighbourhood", default="", help="slug: that neighbourhood's own map"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only check the files, import nothing"
        )

    def handle(self, *args, path, municipality, neighbourhood, **options):
        source = Path(path)
        hood = Neighbourhood.objects.filter(slug=neighbourhood).first() if neighbourhood else None
        if neighbourhood and hood is None:
            raise CommandError(f"Buurt '{neighbourhood}' bestaat niet.")
        if source.is_dir():
            files = {p.name: p.read_bytes() for p in source.glob("*.csv")}
        else:
            files = {"file.json": source.read_bytes()}
        place = {"municipality": municipality, "neighbourhood": hood}
        try:
            if options["dry_run"]:
                found = hsds_check(hsds_json(files))
            elif source.is_dir():
                found = hsds_import_tabular(actor=None, files=files, **place)
            else:
                found = hsds_import(actor=None, data=files["file.json"], **place)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(json.dumps(found.counts()))
