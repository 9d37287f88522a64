"""Object lookups for the gifts pages; who may do what is decided in core.access."""

from django.http import Http404

from buurtkracht.accounts.selectors import guided_account
from buurtkracht.core import access


def gifts_guided_subject(*, viewer, neighbourhood, membership, user_id: int):
    """The resident of a guided account of `neighbourhood` (with the consent to guidance
    still active) whose gifts a professional or administrator fills in with them, or 404.
    The view requires `Action.GUIDED_GIFTS` first; this read is logged for the resident."""
    guidance = guided_account(neighbourhood=neighbourhood, user_id=user_id)
    if guidance is None:
        raise Http404
    access.note_reads(
        viewer=membership.user, membership=membership, subject_ids=[user_id], what="gifts"
    )
    return guidance.user
