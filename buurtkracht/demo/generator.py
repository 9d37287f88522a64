"""The demo neighbourhood: a fictional Lindenhof (Haarlem) full of residents, and a small
invitation-only Vaartkwartier next to it.

The same seed and size always give the same people, roles, consents and contacts, and
the same gifts, wishes, time, resources, places and bookings (sharing.py, with the Dutch
texts in catalogue.py), and the same requests, offers, exchanges and safety net
(helping.py): every random choice comes from one `random.Random(seed)`;
timestamps count back (and for bookings, forward) from now.

It is built for size too (100,000 residents in seconds; see docs/benchmarks.md):
- all people are first made up in memory, then each table is written in one go with
  `bulk.insert_rows` (executemany in large chunks), never one save() per row; only the
  handful of rows that need their id right away go through the ORM;
- the password hash (deliberately slow) is computed once and shared by all generated
  residents, who all have the demo password;
- everything happens in one transaction, so SQLite and PostgreSQL commit once.
"""

from __future__ import annotations

import math
import string
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from random import Random

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from buurtkracht.accounts.models import GuidedAccount, User
from buurtkracht.core import codes
from buurtkracht.core.choices import Role, Visibility
from buurtkracht.neighbourhoods.models import (
    Invitation,
    JoinPolicy,
    Membership,
    Module,
    Neighbourhood,
    Organisation,
    Sector,
)
from buurtkracht.people.consents import Method
from buurtkracht.people.models import (
    ACCESSIBILITY_CHOICES,
    Consent,
    Contact,
    ContactRoute,
    Profile,
    name_key,
)

from .accounts import DEMO_ACCOUNTS, DEMO_DOMAIN, DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoAccount
from .bulk import insert_rows
from .dialogue import Dialogues
from .helping import Helping
from .initiatives import Initiatives
from .names import ACCESSIBILITY_NOTES, BACKGROUNDS, INITIALS, Background
from .network import Network
from .sharing import Sharing
from .timebank import TimeBank
from .weighted import Weighted

LINDENHOF = "lindenhof"
VAARTKWARTIER = "vaartkwartier"
DEMO_SLUGS = (LINDENHOF, VAARTKWARTIER)

ORGANISATIONS = (
    ("Welzijn Lindenhof", Sector.WELFARE),
    ("Woonstichting Thuisbasis", Sector.HOUSING),
    ("Wijkteam Zorg Dichtbij", Sector.CARE),
)

NEIGHBOURHOODS = {
    LINDENHOF: {
        "name": "Lindenhof",
        "municipality": "Haarlem",
        "cbs_code": "BU03920712",
        "join_policy": JoinPolicy.OPEN,
        "modules": [m.value for m in Module],
        "description": (
            "Lindenhof is een wijk in Haarlem met rijtjeshuizen, flats en een groot "
            "speelveld. Hier laat je zien wat je kunt en wat je hebt. Je helpt een buur, je "
            "vraagt zelf om hulp, of je begint samen iets nieuws. Iedereen doet mee op zijn "
            "eigen manier."
        ),
    },
    VAARTKWARTIER: {
        "name": "Vaartkwartier",
        "municipality": "Haarlem",
        "cbs_code": "BU03920715",
        "join_policy": JoinPolicy.INVITE,
        "modules": [Module.GIFTS, Module.REQUESTS, Module.INITIATIVES, Module.SOCIAL_MAP],
        "description": (
            "Het Vaartkwartier ligt aan het water. Je doet mee als een buur je uitnodigt. "
            "Samen houden we de straten gezellig en veilig."
        ),
    },
}

# Letters used in real postcodes (no F, I, O, Q, U, Y); SA, SD and SS are not used.
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
LINDENHOF_PC4 = 2031
VAARTKWARTIER_PC4 = 2011

# Who may see a field, with relative weights: the directory shows some and hides others.
VISIBILITY_WEIGHTS = {
    "display_name": {"public": 8, "neighbourhood": 70, "contacts": 16, "private": 6},
    "postcode": {"public": 2, "neighbourhood": 14, "contacts": 24, "private": 60},
    "languages": {"public": 6, "neighbourhood": 60, "contacts": 19, "private": 15},
    "accessibility": {"public": 1, "neighbourhood": 11, "contacts": 23, "private": 65},
    "photo": {"public": 5, "neighbourhood": 65, "contacts": 20, "private": 10},
}
ACCESSIBILITY_CODES = [code for code, _label in ACCESSIBILITY_CHOICES]
AGE_GROUPS = ["15-24", "25-44", "45-64", "65+"]
AGE_WEIGHTS = [4, 26, 36, 34]
ACCESSIBILITY_WEIGHTS = {
    "easy_language": 5,
    "read_aloud": 3,
    "low_vision": 3,
    "hearing": 3,
    "wheelchair": 3,
    "no_stairs": 4,
    "phone_not_text": 3,
}
# Share of residents that gives each general consent (the guided consent is separate).
CONSENT_SHARES = {
    "network_names": 0.40,
    "connector_outreach": 0.30,
    "safety_net": 0.22,
    "group_count": 0.15,
}
WITHDRAWN_SHARE = 0.07
REGRANTED_SHARE = 0.3


BACKGROUND_CHOICE = Weighted([(b, b.weight) for b in BACKGROUNDS])
LANGUAGE_CHOICE = {b.key: Weighted(list(b.languages)) for b in BACKGROUNDS}
VISIBILITY_CHOICE = {key: Weighted(weights) for key, weights in VISIBILITY_WEIGHTS.items()}
ACCESSIBILITY_CHOICE = Weighted(ACCESSIBILITY_WEIGHTS)
# How many contacts an ordinary resident starts with neighbours.
DRAWS_CHOICE = Weighted({0: 20, 1: 35, 2: 30, 3: 15})
ONLINE_METHOD_CHOICE = Weighted({Method.ONLINE: 85, Method.PAPER: 10, Method.VERBAL: 5})
CONTACT_SOURCE_CHOICE = Weighted(
    {"neighbours": 5, "introduction": 2, "exchange": 2, "initiative": 1}
)


@dataclass
class DemoResult:
    counts: dict[str, int]
    seconds: float
    neighbourhoods: list[str] = field(default_factory=lambda: list(DEMO_SLUGS))

    @property
    def residents(self) -> int:
        return self.counts["residents"]


# What the counts mean, for people reading the command's output.
COUNT_LABELS = {
    "users": "accounts",
    "residents": "bewoners (ook verbinders)",
    "connectors": "verbinders",
    "professionals": "professionals",
    "organisations": "organisaties",
    "memberships": "lidmaatschappen",
    "email_addresses": "e-mailadressen",
    "guided_accounts": "begeleide accounts",
    "consents": "toestemmingen",
    "withdrawn_consents": "ingetrokken toestemmingen",
    "contacts": "contacten",
    "gifts": "gaven (hoofd, handen, hart)",
    "wishes": "wensen (hulp gevraagd)",
    "time_offers": "mensen die tijd geven",
    "availability_slots": "dagdelen met tijd",
    "resources": "middelen om te delen",
    "lendable_resources": "om te lenen of te boeken",
    "places": "plekken op de kaart",
    "place_items": "aanbod van plekken",
    "bookings": "reserveringen",
    "posts": "vragen en aanbod",
    "requests": "waarvan vragen",
    "help_invitations": "uitnodigingen om te helpen",
    "exchanges": "afspraken tussen buren",
    "messages": "berichten",
    "safety_net_cases": "meldingen in het vangnet",
    "notifications": "ongelezen meldingen (demo)",
    "timebank_accounts": "rekeningen in de tijdbank",
    "timebank_transfers": "overboekingen in de tijdbank",
    "timebank_refused": "geweigerd (boven een grens)",
    "initiatives": "bewonersinitiatieven",
    "initiative_tasks": "taken en rollen",
    "activities": "activiteiten",
    "sign_ups": "aanmeldingen",
    "initiative_support": "keer steun (rugdekking)",
    "initiative_news": "nieuwsberichten van initiatieven",
    "task_invitations": "uitnodigingen voor een taak",
    "introductions": "kennismakingen voorgesteld door een verbinder",
    "acquaintances": "keer 'ik ken' tussen buren",
    "watch_groups": "groep die de buurt verbonden wil zien",
    "cbs_figures": "openbare cijfers van het CBS (Haarlem en wijken)",
    "social_map_services": "diensten op de sociale kaart (15 organisaties)",
    "dialogues": "wijkdialogen (een gehouden met zijn oogst, een die nog komt)",
    "harvest_items": "dingen in de oogst van de wijkdialoog",
    "stories": "verhalen van bewoners (een wacht nog op het ja van de verteller)",
    "reflections": "reflecties van twee professionals",
    "initiative_time_gifts": "keer tijd gegeven aan of door een initiatief",
}


@dataclass(slots=True)
class Person:
    username: str
    email: str
    name: str
    first: str = ""  # first name, for the login name of a guided account
    index: int = -1  # position in the list of people
    language: str = "nl"
    is_guided: bool = False
    must_set_secret: bool = False
    password: str = ""
    postcode: str = ""
    pc_index: int = -1  # index in the neighbourhood's postcode list, for contacts
    languages: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    note: str = ""
    age_group: str = ""
    visibility: dict[str, str] = field(default_factory=dict)
    joined: object = None
    # (neighbourhood slug, role, organisation name or "")
    memberships: list[tuple[str, str, str]] = field(default_factory=list)
    isolated: bool = False
    draws: int = 0  # how many contacts this person starts with others
    guided_by: Person | None = None
    # (slug, scope, method, granted_at, withdrawn_at, recorded_by Person or None)
    consents: list[tuple] = field(default_factory=list)
    id: int | None = None  # the account's id, once written


def _public_figures() -> int:
    """Haarlem's CBS Kerncijfers 2024 (the municipality and its wijken; wijkinfo/data/):
    Lindenhof's page shows its wijk next to Haarlem, "Bron: CBS". Kept when already there."""
    from pathlib import Path

    from buurtkracht.wijkinfo.models import CbsTable
    from buurtkracht.wijkinfo.services import kerncijfers_import

    folder = Path(__file__).resolve().parents[1] / "wijkinfo" / "data"
    sources = [
        (
            "85984NED",
            "85984NED",
            "85984NED_Haarlem_GM_WK_stripped_2024.json",
            "Kerncijfers wijken en buurten 2024",
        ),
        (
            "WBK2024",
            "wijkenbuurtenkaart_2024",
            "wijkenbuurtenkaart_2024_Haarlem_leeftijd.csv",
            "Wijk- en buurtkaart 2024: leeftijd",
        ),
    ]
    figures = 0
    for table_id, prefix, name, title in sources:
        if CbsTable.objects.filter(table_id=table_id).exists():
            continue
        _table, plan = kerncijfers_import(
            actor=None,
            table_id=table_id,
            metadata=(folder / f"{prefix}_DataProperties.json").read_bytes(),
            data=(folder / name).read_bytes(),
            filename=name,
            title=title,
        )
        figures += len(plan.figures)
    return figures


def _social_map() -> int:
    """Haarlem's sociale kaart (demo/socialmap.py), shared by its neighbourhoods."""
    import json

    from buurtkracht.demo.socialmap import hsds_organizations
    from buurtkracht.socialmap.models import Service
    from buurtkracht.socialmap.services import hsds_import, stale_reminders

    data = json.dumps(hsds_organizations()).encode()
    count = hsds_import(actor=None, municipality="Haarlem", data=data).counts()["service"]
    # Lindenhof's professionals keep the entries up to date: the demo professional the
    # welfare organisation's, the others in turn; those not checked for a year get their
    # reminder now, so the demo shows one.
    keepers = list(
        Membership.objects.filter(neighbourhood__slug=LINDENHOF, role=Role.PROFESSIONAL)
        .order_by("pk")
        .values_list("pk", "user__username")
    )
    own = next(pk for pk, username in keepers if username == "professional")
    others = [pk for pk, username in keepers if username != "professional"] or [own]
    services = Service.objects.select_related("organization").order_by("pk")
    for n, service in enumerate(services):
        welfare = service.organization and service.organization.name == "Welzijn Lindenhof"
        service.keeper_id = own if welfare else others[n % len(others)]
    Service.objects.bulk_update(services, ["keeper"])
    stale_reminders()
    return count


def generate(*, residents: int = 200, seed: int = 1, stdout=None) -> DemoResult:
    """Build the demo neighbourhoods with `residents` generated residents in Lindenhof
    (plus the fixed demo accounts, professionals and the Vaartkwartier neighbours).

    Raises ValueError (with a Dutch message) when the demo is already there."""
    if residents < 1:
        raise ValueError("Het aantal bewoners moet minstens 1 zijn.")
    existing = list(
        Neighbourhood.objects.filter(slug__in=DEMO_SLUGS).values_list("name", flat=True)
    )
    if existing:
        raise ValueError(
            f"De demobuurt bestaat al ({', '.join(existing)}). Er is niets veranderd. "
            "Begin met een lege database als je de demo opnieuw wilt maken."
        )
    emails = [a.email for a in DEMO_ACCOUNTS if a.email]
    if User.objects.filter(
        Q(username__in=[a.username for a in DEMO_ACCOUNTS]) | Q(email__in=emails)
    ).exists():
        raise ValueError(
            "De inlognamen of e-mailadressen van de demo-accounts zijn al in gebruik in deze "
            "database. Er is niets veranderd. Laad de demo in een lege database."
        )
    started = time.perf_counter()
    builder = _Builder(residents=residents, seed=seed, stdout=stdout)
    with transaction.atomic():
        counts = builder.build()
        counts["cbs_figures"] = _public_figures()
        counts["social_map_services"] = _social_map()
        # Karin runs the demo site too: she sees its background jobs (/beheer/taken/).
        User.objects.filter(username="beheerder").update(is_superuser=True, is_staff=True)
    builder.say("vastgelegd")
    _after_bulk_writes()
    builder.say("statistieken en opgeslagen cijfers bijgewerkt")
    return DemoResult(counts=counts, seconds=time.perf_counter() - started)


def _after_bulk_writes() -> None:
    """The demo is written in bulk (no services, no signals): tell the database what is in
    its tables (ANALYZE), work out each neighbourhood's figures now, and send the network
    and matching refreshes to the queue (small neighbourhoods' pages also compute them)."""
    from buurtkracht.core.database import analyze
    from buurtkracht.jobs import services as jobs

    analyze()
    for neighbourhood_id in Neighbourhood.objects.values_list("pk", flat=True):
        jobs.refresh("stats", neighbourhood_id, owner="demo")
        for kind in ("network", "matching"):
            jobs.snapshot_row(kind, neighbourhood_id)
            jobs.request_refresh(kind, neighbourhood_id)


def _phone(rng: Random) -> str:
    """An invented mobile number for the demo."""
    return f"0612{rng.randint(0, 999999):06d}"


class _Builder:
    def _contact(self, p: Person) -> tuple[str, str]:
        """(phone, contact route): guided accounts without a phone are reached through their
        buurtwerker; about a third of the others keep a number, most of them to be called."""
        rng = self.contact_rng
        if p.is_guided:
            if rng.random() < 0.3:
                return _phone(rng), ContactRoute.PHONE
            return "", ContactRoute.BUURTWERKER
        if rng.random() < 0.35:
            return _phone(rng), ContactRoute.PHONE if rng.random() < 0.7 else ContactRoute.MESSAGES
        if p.email and rng.random() < 0.2:
            return "", ContactRoute.EMAIL
        return "", ContactRoute.MESSAGES

    def __init__(self, *, residents: int, seed: int, stdout=None):
        self.n = residents
        self.rng = Random(seed)
        # Its own generator, so the ages leave every other draw of the demo as it was.
        self.age_rng = Random(f"ages-{seed}")
        # A stream of its own, so adding a field does not move every other random choice.
        self.contact_rng = Random(f"contact-{seed}")
        self.stdout = stdout
        self.now = timezone.now()
        self.started = time.perf_counter()
        self.people: list[Person] = []
        self.usernames: set[str] = set()
        # Hashing is slow on purpose (PBKDF2): once for everybody, with a salt from the seed.
        self.password_hash = make_password(DEMO_PASSWORD, salt=self.token(22))
        self.unusable_password = UNUSABLE_PASSWORD_PREFIX + self.token(40)
        self.lindenhof_postcodes = postcodes(LINDENHOF_PC4, max(6, residents // 12))
        self.vaart_postcodes = postcodes(VAARTKWARTIER_PC4, max(3, residents // 240))

    # -- small helpers -----------------------------------------------------------------

    def build_postcode_areas(self) -> int:
        """Made-up centres for the demo's postcodes, so suggestions can say "300 m": a
        grid around each neighbourhood's centre, about 120 m apart, a little jittered.
        Real neighbourhoods load the national PC6 centres (`postcodes-import`)."""
        from buurtkracht.demo.catalogue import LINDENHOF_CENTRE, VAARTKWARTIER_CENTRE
        from buurtkracht.places.models import PostcodeArea

        areas = []
        for postcode_list, (lat0, lon0) in (
            (self.lindenhof_postcodes, LINDENHOF_CENTRE),
            (self.vaart_postcodes, VAARTKWARTIER_CENTRE),
        ):
            side = max(1, math.ceil(math.sqrt(len(postcode_list))))
            for k, code in enumerate(postcode_list):
                row, col = divmod(k, side)
                lat = lat0 + (row - side / 2) * 0.0011 + self.rng.uniform(-0.0003, 0.0003)
                lon = lon0 + (col - side / 2) * 0.0017 + self.rng.uniform(-0.0004, 0.0004)
                areas.append(
                    PostcodeArea(
                        postcode=code,
                        latitude=Decimal(f"{lat:.5f}"),
                        longitude=Decimal(f"{lon:.5f}"),
                        source="demo",
                    )
                )
        PostcodeArea.objects.bulk_create(areas, batch_size=2000, ignore_conflicts=True)
        return len(areas)

    def token(self, length: int) -> str:
        return "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(length))

    def say(self, message: str) -> None:
        if self.stdout is not None:
            elapsed = time.perf_counter() - self.started
            self.stdout.write(f"  {message} ({elapsed:.1f} s)")

    def pick(self, weighted: Weighted):
        return weighted.draw(self.rng)

    def moment_since(self, start, share: float = 1.0):
        """A moment between `start` and now (within the first `share` of that time)."""
        span = (self.now - start).total_seconds()
        return start + timedelta(seconds=int(span * share * self.rng.random()))

    # -- people --------------------------------------------------------------------------

    def new_person(self, *, username: str, email: str, background: Background | None = None):
        rng = self.rng
        background = background or self.pick(BACKGROUND_CHOICE)
        first = rng.choice(background.names)
        name = background.nicknames.get(first, first) if rng.random() < 0.7 else first
        if rng.random() < 0.22:
            name = f"{name} {rng.choice(INITIALS)}."
        languages = list(self.pick(LANGUAGE_CHOICE[background.key]))
        return Person(
            username=username,
            email=email,
            name=name,
            first=first,
            language="en" if rng.randrange(100) < background.english_ui else "nl",
            password=self.password_hash,
            languages=languages,
            visibility={key: self.pick(weighted) for key, weighted in VISIBILITY_CHOICE.items()},
            joined=self.now - timedelta(days=rng.randint(1, 1400), seconds=rng.randrange(86400)),
        )

    def add_needs(self, person: Person, share: float) -> None:
        rng = self.rng
        if rng.random() < share:
            count = 1 if rng.random() < 0.7 else 2
            needs = {self.pick(ACCESSIBILITY_CHOICE) for _ in range(count)}
            person.needs = [code for code in ACCESSIBILITY_CODES if code in needs]
            if rng.random() < 0.3:
                person.note = rng.choice(ACCESSIBILITY_NOTES)

    def age_of(self, person: Person) -> str:
        """Two in three residents say their age; young people are fewer here than in the
        wijk (so "Wie is er (nog) niet bij?" has something to show)."""
        rng = self.age_rng
        if person.age_group or rng.random() >= 0.66:
            return person.age_group
        return rng.choices(AGE_GROUPS, weights=AGE_WEIGHTS)[0]

    def place(self, person: Person, postcode_list: list[str]) -> None:
        person.pc_index = self.rng.randrange(len(postcode_list))
        person.postcode = postcode_list[person.pc_index]

    def guided_username(self, first: str) -> str:
        base = slugify(first)[:20] or "bewoner"
        while True:
            candidate = f"{base}-{''.join(self.rng.choice('23456789') for _ in range(4))}"
            if candidate not in self.usernames:
                self.usernames.add(candidate)
                return candidate

    def build_people(self) -> None:
        rng = self.rng
        # The fixed demo accounts come first, so they have the lowest ids.
        demo: dict[str, Person] = {}
        for account in DEMO_ACCOUNTS:
            demo[account.username] = self.demo_person(account)
        self.demo = demo
        self.people.extend(demo.values())

        # Professionals, spread over the three organisations.
        self.professionals: list[Person] = [demo["professional"]]
        for i in range(max(3, min(30, self.n // 40))):
            organisation = ORGANISATIONS[i % 3][0]
            local = f"medewerker{i + 1:02d}"
            person = self.new_person(username=local, email=f"{local}@{DEMO_DOMAIN}")
            person.memberships.append((LINDENHOF, Role.PROFESSIONAL, organisation))
            person.visibility["display_name"] = Visibility.NEIGHBOURHOOD
            self.professionals.append(person)
            self.people.append(person)
        # One professional of the housing association also works in Vaartkwartier.
        self.vaart_professional = self.professionals[2]
        self.vaart_professional.memberships.append(
            (VAARTKWARTIER, Role.PROFESSIONAL, ORGANISATIONS[1][0])
        )
        self.org_of = {p.username: p.memberships[0][2] for p in self.professionals}
        self.org_of["professional"] = ORGANISATIONS[0][0]

        # Lindenhof residents: about 5% connectors, 6% guided accounts without e-mail,
        # 10% without any contact yet.
        connectors = set(rng.sample(range(self.n), max(1, round(self.n * 0.05))))
        self.lindenhof: list[Person] = []
        for i in range(self.n):
            local = f"bewoner{i + 1:04d}"
            guided = rng.random() < 0.06 and i not in connectors
            person = self.new_person(
                username=local, email="" if guided else f"{local}@{DEMO_DOMAIN}"
            )
            role = Role.CONNECTOR if i in connectors else Role.RESIDENT
            person.memberships.append((LINDENHOF, role, ""))
            self.place(person, self.lindenhof_postcodes)
            if guided:
                self.make_guided(person, rng.choice(self.professionals))
            self.add_needs(person, 0.55 if guided else 0.12)
            if role == Role.CONNECTOR:
                person.draws = rng.randint(5, 10)
            elif rng.random() < 0.10:
                person.isolated = True
            else:
                person.draws = self.pick(DRAWS_CHOICE)
            self.lindenhof.append(person)
            self.people.append(person)
        for username in ("verbinder", "bewoner", "henk-demo"):
            self.lindenhof.append(demo[username])

        # Vaartkwartier: some Lindenhof residents are members too, the rest live only there.
        size = max(10, self.n // 20)
        shared = rng.sample(self.lindenhof[: self.n], min(self.n, max(2, size // 4)))
        self.vaart: list[Person] = []
        for person in shared:
            person.memberships.append((VAARTKWARTIER, Role.RESIDENT, ""))
            self.vaart.append(person)
        for i in range(size - len(shared)):
            local = f"buur{i + 1:04d}"
            guided = i % 10 == 9
            person = self.new_person(
                username=local, email="" if guided else f"{local}@{DEMO_DOMAIN}"
            )
            role = Role.CONNECTOR if i == 0 else Role.RESIDENT
            person.memberships.append((VAARTKWARTIER, role, ""))
            self.place(person, self.vaart_postcodes)
            if guided:
                self.make_guided(person, self.vaart_professional, slug=VAARTKWARTIER)
            self.add_needs(person, 0.5 if guided else 0.12)
            person.draws = rng.randint(5, 8) if role == Role.CONNECTOR else rng.choice([0, 1, 1, 2])
            self.vaart.append(person)
            self.people.append(person)
        self.vaart.append(demo["buur"])

        # Consents, in the neighbourhood where each person lives (first membership).
        for person in self.people:
            if person.username in demo or person.memberships[0][1] not in (
                Role.RESIDENT,
                Role.CONNECTOR,
            ):
                continue
            self.add_consents(person)

    def make_guided(self, person: Person, professional: Person, slug: str = LINDENHOF) -> None:
        rng = self.rng
        person.username = self.guided_username(person.first)
        person.is_guided = True
        person.guided_by = professional
        person.language = "nl"
        if rng.random() < 0.5:  # has not logged in with the card yet
            person.must_set_secret = True
            person.password = self.unusable_password
        granted = self.moment_since(person.joined, 0.1)
        method = Method.PAPER if rng.random() < 0.6 else Method.VERBAL
        person.consents.append((slug, "guided_account", method, granted, None, professional))

    def add_consents(self, person: Person) -> None:
        rng = self.rng
        slug = person.memberships[0][0]
        for scope, share in CONSENT_SHARES.items():
            if scope == "connector_outreach" and person.isolated:
                share = 0.5
            if rng.random() >= share:
                continue
            if person.is_guided:
                method = Method.PAPER if rng.random() < 0.6 else Method.VERBAL
                recorded_by = person.guided_by
            else:
                method = self.pick(ONLINE_METHOD_CHOICE)
                recorded_by = (
                    None if method == Method.ONLINE else rng.choice(self.professionals[:3])
                )
                if slug == VAARTKWARTIER and recorded_by is not None:
                    recorded_by = self.vaart_professional
            granted = self.moment_since(person.joined, 0.5)
            if rng.random() < WITHDRAWN_SHARE:
                withdrawn = granted + (self.now - granted) * (0.2 + 0.6 * rng.random())
                person.consents.append((slug, scope, method, granted, withdrawn, recorded_by))
                if rng.random() < REGRANTED_SHARE:  # changed their mind again
                    again = self.moment_since(withdrawn, 0.9)
                    if not person.is_guided:
                        method, recorded_by = Method.ONLINE, None
                    person.consents.append((slug, scope, method, again, None, recorded_by))
            else:
                person.consents.append((slug, scope, method, granted, None, recorded_by))

    def demo_person(self, account: DemoAccount) -> Person:
        person = Person(
            username=account.username,
            email=account.email,
            name=account.name,
            password=self.password_hash,
            joined=self.now - timedelta(days=400),
            visibility={
                "display_name": Visibility.NEIGHBOURHOOD,
                "postcode": Visibility.PRIVATE,
                "languages": Visibility.NEIGHBOURHOOD,
                "accessibility": Visibility.PRIVATE,
                "photo": Visibility.NEIGHBOURHOOD,
            },
            languages=["nl"],
            first=account.name,
        )
        for slug in (account.neighbourhood, *account.also):
            person.memberships.append((slug, account.role, account.organisation))
        resident = account.role in (Role.RESIDENT, Role.CONNECTOR)
        if resident:
            self.place(
                person,
                self.vaart_postcodes
                if account.neighbourhood == VAARTKWARTIER
                else self.lindenhof_postcodes,
            )
        ago = self.now - timedelta(days=300)
        slug = account.neighbourhood
        if account.username == "bewoner":
            person.languages = ["nl", "en"]
            person.draws = 3
            person.consents += [
                (slug, "network_names", Method.ONLINE, ago, None, None),
                (slug, "safety_net", Method.ONLINE, ago, None, None),
                (slug, "group_count", Method.ONLINE, ago, ago + timedelta(days=30), None),
                # A connector may invite helpers on her requests; she decides first.
                (slug, "connector_outreach", Method.ONLINE, ago, None, None),
            ]
        elif account.username == "verbinder":
            person.languages = ["nl", "ar", "zgh"]
            person.visibility["postcode"] = Visibility.NEIGHBOURHOOD
            person.draws = 12
            person.consents.append((slug, "network_names", Method.ONLINE, ago, None, None))
        elif account.username == "buur":
            person.languages = ["pl", "nl", "en"]
            person.language = "nl"
            person.draws = 3
            person.consents.append((slug, "connector_outreach", Method.ONLINE, ago, None, None))
        elif account.guided:
            person.is_guided = True
            person.password = make_password(account.password, salt=self.token(22))
            person.needs = ["easy_language", "read_aloud"]
            person.note = "Ik lees niet zo goed. Leg het mij liever uit."
            person.draws = 1
        elif account.role == Role.PROFESSIONAL:
            person.languages = ["nl", "ar", "en"]
        self.usernames.add(account.username)
        return person

    # -- contacts ------------------------------------------------------------------------

    def contacts(self, members: list[Person], postcode_count: int) -> set[tuple[int, int]]:
        """Pairs of people in contact: mostly in the same street (postcode), some in the
        streets around, a few across the neighbourhood. Isolated people have none."""
        rng = self.rng
        candidates = [p for p in members if not p.isolated]
        by_postcode: dict[int, list[Person]] = defaultdict(list)
        for person in candidates:
            by_postcode[person.pc_index].append(person)
        pairs: set[tuple[int, int]] = set()
        for person in candidates:
            for _ in range(person.draws):
                r = rng.random()
                if person.draws >= 5 and r < 0.5:  # connectors reach across the neighbourhood
                    bucket = candidates
                elif r < 0.65:
                    bucket = by_postcode[person.pc_index]
                elif r < 0.9:
                    shift = rng.choice((-3, -2, -1, 1, 2, 3))
                    bucket = by_postcode.get((person.pc_index + shift) % postcode_count, [])
                else:
                    bucket = candidates
                if not bucket:
                    continue
                other = rng.choice(bucket)
                if other is person:
                    continue
                a, b = sorted((person.index, other.index))
                pairs.add((a, b))
        return pairs

    # -- writing -------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        rng, now = self.rng, self.now
        organisations = {}
        for name, sector in ORGANISATIONS:
            organisations[name], _created = Organisation.objects.get_or_create(
                name=name, defaults={"sector": sector}
            )
        org_ids = {name: org.pk for name, org in organisations.items()}
        neighbourhoods = {
            slug: Neighbourhood.objects.create(slug=slug, **fields)
            for slug, fields in NEIGHBOURHOODS.items()
        }
        nb_ids = {slug: nb.pk for slug, nb in neighbourhoods.items()}

        self.build_people()
        postcode_areas = self.build_postcode_areas()
        henk = self.demo["henk-demo"]
        henk.guided_by = self.demo["professional"]
        henk.consents += [
            (LINDENHOF, "guided_account", Method.PAPER, henk.joined, None, henk.guided_by),
            (LINDENHOF, "network_names", Method.VERBAL, henk.joined, None, henk.guided_by),
        ]
        people = self.people
        for index, person in enumerate(people):
            person.index = index
        self.say(f"{len(people)} mensen bedacht")

        before = User.objects.aggregate(last=Max("pk"))["last"] or 0
        insert_rows(
            User,
            [
                "username",
                "email",
                "password",
                "language",
                "is_guided",
                "must_set_secret",
                "date_joined",
            ],
            (
                (
                    p.username,
                    p.email,
                    p.password,
                    p.language,
                    p.is_guided,
                    p.must_set_secret,
                    p.joined,
                )
                for p in people
            ),
            now=now,
        )
        ids = dict(User.objects.filter(pk__gt=before).values_list("username", "pk"))
        for person in people:
            person.id = ids[person.username]
        self.say(f"{len(people)} accounts")

        insert_rows(
            Profile,
            [
                "user",
                "display_name",
                "display_name_visibility",
                "postcode",
                "postcode_visibility",
                "languages",
                "languages_visibility",
                "accessibility_needs",
                "accessibility_note",
                "accessibility_visibility",
                "age_group",
                "photo_visibility",
                "phone",
                "contact_route",
                "updated_at",
                "search_name",
            ],
            (
                (
                    p.id,
                    p.name,
                    p.visibility["display_name"],
                    p.postcode,
                    p.visibility["postcode"],
                    p.languages,
                    p.visibility["languages"],
                    p.needs,
                    p.note,
                    p.visibility["accessibility"],
                    self.age_of(p),
                    p.visibility["photo"],
                    *self._contact(p),
                    p.joined,
                    name_key(p.name),
                )
                for p in people
            ),
            now=now,
        )
        self.say("profielen")

        memberships = [
            (p.id, nb_ids[slug], role, org_ids[org] if org else None, p.joined)
            for p in people
            for slug, role, org in p.memberships
        ]
        insert_rows(
            Membership,
            ["user", "neighbourhood", "role", "organisation", "joined_at"],
            memberships,
            now=now,
        )
        self.say(f"{len(memberships)} lidmaatschappen")

        emails = insert_rows(
            EmailAddress,
            ["user", "email", "verified", "primary"],
            ((p.id, p.email, True, True) for p in people if p.email),
            now=now,
        )
        guided = insert_rows(
            GuidedAccount,
            ["user", "neighbourhood", "registered_by", "organisation", "created_at"],
            (
                (
                    p.id,
                    nb_ids[p.memberships[0][0]],
                    p.guided_by.id,
                    org_ids[self.org_of[p.guided_by.username]],
                    p.joined,
                )
                for p in people
                if p.is_guided
            ),
            now=now,
        )
        self.say(f"{emails} e-mailadressen, {guided} begeleide accounts")

        consents = [
            (
                p.id,
                nb_ids[slug],
                scope,
                method,
                granted,
                withdrawn,
                recorded_by.id if recorded_by else None,
            )
            for p in people
            for slug, scope, method, granted, withdrawn, recorded_by in p.consents
        ]
        insert_rows(
            Consent,
            [
                "user",
                "neighbourhood",
                "scope",
                "method",
                "granted_at",
                "withdrawn_at",
                "recorded_by",
            ],
            consents,
            now=now,
        )
        self.say(f"{len(consents)} toestemmingen")

        pairs = self.contacts(self.lindenhof, len(self.lindenhof_postcodes))
        pairs |= self.contacts(self.vaart, len(self.vaart_postcodes))
        # Henk knows the connector who helped him onto the platform.
        pairs.add(tuple(sorted((self.demo["verbinder"].index, henk.index))))
        contacts = []
        for a, b in sorted(pairs):
            first, second = people[a], people[b]
            low, high = sorted((first.id, second.id))
            since = self.moment_since(max(first.joined, second.joined))
            contacts.append((low, high, self.pick(CONTACT_SOURCE_CHOICE), since))
        insert_rows(Contact, ["user_a", "user_b", "source", "since"], contacts, now=now)
        self.say(f"{len(contacts)} contacten")

        Invitation.objects.create(
            neighbourhood=neighbourhoods[VAARTKWARTIER],
            code="".join(rng.choice(codes.ALPHABET) for _ in range(8)),
            note="Buren aan de Vaart",
            created_by_id=self.demo["beheerder"].id,
            expires_at=now + timedelta(days=90),
            max_uses=50,
            uses=rng.randint(3, 12),
        )
        for account in DEMO_ACCOUNTS:
            if account.totp:
                user = User.objects.get(pk=self.demo[account.username].id)
                TOTP.activate(user, DEMO_TOTP_SECRET)

        # Gifts, wishes, time, resources, places and bookings (sharing.py).
        sharer = Sharing(self, nb_ids)
        sharing = sharer.build()
        # Requests and offers, invitations, exchanges and the safety net (helping.py);
        # every exchange is also a contact (once per pair).
        helping = Helping(self, nb_ids, sharer).build({(c[0], c[1]) for c in contacts})
        contact_count = len(contacts) + helping.pop("new_contacts")
        # Months of time bank history in Lindenhof (timebank.py).
        timebank = TimeBank(self, nb_ids).build()
        # Resident initiatives with tasks, activities and sign-ups (initiatives.py).
        initiatives = Initiatives(self, nb_ids).build()
        # Network extras: a group to connect, introductions, "ik ken" (network.py).
        network = Network(self, nb_ids).build()
        # A dialogue held, with its harvest (one action became the Sunday dinner), and one
        # to come (dialogue.py).
        dialogues = Dialogues(self, nb_ids).build()

        lindenhof_roles = [
            role for p in people for slug, role, _org in p.memberships if slug == LINDENHOF
        ]
        all_roles = [role for p in people for _slug, role, _org in p.memberships]
        return {
            "postcode_areas": postcode_areas,
            "users": len(people),
            "residents": sum(1 for r in lindenhof_roles if r in (Role.RESIDENT, Role.CONNECTOR)),
            "connectors": all_roles.count(Role.CONNECTOR),
            "professionals": len(self.professionals),
            "organisations": len(organisations),
            "memberships": len(memberships),
            "email_addresses": emails,
            "guided_accounts": guided,
            "consents": len(consents),
            "withdrawn_consents": sum(1 for c in consents if c[5] is not None),
            "contacts": contact_count,
            **sharing,
            **helping,
            **timebank,
            **initiatives,
            **network,
            **dialogues,
            # Counted again after the initiatives opened theirs.
            "timebank_accounts": initiatives.get(
                "timebank_accounts", timebank.get("timebank_accounts", 0)
            ),
        }


def postcodes(pc4: int, count: int) -> list[str]:
    """`count` made-up PC6 postcodes: 2031AA, 2031AB, ..., then 2032AA and so on."""
    result = []
    number = pc4
    while len(result) < count:
        for first in POSTCODE_LETTERS:
            for second in POSTCODE_LETTERS:
                if first == "S" and second in "ADS":
                    continue
                result.append(f"{number}{first}{second}")
                if len(result) == count:
                    return result
        number += 1
    return result
