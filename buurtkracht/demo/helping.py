"""Requests (vraag) and offers (aanbod) in Lindenhof, the invitations to help, the
exchanges that followed with their messages and thank-you notes, the safety net and a few
unread notifications for the demo accounts.

Part of the demo generator (generator.py): it draws from the generator's one
`random.Random`, after gifts and places are written (sharing.py), and writes each table in
one go with `bulk.insert_rows`. Posts, invitations and exchanges are read back (in the
order they were written) for their ids. The number of posts grows with the neighbourhood
but is capped, so 100,000 residents cost no more than a few thousand rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.urls import reverse
from django.utils import timezone

from buurtkracht.exchange.models import Exchange, HelpInvitation, Message, Post
from buurtkracht.gifts.models import TaxonomyCategory, TaxonomyItem
from buurtkracht.notifications.models import Notification
from buurtkracht.people.models import Contact
from buurtkracht.support.models import SafetyNetCase, SafetyNetMessage, SupportSettings

from .bulk import insert_rows
from .weighted import Weighted

if TYPE_CHECKING:
    from .generator import Person, _Builder
    from .sharing import Sharing

LINDENHOF = "lindenhof"
REQUEST_SHARE, REQUEST_MIN, REQUEST_CAP = 0.08, 12, 5_000
OFFER_SHARE, OFFER_MIN, OFFER_CAP = 0.03, 6, 2_000
HOSPITAL_BUNDLE = 10
SAFETY_NET_DAYS = 7
HISTORY_DAYS = 120
# Open requests are recent: older ones would already be in the safety net.
OPEN_DAYS = 6


class Template(NamedTuple):
    item: str | None  # taxonomy item key (None: only the category)
    category: str
    where: str  # home / neighbourhood
    when: str  # date / window / flexible
    texts: tuple[str, ...]
    weight: int = 1
    recurring: bool = False


REQUESTS = (
    # Asked in the language people speak at home (issue 18): the offers are in Dutch, the
    # semantic part still finds who can help.
    Template(
        "boodschappen-doen",
        "boodschappen",
        "home",
        "flexible",
        (
            "هل يمكن لأحد أن يساعدني في التسوق هذا الأسبوع؟",
            "Bu hafta alışverişime yardım edebilecek biri var mı?",
            "Czy ktoś może mi pomóc z zakupami w tym tygodniu?",
            "Чи може хтось допомогти мені з покупками цього тижня?",
        ),
        2,
    ),
    Template(
        "boodschappen-doen",
        "boodschappen",
        "home",
        "date",
        (
            "Kan iemand deze week boodschappen voor mij doen? Ik kom moeilijk de deur uit.",
            "Wie wil op vrijdag een paar boodschappen voor mij meenemen van de supermarkt?",
            "Ik heb griep. Wie haalt brood, melk en wat fruit voor mij?",
        ),
        4,
    ),
    Template(
        "zware-boodschappen",
        "boodschappen",
        "home",
        "date",
        ("Wie helpt mij met zware boodschappen, zoals kratten water en kattenbakkorrels?",),
        2,
    ),
    Template(
        "medicijnen-ophalen",
        "boodschappen",
        "neighbourhood",
        "date",
        ("Kan iemand mijn medicijnen ophalen bij de apotheek op het plein?",),
        2,
    ),
    Template(
        "vervoer-ziekenhuis",
        "vervoer",
        "neighbourhood",
        "date",
        (
            "Wie kan mij naar het ziekenhuis brengen? Ik heb een afspraak in het Spaarne Gasthuis.",
            "Ik zoek vervoer naar het ziekenhuis voor een controle. Terug mag met de bus.",
            "Wie rijdt mij naar het ziekenhuis? Ik mag na de behandeling niet zelf fietsen.",
        ),
        3,
    ),
    Template(
        "vervoer-huisarts",
        "vervoer",
        "neighbourhood",
        "date",
        ("Wie brengt mij naar de huisarts? Het is te ver om te lopen.",),
        2,
    ),
    Template(
        "fiets-repareren",
        "vervoer",
        "neighbourhood",
        "flexible",
        (
            "Mijn fietsband is lek. Wie kan hem plakken?",
            "Mijn fiets remt slecht en de ketting springt eraf. Wie kijkt even?",
            "Kan iemand mijn fietsband plakken? Ik heb zelf geen plakspullen.",
        ),
        4,
    ),
    Template(
        "computerhulp",
        "digitaal",
        "home",
        "flexible",
        (
            "Mijn laptop is heel traag. Wie kan er even naar kijken?",
            "Ik wil foto's bij een mail doen maar het lukt niet. Wie helpt mij op de computer?",
        ),
        3,
    ),
    Template(
        "digid",
        "digitaal",
        "home",
        "flexible",
        ("Ik krijg mijn DigiD niet werkend. Wie kan mij helpen?",),
        2,
    ),
    Template(
        "whatsapp",
        "digitaal",
        "home",
        "flexible",
        ("Mijn kleinkinderen sturen foto's via WhatsApp. Wie laat mij zien hoe dat werkt?",),
        2,
    ),
    Template(
        "formulieren-invullen",
        "papierwerk",
        "home",
        "date",
        (
            "Ik heb een formulier van de gemeente gekregen en snap het niet. Wie helpt mij "
            "het in te vullen?",
            "Wie helpt mij met het formulier voor de kwijtschelding van de gemeente?",
        ),
        3,
    ),
    Template(
        "brieven-uitleggen",
        "papierwerk",
        "home",
        "flexible",
        ("Ik kreeg een brief van de Belastingdienst. Kan iemand uitleggen wat erin staat?",),
        2,
    ),
    Template(
        "gezelschap",
        "gezelschap",
        "home",
        "flexible",
        (
            "Ik ben veel alleen. Wie komt er eens een kopje koffie drinken?",
            "Ik zou het fijn vinden als iemand af en toe langskomt voor een praatje.",
        ),
        3,
        True,
    ),
    Template(
        "samen-wandelen",
        "gezelschap",
        "neighbourhood",
        "flexible",
        ("Wie wil af en toe met mij een rondje wandelen door het park?",),
        2,
        True,
    ),
    Template(
        "hond-uitlaten",
        "dieren",
        "neighbourhood",
        "window",
        (
            "Wie kan volgende week mijn hond uitlaten? Ik ben aan mijn knie geopereerd.",
            "Ik zoek iemand die 's middags mijn hond Bobby wil uitlaten.",
        ),
        3,
    ),
    Template(
        "kat-verzorgen",
        "dieren",
        "home",
        "window",
        ("Ik ga een week naar mijn zus. Wie geeft mijn kat eten?",),
        1,
    ),
    Template(
        "klusjes",
        "klussen",
        "home",
        "flexible",
        (
            "Er zijn wat klusjes in huis: een lamp ophangen en een deur die klemt.",
            "Wie helpt mij met een paar klusjes? Ik kan zelf niet meer op een trap staan.",
        ),
        3,
    ),
    Template(
        "ophangen",
        "klussen",
        "home",
        "date",
        ("Wie kan een paar schilderijen en een plank ophangen? Ik heb geen boormachine.",),
        2,
    ),
    Template(
        "verhuizen",
        "klussen",
        "neighbourhood",
        "date",
        ("Ik verhuis naar een kleinere woning in de wijk. Wie helpt dozen dragen?",),
        1,
    ),
    Template(
        "gras-maaien",
        "tuin",
        "home",
        "flexible",
        ("Mijn tuintje is een jungle geworden. Wie helpt mij met gras maaien?",),
        1,
    ),
    Template(
        "oppassen",
        "kinderen",
        "home",
        "date",
        ("Wie kan zaterdagavond een paar uur op mijn kinderen passen?",),
        1,
    ),
    Template(
        "taalmaatje",
        "taal",
        "neighbourhood",
        "flexible",
        ("Ik wil beter Nederlands praten. Wie wil een keer per week met mij oefenen?",),
        1,
        True,
    ),
    Template(
        None,
        "klussen",
        "home",
        "flexible",
        ("Mijn wasmachine lekt een beetje. Weet iemand wat dat kan zijn?",),
        1,
    ),
    Template(
        None,
        "gezelschap",
        "neighbourhood",
        "flexible",
        ("Wie gaat er mee naar de markt op zaterdag? Samen is het gezelliger.",),
        1,
    ),
)

OFFERS = (
    Template(
        "koken",
        "koken",
        "home",
        "flexible",
        ("Ik kook op woensdag een pan soep extra. Wie wil een bakje?",),
        3,
        True,
    ),
    Template(
        "maaltijd-brengen",
        "koken",
        "home",
        "flexible",
        ("Ik breng op vrijdag een warme maaltijd rond. Zeg het gerust als je wilt mee-eten.",),
        2,
        True,
    ),
    Template(
        "bakken",
        "koken",
        "home",
        "flexible",
        ("Ik bak op zondag appeltaart. Er is altijd een stuk over voor een buur.",),
        1,
        True,
    ),
    Template(
        "fiets-repareren",
        "vervoer",
        "neighbourhood",
        "flexible",
        ("Ik repareer fietsen op zaterdag. Kom gerust langs met je fiets.",),
        3,
        True,
    ),
    Template(
        "autorit",
        "vervoer",
        "neighbourhood",
        "flexible",
        ("Ik heb een auto en rijd je graag naar de huisarts of het ziekenhuis.",),
        2,
    ),
    Template(
        "computerhulp",
        "digitaal",
        "home",
        "flexible",
        ("Ik help met de computer, de telefoon en de tablet. Op dinsdagmiddag heb ik tijd.",),
        2,
        True,
    ),
    Template(
        "formulieren-invullen",
        "papierwerk",
        "home",
        "flexible",
        ("Ik help met formulieren en brieven van de gemeente. Ik werkte vroeger bij de balie.",),
        2,
    ),
    Template(
        "hond-uitlaten",
        "dieren",
        "neighbourhood",
        "flexible",
        ("Ik laat elke ochtend mijn hond uit en neem de jouwe graag mee.",),
        2,
        True,
    ),
    Template(
        "koffie-drinken",
        "gezelschap",
        "home",
        "flexible",
        ("Ik drink graag een kopje koffie met je en maak een praatje.",),
        2,
    ),
    Template(
        "klusjes",
        "klussen",
        "home",
        "flexible",
        ("Ik ben handig en doe graag kleine klusjes in huis, zoals een lamp ophangen.",),
        2,
    ),
    Template(
        "boodschappen-doen",
        "boodschappen",
        "neighbourhood",
        "flexible",
        ("Ik ga elke donderdag naar de markt en neem graag iets voor je mee.",),
        2,
        True,
    ),
    Template(
        "huiswerkhulp",
        "kinderen",
        "neighbourhood",
        "flexible",
        ("Ik help kinderen met hun huiswerk, vooral met rekenen.",),
        1,
        True,
    ),
)

# Requests that need more than a neighbour can give: they reach the safety net.
SAFETY_NET_REQUESTS = (
    (
        "schulden",
        "Ik heb schulden en de rekeningen stapelen zich op. Ik weet niet waar ik moet beginnen.",
        "new",
    ),
    (
        "mantelzorger-ontlasten",
        "Ik zorg voor mijn man met dementie en ik kan het niet meer alleen. Wie helpt?",
        "new",
    ),
    (
        "huurzaken",
        "Mijn huis is vochtig en de verhuurder doet niets. Ik weet niet wat ik moet doen.",
        "contacted",
    ),
    (
        "steun-somberheid",
        "Ik voel me al weken somber en zie bijna niemand. Kan iemand met mij praten?",
        "referred",
    ),
)
CASE_NOTES = {
    "contacted": "Gebeld en een huisbezoek afgesproken voor volgende week.",
    "referred": "Samen besproken; ze gaat naar het inloopspreekuur in het buurthuis.",
}

INVITE_MESSAGES = (
    "Ik zag dat je hier goed in bent. Wil je mij helpen?",
    "Hoi buur, heb je hier misschien tijd voor?",
    "Zou je mij willen helpen? Nee zeggen mag ook.",
    "",
)
OFFER_ANSWERS = (
    "Ik wil graag een keer meedoen!",
    "Wat aardig. Mag ik hier gebruik van maken?",
    "Ik ben nieuw in de buurt en vind dit heel fijn.",
)
MESSAGES_HELPED = (
    "Hoi! Wat fijn dat je wilt helpen.",
    "Komt donderdagmiddag rond twee uur je uit?",
    "Ik woon op nummer 14, de bel doet het niet, dus klop maar hard.",
    "Top, tot dan!",
)
MESSAGES_HELPER = (
    "Graag gedaan. Wanneer komt het je uit?",
    "Donderdag is prima, ik kom langs.",
    "Ik neem zelf gereedschap mee.",
    "Ik sta om tien uur voor de deur.",
)
THANKS = (
    "Heel erg bedankt voor je hulp!",
    "Dank je wel, het was ook nog gezellig.",
    "Super bedankt, ik ben er echt blij mee.",
    "Wat fijn dat je er was. Dank je wel!",
    "Dank je! Volgende keer trakteer ik op koffie.",
)
ITEM_THANKS = {
    "fiets-repareren": "Dank je wel, het fietsje rijdt weer!",
    "vervoer-ziekenhuis": "Dank je wel voor het rijden. Alles ging goed bij de dokter.",
    "hond-uitlaten": "Dank je wel! Bobby was helemaal blij met je.",
    "computerhulp": "Dank je wel, de laptop is weer snel.",
    "formulieren-invullen": "Dank je wel, het formulier is op tijd verstuurd.",
}

SANNE_OPEN = "Wie kan mij helpen met mijn fietsband? Hij is lek."
SANNE_STALE = "Heeft iemand een ladder die ik een middag kan lenen? Voor de dakgoot."
SANNE_DONE = "Het fietsje van mijn dochter heeft een losse ketting. Wie kan even kijken?"
SANNE_THANKS = "Dank je wel, het fietsje rijdt weer!"
FORM_REQUEST = (
    "Ik heb een formulier van de gemeente gekregen en snap het niet. Wie helpt mij het in "
    "te vullen?"
)


def _check(ids: list[int], made: list) -> None:
    """Rows are read back in the order they were written: one id for each."""
    if len(ids) != len(made):
        raise RuntimeError("De demo kon de nieuwe rijen niet teruglezen.")


class Draft(NamedTuple):
    """A post made up in memory; `index` is its position in the written order."""

    author: Person
    kind: str
    template: Template | None
    item_key: str | None
    category_key: str | None
    text: str
    when: str
    starts_at: datetime | None
    ends_at: datetime | None
    where: str
    recurring: bool
    needs_more: bool
    status: str
    created_at: datetime
    safety_net_at: datetime | None


class Helping:
    def __init__(self, builder: _Builder, nb_ids: dict[str, int], sharing: Sharing):
        self.b = builder
        self.rng = builder.rng
        self.now = builder.now
        self.tz = timezone.get_current_timezone()
        self.nb = nb_ids[LINDENHOF]
        self.sharing = sharing
        self.posts: list[Draft] = []
        # (post index, invitee, invited_by, message, reason, status, created, answered)
        self.invitations: list[tuple] = []
        # (invitation index, helper, helped, agreed, done helper, done helped, thanks, created)
        self.exchanges: list[tuple] = []
        self.messages: list[tuple] = []  # (exchange index, author, text, created)
        self.load_taxonomy()
        self.request_choice = Weighted([(t, t.weight) for t in REQUESTS if self.fits(t)])
        self.offer_choice = Weighted([(t, t.weight) for t in OFFERS if self.fits(t)])

    # -- helpers -------------------------------------------------------------------------

    def load_taxonomy(self) -> None:
        self.category_id = dict(TaxonomyCategory.objects.values_list("key", "pk"))
        rows = TaxonomyItem.objects.filter(neighbourhood__isnull=True).values_list(
            "key", "pk", "category__key", "label_nl"
        )
        self.item_id = {key: pk for key, pk, _c, _l in rows}
        self.item_category = {key: category for key, _p, category, _l in rows}
        self.item_label = {key: label for key, _p, _c, label in rows}
        # Who has which gift (Lindenhof only), to invite people whose gifts fit.
        members = {p.id: p for p in self.b.lindenhof}
        category_of = {pk: self.item_category[key] for key, pk in self.item_id.items()}
        self.givers: dict[int, list[Person]] = defaultdict(list)
        self.category_givers: dict[str, list[Person]] = defaultdict(list)
        for owner, _kind, item_id, _text, _visibility, _created in self.sharing.gifts:
            person = members.get(owner)
            if person is None or item_id is None:
                continue
            self.givers[item_id].append(person)
            self.category_givers[category_of[item_id]].append(person)

    def fits(self, template: Template) -> bool:
        if template.item is not None:
            return template.item in self.item_id
        return template.category in self.category_id

    def local(self, day: datetime, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day.astimezone(self.tz).date(), time(hour, minute), tzinfo=self.tz)

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(seconds=int(days * 86400))

    @staticmethod
    def has_safety_net(person: Person) -> bool:
        return any(
            slug == LINDENHOF and scope == "safety_net" and withdrawn is None
            for slug, scope, _method, _granted, withdrawn, _by in person.consents
        )

    def timing(self, when: str, created: datetime):
        rng = self.rng
        if when == "date":
            start = self.local(created + timedelta(days=rng.randint(1, 12)), rng.randint(9, 18))
            return start, start + timedelta(hours=rng.choice((1, 2, 3)))
        if when == "window":
            start = self.local(created + timedelta(days=rng.randint(2, 10)), 8)
            return start, start + timedelta(days=rng.randint(3, 7))
        return None, None

    def add_post(self, author, kind, template, text, *, created, status, when=None, **extra):
        when = when or (template.when if template else "flexible")
        starts_at, ends_at = extra.pop("times", None) or self.timing(when, created)
        item_key = template.item if template else extra.pop("item", None)
        category = (
            template.category
            if template and template.item is None
            else self.item_category.get(item_key)
        )
        draft = Draft(
            author=author,
            kind=kind,
            template=template,
            item_key=item_key,
            category_key=category,
            text=text,
            when=when,
            starts_at=starts_at,
            ends_at=ends_at,
            where=template.where if template else extra.pop("where", "neighbourhood"),
            recurring=template.recurring if template else False,
            needs_more=extra.pop("needs_more", False),
            status=status,
            created_at=created,
            safety_net_at=extra.pop("safety_net_at", None),
        )
        self.posts.append(draft)
        return len(self.posts) - 1

    def invitee_for(self, draft: Draft, exclude: set[int]) -> Person | None:
        """Someone whose gifts fit (the item, else the category), else any neighbour."""
        rng = self.rng
        pools = []
        if draft.item_key in self.item_id:
            pools.append(self.givers.get(self.item_id[draft.item_key], []))
        if draft.category_key:
            pools.append(self.category_givers.get(draft.category_key, []))
        pools.append(self.residents)
        for pool in pools:
            for _ in range(4):
                if not pool:
                    break
                person = rng.choice(pool)
                if person.id not in exclude:
                    return person
        return None

    def reason(self, draft: Draft, person: Person) -> str:
        if draft.item_key in self.item_id and person in self.givers.get(
            self.item_id[draft.item_key], ()
        ):
            return f"omdat: {self.item_label[draft.item_key]}"
        return ""

    def invite(
        self,
        post: int,
        invitee: Person,
        status: str,
        *,
        message=None,
        at=None,
        by: Person | None = None,
        requester: str = "yes",
    ) -> int:
        rng, draft = self.rng, self.posts[post]
        created = at or draft.created_at + timedelta(minutes=rng.randint(10, 60 * 30))
        created = min(created, self.now - timedelta(minutes=5))
        answered = None
        if status != "pending":
            answered = min(created + timedelta(hours=rng.randint(1, 40)), self.now)
        if message is None:
            pool = INVITE_MESSAGES if draft.kind == "request" else OFFER_ANSWERS
            message = rng.choice(pool)
        # Requests: the asker invites a helper. Offers: the one who offers invites a
        # neighbour who wants it.
        # `by`: a connector inviting on someone's request; then the requester decides first
        # (`requester`: "pending" until they say yes).
        self.invitations.append(
            (
                post,
                invitee,
                by or draft.author,
                message,
                self.reason(draft, invitee) if draft.kind == "request" else "",
                status,
                created,
                answered,
                requester,
            )
        )
        return len(self.invitations) - 1

    def exchange(self, invitation: int, *, done: bool, thanks: str | None = None) -> int:
        rng = self.rng
        post, invitee, _by, _m, _r, _s, _c, answered, _q = self.invitations[invitation]
        draft = self.posts[post]
        helper, helped = (
            (invitee, draft.author) if draft.kind == "request" else (draft.author, invitee)
        )
        agreed = draft.starts_at or self.local(
            answered + timedelta(days=rng.randint(1, 6)), rng.choice((10, 14, 16, 19))
        )
        done_helper = done_helped = None
        if done:
            finished = min(max(agreed, answered) + timedelta(hours=rng.randint(2, 30)), self.now)
            done_helper = finished
            if rng.random() < 0.9 or thanks:
                done_helped = min(finished + timedelta(hours=rng.randint(1, 20)), self.now)
            if thanks is None:
                thanks = ""
                if done_helped is not None and rng.random() < 0.65:
                    thanks = ITEM_THANKS.get(draft.item_key) or rng.choice(THANKS)
        self.exchanges.append(
            (invitation, helper, helped, agreed, done_helper, done_helped, thanks or "", answered)
        )
        index = len(self.exchanges) - 1
        moment = answered
        for n in range(rng.randint(1, 4)):
            moment = min(moment + timedelta(minutes=rng.randint(5, 600)), self.now)
            if n % 2 == 0:
                self.messages.append((index, helped, MESSAGES_HELPED[n], moment))
            else:
                self.messages.append((index, helper, MESSAGES_HELPER[n], moment))
        return index

    # -- the neighbourhood ---------------------------------------------------------------

    def status_for(self, draft_created: datetime, starts_at, author: Person, kind: str) -> str:
        rng = self.rng
        reference = starts_at or draft_created + timedelta(days=7)
        r = rng.random()
        if reference < self.now - timedelta(days=1):
            status = "done" if r < 0.72 else "taken" if r < 0.84 else "closed"
        else:
            status = "open" if r < 0.55 else "taken"
        if (
            kind == "request"
            and status == "open"
            and draft_created < self.ago(OPEN_DAYS)
            and self.has_safety_net(author)
        ):
            status = "taken"  # would otherwise be in the safety net already
        return status

    def add_everyday(self) -> None:
        rng, b = self.rng, self.b
        n_requests = min(REQUEST_CAP, max(REQUEST_MIN, round(b.n * REQUEST_SHARE)))
        n_offers = min(OFFER_CAP, max(OFFER_MIN, round(b.n * OFFER_SHARE)))
        for kind, count, choice in (
            ("request", n_requests, self.request_choice),
            ("offer", n_offers, self.offer_choice),
        ):
            for _ in range(count):
                template = choice.draw(rng)
                author = rng.choice(self.residents)
                created = self.ago(rng.uniform(0.1, HISTORY_DAYS))
                times = self.timing(template.when, created)
                if kind == "offer":
                    r = rng.random()
                    status = "open" if r < 0.75 or template.recurring else "closed"
                else:
                    status = self.status_for(created, times[0], author, kind)
                post = self.add_post(
                    author,
                    kind,
                    template,
                    rng.choice(template.texts),
                    created=created,
                    status=status,
                    times=times,
                )
                self.add_invitations(post)

    def add_invitations(self, post: int) -> None:
        rng, draft = self.rng, self.posts[post]
        exclude = {draft.author.id}
        declined = rng.choice((0, 0, 0, 1, 1, 2))
        for _ in range(declined):
            person = self.invitee_for(draft, exclude)
            if person is not None:
                exclude.add(person.id)
                self.invite(post, person, "declined")
        if draft.status == "open":
            if rng.random() < 0.5:
                person = self.invitee_for(draft, exclude)
                if person is not None:
                    exclude.add(person.id)
                    self.invite(post, person, "pending")
            if draft.kind == "offer" and rng.random() < 0.4:  # offers go on: some helped
                person = self.invitee_for(draft, exclude)
                if person is not None:
                    invitation = self.invite(post, person, "accepted")
                    self.exchange(invitation, done=rng.random() < 0.6)
        elif draft.status in ("taken", "done"):
            person = self.invitee_for(draft, exclude)
            if person is not None:
                invitation = self.invite(post, person, "accepted")
                self.exchange(invitation, done=draft.status == "done")

    def add_hospital_bundle(self) -> None:
        """About ten open requests for a ride to the hospital, all next month: the bundled
        requests page shows one clear need."""
        rng = self.rng
        if "vervoer-ziekenhuis" not in self.item_id:
            return
        template = next(t for t in REQUESTS if t.item == "vervoer-ziekenhuis")
        local_now = self.now.astimezone(self.tz)
        first = (local_now.replace(day=1) + timedelta(days=32)).replace(day=1)
        authors = rng.sample(self.residents, min(HOSPITAL_BUNDLE, len(self.residents)))
        while len(authors) < HOSPITAL_BUNDLE:
            authors.append(rng.choice(self.residents))
        for author in authors:
            day = first + timedelta(days=rng.randint(0, 20))
            start = self.local(day, rng.randint(8, 15), rng.choice((0, 15, 30, 45)))
            post = self.add_post(
                author,
                "request",
                template,
                rng.choice(template.texts),
                created=self.ago(rng.uniform(0.2, OPEN_DAYS)),
                status="open",
                times=(start, start + timedelta(hours=rng.choice((2, 3, 4)))),
            )
            if rng.random() < 0.4:
                person = self.invitee_for(self.posts[post], {author.id})
                if person is not None:
                    self.invite(post, person, "pending")

    def add_safety_net(self) -> list[tuple]:
        rng = self.rng
        consenting = [p for p in self.residents if self.has_safety_net(p)] or self.residents
        authors = rng.sample(consenting, min(len(SAFETY_NET_REQUESTS), len(consenting)))
        professional = self.b.demo["professional"]
        place_ids = [pk for (slug, _name), pk in self.sharing.place_id.items() if slug == LINDENHOF]
        cases = []
        for (item, text, status), author in zip(SAFETY_NET_REQUESTS, authors, strict=False):
            days = rng.uniform(1, 4) if status == "new" else rng.uniform(8, 20)
            created = self.ago(days)
            opened = created + timedelta(minutes=rng.randint(5, 90))
            post = self.add_post(
                author,
                "request",
                None,
                text,
                created=created,
                status="open",
                item=item if item in self.item_id else None,
                where="home",
                needs_more=True,
                safety_net_at=opened,
                times=(None, None),
            )
            handled = status != "new"
            cases.append(
                (
                    post,
                    self.nb,
                    "needs_more",
                    opened,
                    status,
                    professional.id if handled else None,
                    opened + timedelta(hours=rng.randint(4, 48)) if handled else None,
                    CASE_NOTES.get(status, ""),
                    place_ids[0] if status == "referred" and place_ids else None,
                )
            )
        return cases

    def write_case_messages(self, cases, post_ids) -> None:
        """The professional and the resident wrote in the first case someone handles."""
        handled = [c for c in cases if c[5] is not None]
        if not handled:
            return
        first = handled[0]
        case = SafetyNetCase.objects.get(post_id=post_ids[first[0]])
        author_id = self.posts[first[0]].author.id
        lines = [
            (first[5], "Goedemiddag, ik ben Youssef van Welzijn Lindenhof. Mag ik u bellen?"),
            (author_id, "Ja graag, na tien uur ben ik thuis."),
        ]
        for who, text in lines:
            SafetyNetMessage.objects.create(case=case, author_id=who, text=text)

    def add_demo_accounts(self) -> None:
        """Sanne's open request (the connector is invited), her finished exchange with a
        thank-you and an old request that left the board; one more invitation for the
        connector; unread notifications."""
        rng, b = self.rng, self.b
        sanne, connector = b.demo["bewoner"], b.demo["verbinder"]
        bike = "fiets-repareren" if "fiets-repareren" in self.item_id else None
        done = self.add_post(
            sanne,
            "request",
            None,
            SANNE_DONE,
            created=self.ago(40),
            status="done",
            item=bike,
            when="date",
        )
        helper = self.invitee_for(self.posts[done], {sanne.id, connector.id})
        done_exchange = None
        if helper is not None:
            invitation = self.invite(done, helper, "accepted", message=INVITE_MESSAGES[0])
            done_exchange = self.exchange(invitation, done=True, thanks=SANNE_THANKS)
        open_post = self.add_post(
            sanne,
            "request",
            None,
            SANNE_OPEN,
            created=self.ago(2),
            status="open",
            item=bike,
        )
        sanne_invite = self.invite(
            open_post,
            connector,
            "pending",
            message="Hoi! Jij weet vast wie er handig is met fietsen. Kun je helpen?",
            at=self.ago(1.5),
        )
        # The connector found someone for Sanne's bike; Sanne decides first (rule 2).
        fixer = self.invitee_for(self.posts[open_post], {sanne.id, connector.id})
        proposal = (
            self.invite(
                open_post,
                fixer,
                "pending",
                message="Sanne, zal ik de buurman vragen? Hij repareert vaak fietsen.",
                at=self.ago(1),
                by=connector,
                requester="pending",
            )
            if fixer is not None
            else None
        )
        asker = rng.choice([p for p in self.residents if not self.has_safety_net(p)] or [sanne])
        form = self.add_post(
            asker,
            "request",
            None,
            FORM_REQUEST,
            created=self.ago(1),
            status="open",
            item="formulieren-invullen" if "formulieren-invullen" in self.item_id else None,
            where="home",
        )
        form_invite = (
            self.invite(form, connector, "pending", message=INVITE_MESSAGES[1], at=self.ago(0.8))
            if asker is not connector
            else None
        )
        # An old request of Sanne's that left the board: she can put it back or close it.
        self.add_post(
            sanne,
            "request",
            None,
            SANNE_STALE,
            created=self.ago(120),
            status="open",
            item="ladder" if "ladder" in self.item_id else None,
        )
        self.notes = [
            (connector, "invitation", f"Kun je helpen? {sanne.name} nodigt je uit.", sanne_invite),
            (sanne, "invitation", f"Je hebt {connector.name} uitgenodigd.", sanne_invite),
        ]
        if proposal is not None:
            self.notes.append(
                (sanne, "proposal", "Een verbinder vond iemand die je kan helpen.", proposal)
            )
        if form_invite is not None:
            self.notes.append(
                (
                    connector,
                    "invitation",
                    f"Kun je helpen? {asker.name} nodigt je uit.",
                    form_invite,
                )
            )
        self.done_exchange = done_exchange

    # -- writing -------------------------------------------------------------------------

    def build(self, contact_pairs: set[tuple[int, int]]) -> dict[str, int]:
        b, now, nb = self.b, self.now, self.nb
        self.residents = b.lindenhof[: b.n]
        self.add_demo_accounts()
        self.add_hospital_bundle()
        cases = self.add_safety_net()
        self.add_everyday()
        b.say(f"{len(self.posts)} vragen en aanbod bedacht")

        insert_rows(
            SupportSettings, ["neighbourhood", "safety_net_days"], [(nb, SAFETY_NET_DAYS)], now=now
        )
        before = Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        insert_rows(
            Post,
            [
                "neighbourhood",
                "author",
                "kind",
                "category",
                "item",
                "text",
                "when_kind",
                "starts_at",
                "ends_at",
                "where_kind",
                "recurring",
                "needs_more",
                "status",
                "created_at",
                "safety_net_at",
            ],
            (
                (
                    nb,
                    d.author.id,
                    d.kind,
                    self.category_id.get(d.category_key),
                    self.item_id.get(d.item_key),
                    d.text,
                    d.when,
                    d.starts_at,
                    d.ends_at,
                    d.where,
                    d.recurring,
                    d.needs_more,
                    d.status,
                    d.created_at,
                    d.safety_net_at,
                )
                for d in self.posts
            ),
            now=now,
        )
        post_ids = list(
            Post.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True)
        )
        _check(post_ids, self.posts)
        self.post_ids = post_ids

        before = HelpInvitation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        insert_rows(
            HelpInvitation,
            [
                "post",
                "invitee",
                "invited_by",
                "message",
                "reason",
                "status",
                "created_at",
                "answered_at",
                "requester_answer",
            ],
            (
                (post_ids[p], invitee.id, by.id, message, reason, status, created, answered, asked)
                for p, invitee, by, message, reason, status, created, answered, asked in (
                    self.invitations
                )
            ),
            now=now,
        )
        invitation_ids = list(
            HelpInvitation.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True)
        )
        _check(invitation_ids, self.invitations)

        before = Exchange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        insert_rows(
            Exchange,
            [
                "post",
                "invitation",
                "helper",
                "helped",
                "agreed_at",
                "done_by_helper_at",
                "done_by_helped_at",
                "thanks",
                "created_at",
            ],
            (
                (
                    post_ids[self.invitations[i][0]],
                    invitation_ids[i],
                    helper.id,
                    helped.id,
                    agreed,
                    done_helper,
                    done_helped,
                    thanks,
                    created,
                )
                for i, helper, helped, agreed, done_helper, done_helped, thanks, created in (
                    self.exchanges
                )
            ),
            now=now,
        )
        exchange_ids = list(
            Exchange.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True)
        )
        _check(exchange_ids, self.exchanges)
        insert_rows(
            Message,
            ["exchange", "author", "text", "created_at"],
            ((exchange_ids[e], a.id, text, at) for e, a, text, at in self.messages),
            now=now,
        )

        # Every exchange is a contact between the two (once per pair).
        new_contacts = []
        for _i, helper, helped, _a, _h, _d, _t, created in self.exchanges:
            pair = (min(helper.id, helped.id), max(helper.id, helped.id))
            if pair not in contact_pairs:
                contact_pairs.add(pair)
                new_contacts.append((*pair, "exchange", created))
        insert_rows(Contact, ["user_a", "user_b", "source", "since"], new_contacts, now=now)

        insert_rows(
            SafetyNetCase,
            [
                "post",
                "neighbourhood",
                "reason",
                "opened_at",
                "status",
                "handled_by",
                "handled_at",
                "note",
                "referred_place",
            ],
            ((post_ids[c[0]], *c[1:]) for c in cases),
            now=now,
        )
        self.write_case_messages(cases, post_ids)
        notifications = self.notifications(invitation_ids, exchange_ids)
        insert_rows(
            Notification,
            ["user", "neighbourhood", "kind", "title", "body", "url", "created_at", "mail_state"],
            notifications,
            now=now,
        )
        b.say(
            f"{len(self.posts)} vragen en aanbod, {len(self.invitations)} uitnodigingen, "
            f"{len(self.exchanges)} afspraken"
        )
        return {
            "posts": len(self.posts),
            "requests": sum(1 for d in self.posts if d.kind == "request"),
            "help_invitations": len(self.invitations),
            "exchanges": len(self.exchanges),
            "messages": len(self.messages),
            "safety_net_cases": len(cases),
            "notifications": len(notifications),
            "new_contacts": len(new_contacts),
        }

    def notifications(self, invitation_ids: list[int], exchange_ids: list[int]) -> list[tuple]:
        rows = []
        for person, kind, title, invitation in self.notes:
            url = reverse(
                "exchange:invitation",
                kwargs={"slug": LINDENHOF, "invitation_id": invitation_ids[invitation]},
            )
            if kind == "proposal":  # the requester decides on a connector's invitation
                kind = "invitation"
                url = reverse(
                    "exchange:requester_answer",
                    kwargs={
                        "slug": LINDENHOF,
                        "post_id": self.post_ids[self.invitations[invitation][0]],
                        "invitation_id": invitation_ids[invitation],
                    },
                )
            elif person is not self.invitations[invitation][1]:  # the one who invited
                post_id = self.post_ids[self.invitations[invitation][0]]
                url = reverse("exchange:post", kwargs={"slug": LINDENHOF, "post_id": post_id})
            at = self.invitations[invitation][6]
            body = "Jij beslist zelf. Nee zeggen mag ook." if kind == "invitation" else ""
            rows.append((person.id, self.nb, kind, title, body, url, at, "skipped"))
        if self.done_exchange is not None:
            index = self.done_exchange
            _i, helper, helped, *_rest = self.exchanges[index]
            url = reverse(
                "exchange:exchange", kwargs={"slug": LINDENHOF, "exchange_id": exchange_ids[index]}
            )
            last = next(
                (m for m in reversed(self.messages) if m[0] == index and m[1] is helper), None
            )
            rows.append(
                (
                    helped.id,
                    self.nb,
                    "message",
                    f"Nieuw bericht van {helper.name}",
                    last[2] if last else "Graag gedaan! Fijn dat het fietsje weer rijdt.",
                    url,
                    self.ago(0.5),
                    "skipped",
                )
            )
        return rows
