from django.core.management.base import BaseCommand, CommandError

from buurtkracht.demo.accounts import print_accounts
from buurtkracht.demo.generator import COUNT_LABELS, generate


class Command(BaseCommand):
    help = "Build the demo neighbourhoods Lindenhof and Vaartkwartier (fictional residents)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--residents", type=int, default=200, help="Residents of Lindenhof (default 200)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, same neighbourhood (default 1)."
        )

    def handle(self, *args, **options):
        residents, seed = options["residents"], options["seed"]
        self.stdout.write(f"Demobuurt maken met {residents} bewoners (seed {seed}) ...")
        try:
            result = generate(
                residents=residents,
                seed=seed,
                stdout=self.stdout if options["verbosity"] > 1 else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        for key, label in COUNT_LABELS.items():
            self.stdout.write(f"  {label:<28} {result.counts[key]:>9}")
        self.stdout.write(f"Klaar in {result.seconds:.1f} seconden.")
        print_accounts(self.stdout)
