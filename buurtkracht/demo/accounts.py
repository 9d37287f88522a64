"""The fixed demo accounts: who they are, and how to log in with them.

Everything here is public on purpose. Never use these accounts on a real site.
"""

from typing import NamedTuple

from buurtkracht.core.choices import Role

DEMO_PASSWORD = "buurtkracht-demo"  # noqa: S105 -- public on purpose
# The PIN of the guided demo account (guided accounts log in with a name and a PIN).
DEMO_PIN = "48213"
# One fixed TOTP secret (base32) for the demo accounts that must use two-factor login.
# Add it to an authenticator app, or run `buurtkracht demo-totp E-MAIL` for the current code.
DEMO_TOTP_SECRET = "MJ2XK4TUNNZGCY3IOQWWIZLNN4WTEZTB"  # noqa: S105 -- public on purpose
DEMO_DOMAIN = "demo.buurtkracht.nl"


class DemoAccount(NamedTuple):
    label: str  # what this account is, in Dutch
    login: str  # e-mail address, or login name for the guided account
    password: str  # password, or PIN for the guided account
    role: str  # core.choices.Role in `neighbourhood`
    neighbourhood: str  # slug of the neighbourhood
    note: str  # what to try with it, in Dutch
    name: str  # display name on the profile
    username: str  # User.username
    also: tuple[str, ...] = ()  # further neighbourhoods, same role
    organisation: str = ""  # for professionals

    @property
    def email(self) -> str:
        return self.login if "@" in self.login else ""

    @property
    def totp(self) -> bool:
        return self.role in (Role.PROFESSIONAL, Role.FACILITATOR, Role.ADMIN)

    @property
    def guided(self) -> bool:
        return not self.email


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        "Beheerder",
        f"beheerder@{DEMO_DOMAIN}",
        DEMO_PASSWORD,
        Role.ADMIN,
        "lindenhof",
        "Beheert Lindenhof en Vaartkwartier: modules, leden, uitnodigingen.",
        "Karin",
        "beheerder",
        also=("vaartkwartier",),
    ),
    DemoAccount(
        "Professional",
        f"professional@{DEMO_DOMAIN}",
        DEMO_PASSWORD,
        Role.PROFESSIONAL,
        "lindenhof",
        "Buurtwerker bij Welzijn Lindenhof; maakt begeleide accounts en inlogkaarten.",
        "Youssef",
        "professional",
        organisation="Welzijn Lindenhof",
    ),
    DemoAccount(
        "Gemeente",
        f"gemeente@{DEMO_DOMAIN}",
        DEMO_PASSWORD,
        Role.FACILITATOR,
        "lindenhof",
        "Gemeente Haarlem: leest overzichten van de buurt.",
        "Marieke",
        "gemeente",
    ),
    DemoAccount(
        "Verbinder",
        f"verbinder@{DEMO_DOMAIN}",
        DEMO_PASSWORD,
        Role.CONNECTOR,
        "lindenhof",
        "Sleutelfiguur: kent veel mensen en stelt buren aan elkaar voor.",
        "Ahmed",
        "verbinder",
    ),
    DemoAccount(
        "Bewoner",
        f"bewoner@{DEMO_DOMAIN}",
        DEMO_PASSWORD,
        Role.RESIDENT,
        "lindenhof",
        "Sanne, bewoner van Lindenhof; een verbinder stelt een helper voor haar fiets voor.",
        "Sanne",
        "bewoner",
    ),
    DemoAccount(
        "Buur",
        f"buur@{DEMO_DOMAIN}",
        DEMO_PASSWORD,
        Role.RESIDENT,
        "vaartkwartier",
        "Piotr, woont alleen in Vaartkwartier (een buurt met uitnodiging).",
        "Piotr",
        "buur",
    ),
    DemoAccount(
        "Begeleid account",
        "henk-demo",
        DEMO_PIN,
        Role.RESIDENT,
        "lindenhof",
        "Henk heeft geen e-mail. Hij logt in met zijn naam en een pincode.",
        "Henk",
        "henk-demo",
    ),
]

# What to look at first, in one line (shown only when Sanne's account is there).
SANNE_LINE = (
    "Sanne heeft “Wat breng jij mee?” al ingevuld; de kaart van de buurt: /lindenhof/kaart/"
)
REQUESTS_LINE = "Vragen en aanbod van de buren (ook Sannes lekke fietsband): /lindenhof/vragen/"

DEMO_LOGINS = frozenset(a.login for a in DEMO_ACCOUNTS)


def demo_account(login: str) -> DemoAccount | None:
    login = login.strip().lower()
    return next((a for a in DEMO_ACCOUNTS if a.login == login), None)


WITHHELD_LINE = (
    "Deze site draait op https: wachtwoorden, pincodes en de geheime sleutel voor de "
    "tweede stap worden daarom niet getoond."
)


def secrets_withheld() -> bool:
    """A site on https is a real site: the demo's passwords, PIN and TOTP secret are
    public, but are never printed there (into logs, the journal, a shared terminal)."""
    from django.conf import settings

    return settings.SITE_URL.lower().startswith("https")


def accounts_block(*, only_existing: set[str] | None = None, withhold: bool = False) -> str:
    """The Dutch text that tells a newcomer how to log in with the demo accounts;
    `withhold` leaves out every password, PIN and TOTP secret."""
    accounts = [a for a in DEMO_ACCOUNTS if only_existing is None or a.username in only_existing]
    width = max(len(a.login) for a in accounts)
    lines = [
        "",
        "Demo-accounts (alleen om uit te proberen, de wachtwoorden zijn openbaar)",
        "=" * 72,
    ]
    for account in accounts:
        if withhold:
            lines.append(f"  {account.label:<17} {account.login}")
        else:
            secret = "pincode" if account.guided else "wachtwoord"
            lines.append(
                f"  {account.label:<17} {account.login:<{width}}  {secret}: {account.password}"
            )
        lines.append(f"  {'':<17} {account.note}")
    if withhold:
        lines += ["", WITHHELD_LINE, "=" * 72, ""]
        return "\n".join(lines)
    lines += [
        "",
        "Inloggen: ga naar /account/login/ en vul het e-mailadres (of bij Henk de",
        "inlognaam henk-demo) en het wachtwoord of de pincode in.",
        *(
            ["", SANNE_LINE, REQUESTS_LINE]
            if any(a.username == "bewoner" for a in accounts)
            else []
        ),
        "",
        "Beheerder, professional en gemeente loggen in met een tweede stap (een code",
        "die elke 30 seconden verandert). De code van dit moment krijg je zo:",
        f"  buurtkracht demo-totp beheerder@{DEMO_DOMAIN}",
        "(of met professional@ of gemeente@; zonder e-mailadres krijg je alle drie codes).",
        "Of zet deze geheime sleutel in een app als FreeOTP of Google Authenticator:",
        f"  {DEMO_TOTP_SECRET}",
        "=" * 72,
        "",
    ]
    return "\n".join(lines)


def print_accounts(stream) -> None:
    """Print how to log in with the demo accounts, if they are in the database (a real
    person who happens to have the login name "bewoner" does not count). On an https
    site without their passwords, PIN and TOTP secret."""
    from django.db.models import Q

    from buurtkracht.accounts.models import User

    match = Q(pk__in=[])
    for account in DEMO_ACCOUNTS:
        match |= Q(username=account.username, email=account.email)
    existing = set(User.objects.filter(match).values_list("username", flat=True))
    if not existing:
        return
    stream.write(accounts_block(only_existing=existing, withhold=secrets_withheld()))
