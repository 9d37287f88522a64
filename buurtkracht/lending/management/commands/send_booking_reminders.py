from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from buurtkracht.lending.services import bookings_send_reminders


class Command(BaseCommand):
    help = "Remind borrowers by e-mail that their booking ends within a day. A scheduler runs it."

    def handle(self, *args, **options):
        sent = bookings_send_reminders()
        self.stdout.write(
            ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", sent)
            % {"count": sent}
        )
