from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from buurtkracht.initiatives.services import activities_send_reminders


class Command(BaseCommand):
    help = "Remind people signed up for an activity that starts within a day. A scheduler runs it."

    def handle(self, *args, **options):
        sent = activities_send_reminders()
        self.stdout.write(
            ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", sent)
            % {"count": sent}
        )
