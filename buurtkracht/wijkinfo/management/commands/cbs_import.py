from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from buurtkracht.wijkinfo import kerncijfers
from buurtkracht.wijkinfo.services import kerncijfers_import


class Command(BaseCommand):
    help = (
        "Import a CBS Kerncijfers wijken en buurten table: its DataProperties (JSON) and its "
        "data (OData JSON, a JSON object per region, or CBS's CSV), any year. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("metadata", help="DataProperties JSON of the table")
        parser.add_argument("data", help="the figures: .json or .csv")
        parser.add_argument("--table", required=True, help="the table id, e.g. 85984NED")
        parser.add_argument("--title", default="", help="the table's title")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, **options):
        metadata = Path(options["metadata"]).read_bytes()
        data_path = Path(options["data"])
        data = data_path.read_bytes()
        if options["dry_run"]:
            plan = kerncijfers.plan(metadata=metadata, data=data, filename=data_path.name)
            for problem in plan.problems[: kerncijfers.PROBLEMS_SHOWN]:
                self.stdout.write(f"- {problem}")
            self.stdout.write(
                f"{len(plan.regions)} regio's, {len(plan.figures)} cijfers, "
                f"{len(plan.problems)} problemen (er is niets opgeslagen)"
            )
            return
        try:
            table, plan = kerncijfers_import(
                actor=None,
                table_id=options["table"],
                metadata=metadata,
                data=data,
                filename=data_path.name,
                title=options["title"],
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            f"{table.table_id} ({table.year}): {len(plan.regions)} regio's, "
            f"{len(plan.figures)} cijfers opgeslagen"
        )
