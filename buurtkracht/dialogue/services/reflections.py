"""Professionals' reflections (issue 20): on their own work, in a chosen format, tagged
with the Buurtpower principles and Movisie's lessons — never with residents' names
unless they agreed."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.core import access
from buurtkracht.core.choices import Role
from buurtkracht.core.logging import log_action
from buurtkracht.initiatives.services.base import clean_text, field_error
from buurtkracht.neighbourhoods.services import acting_membership
from buurtkracht.people.models import Profile, name_key

from ..formats import REFLECTION_FORMATS
from ..models import REFLECTION_ANSWER_MAX, TITLE_MAX, Reflection, ReflectionTag
from .stories import _links, _tags

NAME_WORDS_MAX = 50
"""Capitalised words of a reflection looked up as names (one indexed query)."""


def named_residents(text: str, *, neighbourhood) -> list[str]:
    """The residents of the neighbourhood a text names, by first name or whole name: its
    capitalised words looked up as name prefixes on the name index (never a list of
    everyone), then kept when a word is a whole first name."""
    words = [w for w in re.findall(r"[^\W\d_][\w'-]{2,}", text) if w[0].isupper()]
    keys = sorted({name_key(w) for w in words})[:NAME_WORDS_MAX]
    if not keys:
        return []
    prefix = Q()
    for key in keys:
        prefix |= Q(search_name__gte=key, search_name__lt=key + "\uffff")
    found = Profile.objects.filter(
        prefix,
        user__memberships__neighbourhood=neighbourhood,
        user__memberships__role__in=[Role.RESIDENT, Role.CONNECTOR],
    ).values_list("display_name", "search_name")[:200]
    plain = name_key(text)
    return sorted({display for display, key in found if key.split(" ")[0] in keys or key in plain})


def reflection_write(*, actor, membership, neighbourhood, values: dict) -> Reflection:
    """A professional, the municipality or an administrator writes a reflection."""
    acting_membership(actor, neighbourhood, membership)
    if not access.member_may(
        actor, access.Action.REFLECT, neighbourhood=neighbourhood, membership=membership
    ):
        raise ValidationError(str(access.DENIED_REASONS[access.Action.REFLECT]), code="not_allowed")
    chosen = REFLECTION_FORMATS.get(values.get("format") or "")
    if chosen is None:
        raise field_error("format", _("Choose one of the formats."), "invalid")
    title = clean_text(values.get("title", ""), field="title", required=True, limit=TITLE_MAX)
    given = values.get("answers") or {}
    answers = {
        step.code: clean_text(
            given.get(step.code, ""),
            field=f"answer_{step.code}",
            required=False,
            limit=REFLECTION_ANSWER_MAX,
        )
        for step in chosen.steps
    }
    answers = {code: text for code, text in answers.items() if text}
    if not answers:
        raise field_error(
            f"answer_{chosen.steps[0].code}", _("Answer at least one question."), "required"
        )
    links = _links(values, neighbourhood=neighbourhood, keys=("initiative", "dialogue", "request"))
    tags = _tags(values.get("tags"))
    names = named_residents(" ".join([title, *answers.values()]), neighbourhood=neighbourhood)
    if names and not values.get("names_consent"):
        raise field_error(
            "names_consent",
            _(
                "You name %(names)s. Do not write residents' names, unless they agreed. "
                "Then tick that they agreed."
            )
            % {"names": ", ".join(names[:5])},
            "names",
        )
    with transaction.atomic():
        reflection = Reflection.objects.create(
            author=actor,
            neighbourhood=neighbourhood,
            format=chosen.code,
            title=title,
            answers=answers,
            for_professionals=bool(values.get("for_professionals")),
            names_consent_at=timezone.now() if names else None,
            **links,
        )
        ReflectionTag.objects.bulk_create(
            [ReflectionTag(reflection=reflection, code=code) for code in tags]
        )
        log_action(
            actor=actor,
            action="reflection.written",
            neighbourhood=neighbourhood,
            obj=reflection,
            data={"names_consent": bool(names)},
        )
    return reflection


def reflection_delete(*, actor, reflection: Reflection) -> None:
    if reflection.author_id != actor.pk:
        raise ValidationError(_("Only who wrote it can do this."), code="not_author")
    with transaction.atomic():
        log_action(
            actor=actor,
            action="reflection.deleted",
            neighbourhood=reflection.neighbourhood,
            obj=reflection,
        )
        reflection.delete()
