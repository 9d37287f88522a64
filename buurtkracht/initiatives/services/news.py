"""News and stories of an initiative, with a photo if its people like."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buurtkracht.core import access
from buurtkracht.core.logging import log_action

from ..models import TEXT_MAX, Initiative, Update
from ..selectors import role_of
from .base import clean_text, photo_checked, require_open


def update_post(*, actor, initiative: Initiative, text: str, photo=None) -> Update:
    """Someone of the initiative posts news or a story, with a photo if they like."""
    if not access.is_in_initiative(role_of(actor, initiative)):
        raise ValidationError(
            _("Only the people of this initiative can post news here."), code="not_part"
        )
    require_open(initiative)
    text = clean_text(text, field="text", required=True, limit=TEXT_MAX)
    cleaned = photo_checked(photo, field=None)
    with transaction.atomic():
        update = Update(initiative=initiative, author=actor, text=text)
        if cleaned is not None:
            update.photo.save(cleaned.name, cleaned, save=False)
        update.save()
        log_action(
            actor=actor,
            action="initiative.update_posted",
            neighbourhood=initiative.neighbourhood,
            obj=update,
        )
    return update
