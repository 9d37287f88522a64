import sys

from django.core.management.base import BaseCommand, CommandError

from buurtkracht.matching.commands import match_batch


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = (
        "Rank candidates for requests: JSON lines on standard input "
        '({"id", "text", "candidates": [{"id", "text"}]}), one {"id", "ranking"} line out each.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=None, help="at most N ids per ranking")

    def handle(self, *args, **options):
        top = options["top"]
        if top is not None and top < 0:
            raise CommandError("--top must be 0 or more")
        stdin = options.get("stdin") or sys.stdin
        match_batch(stdin, self.stdout, self.stderr, top=top)
