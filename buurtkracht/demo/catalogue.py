"""What the demo residents bring, wish for and share, and the places of the demo
neighbourhoods. All of it is made up; no real person, address or phone number is meant.

Taxonomy items are named by key (gifts/data/taxonomy.json). A key that is not (or no
longer) in the taxonomy is skipped, so the vocabulary can grow without breaking the demo.

The weights make the neighbourhood page's abundance chart tell a story: many people
cook, keep company and garden ("abundant"), few help with computers or paperwork while
many ask for it ("scarce").
"""

from __future__ import annotations

from typing import NamedTuple

# -- gifts ---------------------------------------------------------------------------------

# Share of residents with at least one gift, and how many they have.
GIFT_SHARE = 0.78
GIFT_COUNT_WEIGHTS = {1: 24, 2: 30, 3: 22, 4: 14, 5: 10}
# The steps of "Wat breng jij mee?" (head, hands, heart). Interests are chosen in the
# heart step, as in the wizard: a gift of kind "heart" may be an interest item.
GIFT_KIND_WEIGHTS = {"head": 30, "hands": 40, "heart": 30}
# Taxonomy kinds each gift kind draws its items from (as gifts/steps.py offers them).
GIFT_ITEM_KINDS = {
    "head": ("head", "knowledge"),
    "hands": ("hands",),
    "heart": ("heart", "interest"),
}
FREE_TEXT_SHARE = 0.15
# Relative weight per taxonomy category, per gift kind; a category's weight is spread
# over its items that fit the gift kind.
GIFT_CATEGORY_WEIGHTS = {
    "head": {
        "taal": 7,
        "kinderen": 9,
        "koken": 8,
        "zorg": 7,
        "organiseren": 6,
        "tuin": 6,
        "communicatie": 5,
        "creatief": 4,
        "techniek": 4,
        "sport": 4,
        "dieren": 3,
        "boodschappen": 2,
        "vervoer": 2,
        "digitaal": 1.2,
        "papierwerk": 1,
    },
    "hands": {
        "koken": 20,
        "tuin": 15,
        "klussen": 11,
        "creatief": 10,
        "organiseren": 5,
        "techniek": 5,
        "boodschappen": 4,
        "vervoer": 4,
        "sport": 3,
        "dieren": 3,
        "zorg": 3,
        "kinderen": 2,
        "communicatie": 2,
        "digitaal": 0.3,
    },
    "heart": {
        "gezelschap": 24,
        "koken": 9,
        "sport": 8,
        "creatief": 8,
        "dieren": 7,
        "tuin": 7,
        "kinderen": 6,
        "zorg": 5,
        "organiseren": 4,
        "communicatie": 4,
        "boodschappen": 3,
        "vervoer": 1,
    },
}
# Someone who speaks another language often offers it (head step).
LANGUAGE_GIFT_SHARE = 0.2
LANGUAGE_ITEMS = {
    "ar": "arabisch",
    "zgh": "tamazight",
    "tr": "turks",
    "pl": "pools",
    "ti": "tigrinya",
    "uk": "oekraiens",
    "pap": "papiaments",
    "so": "somalisch",
    "en": "engels",
    "es": "spaans",
    "ngt": "gebarentaal",
}
# In their own words (B1 Dutch), per gift kind.
GIFT_TEXTS = {
    "head": (
        "Ik was twintig jaar boekhouder bij een bakkerij",
        "Ik weet veel van de geschiedenis van Haarlem",
        "Ik heb lang als verpleegkundige gewerkt",
        "Ik weet hoe je goedkoop op vakantie gaat",
        "Ik weet veel van vogels in de stad",
        "Ik heb zelf een winkel gehad",
        "Ik ken de weg in het ziekenhuis",
        "Ik weet veel van kamerplanten",
        "Ik ken de regels van voetbal en scheidsrechter zijn",
        "Ik weet hoe je een verhuizing plant",
    ),
    "hands": (
        "Taarten bakken voor verjaardagen",
        "Ik repareer oude radio's",
        "Fietsbanden plakken",
        "Een nieuwe rits in een jas zetten",
        "Surinaamse roti maken",
        "Ik kan goed strijken",
        "Haren vlechten",
        "Kaarten maken met de hand",
        "Ik maak vogelhuisjes van oud hout",
        "Gordijnen korter maken",
        "Baklava maken voor een feest",
        "Pierogi maken voor de hele straat",
    ),
    "heart": (
        "Een praatje maken op het bankje",
        "Samen naar voetbal kijken",
        "Ik zorg graag voor de plantjes in het portiek",
        "Schaken in het park",
        "Ik hou van oude films",
        "Met kinderen naar de kinderboerderij",
        "Ik luister graag naar verhalen van vroeger",
        "Muziek uit Suriname en de Antillen",
        "Vissen aan het Spaarne",
        "Ik vind het fijn als de straat schoon is",
        "Thee drinken met nieuwe buren",
    ),
}
# Who may see a gift: one choice per step, as in the wizard.
GIFT_VISIBILITY_WEIGHTS = {"neighbourhood": 72, "public": 8, "contacts": 13, "private": 7}

# -- wishes --------------------------------------------------------------------------------

WISH_SHARE = 0.25
WISH_COUNT_WEIGHTS = {1: 65, 2: 35}
WISH_CATEGORY_WEIGHTS = {
    "digitaal": 26,
    "papierwerk": 22,
    "vervoer": 11,
    "klussen": 11,
    "taal": 8,
    "gezelschap": 7,
    "kinderen": 4,
    "boodschappen": 4,
    "techniek": 3,
    "dieren": 2,
    "zorg": 2,
    "tuin": 2,
    "koken": 1,
}
WISH_TEXTS = (
    "Iemand die mij leert appen met mijn kleinkinderen",
    "Hulp bij de brieven van de gemeente",
    "Iemand die een lamp kan ophangen in de gang",
    "Een maatje om mee te wandelen",
    "Iemand die mij naar het ziekenhuis kan brengen",
    "Hulp met mijn telefoon, hij doet raar",
    "Samen Nederlands oefenen, een uurtje per week",
    "Hulp bij de formulieren voor de zorg",
    "Iemand die mijn fiets kan maken",
    "Hulp bij het opruimen van de zolder",
)
WISH_VISIBILITY_WEIGHTS = {"private": 75, "contacts": 15, "neighbourhood": 10}

# -- time ------------------------------------------------------------------------------------

TIME_SHARE = 0.40
SLOT_COUNT_WEIGHTS = {2: 25, 3: 30, 4: 22, 5: 13, 6: 10}
MAX_ASKS_WEIGHTS = {None: 30, 1: 15, 2: 25, 4: 20, 8: 10}
TIME_VISIBILITY_WEIGHTS = {"neighbourhood": 75, "contacts": 15, "public": 5, "private": 5}
# (weekday 0-6, daypart): evenings on weekdays and the weekend are the most common.
SLOT_WEIGHTS = {
    (day, part): weight
    for day in range(7)
    for part, weight in (
        (("morning", 3), ("afternoon", 3), ("evening", 5))
        if day < 5
        else (("morning", 5), ("afternoon", 5), ("evening", 2))
    )
}

# -- resources -------------------------------------------------------------------------------

RESOURCE_SHARE = 0.20
RESOURCE_COUNT_WEIGHTS = {1: 55, 2: 30, 3: 15}
RESOURCE_KIND_WEIGHTS = {"thing": 55, "space": 13, "network": 24, "knowledge": 8}
RESOURCE_TEXT_SHARE = 0.08
# Items of kind "thing"; others in the taxonomy's "ruimte" category get weight 2.
THING_WEIGHTS = {
    "ladder": 10,
    "boormachine": 10,
    "gereedschap": 8,
    "naaimachine": 5,
    "tuingereedschap": 5,
    "bakfiets": 4,
    "steekwagen": 4,
    "kruiwagen": 4,
    "barbecue": 4,
    "verhuisdozen": 4,
    "partytent": 3,
    "hogedrukreiniger": 3,
    "grasmaaier": 3,
    "kampeerspullen": 3,
    "bolderkar": 3,
    "zaag-en-schuurmachine": 3,
    "aanhanger": 2,
    "tafels-en-stoelen": 2,
    "tapijtreiniger": 2,
    "rolstoel-lenen": 2,
    "auto-delen": 1,
    "beamer": 1,
    "koffiekan": 1,
    "geluidsinstallatie": 1,
}
THING_DEFAULT_WEIGHT = 2
SPACE_WEIGHTS = {
    "tuin-delen": 5,
    "garage": 3,
    "schuur": 3,
    "parkeerplek": 3,
    "zolder-en-opslag": 2,
    "huiskamer": 2,
    "logeerkamer": 1,
    "keuken": 1,
    "zaal": 0.3,
}
SPACE_DEFAULT_WEIGHT = 1
NETWORK_WEIGHTS = {
    "kent-veel-mensen": 5,
    "kent-huismeester": 4,
    "kent-gemeenschap": 4,
    "kent-school": 3,
    "kent-moskee": 2,
    "kent-kerk": 2,
    "kent-verenigingen": 2,
    "kent-buurthuis": 2,
}
NETWORK_DEFAULT_WEIGHT = 1
# Knowledge to share comes from these categories (not digital help or paperwork: those
# stay scarce, as in many real neighbourhoods).
KNOWLEDGE_CATEGORIES = ("techniek", "tuin", "zorg", "koken", "dieren")
# (text, resource kind) in the resident's own words.
RESOURCE_TEXTS = (
    ("Grote soeppan van 20 liter", "thing"),
    ("Kinderwagen die ik niet meer gebruik", "thing"),
    ("Gourmetstel voor tien mensen", "thing"),
    ("Strijkplank en strijkijzer", "thing"),
    ("Schaakbord met grote stukken", "thing"),
    ("Sjoelbak", "thing"),
    ("Fietspomp en plakspullen", "thing"),
    ("Ik ken een goede fietsenmaker", "network"),
    ("Plek voor twee fietsen in mijn gang", "space"),
)
RESOURCE_VISIBILITY_WEIGHTS = {"neighbourhood": 80, "contacts": 12, "public": 5, "private": 3}
NEEDS_APPROVAL_SHARE = 0.85
# Longest loan per item, in days (drawn from 1 up to this); others up to 7.
MAX_DAYS = {
    "ladder": 3,
    "boormachine": 3,
    "bakfiets": 2,
    "partytent": 3,
    "naaimachine": 14,
    "kampeerspullen": 14,
    "verhuisdozen": 14,
    "aanhanger": 2,
    "auto-delen": 2,
    "tuin-delen": 1,
    "zaal": 1,
    "huiskamer": 1,
    "keuken": 1,
    "logeerkamer": 7,
    "parkeerplek": 14,
    "garage": 14,
    "zolder-en-opslag": 14,
}
MAX_DAYS_DEFAULT = 7
DESCRIPTIONS = {
    "ladder": (
        "Aluminium ladder van drie meter, met drie delen.",
        "Trapladder met zes treden. Licht om mee te nemen.",
    ),
    "boormachine": (
        "Accuboormachine met boortjes voor hout, steen en metaal.",
        "Klopboor met snoer. Ook voor betonnen muren.",
    ),
    "bakfiets": ("Bakfiets met een bankje voor twee kinderen en een regenhoes.",),
    "naaimachine": ("Naaimachine, ook voor dikke stof zoals spijkerbroek.",),
    "partytent": ("Partytent van 3 bij 6 meter, met zijwanden.",),
    "gereedschap": ("Gereedschapskist met hamer, schroevendraaiers, tangen en een waterpas.",),
    "tuingereedschap": ("Schop, hark, snoeischaar en handschoenen.",),
    "grasmaaier": ("Elektrische grasmaaier met een lange kabel.",),
    "hogedrukreiniger": ("Hogedrukreiniger voor de stoep, het terras of de fiets.",),
    "barbecue": ("Kolenbarbecue voor ongeveer tien mensen.",),
    "steekwagen": ("Steekwagen voor zware dozen en een wasmachine.",),
    "bolderkar": ("Bolderkar met een dak, voor kinderen of spullen.",),
    "tuin-delen": (
        "Mijn achtertuin met een picknicktafel. Leuk voor een verjaardag.",
        "Een stukje tuin waar je groenten kunt kweken.",
    ),
    "garage": ("Droge garage om iets een tijdje neer te zetten.",),
    "schuur": ("Schuur met een werkbank. Je mag mijn gereedschap gebruiken.",),
    "parkeerplek": ("Parkeerplek achter het huis. Overdag vaak vrij.",),
    "huiskamer": ("Mijn huiskamer voor een kleine groep, tot acht mensen.",),
    "logeerkamer": ("Logeerkamer met een bed voor twee, voor familie van buren.",),
}
LENDING_RULES_THING = (
    "Graag schoon terugbrengen.",
    "Ophalen na 18.00 uur.",
    "Niet op zondag.",
    "Breng het terug zoals je het kreeg.",
    "Is er iets kapot? Zeg het eerlijk, dan lossen we het samen op.",
    "Alleen voor gebruik in de buurt.",
    "Stuur mij eerst even een berichtje.",
    "Ophalen en terugbrengen bij mij thuis.",
)
LENDING_RULES_SPACE = (
    "Laat alles netjes achter.",
    "Na 22.00 uur is het stil.",
    "Niet roken.",
    "Honden mogen niet naar binnen.",
    "De sleutel haal je bij mij op.",
)

# -- bookings --------------------------------------------------------------------------------

BOOKINGS_MIN = 20
BOOKINGS_PER_RESIDENT = 0.2
BOOKINGS_CAP = 400
BOOKING_NOTES = (
    "Voor de verjaardag van mijn dochter.",
    "Ik wil de schuur opruimen.",
    "Voor een buurtfeest op zaterdag.",
    "Mag ik het zaterdagochtend ophalen?",
    "Voor een klusje in de keuken.",
    "We gaan verhuizen.",
    "Voor een etentje met de buren.",
)

# -- places ----------------------------------------------------------------------------------


class PlaceResource(NamedTuple):
    item: str  # taxonomy key
    description: str
    rules: str
    max_days: int
    needs_approval: bool = True
    text: str = ""  # the place's own words, shown with the item


class DemoPlace(NamedTuple):
    name: str
    kind: str  # places.models.PlaceKind
    address: str
    offers: str
    opening_hours: str
    items: tuple[str, ...] = ()  # taxonomy keys: what it offers
    email: str = ""
    website: str = ""
    resources: tuple[PlaceResource, ...] = ()


# Phone numbers look like 023-555 0xxx: a made-up range, never a real line.
PLACE_DOMAIN = "demo.buurtkracht.nl"
LINDENHOF_CENTRE = (52.3800, 4.6370)
VAARTKWARTIER_CENTRE = (52.3880, 4.6290)
PLACE_SPREAD = 0.006

PLACES = {
    "lindenhof": (
        DemoPlace(
            "Buurthuis De Linde",
            "buurthuis",
            "Lindenlaan 12",
            "Iedereen is welkom. Elke ochtend is er koffie. Op dinsdag is er een taalcafé. "
            "Je kunt hier een zaal of de keuken lenen voor iets met de buurt.",
            "Maandag tot en met vrijdag 9.00 tot 17.00 uur. Dinsdag en donderdag ook "
            "19.00 tot 22.00 uur.",
            ("koffie-drinken", "taalmaatje", "activiteiten-organiseren", "zaal"),
            email=f"delinde@{PLACE_DOMAIN}",
            website="https://delinde.demo.buurtkracht.nl",
            resources=(
                PlaceResource(
                    "zaal",
                    "De grote zaal: plek voor 60 mensen, met tafels, stoelen en een koffiekan.",
                    "Boek minstens een week van tevoren. Zet de stoelen terug en laat de "
                    "zaal netjes achter. Na 22.00 uur is het stil.",
                    1,
                ),
                PlaceResource(
                    "keuken",
                    "Kookplek: een fornuis met zes pitten, grote pannen en een vaatwasser.",
                    "Kook alleen samen met iemand die de regels voor hygiëne kent. "
                    "Maak alles schoon voor je weggaat.",
                    1,
                    text="Kookplek",
                ),
                PlaceResource(
                    "beamer",
                    "Beamer met een scherm en een tas met kabels.",
                    "Ophalen en terugbrengen bij de balie, als het buurthuis open is.",
                    3,
                ),
                PlaceResource(
                    "partytent",
                    "Partytent van 4 bij 8 meter, met zijwanden en gewichten.",
                    "Zet hem met minstens twee mensen op. Breng hem droog terug, of laat "
                    "hem bij ons drogen.",
                    3,
                ),
            ),
        ),
        DemoPlace(
            "Moestuin Achter de Hof",
            "moestuin",
            "Achter de Hof 3",
            "Samen groenten kweken. Je krijgt een eigen stukje grond, of je helpt mee in "
            "de tuin van iedereen. Geen ervaring nodig.",
            "April tot en met oktober: woensdag 14.00 tot 17.00 uur en zaterdag 10.00 tot "
            "13.00 uur.",
            ("moestuin", "composteren", "stekjes-ruilen", "tuinieren"),
            resources=(
                PlaceResource(
                    "tuingereedschap",
                    "Schoppen, harken, een snoeischaar en handschoenen.",
                    "Maak het gereedschap schoon en hang het terug in de schuur.",
                    2,
                    needs_approval=False,
                ),
                PlaceResource(
                    "kruiwagen",
                    "Twee kruiwagens.",
                    "Terugzetten in de schuur, met de bak naar beneden.",
                    1,
                    needs_approval=False,
                ),
            ),
        ),
        DemoPlace(
            "Basisschool De Regenboog",
            "school",
            "Regenbooglaan 40",
            "Basisschool voor kinderen van 4 tot 12 jaar. Op woensdagmiddag is het "
            "schoolplein open om te spelen. Ouders kunnen helpen met voorlezen.",
            "Maandag tot en met vrijdag 8.15 tot 15.00 uur. Woensdag tot 12.30 uur.",
            ("voorlezen-kinderen", "huiswerkhulp", "contact-met-school"),
            email=f"regenboog@{PLACE_DOMAIN}",
        ),
        DemoPlace(
            "Sportclub Lindenhof",
            "sportclub",
            "Sportlaan 5",
            "Voetbal, tafeltennis en bewegen voor ouderen. De eerste keer meedoen is "
            "gratis. Geen geld voor de contributie? Vraag naar het jeugdfonds.",
            "Maandag tot en met donderdag 16.00 tot 22.00 uur. Zaterdag 9.00 tot 17.00 uur.",
            ("voetbal", "balsporten", "bewegen-ouderen"),
            website="https://sportclub.demo.buurtkracht.nl",
            resources=(
                PlaceResource(
                    "geluidsinstallatie",
                    "Twee boxen en een microfoon.",
                    "Alleen voor activiteiten in de buurt. Niet te hard na 21.00 uur.",
                    2,
                ),
            ),
        ),
        DemoPlace(
            "Moskee Al-Fath",
            "moskee",
            "Hofweg 22",
            "Gebed, Arabische les voor kinderen en elke vrijdag soep voor wie wil. Buren "
            "die geen moslim zijn, zijn ook welkom.",
            "Elke dag open voor het gebed. Soep op vrijdag 13.30 tot 14.30 uur.",
            ("arabisch", "samen-eten", "feestmaaltijden"),
        ),
        DemoPlace(
            "Protestantse Kerk Lindenhof",
            "kerk",
            "Kerkpad 1",
            "Kerkdienst op zondag en koffie na de dienst. Op dinsdag is er inloop voor "
            "iedereen die een praatje wil maken.",
            "Zondag 10.00 tot 12.00 uur. Dinsdag 10.00 tot 12.00 uur.",
            ("koffie-drinken", "luisterend-oor"),
            resources=(
                PlaceResource(
                    "tafels-en-stoelen",
                    "Tien tafels en zestig stoelen.",
                    "Zelf ophalen en terugbrengen, bijvoorbeeld met een bolderkar.",
                    3,
                ),
            ),
        ),
        DemoPlace(
            "Bibliotheek Lindenhof",
            "bibliotheek",
            "Lindenplein 2",
            "Boeken lenen, ook in makkelijke taal. Hulp met de computer en DigiD bij het "
            "Digitaal Hulpplein. Op donderdag oefenen met Nederlands.",
            "Dinsdag tot en met zaterdag 10.00 tot 17.00 uur.",
            ("computerhulp", "digid", "lezen-en-schrijven", "nederlandse-les"),
            email=f"bieb@{PLACE_DOMAIN}",
            website="https://bieb.demo.buurtkracht.nl",
        ),
        DemoPlace(
            "Huisartsenpraktijk Lindenplein",
            "huisartsenpost",
            "Lindenplein 8",
            "Huisartsen en een praktijkondersteuner. Bel voor een afspraak. Is het spoed "
            "en is de praktijk dicht? Bel dan de huisartsenpost.",
            "Maandag tot en met vrijdag 8.00 tot 17.00 uur.",
        ),
        DemoPlace(
            "Speeltuin ’t Hofje",
            "speeltuin",
            "Hofjespad 4",
            "Speeltuin met een zandbak en een klimrek. Vrijwilligers uit de buurt houden "
            "hem bij. Wil je helpen? Kom langs.",
            "Elke dag van 9.00 uur tot het donker wordt.",
            ("spelen-met-kinderen", "kinderfeestje"),
            resources=(
                PlaceResource(
                    "bolderkar",
                    "Bolderkar met een dak.",
                    "Terugbrengen voor het donker wordt.",
                    1,
                    needs_approval=False,
                ),
            ),
        ),
        DemoPlace(
            "Repair Café Lindenhof",
            "vereniging",
            "Lindenlaan 12",
            "Samen kapotte spullen maken: een lamp, een broek, een fiets of een "
            "koffiezetapparaat. Neem het mee en kijk mee hoe het gaat.",
            "Elke eerste zaterdag van de maand, 10.00 tot 13.00 uur, in Buurthuis De Linde.",
            ("apparaten-repareren", "naaien", "fiets-repareren"),
            resources=(
                PlaceResource(
                    "naaimachine",
                    "Stevige naaimachine met een doos garen.",
                    "Je mag hem een week mee naar huis. Laat eerst zien dat je ermee kunt werken.",
                    7,
                ),
            ),
        ),
        DemoPlace(
            "Voedselbank uitgiftepunt Lindenhof",
            "zorg",
            "Kerkpad 1",
            "Elke week een pakket met eten voor wie het krap heeft. Je hebt een "
            "verwijzing nodig. Het wijkteam helpt je daarmee.",
            "Vrijdag 13.00 tot 15.00 uur.",
            ("voedselpakket-ophalen", "eten-delen"),
        ),
        DemoPlace(
            "Wijkteam spreekuur",
            "zorg",
            "Lindenlaan 12",
            "Vragen over geld, zorg, wonen of opvoeden? Loop binnen, je hoeft geen "
            "afspraak te maken. We zoeken samen wat je nodig hebt.",
            "Dinsdag en donderdag 9.30 tot 11.30 uur.",
            ("schulden", "wegwijs-zorg", "wmo-aanvragen", "opvoeden"),
            email=f"wijkteam@{PLACE_DOMAIN}",
        ),
        DemoPlace(
            "Seniorencentrum De Lindeboom",
            "zorg",
            "Iepenstraat 30",
            "Koffie, om 12.00 uur een warme maaltijd en activiteiten voor 55-plussers. "
            "Ook voor wie niet in het centrum woont.",
            "Maandag tot en met vrijdag 10.00 tot 16.00 uur.",
            ("samen-eten", "spelletjes", "bewegen-ouderen"),
        ),
        DemoPlace(
            "Huurdersvereniging Lindenhof",
            "vereniging",
            "Kastanjelaan 7",
            "Spreekuur over huur, onderhoud en de woningcorporatie. We komen op voor "
            "alle huurders in de wijk.",
            "Eerste maandag van de maand 19.30 tot 21.00 uur.",
            ("huurzaken", "opkomen-voor-buurt"),
            email=f"huurders@{PLACE_DOMAIN}",
        ),
        DemoPlace(
            "Kringloopwinkel Tweede Leven",
            "winkel",
            "Hofweg 51",
            "Tweedehands meubels, kleding en speelgoed. Je kunt hier ook spullen brengen "
            "die je niet meer gebruikt.",
            "Woensdag tot en met zaterdag 10.00 tot 17.00 uur.",
            ("tweedehands-kopen", "kinderspullen-ruilen"),
        ),
        DemoPlace(
            "Jongerenplek De Loods",
            "buurthuis",
            "Beukenhof 2",
            "Voor jongeren van 12 tot 18 jaar: chillen, gamen, huiswerk maken en samen "
            "dingen organiseren. Er is altijd een jongerenwerker.",
            "Dinsdag tot en met vrijdag 15.00 tot 21.00 uur.",
            ("jongerenactiviteiten", "huiswerkhulp", "bijbaan-zoeken"),
        ),
    ),
    "vaartkwartier": (
        DemoPlace(
            "Buurtkamer Aan de Vaart",
            "buurthuis",
            "Vaartkade 9",
            "Een kleine buurtkamer aan het water. Koffie, een spelletje en een praatje. "
            "Je kunt hier ook vergaderen.",
            "Maandag, woensdag en vrijdag 10.00 tot 15.00 uur.",
            ("koffie-drinken", "spelletjes"),
            resources=(
                PlaceResource(
                    "koffiekan",
                    "Grote koffiekan voor 40 koppen.",
                    "Schoon terugbrengen.",
                    2,
                    needs_approval=False,
                ),
            ),
        ),
        DemoPlace(
            "Roeivereniging De Vaart",
            "sportclub",
            "Vaartkade 30",
            "Roeien en sloepvaren op het Spaarne. Je mag drie keer gratis meedoen.",
            "Zaterdag en zondag 9.00 tot 13.00 uur.",
            ("balsporten",),
        ),
        DemoPlace(
            "Speeltuin De Sluis",
            "speeltuin",
            "Sluispad 1",
            "Kleine speeltuin bij de sluis, met schommels en een glijbaan.",
            "Elke dag van 9.00 uur tot het donker wordt.",
            ("spelen-met-kinderen",),
        ),
    ),
}

# -- the fixed demo accounts ------------------------------------------------------------------


class DemoResource(NamedTuple):
    item: str
    description: str = ""
    rules: str = ""
    max_days: int | None = None
    visibility: str = "neighbourhood"


class DemoSharing(NamedTuple):
    # (gift kind, taxonomy key or "", own words or "")
    gifts: tuple[tuple[str, str, str], ...] = ()
    gift_visibility: str = "neighbourhood"
    slots: tuple[tuple[int, str], ...] = ()
    max_asks_per_month: int | None = None
    resources: tuple[DemoResource, ...] = ()
    wishes: tuple[str, ...] = ()  # taxonomy keys
    wish_visibility: str = "private"


DEMO_SHARING = {
    # Sanne has filled in every step of "Wat breng jij mee?".
    "bewoner": DemoSharing(
        gifts=(
            ("head", "engels", ""),
            ("head", "ehbo", ""),
            ("hands", "bakken", ""),
            ("hands", "", "Taarten bakken voor verjaardagen"),
            ("hands", "fiets-repareren", ""),
            ("heart", "samen-wandelen", ""),
            ("heart", "buurtgroen", ""),
        ),
        slots=((1, "evening"), (3, "evening"), (5, "morning"), (6, "afternoon")),
        max_asks_per_month=4,
        resources=(
            DemoResource(
                "ladder",
                "Aluminium ladder van drie meter, met drie delen.",
                "Ophalen na 18.00 uur. Graag schoon terugbrengen.",
                3,
            ),
            DemoResource("kent-huismeester"),
        ),
        wishes=("belastingaangifte",),
    ),
    "verbinder": DemoSharing(
        gifts=(
            ("head", "arabisch", ""),
            ("head", "tamazight", ""),
            ("hands", "koken", ""),
            ("heart", "mensen-verbinden", ""),
            ("heart", "nieuwe-buren", ""),
        ),
        slots=((0, "evening"), (2, "afternoon"), (4, "morning"), (5, "afternoon")),
        max_asks_per_month=8,
        resources=(DemoResource("kent-moskee"), DemoResource("kent-veel-mensen")),
    ),
    "henk-demo": DemoSharing(
        gifts=(
            ("hands", "gras-maaien", ""),
            ("hands", "", "Ik repareer oude radio's"),
            ("heart", "herinneringen", ""),
        ),
        slots=((1, "morning"), (3, "morning")),
        max_asks_per_month=2,
        wishes=("hulp-telefoon",),
    ),
    "buur": DemoSharing(
        gifts=(
            ("head", "pools", ""),
            ("hands", "tegelen", ""),
            ("hands", "klusjes", ""),
        ),
        resources=(
            DemoResource(
                "boormachine",
                "Klopboor met snoer. Ook voor betonnen muren.",
                "De boortjes zitten in de koffer. Breng ze allemaal terug.",
                2,
            ),
        ),
    ),
}
