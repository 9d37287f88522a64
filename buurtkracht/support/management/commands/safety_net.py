from django.core.management.base import BaseCommand

from buurtkracht.support.services import safety_net_sweep


class Command(BaseCommand):
    help = "Send requests that are due to the safety net's queue (a scheduler runs this hourly)."

    def handle(self, *args, **options):
        opened = safety_net_sweep()
        self.stdout.write(f"safety net: {opened} new case(s)")
