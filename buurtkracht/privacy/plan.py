"""What erasing an account would do: the initiatives to hand over, the neighbourhoods that
would lose their last administrator, the balances kept under the pseudonym."""

from __future__ import annotations

from dataclasses import dataclass

from buurtkracht.neighbourhoods.models import Membership


@dataclass(frozen=True)
class Handover:
    """An initiative the person owns and what happens to it when they erase their account:
    `co_owner` keeps it; else they choose one of `candidates`; with neither, it closes."""

    initiative: object
    co_owner: bool
    candidates: list  # [(user id, name)] members who may own it


@dataclass(frozen=True)
class ErasurePlan:
    handovers: list[Handover]
    last_admin_of: list  # neighbourhoods that would be left without an administrator
    balances: list  # [(neighbourhood name, minutes)]

    @property
    def to_choose(self) -> list[Handover]:
        return [h for h in self.handovers if not h.co_owner and h.candidates]

    @property
    def to_close(self) -> list[Handover]:
        return [h for h in self.handovers if not h.co_owner and not h.candidates]


def erasure_plan(*, user) -> ErasurePlan:
    """What erasing `user`'s account would do, for the confirmation page and the service."""
    from buurtkracht.core.choices import Role
    from buurtkracht.initiatives.models import Involvement
    from buurtkracht.initiatives.models import Role as InitiativeRole
    from buurtkracht.initiatives.services import OWNER_ROLES
    from buurtkracht.people.selectors import display_names
    from buurtkracht.timebank.models import Account

    owned = [
        i.initiative
        for i in Involvement.objects.filter(
            user=user, role=InitiativeRole.OWNER, initiative__is_open=True
        ).select_related("initiative__neighbourhood")
    ]
    others = Involvement.objects.filter(initiative__in=owned).exclude(user=user)
    owners = set(others.filter(role=InitiativeRole.OWNER).values_list("initiative_id", flat=True))
    members: dict[int, list[tuple[int, int]]] = {}
    for initiative_id, member_id, hood_id in others.filter(
        role=InitiativeRole.MEMBER, user__is_active=True
    ).values_list("initiative_id", "user_id", "initiative__neighbourhood_id"):
        members.setdefault(initiative_id, []).append((member_id, hood_id))
    may_own = set(
        Membership.objects.filter(
            user_id__in={m for rows in members.values() for m, _ in rows}, role__in=OWNER_ROLES
        ).values_list("user_id", "neighbourhood_id")
    )
    handovers = []
    for initiative in owned:
        ids = [m for m, hood in members.get(initiative.pk, []) if (m, hood) in may_own]
        shown = display_names(viewer=user, neighbourhood=initiative.neighbourhood, user_ids=ids)
        handovers.append(
            Handover(
                initiative=initiative,
                co_owner=initiative.pk in owners,
                candidates=[(m, shown[m]) for m in ids if m in shown],
            )
        )
    last_admin_of = [
        m.neighbourhood
        for m in Membership.objects.filter(user=user, role=Role.ADMIN).select_related(
            "neighbourhood"
        )
        if not Membership.objects.filter(neighbourhood=m.neighbourhood_id, role=Role.ADMIN)
        .exclude(user=user)
        .exists()
    ]
    balances = [
        (a.neighbourhood.name, a.balance)
        for a in Account.objects.filter(user=user).select_related("neighbourhood")
    ]
    return ErasurePlan(handovers=handovers, last_admin_of=last_admin_of, balances=balances)
