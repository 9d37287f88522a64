"""Reads of personal data. Every function takes the viewer and asks core.access."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from buurtkracht.core import access, paging

from .consents import SCOPES
from .models import (
    ACCESSIBILITY_CHOICES,
    LANGUAGE_CHOICES,
    PROFILE_FIELDS,
    AccessLog,
    Consent,
    Profile,
    name_key,
    name_starts,
)

LANGUAGE_LABELS = dict(LANGUAGE_CHOICES)
ACCESSIBILITY_LABELS = dict(ACCESSIBILITY_CHOICES)


@dataclass
class PersonView:
    """What one viewer may see of one person; fields they may not see are None."""

    user_id: int
    name: str | None
    postcode: str | None = None
    languages: list[str] | None = None
    accessibility: list[str] | None = None
    has_photo: bool = False
    hidden_fields: list[str] = field(default_factory=list)


def _visible_fields(viewer, profile: Profile, neighbourhood) -> set[str]:
    levels = access.visible_levels(viewer, owner_id=profile.user_id, neighbourhood=neighbourhood)
    return {
        name
        for name, level_field in PROFILE_FIELDS.items()
        if getattr(profile, level_field) in levels
    }


def person_view(*, viewer, membership, neighbourhood, profile: Profile) -> PersonView:
    """One person's page as `viewer` may see it; professionals' reads are logged."""
    visible = _visible_fields(viewer, profile, neighbourhood)
    view = PersonView(user_id=profile.user_id, name=None)
    if "display_name" in visible:
        view.name = profile.display_name
    if "postcode" in visible:
        view.postcode = profile.postcode
    if "languages" in visible:
        view.languages = [str(LANGUAGE_LABELS.get(c, c)) for c in profile.languages]
    if "accessibility" in visible:
        view.accessibility = [
            str(ACCESSIBILITY_LABELS.get(c, c)) for c in profile.accessibility_needs
        ]
        if profile.accessibility_note:
            view.accessibility.append(profile.accessibility_note)
    view.has_photo = "photo" in visible and bool(profile.photo)
    view.hidden_fields = sorted(set(PROFILE_FIELDS) - visible)
    if view.name is not None:
        access.note_reads(
            viewer=viewer, membership=membership, subject_ids=[profile.user_id], what="profile"
        )
    return view


def profile_in_neighbourhood(*, neighbourhood, user_id: int) -> Profile | None:
    return (
        Profile.objects.filter(user_id=user_id, user__memberships__neighbourhood=neighbourhood)
        .select_related("user")
        .first()
    )


@dataclass
class Directory:
    people: list[Profile]
    hidden_count: int
    total: int
    next_after: str = ""
    """Where the next page starts ("" when this is the last): `search_name` and user id."""


DIRECTORY_PAGE = 50


def directory(
    *,
    viewer,
    membership,
    neighbourhood,
    query: str = "",
    after: str = "",
    limit: int = DIRECTORY_PAGE,
) -> Directory:
    """One page of the members whose name the viewer may see, by name (a name search
    finds those whose name starts with `query`); the others appear only as a count, from
    the neighbourhood's stored figures. Pages follow each other by name (`after`), so page
    2,000 costs what page 1 costs."""
    from buurtkracht.jobs.selectors import stored

    members = Profile.objects.filter(user__memberships__neighbourhood=neighbourhood)
    visible = members.filter(
        access.visible_q(
            viewer,
            owner_field="user_id",
            level_field="display_name_visibility",
            neighbourhood=neighbourhood,
            owners_are_members=True,
        )
    )
    visible = name_starts(visible, query)
    page = paging.by_key(visible, key="search_name", pk="user_id", after=after, limit=limit)
    people = page.rows
    access.note_reads(
        viewer=viewer,
        membership=membership,
        subject_ids=[p.user_id for p in people],
        what="directory",
    )
    figures = stored("stats", neighbourhood).data
    return Directory(
        people=people,
        hidden_count=_hidden_names(viewer, neighbourhood, figures.get("names", {})),
        total=figures.get("members", 0),
        next_after=page.next_after,
    )


def _hidden_names(viewer, neighbourhood, names: dict[str, int]) -> int:
    """How many members' names the viewer may not see: the stored count of names shown
    only to contacts or to nobody, less the viewer's own contacts among them and the
    viewer."""
    from buurtkracht.core.choices import Visibility

    hidden = names.get(Visibility.CONTACTS, 0) + names.get(Visibility.PRIVATE, 0)
    contacts = access.contacts_of(viewer)
    if contacts:
        hidden -= Profile.objects.filter(
            user_id__in=sorted(contacts),
            display_name_visibility=Visibility.CONTACTS,
            user__memberships__neighbourhood=neighbourhood,
        ).count()
    own = (
        Profile.objects.filter(user_id=viewer.pk)
        .values_list("display_name_visibility", flat=True)
        .first()
    )
    if own in (Visibility.CONTACTS, Visibility.PRIVATE):
        hidden -= 1
    return max(hidden, 0)


def has_consent(*, user_id: int, neighbourhood, scope: str) -> bool:
    """The question later features ask: did this person allow `scope` here, and not withdraw it?"""
    if scope not in SCOPES:
        raise ValueError(f"unknown consent scope {scope!r}")
    return Consent.objects.filter(
        user_id=user_id, neighbourhood=neighbourhood, scope=scope, withdrawn_at__isnull=True
    ).exists()


def consents_of(*, user) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).select_related("neighbourhood", "recorded_by__profile")


def access_log_of(*, user) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(subject=user).select_related("neighbourhood")


def display_names(*, viewer, neighbourhood, user_ids) -> dict[int, str]:
    """{user id: display name} for those of `user_ids` who let `viewer` see their name
    (`access.visible_q`); the others are left out. One query."""
    ids = set(user_ids)
    if not ids:
        return {}
    return dict(
        Profile.objects.filter(
            access.visible_q(
                viewer,
                owner_field="user_id",
                level_field="display_name_visibility",
                neighbourhood=neighbourhood,
                owner_ids=ids,
            ),
            user_id__in=ids,
        ).values_list("user_id", "display_name")
    )


def display_name_of(*, viewer, neighbourhood, user_id: int, otherwise: str) -> str:
    """One person's name as `viewer` may see it, or `otherwise` ("een buur")."""
    return display_names(viewer=viewer, neighbourhood=neighbourhood, user_ids=[user_id]).get(
        user_id, otherwise
    )


@dataclass(frozen=True)
class PersonChoice:
    """A neighbour in a list to choose from: enough to tell two of the same name apart —
    the postcode and photo only where the person lets the viewer see them."""

    user_id: int
    name: str
    postcode: str = ""
    has_photo: bool = False

    @property
    def postcode_shown(self) -> str:
        """ "2031 AB": the street part of the postcode, the way people write it."""
        return f"{self.postcode[:4]} {self.postcode[4:]}" if len(self.postcode) == 6 else ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.postcode_shown})" if self.postcode_shown else self.name


SEARCH_MIN = 2
"""Letters to type before a name search runs (one letter would match a tenth of a city)."""


def _choices(*, viewer, neighbourhood, profiles) -> list[PersonChoice]:
    levels = access.member_levels(
        viewer, neighbourhood=neighbourhood, owner_ids=[p.user_id for p in profiles]
    )
    found = []
    for profile in profiles:
        seen = levels[profile.user_id]
        if profile.display_name_visibility not in seen:
            continue
        found.append(
            PersonChoice(
                user_id=profile.user_id,
                name=profile.display_name,
                postcode=profile.postcode if profile.postcode_visibility in seen else "",
                has_photo=bool(profile.photo) and profile.photo_visibility in seen,
            )
        )
    return found


def find_people(
    *, viewer, neighbourhood, query: str, limit: int = 10, exclude=(), among=None, roles=None
) -> list[PersonChoice]:
    """Members of `neighbourhood` whose name starts with `query` and whose name the viewer
    may see, by name: a range on the `search_name` index, never a list of everyone.
    `among`: only these people, `exclude`: not these (each a queryset of user ids or a
    list); `roles`: only members
    with these roles there."""
    key = name_key(query)
    if len(key) < SEARCH_MIN:
        return []
    membership = {"user__memberships__neighbourhood": neighbourhood}
    if roles is not None:
        membership["user__memberships__role__in"] = list(roles)
    profiles = Profile.objects.filter(
        access.visible_q(
            viewer,
            owner_field="user_id",
            level_field="display_name_visibility",
            neighbourhood=neighbourhood,
            owners_are_members=True,
        ),
        search_name__gte=key,
        search_name__lt=key + "\uffff",
        **membership,
    ).exclude(user_id__in=exclude if isinstance(exclude, QuerySet) else list(exclude))
    if among is not None:
        profiles = profiles.filter(user_id__in=among)
    rows = list(profiles.order_by("search_name", "user_id")[:limit])
    return _choices(viewer=viewer, neighbourhood=neighbourhood, profiles=rows)


def person_choice(*, viewer, neighbourhood, user_id) -> PersonChoice | None:
    """The member a form sent (an id as text), if the viewer may see their name; None for
    anything else — a tampered id never reaches the database as a traceback."""
    text = str(user_id or "")
    if not text.isdigit():
        return None
    profile = Profile.objects.filter(
        user_id=int(text), user__memberships__neighbourhood=neighbourhood
    ).first()
    if profile is None:
        return None
    found = _choices(viewer=viewer, neighbourhood=neighbourhood, profiles=[profile])
    return found[0] if found else None


def memberships_of(*, user):
    """The person's memberships with their neighbourhoods, for their own pages. The
    neighbourhoods app reads people's profiles, so people reads its table by model name
    (the two share a layer; no import circle)."""
    from django.apps import apps

    Membership = apps.get_model("neighbourhoods", "Membership")
    return Membership.objects.filter(user=user).select_related("neighbourhood", "organisation")
