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


def card_helper(*, guidance, viewer) -> dict:
    """Whom the resident calls with questions, for the login card: the professional who
    registered the account and their organisation; the phone number only when that
    professional prints the card themselves (their own number, their own choice)."""
    helper = guidance.registered_by
    if helper is None:
        return {}
    profile = getattr(helper, "profile", None)
    return {
        "helper_name": profile.display_name if profile else "",
        "helper_organisation": guidance.organisation.name if guidance.organisation else "",
        "helper_phone": profile.phone if profile and helper.pk == viewer.pk else "",
    }
