from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the scheduler that sends the periodic jobs (jobs/schedule.py). Exactly one "
        "per site, whatever the number of workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, **options):
        from django.conf import settings

        from buurtkracht.jobs.queue import app

        app.start(
            [
                "beat",
                f"--loglevel={options['loglevel']}",
                f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            ]
        )
