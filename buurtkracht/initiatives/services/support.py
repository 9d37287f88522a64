"""Support (rugdekking): what professionals and organisations offer or gave an
initiative. It gives them no say over it (rule 3: backing, not taking over)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.core import access
from buurtkracht.core.logging import log_action
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import acting_membership

from ..models import Initiative, Support, SupportKind
from .base import clean_text, field_error

DESCRIPTION_MAX = 500
YEARS_AROUND = 5


def _check_date(given_on) -> None:
    if given_on is None:
        raise field_error("given_on", _("Give a date."), "required")
    if abs((given_on - timezone.localdate()).days) > YEARS_AROUND * 366:
        raise field_error(
            "given_on", _("Give a date within five years from today."), "out_of_range"
        )


def support_record(
    *,
    actor,
    initiative: Initiative,
    kind: str,
    description: str,
    given_on,
    membership: Membership | None,
) -> Support:
    """A professional or organisation records what it offers or gave, or did."""
    membership = acting_membership(actor, initiative.neighbourhood, membership)
    if not access.may_record_support(membership):
        raise ValidationError(
            _("Professionals and organisations record their support here."),
            code="not_supporter",
        )
    if kind not in SupportKind.values:
        raise field_error("kind", _("Choose what kind of support."), "invalid_choice")
    description = clean_text(description, field="description", required=True, limit=DESCRIPTION_MAX)
    _check_date(given_on)
    with transaction.atomic():
        support = Support.objects.create(
            initiative=initiative,
            organisation=membership.organisation,
            recorded_by=actor,
            kind=kind,
            description=description,
            given_on=given_on,
        )
        log_action(
            actor=actor,
            action="initiative.support_recorded",
            neighbourhood=initiative.neighbourhood,
            obj=support,
        )
    return support
