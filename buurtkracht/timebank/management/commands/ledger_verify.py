from django.core.management.base import BaseCommand, CommandError

from buurtkracht.neighbourhoods.models import Neighbourhood
from buurtkracht.timebank.ledger import verify
from buurtkracht.timebank.models import Rules


class Command(BaseCommand):
    help = (
        "Check every time bank ledger (or one neighbourhood's): the hash chain, transfers "
        "that sum to zero, cached balances and limits. Exit code 1 when something is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--neighbourhood", help="slug of one neighbourhood")

    def handle(self, *args, **options):
        hoods = Neighbourhood.objects.filter(
            pk__in=Rules.objects.values("neighbourhood_id")
        ).order_by("slug")
        if options["neighbourhood"]:
            hoods = hoods.filter(slug=options["neighbourhood"])
            if not hoods:
                raise CommandError(f"geen tijdbank in buurt {options['neighbourhood']!r}")
        wrong = 0
        for hood in hoods:
            report = verify(hood)
            if report.ok:
                self.stdout.write(f"{hood.slug}: {report.entries} boekingen, in orde")
                continue
            wrong += 1
            self.stdout.write(f"{hood.slug}: {report.entries} boekingen, FOUT:")
            for problem in report.problems:
                self.stdout.write(f"  {problem}")
        if wrong:
            raise CommandError(f"{wrong} grootboek(en) kloppen niet", returncode=1)
