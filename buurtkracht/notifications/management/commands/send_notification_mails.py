from django.core.management.base import BaseCommand

from buurtkracht.notifications.services import send_digests, send_pending


class Command(BaseCommand):
    help = "Retry notification mails that failed and send the daily digests (every 10 min)."

    def handle(self, *args, **options):
        sent, failed = send_pending()
        digests = send_digests()
        self.stdout.write(f"notification mails: {sent} sent, {failed} failed, {digests} digests")
