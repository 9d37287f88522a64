"""Residents' stories (issue 20): told in one's own words, or to a buurtwerker who writes
them down — then the teller approves before anyone else reads it. Visibility per story,
with the teller's consent recorded; the teller can take it back at any time."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core import access
from buurtkracht.core.choices import Visibility
from buurtkracht.core.logging import log_action
from buurtkracht.initiatives.services.base import clean_text, field_error, photo_checked
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import acting_membership
from buurtkracht.notifications.models import Kind as NotificationKind
from buurtkracht.notifications.services import notify
from buurtkracht.people.consents import Method

from ..models import STORY_MAX, TITLE_MAX, Story, StoryTag
from ..principles import LESSONS, PRINCIPLES


def _links(values: dict, *, neighbourhood, keys=("initiative", "place", "dialogue")) -> dict:
    """What a story (or a reflection) is about: each of this neighbourhood."""
    links = {}
    for key in keys:
        linked = values.get(key)
        if linked is not None and linked.neighbourhood_id != neighbourhood.pk:
            raise field_error(key, _("Choose one of this neighbourhood."), "invalid")
        links[key] = linked
    return links


def _tags(codes) -> list[str]:
    codes = list(dict.fromkeys(codes or []))
    if any(code not in PRINCIPLES and code not in LESSONS for code in codes):
        raise field_error("tags", _("Choose from the list."), "invalid")
    return codes


def _sharing(visibility: str, consent: bool) -> dict:
    """Who may read it, and the consent that allows it (none needed for "only me")."""
    if visibility not in Visibility.values:
        raise field_error("visibility", _("Choose who may read it."), "invalid")
    if visibility == Visibility.PRIVATE:
        return {"visibility": visibility, "consent_at": None, "consent_method": ""}
    if not consent:
        raise field_error(
            "consent",
            _("Tick that you agree, or choose “Only me”."),
            "no_consent",
        )
    return {
        "visibility": visibility,
        "consent_at": timezone.now(),
        "consent_method": Method.ONLINE,
    }


def story_tell(*, actor, membership, neighbourhood, values: dict, photo=None, teller=None) -> Story:
    """A member tells their story (`teller` None), or a professional writes one down for
    a member who told it (`teller`): that one waits, private, for the teller's yes; what
    the writer proposed (`values["visibility"]`) is what the teller is asked."""
    acting_membership(actor, neighbourhood, membership)
    if not access.member_may(
        actor, access.Action.DIALOGUE_USE, neighbourhood=neighbourhood, membership=membership
    ):
        raise ValidationError(
            _("Only members of this neighbourhood can do this."), code="not_allowed"
        )
    for_someone = teller is not None and teller.pk != actor.pk
    if for_someone:
        if not access.member_may(
            actor,
            access.Action.STORY_WRITE_FOR,
            neighbourhood=neighbourhood,
            membership=membership,
        ):
            raise ValidationError(
                str(access.DENIED_REASONS[access.Action.STORY_WRITE_FOR]), code="not_allowed"
            )
        if not Membership.objects.filter(neighbourhood=neighbourhood, user=teller).exists():
            raise field_error("teller", _("Choose a member of this neighbourhood."), "invalid")
    title = clean_text(values.get("title", ""), field="title", required=True, limit=TITLE_MAX)
    text = clean_text(values.get("text", ""), field="text", required=True, limit=STORY_MAX)
    links = _links(values, neighbourhood=neighbourhood)
    tags = _tags(values.get("tags"))
    proposed = values.get("visibility") or Visibility.PRIVATE
    if for_someone:
        if proposed not in Visibility.values:
            raise field_error("visibility", _("Choose who may read it."), "invalid")
        sharing = {"visibility": Visibility.PRIVATE, "proposed_visibility": proposed}
    else:
        sharing = _sharing(proposed, bool(values.get("consent")))
    cleaned = photo_checked(photo)
    now = timezone.now()
    with transaction.atomic():
        story = Story.objects.create(
            neighbourhood=neighbourhood,
            teller=teller if for_someone else actor,
            written_by=actor if for_someone else None,
            title=title,
            text=text,
            approved_at=None if for_someone else now,
            **sharing,
            **links,
        )
        StoryTag.objects.bulk_create([StoryTag(story=story, code=code) for code in tags])
        if cleaned is not None:
            story.photo.save(cleaned.name, cleaned, save=True)
        if for_someone:
            notify(
                user=teller,
                kind=NotificationKind.STORY,
                title=gettext_lazy("%(name)s wrote down your story. May it be shown?"),
                body=title,
                url=reverse("dialogue:my_stories", kwargs={"slug": neighbourhood.slug}),
                neighbourhood=neighbourhood,
                params={"name": actor.name},
            )
        log_action(actor=actor, action="story.told", neighbourhood=neighbourhood, obj=story)
    return story


def _tellers(actor, story: Story) -> None:
    if story.teller_id != actor.pk:
        raise ValidationError(_("Only who told the story can do this."), code="not_teller")


def story_answer(*, actor, story: Story, approve: bool, visibility: str, consent: bool):
    """The teller reads what a buurtwerker wrote down: yes (and who may read it), or no
    (then it is deleted). Returns the story, or None when it was deleted."""
    _tellers(actor, story)
    if story.approved_at is not None:
        raise ValidationError(_("You already answered."), code="answered")
    if not approve:
        story_withdraw(actor=actor, story=story)
        return None
    sharing = _sharing(visibility, consent)
    with transaction.atomic():
        for key, value in sharing.items():
            setattr(story, key, value)
        story.approved_at = timezone.now()
        story.save(update_fields=[*sharing, "approved_at"])
        log_action(
            actor=actor, action="story.approved", neighbourhood=story.neighbourhood, obj=story
        )
    return story


def story_share(*, actor, story: Story, visibility: str, consent: bool) -> Story:
    """The teller changes who may read their story (wider needs their consent again)."""
    _tellers(actor, story)
    if story.approved_at is None:
        raise ValidationError(_("Say first whether it may be shown."), code="not_approved")
    sharing = _sharing(visibility, consent)
    with transaction.atomic():
        for key, value in sharing.items():
            setattr(story, key, value)
        story.save(update_fields=list(sharing))
        log_action(actor=actor, action="story.shared", neighbourhood=story.neighbourhood, obj=story)
    return story


def story_withdraw(*, actor, story: Story) -> None:
    """The teller takes their story back: it is deleted, with its photo."""
    _tellers(actor, story)
    photo = story.photo.name if story.photo else ""
    storage = story.photo.storage
    with transaction.atomic():
        log_action(
            actor=actor, action="story.withdrawn", neighbourhood=story.neighbourhood, obj=story
        )
        story.delete()
        if photo:
            transaction.on_commit(lambda: storage.delete(photo))
