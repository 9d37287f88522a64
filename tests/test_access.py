"""The central access module: role decisions and personal-data visibility."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from buurtkracht.core import access
from buurtkracht.core.access import Action, decide
from buurtkracht.core.choices import Role, Visibility
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.people.models import AccessLog, Profile
from buurtkracht.people.services import contact_connect

from . import factories as f

pytestmark = pytest.mark.django_db


def _membership(user, hood):
    return Membership.objects.filter(user=user, neighbourhood=hood).first()


@pytest.mark.parametrize(
    "role, action, allowed",
    [
        (Role.RESIDENT, Action.DIRECTORY, True),
        (Role.RESIDENT, Action.CONFIGURE, False),
        (Role.RESIDENT, Action.REGISTER_GUIDED, False),
        (Role.CONNECTOR, Action.MANAGE_INVITATIONS, True),
        (Role.CONNECTOR, Action.MANAGE_MEMBERS, False),
        (Role.PROFESSIONAL, Action.REGISTER_GUIDED, True),
        (Role.PROFESSIONAL, Action.CONFIGURE, False),
        (Role.FACILITATOR, Action.REGISTER_GUIDED, False),
        (Role.ADMIN, Action.CONFIGURE, True),
        (Role.ADMIN, Action.MANAGE_MEMBERS, True),
    ],
)
def test_it_decides_by_role(world, role, action, allowed):
    user = {
        Role.RESIDENT: world.resident,
        Role.CONNECTOR: world.connector,
        Role.PROFESSIONAL: world.professional,
        Role.FACILITATOR: world.facilitator,
        Role.ADMIN: world.admin,
    }[role]
    decision = decide(
        user, action, neighbourhood=world.hood, membership=_membership(user, world.hood)
    )
    assert decision.allowed is allowed
    if not allowed:
        assert str(decision.reason)  # a refusal always says why


def test_it_refuses_a_member_of_another_neighbourhood(world):
    # The outsider is admin next door: that gives no rights here.
    decision = decide(world.outsider, Action.CONFIGURE, neighbourhood=world.hood, membership=None)
    assert not decision
    assert "lid" in str(decision.reason)


def test_join_depends_on_policy_and_membership(world):
    assert decide(world.outsider, Action.JOIN, neighbourhood=world.hood, membership=None)
    assert not decide(world.resident, Action.JOIN, neighbourhood=world.other, membership=None)
    assert not decide(
        world.resident,
        Action.JOIN,
        neighbourhood=world.hood,
        membership=_membership(world.resident, world.hood),
    )
    assert not decide(AnonymousUser(), Action.JOIN, neighbourhood=world.hood, membership=None)


def test_every_level_of_visibility(world):
    owner = world.resident
    neighbour = world.connector
    contact_elsewhere = world.outsider
    contact_connect(a=owner, b=contact_elsewhere, source="test")
    anonymous = AnonymousUser()

    def sees(viewer, level):
        return access.can_see(viewer, owner_id=owner.pk, level=level, neighbourhood=world.hood)

    assert sees(owner, Visibility.PRIVATE)
    assert not sees(neighbour, Visibility.PRIVATE)
    assert not sees(neighbour, Visibility.CONTACTS)
    assert sees(contact_elsewhere, Visibility.CONTACTS)
    assert sees(neighbour, Visibility.NEIGHBOURHOOD)
    assert not sees(contact_elsewhere, Visibility.NEIGHBOURHOOD)
    assert not sees(anonymous, Visibility.NEIGHBOURHOOD)
    assert sees(anonymous, Visibility.PUBLIC)


def test_single_and_bulk_checks_agree(world):
    """can_see (one object) and visible_q (querysets) must never disagree."""
    people = [f.make_member(world.hood, visibility=level) for level in Visibility.values]
    people.append(f.make_member(world.other, visibility=Visibility.NEIGHBOURHOOD))
    contact_connect(a=world.resident, b=people[1], source="test")
    contact_connect(a=world.outsider, b=people[2], source="test")
    viewers = [AnonymousUser(), world.resident, world.outsider, world.professional, people[0]]
    for viewer, person in itertools.product(viewers, people):
        profile = Profile.objects.get(user=person)
        single = access.can_see(
            viewer,
            owner_id=person.pk,
            level=profile.display_name_visibility,
            neighbourhood=world.hood,
        )
        bulk = (
            Profile.objects.filter(pk=person.pk)
            .filter(
                access.visible_q(
                    viewer,
                    owner_field="user_id",
                    level_field="display_name_visibility",
                    neighbourhood=world.hood,
                )
            )
            .exists()
        )
        assert single == bulk, (viewer, profile.display_name_visibility)


def test_professional_reads_are_logged_resident_reads_are_not(world):
    prof = _membership(world.professional, world.hood)
    res = _membership(world.resident, world.hood)
    written = access.note_reads(
        viewer=world.professional, membership=prof, subject_ids=[world.resident.pk], what="profile"
    )
    assert written == 1
    assert (
        access.note_reads(
            viewer=world.resident, membership=res, subject_ids=[world.connector.pk], what="profile"
        )
        == 0
    )
    log = AccessLog.objects.get()
    assert (log.viewer, log.subject, log.viewer_role) == (
        world.professional,
        world.resident,
        "professional",
    )
    assert log.viewer_organisation == "Welzijn Lindenhof"


def test_matching_scope_agrees_with_visible_q_for_members(world):
    """scope_q(matching_scope) (the matching index and its database check) allows the
    same members' rows as visible_q, except private rows, which matching never uses."""
    people = [f.make_member(world.hood, visibility=level) for level in Visibility.values]
    contact_connect(a=world.resident, b=people[2], source="test")
    contact_connect(a=world.outsider, b=people[3], source="test")
    viewers = [AnonymousUser(), world.resident, world.outsider, world.professional, people[0]]
    members = [p.pk for p in people]
    for viewer in viewers:
        scope = access.matching_scope(viewer, neighbourhood=world.hood)
        by_scope = set(
            Profile.objects.filter(
                access.scope_q(scope, owner_field="user_id", level_field="display_name_visibility"),
                user_id__in=members,
            ).values_list("user_id", flat=True)
        )
        by_visible_q = set(
            Profile.objects.filter(
                access.visible_q(
                    viewer,
                    owner_field="user_id",
                    level_field="display_name_visibility",
                    neighbourhood=world.hood,
                ),
                user_id__in=members,
            )
            .exclude(display_name_visibility=Visibility.PRIVATE)
            .values_list("user_id", flat=True)
        )
        assert by_scope == by_visible_q, viewer


def test_requires_checks_the_action_before_the_view_runs(world, rf):
    from django.core.exceptions import PermissionDenied

    from buurtkracht.core.access import Action, requires
    from buurtkracht.neighbourhoods.models import Membership

    ran = []

    @requires(Action.CONFIGURE)
    def view(request, slug):
        ran.append(slug)
        return "ok"

    def request_of(user):
        request = rf.get("/")
        request.user, request.neighbourhood = user, world.hood
        request.membership = Membership.objects.filter(user=user, neighbourhood=world.hood).first()
        return request

    with pytest.raises(PermissionDenied):
        view(request_of(world.resident), "lindenhof")
    assert ran == []
    assert view(request_of(world.admin), "lindenhof") == "ok" and ran == ["lindenhof"]
