"""The demo's resident initiatives in Lindenhof: a sturdy Repair Café, a community garden
that rests on one person, a walking group for newcomers, a reading club gone quiet, and a
new Sunday dinner — with owners, members, tasks (some open), past and coming activities,
sign-ups and a waiting list. Sanne ("bewoner") owns the Repair Café; Karim ("verbinder")
sees the fragility signals as a connector."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from buurtkracht.initiatives.models import (
    Activity,
    BudgetLine,
    BudgetRequest,
    Initiative,
    Involvement,
    Role,
    SignUp,
    SignUpStatus,
    Support,
    Task,
    TaskInvitation,
    Update,
)
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.places.models import Place

# initiative number -> (kind, description, days ago): rugdekking by the professional
SUPPORT = (
    (0, "space", "Gratis gebruik van de grote zaal van het buurthuis, elke eerste zaterdag", 300),
    (0, "knowledge", "Training 'veilig repareren van elektrische apparaten'", 120),
    (1, "contact", "Contact gelegd met de groenbeheerder van de gemeente over het grasveld", 200),
    (2, "network", "Nieuwe bewoners via de taalcafés op de wandelgroep gewezen", 60),
    (2, "intervention", "Meegelopen met de eerste wandeling om de groep te leren kennen", 85),
)
NEWS = (
    (0, "Vorige maand 23 dingen gerepareerd, waaronder vier fietsen en een naaimachine.", 25),
    (1, "De eerste courgettes zijn geoogst! Wie helpt met water geven in de zomer?", 9),
    (2, "We liepen met twaalf mensen, uit zes landen. Volgende week naar de markt.", 5),
)

# name, what and why, for whom, created days ago, place name (or None), tasks, activities
# tasks: (title, recurrence, minutes, carrier: "owner" | "member" | "member2" | None)
# activities: (title, days from now, hour, hours long, capacity)
INITIATIVES = (
    (
        "Repair Café Lindenhof",
        "Elke maand repareren we samen kapotte spullen: lampen, fietsen, kleding, "
        "koffiezetapparaten. Weggooien is zonde, en samen sleutelen is gezellig.",
        "Iedereen in de buurt met iets kapots (of handige handen)",
        400,
        "Buurthuis De Linde",
        (
            ("Sleutel van het buurthuis beheren", "ongoing", 15, "owner"),
            ("Koffie en thee zetten", "monthly", 60, "member"),
            ("Gereedschapskist bijhouden", "monthly", 30, "member2"),
            ("Flyers rondbrengen", "monthly", 90, None),
        ),
        (
            ("Repair Café", -28, 13, 3, None),
            ("Repair Café", 3, 13, 3, 12),
            ("Repair Café", 31, 13, 3, 12),
        ),
    ),
    (
        "Moestuin achter de flat",
        "Van een grasveld een moestuin maken: groente kweken en delen met de buren.",
        "Bewoners van de flat en iedereen die wil meedoen",
        220,
        None,
        (
            ("Water geven in de zomer", "weekly", 45, "owner"),
            ("Zaad en plantjes kopen", "monthly", 60, "owner"),
            ("Penningmeester", "ongoing", 30, "owner"),
            ("Compost omscheppen", "monthly", 60, None),
            ("Gereedschapsschuur openen op zaterdag", "weekly", 20, None),
        ),
        (("Samen wieden", -10, 10, 2, None), ("Oogstfeest", 12, 15, 3, 30)),
    ),
    (
        "Wandelgroep Nieuw in de buurt",
        "Elke week een rondje door de buurt, zodat nieuwe bewoners mensen en plekken "
        "leren kennen. Je hoeft niemand te kennen om mee te lopen.",
        "Nieuwe bewoners, statushouders en iedereen die er graag bij is",
        90,
        None,
        (
            ("Route bedenken", "weekly", 30, "owner"),
            ("Koffie na afloop regelen", "weekly", 20, "member"),
        ),
        (
            ("Wandeling langs het Spaarne", -6, 10, 1, None),
            ("Wandeling naar de markt", 1, 10, 1, 15),
            ("Wandeling door het park", 8, 10, 1, 15),
        ),
    ),
    (
        "Leesclub De Linde",
        "Eens per maand een boek bespreken, met koffie.",
        "Lezers",
        300,
        "Buurthuis De Linde",
        (("Boeken kiezen", "monthly", 30, "owner"),),
        (("Leesavond", -130, 19, 2, None),),
    ),
    (
        "Zondagdiner",
        "Om de week samen koken en eten, voor wie niet graag alleen eet.",
        "Buren die vaak alleen eten",
        12,
        None,
        (
            ("Boodschappen doen", "weekly", 60, "owner"),
            ("Koken", "weekly", 120, None),
            ("Afwassen", "weekly", 45, None),
        ),
        (("Zondagdiner", 5, 17, 3, 8),),
    ),
)


class LindenhofPart:
    """One part of the demo in Lindenhof, built from the builder's people and clock."""

    def __init__(self, builder, nb_ids: dict[str, int]):
        self.b = builder
        self.rng = builder.rng
        self.now = builder.now
        self.hood_id = nb_ids["lindenhof"]

    def _at(self, days: int, hour: int) -> datetime:
        day = timezone.localdate(self.now) + timedelta(days=days)
        return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class Initiatives(LindenhofPart):
    def build(self) -> dict[str, int]:
        rng, b = self.rng, self.b
        demo = b.demo
        residents = [p.id for p in b.lindenhof if p.id is not None]
        owners_first = [demo["bewoner"].id, demo["verbinder"].id, demo["henk-demo"].id]
        places = dict(Place.objects.filter(neighbourhood_id=self.hood_id).values_list("name", "pk"))
        counts = dict.fromkeys(("initiatives", "initiative_tasks", "activities", "sign_ups"), 0)
        for number, (name, why, whom, age, place, tasks, activities) in enumerate(INITIATIVES):
            initiative = Initiative.objects.create(
                neighbourhood_id=self.hood_id,
                name=name,
                what_and_why=why,
                for_whom=whom,
                place_id=places.get(place) if place else None,
            )
            Initiative.objects.filter(pk=initiative.pk).update(
                created_at=self.now - timedelta(days=age)
            )
            counts["initiatives"] += 1
            owner = owners_first[number] if number < len(owners_first) else rng.choice(residents)
            others = [r for r in rng.sample(residents, min(len(residents), 14)) if r != owner]
            members = others[: rng.randint(2, 9)] if number != 1 else others[:1]
            Involvement.objects.create(initiative=initiative, user_id=owner, role=Role.OWNER)
            if number == 0 and len(others) > 10:  # the Repair Café has two owners
                Involvement.objects.create(
                    initiative=initiative, user_id=others[10], role=Role.OWNER
                )
            Involvement.objects.bulk_create(
                [Involvement(initiative=initiative, user_id=m, role=Role.MEMBER) for m in members]
            )
            if len(others) > 12:
                Involvement.objects.create(
                    initiative=initiative, user_id=others[12], role=Role.ASKED
                )
            for title, recurrence, minutes, carrier in tasks:
                carried = {"owner": owner, "member": members[0] if members else owner}.get(carrier)
                Task.objects.create(
                    initiative=initiative,
                    title=title,
                    recurrence=recurrence,
                    minutes=minutes,
                    carried_by_id=carried,
                )
                counts["initiative_tasks"] += 1
            for title, days, hour, hours, capacity in activities:
                start = self._at(days, hour)
                activity = Activity.objects.create(
                    initiative=initiative,
                    title=title,
                    starts_at=start,
                    ends_at=start + timedelta(hours=hours),
                    place_id=initiative.place_id,
                    capacity=capacity,
                )
                counts["activities"] += 1
                if days < 0:
                    continue
                wanting = rng.sample(residents, min(len(residents), (capacity or 10) + 3))
                confirmed = 0
                rows = []
                for user_id in wanting:
                    seat = capacity is None or confirmed < capacity
                    confirmed += seat
                    rows.append(
                        SignUp(
                            activity=activity,
                            user_id=user_id,
                            status=SignUpStatus.CONFIRMED if seat else SignUpStatus.WAITING,
                        )
                    )
                SignUp.objects.bulk_create(rows)
                Activity.objects.filter(pk=activity.pk).update(confirmed=confirmed)
                counts["sign_ups"] += len(rows)
        self.backing(counts)
        self.invitations_and_time(counts)
        return counts

    def backing(self, counts: dict[str, int]) -> None:
        """Support by the professional, news by the owners, and a budget request."""
        initiatives = list(
            Initiative.objects.filter(neighbourhood_id=self.hood_id).order_by("created_at", "pk")
        )
        initiatives.sort(key=lambda i: [row[0] for row in INITIATIVES].index(i.name))
        professional = self.b.demo["professional"].id
        organisation = (
            Membership.objects.filter(user_id=professional, neighbourhood_id=self.hood_id)
            .values_list("organisation_id", flat=True)
            .first()
        )
        today = timezone.localdate(self.now)
        Support.objects.bulk_create(
            [
                Support(
                    initiative=initiatives[number],
                    organisation_id=organisation,
                    recorded_by_id=professional,
                    kind=kind,
                    description=text,
                    given_on=today - timedelta(days=days),
                )
                for number, kind, text, days in SUPPORT
            ]
        )
        for number, text, days in NEWS:
            initiative = initiatives[number]
            author = initiative.people.filter(role=Role.OWNER).values_list("user_id", flat=True)
            update = Update.objects.create(initiative=initiative, author_id=author[0], text=text)
            Update.objects.filter(pk=update.pk).update(created_at=self.now - timedelta(days=days))
        budget = BudgetRequest.objects.create(
            initiative=initiatives[0],
            title="Gereedschap en onderdelen voor het Repair Café",
            status="partly",
            granted="350.00",
            account="Soldeerstation en naaimachine gekocht; de rest betalen we van de koffiepot.",
            decided_at=self.now - timedelta(days=60),
        )
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(request=budget, description=text, amount=amount)
                for text, amount in (
                    ("Soldeerstation", "189.00"),
                    ("Tweedehands naaimachine", "145.00"),
                    ("Onderdelen en kleinmateriaal", "120.00"),
                )
            ]
        )
        counts["initiative_support"] = len(SUPPORT)
        counts["initiative_news"] = len(NEWS)

    def invitations_and_time(self, counts: dict[str, int]) -> None:
        """Owners invite suggested neighbours for open tasks (one said yes, one no, one
        still thinking — Sanne, "bewoner", is asked to cook at the Sunday dinner), and
        neighbours give time to the initiatives' time bank accounts; the Repair Café thanks
        the member who makes the coffee with an hour."""
        from buurtkracht.timebank import services as timebank
        from buurtkracht.timebank.models import Account, Rules

        initiatives = {i.name: i for i in Initiative.objects.filter(neighbourhood_id=self.hood_id)}
        sanne = self.b.demo["bewoner"].id
        residents = [p.id for p in self.b.lindenhof if p.id is not None]
        invited = 0
        for name, title, answer, reason in (
            ("Zondagdiner", "Koken", "pending", "koken voor anderen · 350 m"),
            ("Moestuin achter de flat", "Compost omscheppen", "accepted", "tuinieren · 200 m"),
            (
                "Moestuin achter de flat",
                "Gereedschapsschuur openen op zaterdag",
                "declined",
                "tuinieren · vrij op zaterdagochtend",
            ),
        ):
            initiative = initiatives[name]
            task = initiative.tasks.get(title=title)
            inside = set(initiative.people.values_list("user_id", flat=True))
            owner = initiative.people.filter(role=Role.OWNER).values_list("user_id", flat=True)[0]
            candidates = [sanne] if answer == "pending" and sanne not in inside else []
            candidates += [r for r in residents if r not in inside and r != sanne]
            invitee = candidates[0] if answer == "pending" else self.rng.choice(candidates[:40])
            TaskInvitation.objects.create(
                task=task,
                invitee_id=invitee,
                invited_by_id=owner,
                message="Zou jij dit willen doen? Je bent van harte welkom.",
                reason=reason,
                status=answer,
                answered_at=None if answer == "pending" else self.now - timedelta(days=2),
            )
            if answer == "accepted":
                Involvement.objects.create(initiative=initiative, user_id=invitee, role=Role.MEMBER)
                Task.objects.filter(pk=task.pk).update(carried_by_id=invitee)
            invited += 1
        counts["task_invitations"] = invited
        if not Rules.objects.filter(neighbourhood_id=self.hood_id).exists():
            return
        User = get_user_model()
        gifts = 0
        # Givers: members with an account and time to spare (no new accounts here).
        givers = sorted(
            Account.objects.filter(
                neighbourhood_id=self.hood_id, kind="member", is_open=True, balance__gte=150
            ).values_list("user_id", flat=True)
        )
        memberships = {
            m.user_id: m
            for m in Membership.objects.filter(neighbourhood_id=self.hood_id, user_id__in=givers)
        }
        for initiative in initiatives.values():
            if not initiative.is_open:
                continue
            account = timebank.initiative_account(initiative)
            for giver in self.rng.sample(givers, min(len(givers), 3)):
                try:
                    timebank.donate(
                        actor=User(pk=giver),
                        neighbourhood=initiative.neighbourhood,
                        to_account=account,
                        minutes=self.rng.choice((30, 45, 60, 90)),
                        membership=memberships[giver],
                    )
                except ValidationError:  # the giver is at their lowest balance: skip
                    continue
                gifts += 1
        repair = initiatives["Repair Café Lindenhof"]
        coffee = repair.tasks.get(title="Koffie en thee zetten")
        owner = repair.people.filter(role=Role.OWNER).values_list("user_id", flat=True)[0]
        if coffee.carried_by_id and coffee.carried_by_id != owner:
            try:
                timebank.initiative_give(
                    actor=User(pk=owner),
                    initiative=repair,
                    to_user=User(pk=coffee.carried_by_id),
                    minutes=60,
                    note="Dank voor de koffie, elke maand weer!",
                )
                gifts += 1
            except ValidationError:  # not enough time in the account yet
                pass
        counts["initiative_time_gifts"] = gifts
        # All of Lindenhof's accounts now, the initiatives' (and any opened here) included.
        counts["timebank_accounts"] = Account.objects.filter(neighbourhood_id=self.hood_id).count()
