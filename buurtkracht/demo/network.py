"""The demo's relationship network extras in Lindenhof (the ties themselves come from the
exchanges, tasks and activities the demo already has): a group the neighbourhood wants to
see connected (residents of sheltered housing who allowed being counted), introductions a
connector proposed (one accepted, with the first messages between the two, one waiting
for Sanne, "bewoner"), and "ik ken" ties."""

from __future__ import annotations

from datetime import timedelta

from buurtkracht.network.models import (
    Acquaintance,
    Answer,
    Introduction,
    IntroductionMessage,
    WatchGroup,
)
from buurtkracht.people.models import Consent, Contact


class Network:
    def __init__(self, builder, nb_ids: dict[str, int]):
        self.b = builder
        self.rng = builder.rng
        self.now = builder.now
        self.hood_id = nb_ids["lindenhof"]

    def build(self) -> dict[str, int]:
        demo = self.b.demo
        named = set(
            Consent.objects.filter(
                neighbourhood_id=self.hood_id,
                scope__in=["network_names", "connector_outreach"],
                withdrawn_at__isnull=True,
            ).values_list("user_id", flat=True)
        )
        counted = sorted(
            Consent.objects.filter(
                neighbourhood_id=self.hood_id, scope="group_count", withdrawn_at__isnull=True
            ).values_list("user_id", flat=True)
        )
        group = WatchGroup.objects.create(neighbourhood_id=self.hood_id, name="Beschut wonen")
        group.members.set(counted[: max(1, len(counted) // 2)])
        residents = [p.id for p in self.b.lindenhof if p.id is not None and p.id in named]
        sanne, karim = demo["bewoner"].id, demo["verbinder"].id
        others = [r for r in residents if r not in (sanne, karim)]
        introductions = 0
        if len(others) >= 4:
            pairs = [
                (others[0], others[1], "yes", "Allebei tuinieren en wonen dichtbij"),
                (sanne, others[2], "pending", "Allebei Arabisch, en zij is nieuw in de buurt"),
            ]
            for one, other, answer, reason in pairs:
                a, b = sorted((one, other))
                made = Introduction.objects.create(
                    neighbourhood_id=self.hood_id,
                    proposed_by_id=karim,
                    person_a_id=a,
                    person_b_id=b,
                    reason=reason,
                    answer_a=Answer.YES if answer == "yes" else Answer.PENDING,
                    answer_b=Answer.YES if answer == "yes" else Answer.PENDING,
                    accepted_at=self.now - timedelta(days=20) if answer == "yes" else None,
                )
                if answer == "yes":
                    Contact.objects.get_or_create(
                        user_a_id=a, user_b_id=b, defaults={"source": "introduction"}
                    )
                    self._first_messages(made, one, other)
                introductions += 1
        knows = 0
        for one, other in zip(others[3:13], others[13:23], strict=False):
            Acquaintance.objects.create(
                neighbourhood_id=self.hood_id,
                from_user_id=one,
                to_user_id=other,
                answer=Answer.YES,
                answered_at=self.now - timedelta(days=self.rng.randint(5, 200)),
            )
            knows += 1
        if others:
            Acquaintance.objects.create(
                neighbourhood_id=self.hood_id, from_user_id=others[-1], to_user_id=sanne
            )
            knows += 1
        return {"introductions": introductions, "acquaintances": knows, "watch_groups": 1}

    def _first_messages(self, introduction, one: int, other: int) -> None:
        """The two who both said yes wrote to each other, on the platform."""
        lines = [
            (one, "Leuk dat we elkaar mogen leren kennen! Heb jij ook een moestuinbak?"),
            (other, "Ja, achter het buurthuis. Zaterdagochtend ben ik er altijd. Kom je langs?"),
            (one, "Goed idee, ik neem koffie mee."),
        ]
        for author, text in lines:
            IntroductionMessage.objects.create(
                introduction=introduction, author_id=author, text=text
            )
