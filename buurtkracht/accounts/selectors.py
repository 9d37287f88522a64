from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.conf import settings

from buurtkracht.neighbourhoods.models import Membership


def has_mfa_role(user) -> bool:
    return Membership.objects.filter(user=user, role__in=settings.BUURTKRACHT_MFA_ROLES).exists()


def needs_mfa_setup(user) -> bool:
    """Roles that read other people's data must use TOTP; this says whether it is missing."""
    if not has_mfa_role(user):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


GUIDED_PAGE = 50


def guided_accounts(*, neighbourhood, viewer, membership, query: str = "", after: str = ""):
    """One page of the guided accounts of this neighbourhood whose consent to guidance is
    still active, by name (`query`: names that start with it), and where the next page
    starts. Only the page shown is written to the access log."""
    from buurtkracht.core import access, paging
    from buurtkracht.people.models import Consent, name_starts

    from .models import GuidedAccount

    active = Consent.objects.filter(
        neighbourhood=neighbourhood, scope="guided_account", withdrawn_at__isnull=True
    ).values("user_id")
    rows = GuidedAccount.objects.filter(
        neighbourhood=neighbourhood, user_id__in=active
    ).select_related("user__profile", "organisation")
    rows = name_starts(rows, query, field="user__profile__search_name")
    page = paging.by_key(
        rows, key="user__profile__search_name", pk="user_id", after=after, limit=GUIDED_PAGE
    )
    access.note_reads(
        viewer=viewer,
        membership=membership,
        subject_ids=[g.user_id for g in page.rows],
        what="guided_list",
    )
    return page


def guided_account(*, neighbourhood, user_id: int):
    from buurtkracht.people.models import Consent

    from .models import GuidedAccount

    guidance = (
        GuidedAccount.objects.filter(neighbourhood=neighbourhood, user_id=user_id)
        .select_related("user__profile")
        .first()
    )
    if guidance is None:
        return None
    consented = Consent.objects.filter(
        user_id=user_id,
        neighbourhood=neighbourhood,
        scope="guided_account",
        withdrawn_at__isnull=True,
    ).exists()
    return guidance if consented else None


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
    members: dict[int, list[int]] = {}
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
