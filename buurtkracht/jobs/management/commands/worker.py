from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run a background worker (Celery) for the jobs on the queue. Start as many as "
        "needed, on any machine that reaches the database and BROKER_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency", type=int, default=None, help="processes (default: CPU cores)"
        )
        parser.add_argument(
            "--beat",
            action="store_true",
            help="also run the scheduler in this worker (one per site; `buurtkracht run` does)",
        )
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, **options):
        from buurtkracht.jobs.queue import app

        argv = ["worker", f"--loglevel={options['loglevel']}", "--without-mingle"]
        if options["concurrency"]:
            argv.append(f"--concurrency={options['concurrency']}")
        if options["beat"]:
            argv.append("--beat")
        if app.conf.broker_url.startswith("filesystem"):
            # Files on one machine: no broadcast channel for gossip and remote control.
            argv += ["--without-gossip", "--without-heartbeat"]
        app.worker_main(argv)
