"""Reading dialogues: the coming and past ones a page at a time, one dialogue, its harvest
as the viewer may see it, and the quotes waiting for their speaker's answer (issue 20)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .formats import FORMATS, Format, Step
from .models import Dialogue, HarvestItem, Kind, Participant

PAGE_SIZE = 20


def coming(*, neighbourhood, page=1) -> Page:
    rows = Dialogue.objects.filter(
        neighbourhood=neighbourhood, ends_at__gte=timezone.now(), cancelled_at__isnull=True
    ).select_related("place")
    return Paginator(rows.order_by("starts_at", "pk"), PAGE_SIZE).get_page(page)


def past(*, neighbourhood, page=1) -> Page:
    rows = Dialogue.objects.filter(
        neighbourhood=neighbourhood, ends_at__lt=timezone.now(), cancelled_at__isnull=True
    ).select_related("place")
    return Paginator(rows.order_by("-starts_at", "-pk"), PAGE_SIZE).get_page(page)


def dialogue_in(neighbourhood, dialogue_id: int) -> Dialogue:
    """A dialogue of this neighbourhood, or 404."""
    return get_object_or_404(
        Dialogue.objects.select_related("place", "neighbourhood"),
        pk=dialogue_id,
        neighbourhood=neighbourhood,
    )


def item_in(dialogue: Dialogue, item_id: int) -> HarvestItem:
    return get_object_or_404(
        HarvestItem.objects.select_related("dialogue__neighbourhood"), pk=item_id, dialogue=dialogue
    )


def has_joined(*, user, dialogue) -> bool:
    return (
        user.is_authenticated and Participant.objects.filter(dialogue=dialogue, user=user).exists()
    )


@dataclass(frozen=True)
class HarvestStep:
    step: Step | None
    """None: written down without a step."""
    items: list[HarvestItem]


@dataclass(frozen=True)
class Harvest:
    format: Format
    steps: list[HarvestStep]
    speakers: dict[int, str]
    """Names of the speakers of named quotes (they said yes to it)."""

    @property
    def count(self) -> int:
        return sum(len(s.items) for s in self.steps)


def harvest_of(dialogue: Dialogue, *, include_waiting: bool = False) -> Harvest:
    """What came out, by step of the format. Quotes only with their speaker's consent
    (`include_waiting`: also those waiting for it, for who writes the harvest down)."""
    from buurtkracht.people.models import Profile

    rows = list(dialogue.harvest.select_related("initiative", "task__initiative"))
    if not include_waiting:
        rows = [r for r in rows if r.shown]
    chosen = FORMATS[dialogue.format]
    by_step: dict[str, list[HarvestItem]] = {}
    for item in rows:
        by_step.setdefault(item.step if chosen.step(item.step) else "", []).append(item)
    steps = [HarvestStep(s, by_step[s.code]) for s in chosen.steps if s.code in by_step]
    if "" in by_step:
        steps.append(HarvestStep(None, by_step[""]))
    named = {r.speaker_id for r in rows if r.speaker_id and r.consent_at is not None}
    speakers = dict(
        Profile.objects.filter(user_id__in=named).values_list("user_id", "display_name")
    )
    return Harvest(chosen, steps, speakers)


def actions_open(dialogue: Dialogue) -> list[HarvestItem]:
    """Actions nobody took up yet (for the initiatives page and the demo)."""
    return list(
        dialogue.harvest.filter(kind=Kind.ACTION, initiative__isnull=True, task__isnull=True)
    )


def quotes_waiting_for(*, user, neighbourhood) -> list[HarvestItem]:
    """Named quotes of `user` waiting for their answer."""
    return list(
        HarvestItem.objects.filter(
            speaker=user,
            consent_at__isnull=True,
            dialogue__neighbourhood=neighbourhood,
        ).select_related("dialogue")[:50]
    )


def initiatives_owned(*, user, neighbourhood):
    """The open initiatives `user` owns here, to make an action one of their tasks."""
    from buurtkracht.initiatives.models import Initiative, Role

    return list(
        Initiative.objects.filter(
            neighbourhood=neighbourhood,
            is_open=True,
            people__user=user,
            people__role=Role.OWNER,
        ).order_by("name")[:50]
    )


# --- stories ----------------------------------------------------------------------------------


def _stories(viewer, neighbourhood):
    from buurtkracht.core import access

    from .models import Story

    return (
        Story.objects.filter(neighbourhood=neighbourhood, approved_at__isnull=False)
        .filter(
            access.visible_q(
                viewer,
                owner_field="teller_id",
                level_field="visibility",
                neighbourhood=neighbourhood,
            )
        )
        .select_related("initiative", "place", "dialogue")
    )


def stories_for(*, viewer, neighbourhood, page=1) -> Page:
    """The approved stories `viewer` may read, newest first, a page at a time."""
    return Paginator(_stories(viewer, neighbourhood), PAGE_SIZE).get_page(page)


def story_for(*, viewer, neighbourhood, story_id: int):
    """One story as `viewer` may read it: shared with them, or their own (also waiting),
    or one they wrote down that waits for its teller. None otherwise."""
    from django.db.models import Q

    from .models import Story

    own = Q(teller_id=viewer.pk) | Q(written_by_id=viewer.pk, approved_at__isnull=True)
    found = _stories(viewer, neighbourhood).filter(pk=story_id).first()
    if found is None and viewer.is_authenticated:
        found = Story.objects.filter(own, neighbourhood=neighbourhood, pk=story_id).first()
    return found


def stories_of_dialogue(*, viewer, dialogue) -> list:
    return list(_stories(viewer, dialogue.neighbourhood).filter(dialogue=dialogue)[:20])


def my_stories(*, user, neighbourhood) -> list:
    """The teller's own stories, those waiting for their answer first."""
    from django.db.models import F

    from .models import Story

    return list(
        Story.objects.filter(teller=user, neighbourhood=neighbourhood)
        .select_related("written_by")
        .order_by(F("approved_at").asc(nulls_first=True), "-created_at")[:100]
    )


def teller_names(*, viewer, neighbourhood, stories) -> dict[int, str]:
    """{teller id: name} for the tellers who let `viewer` see their name."""
    from buurtkracht.people.selectors import display_names

    return display_names(
        viewer=viewer, neighbourhood=neighbourhood, user_ids={s.teller_id for s in stories}
    )


def tags_of(tagged) -> list:
    """The principles and lessons a story or a reflection shows, in their order."""
    from .principles import LESSONS, PRINCIPLES

    codes = set(tagged.tags.values_list("code", flat=True))
    return [p for p in [*PRINCIPLES.values(), *LESSONS.values()] if p.code in codes]


# --- reflections and the principles ---------------------------------------------------------


def _reflections(*, viewer, membership, neighbourhood):
    from buurtkracht.core import access

    from .models import Reflection

    mine = Q(author_id=viewer.pk) if viewer.is_authenticated else Q(pk__in=[])
    if access.reads_shared_reflections(membership, neighbourhood=neighbourhood):
        mine |= Q(for_professionals=True)
    return Reflection.objects.filter(mine, neighbourhood=neighbourhood).select_related(
        "initiative", "dialogue"
    )


def reflections_for(*, viewer, membership, neighbourhood, page=1) -> Page:
    """Their own reflections, and those shared with the neighbourhood's professionals
    (for professionals, the municipality and administrators), newest first."""
    rows = _reflections(viewer=viewer, membership=membership, neighbourhood=neighbourhood)
    return Paginator(rows, PAGE_SIZE).get_page(page)


def reflection_for(*, viewer, membership, neighbourhood, reflection_id: int):
    return (
        _reflections(viewer=viewer, membership=membership, neighbourhood=neighbourhood)
        .filter(pk=reflection_id)
        .first()
    )


@dataclass(frozen=True)
class PrinciplePage:
    stories: list
    reflections: list
    initiatives: list


SHOWN_PER_PRINCIPLE = 20


def principle_page(*, viewer, membership, neighbourhood, code: str) -> PrinciplePage:
    """For one principle (or lesson): the stories and reflections the viewer may read that
    show it, and the initiatives they are about."""
    stories = list(_stories(viewer, neighbourhood).filter(tags__code=code)[:SHOWN_PER_PRINCIPLE])
    reflections = list(
        _reflections(viewer=viewer, membership=membership, neighbourhood=neighbourhood).filter(
            tags__code=code
        )[:SHOWN_PER_PRINCIPLE]
    )
    seen: dict[int, object] = {}
    for item in [*stories, *reflections]:
        if item.initiative_id and item.initiative_id not in seen:
            seen[item.initiative_id] = item.initiative
    return PrinciplePage(stories, reflections, list(seen.values()))


def principle_counts(*, viewer, membership, neighbourhood) -> dict[str, int]:
    """How many stories and reflections the viewer may read show each principle."""
    from django.db.models import Count

    from .models import ReflectionTag, StoryTag

    counts: dict[str, int] = {}
    story_ids = _stories(viewer, neighbourhood).values("pk")
    for code, n in (
        StoryTag.objects.filter(story__in=story_ids).values_list("code").annotate(n=Count("pk"))
    ):
        counts[code] = counts.get(code, 0) + n
    reflection_ids = _reflections(
        viewer=viewer, membership=membership, neighbourhood=neighbourhood
    ).values("pk")
    for code, n in (
        ReflectionTag.objects.filter(reflection__in=reflection_ids)
        .values_list("code")
        .annotate(n=Count("pk"))
    ):
        counts[code] = counts.get(code, 0) + n
    return counts


def stories_about_initiative(*, viewer, initiative) -> list:
    """The stories about an initiative the viewer may read (newest first, a few)."""
    return list(_stories(viewer, initiative.neighbourhood).filter(initiative=initiative)[:10])
