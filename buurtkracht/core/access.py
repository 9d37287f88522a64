"""The one place that decides "may this user see or do this here".

Views, selectors and templates ask this module; they never check roles or visibility
themselves. Two kinds of question:

* actions in a neighbourhood, decided by the viewer's role there (`decide`, `require`);
* personal data, decided by the owner's chosen visibility (`can_see`, `visible_q`).

Reads of named personal data by professionals, facilitators and admins are written to the
access log with `note_reads`, so a person can see who looked at their data.

It decides from memberships, contacts and consents, which live in the apps above it; it
reads their tables by model name (`apps.get_model`) and never imports their code, so core
stays the bottom layer (decision 0049).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import LOGGED_READER_ROLES, JoinPolicy, Role, Visibility


class Action(StrEnum):
    VIEW = "neighbourhood.view"
    JOIN = "neighbourhood.join"
    LEAVE = "neighbourhood.leave"
    CONFIGURE = "neighbourhood.configure"
    MANAGE_MEMBERS = "members.manage"
    MANAGE_INVITATIONS = "invitations.manage"
    DIRECTORY = "people.directory"
    VIEW_PROFILE = "people.profile"
    REGISTER_GUIDED = "guided.register"
    GUIDED_CARD = "guided.card"
    GUIDED_GIFTS = "guided.gifts"
    ASSETS_VIEW = "assets.view"
    PLACES_MANAGE = "places.manage"
    TAXONOMY_MANAGE = "taxonomy.manage"
    RESOURCES_BOOK = "resources.book"
    INVENTORY_TRANSFER = "inventory.transfer"
    REQUESTS = "requests.use"
    SAFETY_NET = "safety.net"
    TIMEBANK_USE = "timebank.use"
    INITIATIVES_VIEW = "initiatives.view"
    INITIATIVES_USE = "initiatives.use"
    TIMEBANK_MANAGE = "timebank.manage"
    NETWORK_VIEW = "network.view"
    NETWORK_USE = "network.use"
    NETWORK_IMPORT = "network.import"
    NETWORK_GROUPS = "network.groups"
    SOCIAL_MAP_VIEW = "socialmap.view"
    """The sociale kaart: public information about organisations and their services."""
    SOCIAL_MAP_SUGGEST = "socialmap.suggest"
    """Members tell that a service's information is not right."""
    SOCIAL_MAP_MANAGE = "socialmap.manage"
    """Professionals and administrators handle those suggestions."""
    NOT_YET_HERE = "wijkinfo.not_yet_here"
    """Members by age group next to the population: counts only, in groups of 5 or more."""
    DIALOGUE_VIEW = "dialogue.view"
    """A dialogue's announcement: theme, time, place, format and rules (no names)."""
    DIALOGUE_USE = "dialogue.use"
    """Members plan dialogues, sign up, invite neighbours and read the harvest."""
    DIALOGUE_INVITE_ALL = "dialogue.invite_all"
    """Invite every member of the neighbourhood at once."""
    STORY_WRITE_FOR = "dialogue.write_for"
    """Write down a story a resident told (they approve it before it is shown)."""
    REFLECT = "dialogue.reflect"
    """Professionals reflect on their work, and read what colleagues shared."""


# Actions that belong to a module: where the neighbourhood switched it off, the pages do
# not exist (404). "gifts" covers gifts, resources, places on the asset map and lending.
ACTION_MODULE: dict[Action, str] = {
    Action.ASSETS_VIEW: "gifts",
    Action.PLACES_MANAGE: "gifts",
    Action.TAXONOMY_MANAGE: "gifts",
    Action.RESOURCES_BOOK: "gifts",
    Action.INVENTORY_TRANSFER: "gifts",
    Action.GUIDED_GIFTS: "gifts",
    Action.REQUESTS: "requests",
    Action.SAFETY_NET: "requests",
    Action.TIMEBANK_USE: "timebank",
    Action.INITIATIVES_VIEW: "initiatives",
    Action.SOCIAL_MAP_VIEW: "social_map",
    Action.SOCIAL_MAP_SUGGEST: "social_map",
    Action.SOCIAL_MAP_MANAGE: "social_map",
    Action.INITIATIVES_USE: "initiatives",
    Action.TIMEBANK_MANAGE: "timebank",
    Action.NETWORK_VIEW: "network",
    Action.NETWORK_USE: "network",
    Action.NETWORK_IMPORT: "network",
    Action.NETWORK_GROUPS: "network",
    Action.DIALOGUE_VIEW: "dialogue",
    Action.DIALOGUE_USE: "dialogue",
    Action.DIALOGUE_INVITE_ALL: "dialogue",
    Action.STORY_WRITE_FOR: "dialogue",
    Action.REFLECT: "dialogue",
}
# Actions anyone may do where the module is on, members or not (public pages).
PUBLIC_ACTIONS = frozenset(
    {
        Action.VIEW,
        Action.ASSETS_VIEW,
        Action.INITIATIVES_VIEW,
        Action.SOCIAL_MAP_VIEW,
        Action.DIALOGUE_VIEW,
    }
)


_MEMBER = {
    Action.VIEW,
    Action.LEAVE,
    Action.DIRECTORY,
    Action.VIEW_PROFILE,
    Action.ASSETS_VIEW,
    Action.RESOURCES_BOOK,
    Action.REQUESTS,
    Action.TIMEBANK_USE,
    Action.INITIATIVES_USE,
    Action.NETWORK_USE,
    Action.SOCIAL_MAP_SUGGEST,
    Action.DIALOGUE_USE,
}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.RESIDENT: frozenset(_MEMBER),
    Role.CONNECTOR: frozenset(
        _MEMBER
        | {
            Action.MANAGE_INVITATIONS,
            Action.PLACES_MANAGE,
            Action.NETWORK_VIEW,
            Action.NOT_YET_HERE,
            Action.DIALOGUE_INVITE_ALL,
        }
    ),
    Role.PROFESSIONAL: frozenset(
        _MEMBER
        | {
            Action.REGISTER_GUIDED,
            Action.GUIDED_CARD,
            Action.GUIDED_GIFTS,
            Action.PLACES_MANAGE,
            Action.INVENTORY_TRANSFER,
            Action.SAFETY_NET,
            Action.NETWORK_VIEW,
            Action.NETWORK_IMPORT,
            Action.NETWORK_GROUPS,
            Action.NOT_YET_HERE,
            Action.SOCIAL_MAP_MANAGE,
            Action.DIALOGUE_INVITE_ALL,
            Action.STORY_WRITE_FOR,
            Action.REFLECT,
        }
    ),
    Role.FACILITATOR: frozenset(_MEMBER | {Action.DIALOGUE_INVITE_ALL, Action.REFLECT}),
    Role.ADMIN: frozenset(set(Action) - {Action.JOIN}),
}

# Why an action is refused, shown on the 403 page.
DENIED_REASONS: dict[Action, Promise] = {
    Action.CONFIGURE: _("Only administrators of this neighbourhood can change its settings."),
    Action.MANAGE_MEMBERS: _("Only administrators of this neighbourhood can manage members."),
    Action.MANAGE_INVITATIONS: _(
        "Only connectors and administrators of this neighbourhood can make invitations."
    ),
    Action.REGISTER_GUIDED: _(
        "Only professionals and administrators of this neighbourhood can register a guided account."
    ),
    Action.GUIDED_CARD: _(
        "Only professionals and administrators of this neighbourhood can print login cards."
    ),
    Action.GUIDED_GIFTS: _(
        "Only professionals and administrators of this neighbourhood can fill this in with a "
        "resident."
    ),
    Action.PLACES_MANAGE: _(
        "Only connectors, professionals and administrators of this neighbourhood can add or "
        "change places."
    ),
    Action.TAXONOMY_MANAGE: _("Only administrators of this neighbourhood can add words."),
    Action.SAFETY_NET: _(
        "Only professionals and administrators of this neighbourhood can see the safety net."
    ),
    Action.SOCIAL_MAP_MANAGE: _(
        "Only professionals and administrators of this neighbourhood handle corrections to "
        "the social map."
    ),
    Action.NOT_YET_HERE: _(
        "Only connectors, professionals and administrators of this neighbourhood can see who "
        "is not here yet."
    ),
    Action.INVENTORY_TRANSFER: _(
        "Only professionals and administrators of this neighbourhood can import or export."
    ),
    Action.DIALOGUE_INVITE_ALL: _(
        "Only connectors, professionals, the municipality and administrators can invite the "
        "whole neighbourhood."
    ),
    Action.REFLECT: _(
        "Only professionals, the municipality and administrators of this neighbourhood write "
        "reflections."
    ),
    Action.STORY_WRITE_FOR: _(
        "Only professionals and administrators of this neighbourhood write down a story "
        "someone told them."
    ),
    Action.TIMEBANK_MANAGE: _(
        "Only administrators of this neighbourhood can manage the time bank."
    ),
    Action.NETWORK_VIEW: _(
        "Only connectors, professionals and administrators of this neighbourhood can see the "
        "network."
    ),
    Action.NETWORK_IMPORT: _(
        "Only professionals and administrators of this neighbourhood can import a relationship map."
    ),
    Action.NETWORK_GROUPS: _(
        "Only professionals and administrators of this neighbourhood can manage the groups "
        "to connect."
    ),
}
NOT_A_MEMBER = _("You are not a member of this neighbourhood. Join it first.")
ALREADY_MEMBER = _("You are already a member of this neighbourhood.")
INVITE_ONLY = _("You can only join this neighbourhood with an invitation link or code.")
MODULE_OFF = _("This neighbourhood does not use this part of Buurtkracht.")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | Promise = ""
    # True when the page does not exist here (a module that is off): 404, not 403.
    not_found: bool = False

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def decide(user, action: Action, *, neighbourhood, membership=None) -> Decision:
    """May `user` (with `membership` in `neighbourhood`, or None) do `action` there?"""
    module = ACTION_MODULE.get(action)
    if module is not None and not neighbourhood.has_module(module):
        return Decision(False, MODULE_OFF, not_found=True)
    if action in PUBLIC_ACTIONS:
        return ALLOW
    if action == Action.JOIN:
        if membership is not None:
            return Decision(False, ALREADY_MEMBER)
        if not user.is_authenticated:
            return Decision(False, NOT_A_MEMBER)
        if neighbourhood.join_policy != JoinPolicy.OPEN:
            return Decision(False, INVITE_ONLY)
        return ALLOW
    if membership is None or not user.is_authenticated:
        return Decision(False, NOT_A_MEMBER)
    if action in ROLE_ACTIONS.get(membership.role, frozenset()):
        return ALLOW
    return Decision(False, DENIED_REASONS.get(action, NOT_A_MEMBER))


SITE_OPERATORS_ONLY = _("Only the administrators of this site can see its background jobs.")


def require_site_operator(request) -> None:
    """The site's own administrators (Django superusers, made with `buurtkracht
    createsuperuser`) run the instance: they see the background jobs of every
    neighbourhood. Neighbourhood administrators are not site operators."""
    if not request.user.is_authenticated or not request.user.is_superuser:
        raise PermissionDenied(SITE_OPERATORS_ONLY)


def require(request, action: Action) -> None:
    """Raise PermissionDenied (403 page with the reason) unless the action is allowed."""
    decision = decide(
        request.user,
        action,
        neighbourhood=request.neighbourhood,
        membership=request.membership,
    )
    if decision.not_found:
        raise Http404(decision.reason)
    if not decision:
        raise PermissionDenied(decision.reason)


def requires(action: Action):
    """View decorator: `require(request, action)` before the view runs — the view's first
    line, readable at its head: `@requires(Action.REQUESTS)`."""

    def decorate(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            require(request, action)
            return view(request, *args, **kwargs)

        return checked

    return decorate


class NeighbourhoodPermissions:
    """What the current user may do in the current neighbourhood, for templates:
    `{% if nperms.members_manage %}` asks decide(Action("members.manage"))."""

    def __init__(self, request):
        self._request = request
        self._cache: dict[str, bool] = {}

    def __getitem__(self, key: str) -> bool:
        if key not in self._cache:
            try:
                action = Action(key.replace("_", ".", 1))
            except ValueError:
                raise KeyError(key) from None
            self._cache[key] = bool(
                decide(
                    self._request.user,
                    action,
                    neighbourhood=self._request.neighbourhood,
                    membership=self._request.membership,
                )
            )
        return self._cache[key]

    @property
    def is_member(self) -> bool:
        return self._request.membership is not None


# --- personal data -----------------------------------------------------------------------


class _AnyMember:
    """A viewer who is a member of the neighbourhood and nothing more: no contacts, no
    items of their own. What background jobs compute for every member to see (the network
    overview's suggestions) is computed as this viewer, so a page never shows a member
    more than the member may see."""

    pk = None
    is_authenticated = True
    is_anonymous = False

    def __repr__(self) -> str:
        return "ANY_MEMBER"


ANY_MEMBER = _AnyMember()


def _are_contacts(a_id: int, b_id: int) -> bool:
    Contact = apps.get_model("people", "Contact")

    low, high = sorted((a_id, b_id))
    return Contact.objects.filter(user_a_id=low, user_b_id=high).exists()


def can_reach(viewer, *, other_id: int) -> bool:
    """May `viewer` see how to reach `other_id` (phone, e-mail, their buurtwerker)? Only
    after a yes: an accepted introduction or invitation made them contacts (rule 2)."""
    if not viewer.is_authenticated or viewer.pk == other_id:
        return False
    return _are_contacts(viewer.pk, other_id)


def may_change_post(viewer, post) -> bool:
    """Only the author changes, closes or puts back their own request or offer, and only
    while it is not closed (a connector or professional never does it for them, rule 2)."""
    return (
        viewer.is_authenticated and post.author_id == viewer.pk and post.status in ("open", "taken")
    )


def _is_member(user_id: int | None, neighbourhood_id: int) -> bool:
    Membership = apps.get_model("neighbourhoods", "Membership")

    if user_id is None:  # ANY_MEMBER
        return True
    return Membership.objects.filter(user_id=user_id, neighbourhood_id=neighbourhood_id).exists()


def _share_a_neighbourhood(a_id: int, b_id: int) -> bool:
    Membership = apps.get_model("neighbourhoods", "Membership")

    theirs = Membership.objects.filter(user_id=b_id).values("neighbourhood_id")
    return Membership.objects.filter(user_id=a_id, neighbourhood_id__in=theirs).exists()


def is_member(viewer, neighbourhood) -> bool:
    """Is `viewer` a member of `neighbourhood` (ANY_MEMBER is)?"""
    return viewer.is_authenticated and _is_member(viewer.pk, neighbourhood.pk)


def contacts_of(viewer) -> frozenset[int]:
    """The people in contact with `viewer` (whose contacts-only data the viewer may see):
    one query on the contact pairs' indexes."""
    Contact = apps.get_model("people", "Contact")

    if not viewer.is_authenticated or viewer.pk is None:
        return frozenset()
    pairs = Contact.objects.filter(Q(user_a_id=viewer.pk) | Q(user_b_id=viewer.pk)).values_list(
        "user_a_id", "user_b_id"
    )
    return frozenset(b if a == viewer.pk else a for a, b in pairs)


def visible_levels(viewer, *, owner_id: int, neighbourhood=None) -> frozenset[str]:
    """Every visibility level at which `viewer` may see `owner_id`'s data — worked out once,
    so a page showing several fields of one person asks the database at most twice.

    With a neighbourhood, "members of my neighbourhood" means members of that one; without,
    of any neighbourhood the two share.
    """
    if viewer.is_authenticated and viewer.pk is not None and viewer.pk == owner_id:
        return frozenset(Visibility.values)
    levels = {Visibility.PUBLIC}
    if not viewer.is_authenticated:
        return frozenset(levels)
    if viewer.pk is None:  # ANY_MEMBER
        if neighbourhood is not None and _is_member(owner_id, neighbourhood.pk):
            levels.add(Visibility.NEIGHBOURHOOD)
        return frozenset(levels)
    if neighbourhood is not None:
        shared = _is_member(viewer.pk, neighbourhood.pk) and _is_member(owner_id, neighbourhood.pk)
    else:
        shared = _share_a_neighbourhood(viewer.pk, owner_id)
    if shared:
        levels.add(Visibility.NEIGHBOURHOOD)
    if _are_contacts(viewer.pk, owner_id):
        levels.add(Visibility.CONTACTS)
    return frozenset(levels)


def member_levels(viewer, *, neighbourhood, owner_ids) -> dict[int, frozenset[str]]:
    """`visible_levels` for several people at once who are all members of `neighbourhood`
    (two queries, however many people): for a list of search results."""
    owners = set(owner_ids)
    base = {Visibility.PUBLIC}
    if viewer.is_authenticated and _is_member(viewer.pk, neighbourhood.pk):
        base.add(Visibility.NEIGHBOURHOOD)
    contacts = contacts_of(viewer) & owners
    found = {}
    for owner in owners:
        if viewer.is_authenticated and viewer.pk == owner:
            found[owner] = frozenset(Visibility.values)
        elif owner in contacts:
            found[owner] = frozenset(base | {Visibility.CONTACTS})
        else:
            found[owner] = frozenset(base)
    return found


def levels_of_many(viewer, *, owner_ids) -> dict[int, frozenset[str]]:
    """`visible_levels` without a neighbourhood for several people at once (two queries):
    "members of my neighbourhood" means any neighbourhood the two share. For a page about
    the viewer's own data that names the other people in it (the personal data export)."""
    Membership = apps.get_model("neighbourhoods", "Membership")

    owners = set(owner_ids)
    if not viewer.is_authenticated or viewer.pk is None:
        return {owner: frozenset({Visibility.PUBLIC}) for owner in owners}
    mine = Membership.objects.filter(user_id=viewer.pk).values("neighbourhood_id")
    neighbours = set(
        Membership.objects.filter(user_id__in=owners, neighbourhood_id__in=mine).values_list(
            "user_id", flat=True
        )
    )
    contacts = contacts_of(viewer) & owners
    found: dict[int, frozenset[str]] = {}
    for owner in owners:
        levels: set[str] = {Visibility.PUBLIC}
        if owner == viewer.pk:
            levels = set(Visibility.values)
        if owner in neighbours:
            levels.add(Visibility.NEIGHBOURHOOD)
        if owner in contacts:
            levels.add(Visibility.CONTACTS)
        found[owner] = frozenset(levels)
    return found


def can_see(viewer, *, owner_id: int, level: str, neighbourhood=None) -> bool:
    """May `viewer` see one piece of `owner_id`'s data that the owner set to `level`?"""
    if level == Visibility.PUBLIC or (viewer.is_authenticated and viewer.pk == owner_id):
        return True  # no query needed
    return level in visible_levels(viewer, owner_id=owner_id, neighbourhood=neighbourhood)


def visible_q(
    viewer,
    *,
    owner_field: str,
    level_field: str,
    neighbourhood,
    owners_are_members: bool = False,
    owner_ids=None,
) -> Q:
    """A filter for a queryset whose rows belong to `owner_field` and carry `level_field`:
    the rows `viewer` may see in `neighbourhood` (same rules as can_see).

    Written so PostgreSQL can plan it well on big tables: the viewer's membership and
    contacts are asked first (two indexed queries), so the filter holds only constants and
    at most one uncorrelated `IN (members of the neighbourhood)`, never a subquery per row.
    With `owners_are_members` the caller says every row's owner is a member of the
    neighbourhood already (the queryset is restricted to them), and that IN goes too;
    with `owner_ids` (a bounded list of the owners asked about) the members among them
    are looked up once and the IN holds only those ids.
    Keep the rows few first (a page, a list of ids): the filter decides, it does not find.
    """
    Membership = apps.get_model("neighbourhoods", "Membership")

    q = Q(**{level_field: Visibility.PUBLIC})
    if not viewer.is_authenticated:
        return q
    if viewer.pk is not None:
        q |= Q(**{owner_field: viewer.pk})
    if _is_member(viewer.pk, neighbourhood.pk):
        same = Q(**{level_field: Visibility.NEIGHBOURHOOD})
        if not owners_are_members:
            members = Membership.objects.filter(neighbourhood_id=neighbourhood.pk)
            if owner_ids is not None:
                members = sorted(
                    members.filter(user_id__in=set(owner_ids)).values_list("user_id", flat=True)
                )
            else:
                members = members.values("user_id")
            same &= Q(**{f"{owner_field}__in": members})
        q |= same
    contacts = contacts_of(viewer)
    if contacts:
        q |= Q(**{level_field: Visibility.CONTACTS, f"{owner_field}__in": sorted(contacts)})
    return q


def matching_scope(viewer, *, neighbourhood) -> tuple[frozenset[str], frozenset[int]]:
    """What `viewer` may see of the members' items in `neighbourhood`, in the shape the
    matching index needs (same rules as visible_q / can_see): the visibility levels the
    viewer reaches for every member, and the people whose contacts-only items the viewer
    may see too (their contacts, and the viewer's own)."""
    levels = {Visibility.PUBLIC}
    if not viewer.is_authenticated:
        return frozenset(levels), frozenset()
    if _is_member(viewer.pk, neighbourhood.pk):
        levels.add(Visibility.NEIGHBOURHOOD)
    own = {viewer.pk} if viewer.pk is not None else set()
    return frozenset(levels), frozenset(own | contacts_of(viewer))


def scope_q(
    scope: tuple[frozenset[str], frozenset[int]], *, owner_field: str, level_field: str
) -> Q:
    """A filter from a `matching_scope`, for rows whose owners are all members of its
    neighbourhood: what `visible_q` allows them, except private rows (matching never uses
    those, not even one's own) — without correlated subqueries, so PostgreSQL uses the
    owner index instead of scanning a big table. Only for rows already restricted to
    members of that neighbourhood."""
    levels, contacts = scope
    q = Q(**{f"{level_field}__in": sorted(levels - {Visibility.PRIVATE})})
    if contacts and Visibility.CONTACTS not in levels:
        q |= Q(**{level_field: Visibility.CONTACTS, f"{owner_field}__in": sorted(contacts)})
    return q


def is_logged_reader(membership) -> bool:
    return membership is not None and membership.role in LOGGED_READER_ROLES


def note_reads(*, viewer, membership, subject_ids: Iterable[int], what: str) -> int:
    """Write an access-log row per subject when a professional, facilitator or admin reads
    their named data. Returns the number of rows written."""
    if not is_logged_reader(membership):
        return 0
    AccessLog = apps.get_model("people", "AccessLog")

    org = membership.organisation.name if membership.organisation_id else ""
    rows = [
        AccessLog(
            viewer=viewer,
            viewer_name=viewer.name,
            viewer_role=membership.role,
            viewer_organisation=org,
            subject_id=subject_id,
            neighbourhood_id=membership.neighbourhood_id,
            what=what,
        )
        for subject_id in set(subject_ids)
        if subject_id != viewer.pk
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def network_consents(*, neighbourhood, user_ids) -> tuple[set[int], set[int]]:
    """`network_named` without and with `outreach`, in one query."""
    Consent = apps.get_model("people", "Consent")

    named, outreach = set(), set()
    for user_id, scope in Consent.objects.filter(
        neighbourhood=neighbourhood,
        user_id__in=list(user_ids),
        scope__in=["network_names", "connector_outreach"],
        withdrawn_at__isnull=True,
    ).values_list("user_id", "scope"):
        outreach.add(user_id)
        if scope == "network_names":
            named.add(user_id)
    return named, outreach


def network_named(*, neighbourhood, user_ids, outreach: bool = False) -> set[int]:
    """Who may appear by name in network overviews (product rule 6, privacy): people who
    allowed it (`network_names`); with `outreach`, also people who allowed connectors to see
    that they have few contacts yet (`connector_outreach`) — for the list of people not
    included yet. Everyone else is an anonymous dot and a number."""
    Consent = apps.get_model("people", "Consent")

    scopes = ["network_names", "connector_outreach"] if outreach else ["network_names"]
    return set(
        Consent.objects.filter(
            neighbourhood=neighbourhood,
            user_id__in=list(user_ids),
            scope__in=scopes,
            withdrawn_at__isnull=True,
        ).values_list("user_id", flat=True)
    )


def group_counted(*, neighbourhood, user_ids) -> set[int]:
    """Who may be counted in a group the neighbourhood wants to connect (`group_count`)."""
    Consent = apps.get_model("people", "Consent")

    return set(
        Consent.objects.filter(
            neighbourhood=neighbourhood,
            user_id__in=list(user_ids),
            scope="group_count",
            withdrawn_at__isnull=True,
        ).values_list("user_id", flat=True)
    )


# --- initiatives -------------------------------------------------------------------------
# An initiative has roles of its own (`initiatives.models.Role`: owner, member, asked to
# join), on top of the neighbourhood's. The decisions take that role (the user's
# `Involvement.role` in the initiative, or None), so a page that asks several of them reads
# it once. Refusals (messages, codes) stay in the initiatives' services.

# Owners are residents (product rule 3: professionals back initiatives, they do not own
# them); professionals, facilitators and administrators record support.
INITIATIVE_OWNER_ROLES: tuple[str, ...] = (Role.RESIDENT, Role.CONNECTOR, Role.ADMIN)
INITIATIVE_SUPPORTER_ROLES: tuple[str, ...] = (Role.PROFESSIONAL, Role.FACILITATOR, Role.ADMIN)
# `initiatives.models.Role`'s values: core does not import the apps built on it.
_INITIATIVE_OWNER = "owner"
_INITIATIVE_PEOPLE = ("owner", "member")


def may_own_initiative(membership) -> bool:
    """May the member with `membership` start or own an initiative there?"""
    return membership is not None and membership.role in INITIATIVE_OWNER_ROLES


def may_record_support(membership) -> bool:
    """May the member with `membership` record support (rugdekking) for an initiative? It
    gives them no say over it."""
    return membership is not None and membership.role in INITIATIVE_SUPPORTER_ROLES


def is_initiative_owner(role: str | None) -> bool:
    return role == _INITIATIVE_OWNER


def is_in_initiative(role: str | None) -> bool:
    """Owners and members carry the initiative: they take tasks and post its news (someone
    who only asked to join does not yet)."""
    return role in _INITIATIVE_PEOPLE


def may_manage_initiative(role: str | None, initiative) -> bool:
    """Owners change an open initiative: its description, tasks, activities, people, budget
    and invitations."""
    return is_initiative_owner(role) and initiative.is_open


def may_release_task(user, task, role: str | None) -> bool:
    """The person carrying a task, or an owner, hands it back."""
    return task.carried_by_id == user.pk or is_initiative_owner(role)


def sees_initiative_fragility(role: str | None, membership) -> bool:
    """The fragility signal (and who could take an open task) is for the initiative's
    owners and the neighbourhood's connectors (product rule 4), not a public verdict."""
    if is_initiative_owner(role):
        return True
    return membership is not None and membership.role == Role.CONNECTOR


# --- exchange ----------------------------------------------------------------------------
# Who takes part in requests, offers, invitations and exchanges (rule 2: nobody is ever
# assigned; people connect themselves, connectors may introduce with consent).


def is_author(user, post) -> bool:
    """Did `user` write this request or offer?"""
    return user.is_authenticated and post.author_id == user.pk


def may_invite_for(user, post, *, membership) -> bool:
    """May `user` (with `membership` in the post's neighbourhood, or None) invite
    neighbours on `post`: its author, or a connector of the neighbourhood when the author
    consented to connectors helping them (`connector_outreach`)."""
    if is_author(user, post):
        return True
    if membership is None or membership.user_id != user.pk:
        return False
    if membership.neighbourhood_id != post.neighbourhood_id:
        return False
    Consent = apps.get_model("people", "Consent")

    return (
        membership.role == Role.CONNECTOR
        and Consent.objects.filter(
            user_id=post.author_id,
            neighbourhood_id=post.neighbourhood_id,
            scope="connector_outreach",
            withdrawn_at__isnull=True,
        ).exists()
    )


def is_invitee(user, invitation) -> bool:
    """Is `user` the person an invitation (to help, or to take a task) asks?"""
    return user.is_authenticated and invitation.invitee_id == user.pk


def is_exchange_party(user, exchange) -> bool:
    """Is `user` one of the two people of an exchange (the helper or the one helped)?"""
    return user.is_authenticated and user.pk in (exchange.helper_id, exchange.helped_id)


def may_thank(user, exchange) -> bool:
    """The person who was helped writes the thank-you note."""
    return user.is_authenticated and exchange.helped_id == user.pk


# --- network -----------------------------------------------------------------------------
# Who the relationship network is about, and who answers or writes in its ties and
# introductions (each of them decides for themselves, product rule 2).

NETWORK_PEOPLE = (Role.RESIDENT, Role.CONNECTOR)
"""The roles the network is about: professionals and administrators are not in it."""


def is_network_person(user, neighbourhood) -> bool:
    """Is `user` one of the people of `neighbourhood`'s network (a resident or connector)?"""
    Membership = apps.get_model("neighbourhoods", "Membership")

    return Membership.objects.filter(
        user_id=user.pk, neighbourhood_id=neighbourhood.pk, role__in=NETWORK_PEOPLE
    ).exists()


def may_be_introduced(*, neighbourhood, user_ids) -> bool:
    """May a connector propose that these people meet: every one of them allowed being
    named (`network_names`) or approached (`connector_outreach`)?"""
    wanted = set(user_ids)
    return network_named(neighbourhood=neighbourhood, user_ids=wanted, outreach=True) == wanted


def may_answer_acquaintance(user, acquaintance) -> bool:
    """Only the person someone says they know answers whether that is right."""
    return user.is_authenticated and acquaintance.to_user_id == user.pk


def introduction_side(user, introduction) -> str | None:
    """Which of the two people introduced `user` is ("a" or "b"), or None: not theirs."""
    if not user.is_authenticated:
        return None
    if user.pk == introduction.person_a_id:
        return "a"
    if user.pk == introduction.person_b_id:
        return "b"
    return None


def member_may(user, action: Action, *, neighbourhood, membership) -> bool:
    """`decide` for a service acting for a member: `membership` is the one it was given
    (the view's `request.membership`), and it must be `user`'s in `neighbourhood`."""
    if membership is None or membership.neighbourhood_id != neighbourhood.pk:
        return False
    if membership.user_id != user.pk:
        return False
    return bool(decide(user, action, neighbourhood=neighbourhood, membership=membership))


def may_take_out_of_group(user, person, *, neighbourhood, membership) -> bool:
    """Who takes `person` out of a group to connect: a manager of the groups, or the
    person themselves (they may always leave)."""
    if user.is_authenticated and user.pk == person.pk:
        return True
    return member_may(
        user, Action.NETWORK_GROUPS, neighbourhood=neighbourhood, membership=membership
    )


# --- dialogue ----------------------------------------------------------------------------
# A wijkdialoog is run by whoever planned it; its harvest is written down by them or by a
# professional, the municipality or an administrator of the neighbourhood (they often
# lead the tables). Residents read the harvest (`Action.DIALOGUE_USE`).

HARVEST_ROLES = (Role.PROFESSIONAL, Role.FACILITATOR, Role.ADMIN)


def may_run_dialogue(user, dialogue, *, membership) -> bool:
    """Change, cancel and invite for a dialogue: its organiser or an administrator."""
    if membership is None or membership.neighbourhood_id != dialogue.neighbourhood_id:
        return False
    return dialogue.organiser_id == user.pk or membership.role == Role.ADMIN


def reads_shared_reflections(membership, *, neighbourhood) -> bool:
    """Colleagues' reflections shared with the neighbourhood's professionals: read by its
    professionals, the municipality and administrators."""
    return (
        membership is not None
        and membership.neighbourhood_id == neighbourhood.pk
        and membership.role in HARVEST_ROLES
    )


def may_harvest(user, dialogue, *, membership) -> bool:
    """Write down and take away what came out of a dialogue."""
    if membership is None or membership.neighbourhood_id != dialogue.neighbourhood_id:
        return False
    return dialogue.organiser_id == user.pk or membership.role in HARVEST_ROLES


# --- support -----------------------------------------------------------------------------
# The safety net (rule 8): the resident whose request it is, and the professionals and
# administrators of the neighbourhood who handle its cases.

ASKER = "asker"
HANDLER = "handler"


def case_side(user, case, *, membership) -> str | None:
    """How `user` (with `membership`, theirs in the case's neighbourhood) takes part in a
    safety-net case: ASKER, the resident whose request it is (also a professional's own
    request); HANDLER, a professional or administrator of its neighbourhood; or None."""
    if user.is_authenticated and case.post.author_id == user.pk:
        return ASKER
    if member_may(user, Action.SAFETY_NET, neighbourhood=case.neighbourhood, membership=membership):
        return HANDLER
    return None


# --- timebank ----------------------------------------------------------------------------


def timebank_manages(membership, *, neighbourhood_id: int) -> bool:
    """Does `membership` manage the time bank of that neighbourhood — its rules (switching
    it on too, so this does not ask whether the module is on), grants from the pot,
    corrections and imports? Its administrators do (like `Action.TIMEBANK_MANAGE`)."""
    return (
        membership is not None
        and membership.neighbourhood_id == neighbourhood_id
        and membership.role == Role.ADMIN
    )


def timebank_may_close(*, actor, membership, account) -> bool:
    """A member's own account closes when they leave; an administrator of its
    neighbourhood closes any (removing someone). `membership`: the actor's, or None."""
    if account.user_id is not None and account.user_id == actor.pk:
        return True
    return timebank_manages(membership, neighbourhood_id=account.neighbourhood_id)


def initiative_time_giving(*, initiative, giver_id: int, receiver_id: int | None):
    """May `giver_id` give time from the initiative's account (its owners may, decision
    0025), and may `receiver_id` be thanked with it (its owners and members)? One query."""
    Involvement = apps.get_model("initiatives", "Involvement")

    asked = [giver_id] if receiver_id is None else [giver_id, receiver_id]
    roles: dict[int, str] = dict(
        Involvement.objects.filter(initiative=initiative, user_id__in=asked).values_list(
            "user_id", "role"
        )
    )
    receiver_role = roles.get(receiver_id) if receiver_id is not None else None
    return roles.get(giver_id) == "owner", receiver_role in ("owner", "member")


# --- lending -----------------------------------------------------------------------------


def _membership_in(user, neighbourhood_id: int, membership):
    """`membership` when it is `user`'s in that neighbourhood (a view's), else looked up."""
    if membership is not None and membership.neighbourhood_id == neighbourhood_id:
        return membership
    Membership = apps.get_model("neighbourhoods", "Membership")

    return Membership.objects.filter(user_id=user.pk, neighbourhood_id=neighbourhood_id).first()


def lending_manages_places(user, neighbourhood, *, membership=None) -> bool:
    """May `user` act for the places of `neighbourhood` — answer and cancel the bookings of
    their spaces and things (connectors, professionals, administrators)?"""
    if not user.is_authenticated:
        return False
    membership = _membership_in(user, neighbourhood.pk, membership)
    return bool(
        decide(user, Action.PLACES_MANAGE, neighbourhood=neighbourhood, membership=membership)
    )


def lending_owner_side(user, resource, *, membership=None) -> bool:
    """Is `user` on the lending side of `resource`: the owner of a person's resource; for a
    place's resource, whoever manages the places of the place's neighbourhood."""
    if resource.place_id is None:
        return user.is_authenticated and resource.owner_id == user.pk
    return lending_manages_places(user, resource.place.neighbourhood, membership=membership)


def lending_sees_booking(user, booking, *, membership=None) -> bool:
    """A booking is seen by its borrower and by the lending side, nobody else (404)."""
    return booking.borrower_id == user.pk or lending_owner_side(
        user, booking.resource, membership=membership
    )


def lending_sees_resource(user, resource, *, neighbourhood, membership=None) -> bool:
    """May member `user` book `resource` of `neighbourhood`: a place's resource there, or
    a member's resource at a visibility `user` reaches (not visible looks like not
    bookable)?"""
    Membership = apps.get_model("neighbourhoods", "Membership")

    if _membership_in(user, neighbourhood.pk, membership) is None:
        return False
    if resource.place_id is not None:
        return resource.place.neighbourhood_id == neighbourhood.pk
    owner_is_member = Membership.objects.filter(
        user_id=resource.owner_id, neighbourhood=neighbourhood
    ).exists()
    return owner_is_member and can_see(
        user, owner_id=resource.owner_id, level=resource.visibility, neighbourhood=neighbourhood
    )


# --- gifts -------------------------------------------------------------------------------


def gifts_own_item(*, user, model, item_id: int):
    """One of `user`'s own items (a gift, resource or wish of the Django model `model`),
    or 404: only the owner changes or removes it, and someone else's looks like none."""
    item = model.objects.filter(pk=item_id, owner_id=user.pk).first()
    if item is None:
        raise Http404
    return item
