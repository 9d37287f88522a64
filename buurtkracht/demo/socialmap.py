"""The demo's sociale kaart for Haarlem (issue 19): 15 organisations and 38 services, as
HSDS 3.1 organisations with their services, locations and opening hours, imported through
the same service as a real file. Invented organisations (like those a Dutch town has),
invented addresses and numbers; a few not checked for over a year, to show the mark."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.utils import timezone

WEEKDAYS = "MO,TU,WE,TH,FR"

# Each service's topics: names from the government's product list (UPL, socialmap/topics.py).
TOPICS = {
    "Ouderenadvies": ["woonvoorziening gehandicapten en ouderen", "dagbesteding ouderen"],
    "Wijkteam: zorg en ondersteuning": ["wmo-voorziening", "huishoudelijke hulp", "jeugdhulp"],
    "Opvoedspreekuur": ["opvoedingsondersteuning"],
    "Mantelzorgondersteuning": ["mantelzorgondersteuning", "mantelzorgcompliment"],
    "Geldspreekuur": ["bijzonderebijstandsuitkering", "individuele inkomenstoeslag"],
    "Schuldhulpverlening": ["schuldhulpverlening", "wsnp-verklaring"],
    "Formulierenhulp": ["huurtoeslag", "zorgtoeslag"],
    "Voedselpakket": ["voedselbank"],
    "Intake voedselbank": ["voedselbank"],
    "Digitaal Hulpplein": ["digid"],
    "Taalcafé": ["inburgeringsexamen"],
    "Taalspreekuur": ["inburgeringsexamen"],
    "Huisartsenspreekuur": ["gezondheidsdienst"],
    "Praktijkondersteuner GGZ": ["openbare geestelijke gezondheidszorg (oggz)"],
    "Huurdersloket": ["huurtoeslag", "woning zoeken inschrijving"],
    "Huurachterstand: op tijd hulp": ["schuldhulpverlening", "huurtoeslag"],
    "Buurtbeheer": ["melding openbare ruimte (algemeen)"],
    "Samen eten": ["maaltijdservice"],
    "Ruimte huren": ["gebruik gemeentelijke panden"],
    "Thuisadministratie": ["schuldhulpverlening"],
    "Belastinghulp voor ouderen": ["belastingkwijtschelding", "belastingteruggave"],
    "Consultatiebureau": ["jeugdgezondheidszorg"],
    "Vaccinaties en reizen": ["gezondheidsdienst"],
    "Sporten met het Jeugdfonds": ["stadspas"],
}

# (organisation, description, street, [(service, description, for whom, how, days, opens,
#   closes, checked months ago)])
ORGANISATIONS = [
    (
        "Welzijn Lindenhof",
        "Welzijnswerk in de wijk: buurtwerkers, ouderenwerk en vrijwilligers.",
        "Lindenplein 1",
        [
            (
                "Buurtwerker spreekuur",
                "Met elke vraag over je buurt, je huis of je geld kun je hier terecht.",
                "Iedereen in Lindenhof",
                "Loop binnen tijdens het spreekuur.",
                "TU,TH",
                "09:30",
                "12:00",
                2,
            ),
            (
                "Ouderenadvies",
                "Hulp bij vragen over zorg, wonen en eenzaamheid voor ouderen.",
                "65 jaar en ouder",
                "Bel om een afspraak te maken.",
                WEEKDAYS,
                "09:00",
                "17:00",
                4,
            ),
            (
                "Vrijwilligerscentrale",
                "Vrijwilligerswerk zoeken in de buurt, of hulp van een vrijwilliger.",
                "Iedereen",
                "Bel of mail.",
                "MO,WE",
                "10:00",
                "16:00",
                6,
            ),
        ],
    ),
    (
        "Wijkteam Haarlem-Noord",
        "Hulp bij zorg, opvoeden, geld en wonen, van één team.",
        "Marnixstraat 12",
        [
            (
                "Wijkteam: zorg en ondersteuning",
                "Hulp als het thuis niet meer lukt, ook Wmo-voorzieningen.",
                "Inwoners van Haarlem-Noord",
                "Bel het wijkteam; een medewerker komt langs.",
                WEEKDAYS,
                "08:30",
                "17:00",
                3,
            ),
            (
                "Opvoedspreekuur",
                "Vragen over opvoeden en opgroeien van kinderen en jongeren.",
                "Ouders en verzorgers",
                "Loop binnen of bel.",
                "WE",
                "13:00",
                "16:00",
                5,
            ),
            (
                "Mantelzorgondersteuning",
                "Steun als je voor iemand zorgt: advies, respijtzorg, lotgenoten.",
                "Mantelzorgers",
                "Bel om een gesprek te plannen.",
                WEEKDAYS,
                "09:00",
                "16:00",
                14,
            ),
        ],
    ),
    (
        "Schuldhulp Haarlem",
        "Gratis hulp bij geldzorgen en schulden.",
        "Zijlweg 40",
        [
            (
                "Geldspreekuur",
                "Huur of rekeningen niet betalen? Samen zoeken we wat je kunt doen.",
                "Iedereen met geldzorgen",
                "Loop binnen, neem post en rekeningen mee.",
                "MO,TH",
                "13:00",
                "16:00",
                1,
            ),
            (
                "Schuldhulpverlening",
                "Een plan voor je schulden, met een vaste schuldhulpverlener.",
                "Inwoners van Haarlem",
                "Aanmelden via het geldspreekuur of de gemeente.",
                WEEKDAYS,
                "09:00",
                "17:00",
                2,
            ),
            (
                "Formulierenhulp",
                "Hulp bij toeslagen, belastingaangifte en brieven van instanties.",
                "Iedereen",
                "Maak een afspraak.",
                "TU",
                "09:00",
                "12:00",
                7,
            ),
        ],
    ),
    (
        "Voedselbank Haarlem",
        "Voedselpakketten voor wie tijdelijk te weinig geld heeft.",
        "Oudeweg 95",
        [
            (
                "Voedselpakket",
                "Elke week een pakket met eten, als je inkomen te laag is.",
                "Na een intake",
                "Aanmelden via het wijkteam of schuldhulp.",
                "FR",
                "10:00",
                "14:00",
                3,
            ),
            (
                "Intake voedselbank",
                "Een gesprek om te kijken of je een pakket kunt krijgen.",
                "Iedereen met een laag inkomen",
                "Bel om een afspraak.",
                "TU",
                "10:00",
                "12:00",
                3,
            ),
        ],
    ),
    (
        "Bibliotheek Zuid-Kennemerland",
        "De bibliotheek in de wijk: boeken, computers en hulp.",
        "Planetenlaan 1",
        [
            (
                "Digitaal Hulpplein",
                "Hulp met de computer, DigiD en apps op je telefoon.",
                "Iedereen",
                "Loop binnen.",
                "MO,WE,FR",
                "10:00",
                "12:00",
                2,
            ),
            (
                "Taalcafé",
                "Samen Nederlands oefenen in een ontspannen sfeer.",
                "Iedereen die Nederlands leert",
                "Loop binnen.",
                "TH",
                "14:00",
                "16:00",
                1,
            ),
            (
                "Boeken in makkelijke taal",
                "Boeken en tijdschriften in makkelijke taal lenen.",
                "Iedereen",
                "Vraag het aan de balie.",
                WEEKDAYS,
                "10:00",
                "18:00",
                16,
            ),
        ],
    ),
    (
        "Taalhuis Haarlem",
        "Beter leren lezen, schrijven en rekenen.",
        "Planetenlaan 1",
        [
            (
                "Taalspreekuur",
                "Hulp om een cursus te vinden voor taal, lezen of rekenen.",
                "Volwassenen",
                "Loop binnen of bel.",
                "TU",
                "10:00",
                "12:00",
                4,
            ),
            (
                "Leesmaatje",
                "Een vrijwilliger oefent elke week met je lezen.",
                "Volwassenen die beter willen lezen",
                "Aanmelden via het taalspreekuur.",
                "MO,TU,WE",
                "09:00",
                "17:00",
                8,
            ),
        ],
    ),
    (
        "Huisartsenpraktijk De Linde",
        "Huisartsen voor Lindenhof en omgeving.",
        "Lindenlaan 20",
        [
            (
                "Huisartsenspreekuur",
                "Op afspraak bij de huisarts.",
                "Patiënten van de praktijk",
                "Bel 's ochtends voor een afspraak.",
                WEEKDAYS,
                "08:00",
                "17:00",
                2,
            ),
            (
                "Praktijkondersteuner GGZ",
                "Gesprekken bij somberheid, stress of piekeren.",
                "Patiënten van de praktijk",
                "Vraag de huisarts om een verwijzing.",
                "TU,TH",
                "09:00",
                "17:00",
                5,
            ),
        ],
    ),
    (
        "Woonstichting Kennemerland",
        "Sociale huurwoningen in Haarlem.",
        "Spaarne 100",
        [
            (
                "Huurdersloket",
                "Vragen over je huur, reparaties of een andere woning.",
                "Huurders",
                "Bel of loop binnen.",
                WEEKDAYS,
                "09:00",
                "16:00",
                3,
            ),
            (
                "Huurachterstand: op tijd hulp",
                "Loop je achter met de huur? We zoeken samen een regeling.",
                "Huurders met een achterstand",
                "Bel, hoe eerder hoe beter.",
                WEEKDAYS,
                "09:00",
                "16:00",
                2,
            ),
            (
                "Buurtbeheer",
                "Samen met bewoners de straat en de tuinen netjes houden.",
                "Bewoners",
                "Meld je bij de buurtbeheerder.",
                "WE",
                "09:00",
                "12:00",
                13,
            ),
        ],
    ),
    (
        "Buurthuis De Hofstee",
        "Een plek om elkaar te ontmoeten, met activiteiten.",
        "Hofstraat 3",
        [
            (
                "Koffieochtend",
                "Elke week koffie en een praatje, iedereen is welkom.",
                "Iedereen",
                "Gewoon binnenlopen.",
                "TU",
                "10:00",
                "12:00",
                1,
            ),
            (
                "Samen eten",
                "Voor een klein bedrag samen eten met buren.",
                "Iedereen",
                "Meld je uiterlijk een dag van tevoren.",
                "TH",
                "17:30",
                "19:30",
                2,
            ),
            (
                "Ruimte huren",
                "Een zaal voor een bijeenkomst of feest van bewoners.",
                "Bewoners en clubs",
                "Bel de beheerder.",
                WEEKDAYS,
                "09:00",
                "21:00",
                20,
            ),
        ],
    ),
    (
        "Humanitas Haarlem",
        "Vrijwilligers die helpen als het even niet lukt.",
        "Kleverlaan 8",
        [
            (
                "Thuisadministratie",
                "Een vrijwilliger helpt je je papieren op orde te krijgen.",
                "Iedereen",
                "Bel om je aan te melden.",
                "MO,WE",
                "10:00",
                "15:00",
                3,
            ),
            (
                "Maatje tegen eenzaamheid",
                "Een vrijwilliger die regelmatig bij je langs komt.",
                "Mensen die zich alleen voelen",
                "Bel of vraag het wijkteam.",
                WEEKDAYS,
                "10:00",
                "16:00",
                6,
            ),
            (
                "Rouwgroep",
                "Samen praten over het verlies van een dierbare.",
                "Volwassenen",
                "Aanmelden per telefoon.",
                "TH",
                "19:30",
                "21:30",
                15,
            ),
        ],
    ),
    (
        "Jongerenwerk Haarlem-Noord",
        "Activiteiten en hulp voor jongeren van 12 tot 23.",
        "Marnixstraat 14",
        [
            (
                "Jongerencentrum",
                "Een plek om te chillen, te sporten en mensen te ontmoeten.",
                "Jongeren van 12 tot 23",
                "Loop binnen.",
                "MO,WE,FR",
                "15:00",
                "21:00",
                2,
            ),
            (
                "Huiswerkbegeleiding",
                "Hulp bij huiswerk en plannen.",
                "Scholieren",
                "Aanmelden bij de jongerenwerker.",
                "TU,TH",
                "15:30",
                "17:30",
                4,
            ),
        ],
    ),
    (
        "Ouderenbond Haarlem",
        "Samen voor en door ouderen.",
        "Hofstraat 3",
        [
            (
                "Belastinghulp voor ouderen",
                "Een vrijwilliger vult je belastingaangifte in.",
                "65 jaar en ouder",
                "Bel voor een afspraak.",
                "MO",
                "10:00",
                "12:00",
                11,
            ),
            (
                "Bewegen voor ouderen",
                "Rustig bewegen in groepsverband.",
                "Ouderen",
                "Loop een keer mee.",
                "WE",
                "10:00",
                "11:00",
                3,
            ),
        ],
    ),
    (
        "GGD Kennemerland",
        "Gezondheid en jeugdgezondheidszorg.",
        "Zijlsingel 2",
        [
            (
                "Consultatiebureau",
                "Groei en ontwikkeling van je baby of peuter, en vaccinaties.",
                "Ouders van kinderen van 0 tot 4",
                "Je krijgt een uitnodiging, of bel.",
                WEEKDAYS,
                "08:30",
                "17:00",
                2,
            ),
            (
                "Vaccinaties en reizen",
                "Vaccinaties en advies voor een reis.",
                "Iedereen",
                "Maak een afspraak.",
                "TU,TH",
                "08:30",
                "16:30",
                9,
            ),
        ],
    ),
    (
        "Sportvereniging Noord",
        "Sport in de wijk, ook voor wie weinig geld heeft.",
        "Sportlaan 10",
        [
            (
                "Buurtsportcoach",
                "Hulp om een sport te vinden die bij je past.",
                "Iedereen",
                "Mail of bel de buurtsportcoach.",
                "MO,WE",
                "09:00",
                "17:00",
                5,
            ),
            (
                "Sporten met het Jeugdfonds",
                "Contributie betaald voor kinderen uit gezinnen met weinig geld.",
                "Kinderen van 4 tot 18",
                "Aanvragen via het wijkteam of de school.",
                WEEKDAYS,
                "09:00",
                "17:00",
                7,
            ),
            (
                "Wandelgroep",
                "Samen wandelen door de buurt en het park.",
                "Iedereen",
                "Gewoon meelopen.",
                "SA",
                "10:00",
                "11:30",
                2,
            ),
        ],
    ),
    (
        "Repair Café Lindenhof",
        "Samen spullen repareren in plaats van weggooien.",
        "Hofstraat 3",
        [
            (
                "Repair Café",
                "Neem je kapotte spullen mee: vrijwilligers helpen repareren.",
                "Iedereen",
                "Gewoon binnenlopen.",
                "SA",
                "10:00",
                "13:00",
                1,
            ),
            (
                "Fietsenhulp",
                "Hulp bij het plakken van banden en kleine reparaties aan je fiets.",
                "Iedereen",
                "Gewoon binnenlopen.",
                "SA",
                "10:00",
                "13:00",
                1,
            ),
        ],
    ),
]


def _id(*parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "buurtkracht-demo/" + "/".join(parts)))


def _topics(service_id: str, title: str) -> list[dict]:
    from buurtkracht.socialmap.topics import attribute, vocabulary

    by_name = {topic.name: topic for topic in vocabulary().values()}
    return [attribute(service_id=service_id, topic=by_name[n]) for n in TOPICS.get(title, [])]


def hsds_organizations(today: date | None = None) -> list[dict]:
    """The demo's social map as HSDS 3.1 organisations (with services and locations)."""
    today = today or timezone.localdate()
    organizations = []
    for n, (name, description, street, services) in enumerate(ORGANISATIONS):
        org_id, loc_id = _id(name), _id(name, "location")
        location = {
            "id": loc_id,
            "location_type": "physical",
            "name": name,
            "latitude": round(52.384 + (n // 5) * 0.006, 6),
            "longitude": round(4.622 + (n % 5) * 0.01, 6),
            "addresses": [
                {
                    "id": _id(name, "address"),
                    "location_id": loc_id,
                    "address_1": street,
                    "city": "Haarlem",
                    "state_province": "Noord-Holland",
                    "postal_code": f"20{31 + n % 5} A{'BCDEFGHJKL'[n % 10]}",
                    "country": "NL",
                    "address_type": "physical",
                }
            ],
        }
        found = []
        for m, (title, text, for_whom, how, days, opens, closes, months) in enumerate(services):
            service_id = _id(name, title)
            found.append(
                {
                    "id": service_id,
                    "organization_id": org_id,
                    "name": title,
                    "description": text,
                    "status": "active",
                    "eligibility_description": for_whom,
                    "application_process": how,
                    "fees_description": "Gratis",
                    "assured_date": (today - timedelta(days=30 * months)).isoformat(),
                    "languages": [
                        {"id": _id(name, title, "nl"), "name": "Nederlands", "code": "nl"}
                    ],
                    "phones": [
                        {
                            "id": _id(name, title, "phone"),
                            "number": f"023 {5310000 + n * 100 + m:07d}"[:12],
                        }
                    ],
                    "schedules": [
                        {
                            "id": _id(name, title, "schedule"),
                            "freq": "WEEKLY",
                            "byday": days,
                            "opens_at": opens,
                            "closes_at": closes,
                        }
                    ],
                    "attributes": _topics(service_id, title),
                    "service_at_locations": [
                        {
                            "id": _id(name, title, "here"),
                            "service_id": service_id,
                            "location_id": loc_id,
                            "location": location,
                        }
                    ],
                }
            )
        organizations.append(
            {
                "id": org_id,
                "name": name,
                "description": description,
                "locations": [location],
                "services": found,
            }
        )
    return organizations
