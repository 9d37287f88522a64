import json
from pathlib import Path

from django.core.management.base import BaseCommand

from buurtkracht.socialmap import hsds_io
from buurtkracht.socialmap.models import Organization, Service, scope_of
from buurtkracht.socialmap.selectors import tabular_export


class Command(BaseCommand):
    help = "Export a municipality's social map in HSDS 3.1: JSON, or the CSV data package."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="where to write the files")
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, folder, municipality, **options):
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        if options["format"] == "csv":
            for name, data in tabular_export(municipality=municipality).items():
                (target / name).write_bytes(data)
            self.stdout.write(f"CSV-bestanden in {target}")
            return
        scope = scope_of(municipality=municipality)
        documents = [hsds_io.organization_full(o) for o in Organization.objects.filter(scope=scope)]
        documents += [
            hsds_io.service_full(s)
            for s in Service.objects.filter(scope=scope, organization__isnull=True)
        ]
        path = target / "organizations.json"
        path.write_text(json.dumps(documents, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(f"{len(documents)} objecten in {path}")
