from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from buurtkracht.core.database import database_problem


class Command(BaseCommand):
    help = "Say whether the database can be reached."

    def handle(self, *args, **options):
        problem = database_problem()
        if problem:
            raise CommandError(problem, returncode=2)
        self.stdout.write(_("The database can be reached."))
