import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError

from buurtkracht.accounts.models import User
from buurtkracht.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_TOTP_SECRET,
    WITHHELD_LINE,
    demo_account,
    secrets_withheld,
)


def current_code(secret: str) -> str:
    """The code an authenticator app shows right now (the middle of allauth's window)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (only demo accounts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "email",
            nargs="?",
            help="E-mail address of the demo account; without it, all demo accounts with 2FA.",
        )

    def handle(self, *args, **options):
        if secrets_withheld():
            raise CommandError(WITHHELD_LINE)
        if options["email"]:
            account = demo_account(options["email"])
            if account is None or not account.totp:
                names = ", ".join(a.login for a in DEMO_ACCOUNTS if a.totp)
                raise CommandError(
                    f"Dit is geen demo-account met een tweede inlogstap. Kies uit: {names}"
                )
            accounts = [account]
        else:
            accounts = [a for a in DEMO_ACCOUNTS if a.totp]
        period = app_settings.TOTP_PERIOD
        left = period - int(time.time()) % period
        for account in accounts:
            user = User.objects.filter(username=account.username, email=account.email).first()
            authenticator = (
                Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
                if user
                else None
            )
            # Only the public demo secret is ever printed, never a real person's.
            if authenticator is None or decrypt(authenticator.data["secret"]) != DEMO_TOTP_SECRET:
                raise CommandError(
                    f"{account.login} heeft geen demo-tweestapscode. Is de demo geladen "
                    "(buurtkracht demo)?"
                )
            code = current_code(DEMO_TOTP_SECRET)
            self.stdout.write(f"{account.login}: {code}  (nog {left} seconden geldig)")
