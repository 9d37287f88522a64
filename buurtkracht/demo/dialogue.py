"""The demo's neighbourhood dialogues in Lindenhof (issue 20): a dialogue table three weeks
ago about eating alone, planned by Ahmed ("verbinder"), with its harvest — quotes
(anonymous, one with Sanne's name, one waiting for Henk's answer), experiences, dreams
and actions, one of which became the Sunday dinner initiative — and a World Café to come,
planned by Marieke of the municipality, with a few people signed up."""

from __future__ import annotations

from buurtkracht.core.choices import Visibility
from buurtkracht.dialogue.models import (
    Dialogue,
    HarvestItem,
    Invited,
    Kind,
    Participant,
    Reflection,
    ReflectionTag,
    Story,
    StoryTag,
)
from buurtkracht.initiatives.models import Initiative
from buurtkracht.people.consents import Method
from buurtkracht.places.models import Place

from .initiatives import LindenhofPart

# (kind, step, text, speaker: None | "named:<login>" | "waiting:<login>")
HARVEST = (
    (Kind.QUOTE, "meet", "Ik woon hier twintig jaar en ken bijna niemand in mijn portiek.", None),
    (Kind.INSIGHT, "meet", "Veel mensen aan tafel eten elke dag alleen.", None),
    (
        Kind.QUOTE,
        "experiences",
        "Toen ik ziek was, bracht de buurvrouw soep. Dat vergeet ik nooit.",
        "named:bewoner",
    ),
    (
        Kind.QUOTE,
        "experiences",
        "Samen koken op het buurtfeest was het leukste van het jaar.",
        "waiting:henk-demo",
    ),
    (Kind.INSIGHT, "experiences", "Eten brengt mensen bij elkaar, ook zonder veel taal.", None),
    (Kind.DREAM, "dreams", "Een buurt waar niemand op zondag alleen hoeft te eten.", None),
    (Kind.DREAM, "dreams", "Een vaste plek waar je zomaar kunt aanschuiven.", None),
    (Kind.ACTION, "do", "Om de week op zondag samen koken en eten.", "initiative:Zondagdiner"),
    (Kind.ACTION, "do", "Een lijstje maken van wie wil koken voor een buur.", None),
    (Kind.ACTION, "do", "De portiekbewoners uitnodigen voor koffie.", None),
)


# (teller, written down by, title, text, visibility (None: waits for the teller), initiative,
#  about the dialogue, tags)
STORIES = (
    (
        "bewoner",
        None,
        "De soep van de buurvrouw",
        "Toen ik griep had, stond mijn buurvrouw met soep voor de deur. We kenden elkaar "
        "nauwelijks. Nu drinken we elke week koffie. Dat vertelde ik ook aan de dialoogtafel.",
        Visibility.NEIGHBOURHOOD,
        None,
        True,
        ("p3", "p5"),
    ),
    (
        "verbinder",
        None,
        "Hoe het Zondagdiner begon",
        "Aan de dialoogtafel zeiden vijf mensen dat ze op zondag alleen eten. Twee weken later "
        "kookten we voor het eerst samen. Nu komen er elke keer acht buren.",
        Visibility.PUBLIC,
        "Zondagdiner",
        True,
        ("p2", "p8", "l1"),
    ),
    (
        "henk-demo",
        "professional",
        "Mijn fiets doet het weer",
        "Ik kon niet meer fietsen naar de markt. Bij het Repair Café maakten ze mijn fiets. "
        "Nu help ik zelf met banden plakken. Dat kan ik goed.",
        Visibility.PUBLIC,
        "Repair Café Lindenhof",
        False,
        ("p1", "p3"),
    ),
    (
        "lindenhof:0",
        None,
        "Nederlands leren onder het wandelen",
        "In de wandelgroep praat ik Nederlands. Niemand lacht als ik een fout maak. Ik ken nu "
        "mensen in mijn straat.",
        Visibility.CONTACTS,
        "Wandelgroep Nieuw in de buurt",
        False,
        ("p6",),
    ),
    (
        "lindenhof:1",
        "professional",
        "Mijn tomaten",
        "Ik vertelde Youssef over de moestuin achter de flat. Daar kweek ik tomaten voor de "
        "hele portiek.",
        None,
        "Moestuin achter de flat",
        False,
        ("p1",),
    ),
)


# (professional: "professional" or an organisation, format, title, answers, about: the
#  dialogue or an initiative's name, tags)
REFLECTIONS = (
    (
        "professional",
        "buurtkracht",
        "Ik liet de tafel het werk doen",
        {
            "situation": "Aan de dialoogtafel over samen eten schreef ik mee.",
            "did": "Ik stelde alleen de vragen van de rondes. Ik gaf geen advies.",
            "worked": "Bewoners kwamen zelf met het plan voor een zondagdiner.",
            "not_worked": "Twee mensen kwamen weinig aan het woord.",
            "next": "Volgende keer vraag ik de stillere mensen eerst.",
        },
        "dialogue",
        ("p2", "p4", "l1", "l3"),
    ),
    (
        "Woonstichting Thuisbasis",
        "starr",
        "Een ruimte voor het Repair Café",
        {
            "situation": "Het Repair Café zocht een vaste plek.",
            "task": "Ik wilde een ruimte regelen zonder het initiatief over te nemen.",
            "action": "Ik zocht een lege ruimte in ons complex. De bewoners kozen zelf.",
            "result": "Ze zitten er nu elke maand. Ze regelen de sleutel zelf.",
            "reflection": "Rugdekking geven werkt beter dan zelf organiseren.",
        },
        "Repair Café Lindenhof",
        ("p9", "p10", "l4"),
    ),
)


class Dialogues(LindenhofPart):
    def build(self) -> dict[str, int]:
        demo = self.b.demo
        ids = {login: person.id for login, person in demo.items()}
        residents = [p.id for p in self.b.lindenhof if p.id is not None]
        place = Place.objects.filter(neighbourhood_id=self.hood_id).order_by("pk").first()
        held = Dialogue.objects.create(
            neighbourhood_id=self.hood_id,
            title="Samen eten, minder alleen",
            about="Veel buren eten alleen. Hoe kunnen we dat samen veranderen?",
            format="dialoogtafel",
            place=place,
            starts_at=self._at(-21, 19),
            ends_at=self._at(-21, 21),
            capacity=8,
            for_residents=True,
            for_organisations="Welzijn Lindenhof, Woonstichting Thuisbasis",
            organiser_id=ids["verbinder"],
        )
        table = [ids["verbinder"], ids["bewoner"], ids["henk-demo"], ids["professional"]]
        others = [r for r in residents if r not in set(ids.values())]
        table += others[:4]
        Participant.objects.bulk_create([Participant(dialogue=held, user_id=u) for u in table])
        Dialogue.objects.filter(pk=held.pk).update(joined=len(table))
        dinner = Initiative.objects.filter(
            neighbourhood_id=self.hood_id, name="Zondagdiner"
        ).first()
        items = [self._item(held, row, ids, dinner) for row in HARVEST]
        HarvestItem.objects.bulk_create(items)
        coming = Dialogue.objects.create(
            neighbourhood_id=self.hood_id,
            title="Veilig naar school",
            about="Hoe komen de kinderen veilig naar school? Ouders, school en gemeente praten.",
            format="world_cafe",
            place=place,
            starts_at=self._at(10, 19),
            ends_at=self._at(10, 21),
            capacity=30,
            for_residents=True,
            for_organisations="Basisschool De Linde",
            for_municipality=True,
            organiser_id=ids["gemeente"],
        )
        signed = [ids["gemeente"], ids["bewoner"], *others[10:15]]
        Participant.objects.bulk_create([Participant(dialogue=coming, user_id=u) for u in signed])
        Dialogue.objects.filter(pk=coming.pk).update(joined=len(signed))
        Invited.objects.bulk_create(
            [Invited(dialogue=coming, user_id=u, invited_by_id=ids["gemeente"]) for u in signed]
        )
        return {
            "dialogues": 2,
            "harvest_items": len(items),
            "stories": self._stories(held),
            "reflections": self._reflections(held),
        }

    def _reflections(self, held) -> int:
        b = self.b
        initiatives = dict(
            Initiative.objects.filter(neighbourhood_id=self.hood_id).values_list("name", "pk")
        )
        for who, format_code, title, answers, about, tags in REFLECTIONS:
            author = (
                b.demo[who]
                if who in b.demo
                else next(p for p in b.professionals if b.org_of.get(p.username) == who)
            )
            reflection = Reflection.objects.create(
                author_id=author.id,
                neighbourhood_id=self.hood_id,
                format=format_code,
                title=title,
                answers=answers,
                dialogue=held if about == "dialogue" else None,
                initiative_id=initiatives.get(about),
                for_professionals=True,
            )
            ReflectionTag.objects.bulk_create(
                [ReflectionTag(reflection=reflection, code=c) for c in tags]
            )
        return len(REFLECTIONS)

    def _stories(self, held) -> int:
        demo = self.b.demo
        residents = [p.id for p in self.b.lindenhof if p.id is not None]
        extra = [r for r in residents if r not in {p.id for p in demo.values()}]
        initiatives = dict(
            Initiative.objects.filter(neighbourhood_id=self.hood_id).values_list("name", "pk")
        )
        for teller, writer, title, text, shared, initiative, at_table, tags in STORIES:
            who = extra[int(teller[10:])] if teller.startswith("lindenhof:") else demo[teller].id
            waiting = shared is None
            story = Story.objects.create(
                neighbourhood_id=self.hood_id,
                teller_id=who,
                written_by_id=demo[writer].id if writer else None,
                title=title,
                text=text,
                visibility=Visibility.PRIVATE if waiting else shared,
                proposed_visibility=Visibility.NEIGHBOURHOOD if waiting else "",
                approved_at=None if waiting else self.now,
                consent_at=None if waiting or shared == Visibility.PRIVATE else self.now,
                consent_method="" if waiting else Method.ONLINE,
                initiative_id=initiatives.get(initiative),
                dialogue=held if at_table else None,
            )
            StoryTag.objects.bulk_create([StoryTag(story=story, code=c) for c in tags])
        return len(STORIES)

    def _item(self, dialogue, row, ids, dinner) -> HarvestItem:
        kind, step, text, who = row
        made = dialogue.ends_at
        item = HarvestItem(
            dialogue=dialogue, kind=kind, step=step, text=text, created_by_id=ids["professional"]
        )
        if kind == Kind.QUOTE:
            role, _sep, login = (who or "anonymous:").partition(":")
            if role in ("named", "waiting"):
                item.speaker_id = ids[login]
            if role != "waiting":  # anonymous: asked in the room; named: said yes here
                item.consent_at = made
                item.consent_method = Method.ONLINE if role == "named" else Method.VERBAL
                item.consent_recorded_by_id = ids[login] if role == "named" else ids["professional"]
        elif who and who.startswith("initiative:") and dinner is not None:
            item.initiative = dinner
        return item
