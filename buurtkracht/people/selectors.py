"""Reads of personal data. Every function takes the viewer and asks core.access."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from buurtkracht.core import access

from .consents import SCOPES
from .models import (
    ACCESSIBILITY_CHOICES,
    LANGUAGE_CHOICES,
    PROFILE_FIELDS,
    AccessLog,
    Consent,
    Profile,
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


def directory(*, viewer, membership, neighbourhood, limit: int = 200, query: str = "") -> Directory:
    """Members whose name the viewer may see; the others appear only as a count."""
    members = Profile.objects.filter(user__memberships__neighbourhood=neighbourhood)
    visible_all = members.filter(
        access.visible_q(
            viewer,
            owner_field="user_id",
            level_field="display_name_visibility",
            neighbourhood=neighbourhood,
        )
    )
    visible = visible_all.filter(display_name__icontains=query) if query else visible_all
    total = members.count()
    people = list(visible.order_by("display_name", "user_id")[:limit])
    access.note_reads(
        viewer=viewer,
        membership=membership,
        subject_ids=[p.user_id for p in people],
        what="directory",
    )
    hidden = total - visible_all.count()
    return Directory(people=people, hidden_count=max(hidden, 0), total=total)


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
    return dict(
        Profile.objects.filter(
            access.visible_q(
                viewer,
                owner_field="user_id",
                level_field="display_name_visibility",
                neighbourhood=neighbourhood,
            ),
            user_id__in=set(user_ids),
        ).values_list("user_id", "display_name")
    )
