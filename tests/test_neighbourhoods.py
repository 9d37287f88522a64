from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from buurtkracht.core.choices import Role
from buurtkracht.core.models import ActionLog
from buurtkracht.neighbourhoods import services
from buurtkracht.neighbourhoods.models import Invitation, Membership, Module, Neighbourhood
from tests.factories import membership_of

from . import factories as f
from .helpers import dutch, refused

pytestmark = pytest.mark.django_db


def test_it_joins_an_open_neighbourhood_and_logs_it(world):
    newcomer = f.make_user()
    membership = services.membership_join(user=newcomer, neighbourhood=world.hood)
    assert membership.role == Role.RESIDENT
    assert ActionLog.objects.filter(action="membership.joined", actor=newcomer).exists()


def test_it_refuses_an_invite_only_neighbourhood_without_code(world):
    with refused("invite_only"):
        services.membership_join(user=world.resident, neighbourhood=world.other)
    assert not Membership.objects.filter(user=world.resident, neighbourhood=world.other).exists()


def test_it_joins_with_an_invitation_and_counts_the_use(world):
    invitation = services.invitation_create(
        actor=world.outsider, neighbourhood=world.other, max_uses=1
    )
    services.membership_join(
        user=world.resident, neighbourhood=world.other, invitation_code=invitation.code.lower()
    )
    invitation.refresh_from_db()
    assert invitation.uses == 1
    with refused("used_up"):
        services.membership_join(
            user=world.connector, neighbourhood=world.other, invitation_code=invitation.code
        )
    assert not Membership.objects.filter(user=world.connector, neighbourhood=world.other).exists()


@pytest.mark.parametrize("problem", ["revoked", "expired", "unknown"])
def test_it_refuses_unusable_invitations(world, problem):
    invitation = services.invitation_create(actor=world.outsider, neighbourhood=world.other)
    code = invitation.code
    if problem == "revoked":
        services.invitation_revoke(actor=world.outsider, invitation=invitation)
    elif problem == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(hours=1)
        )
    else:
        code = "ZZZZZZZZ"
    with refused(problem):
        services.membership_join(
            user=world.resident, neighbourhood=world.other, invitation_code=code
        )
    assert Invitation.objects.get(pk=invitation.pk).uses == 0


def test_it_refuses_to_join_twice(world):
    with refused("already_member"):
        services.membership_join(user=world.resident, neighbourhood=world.hood)


def test_the_last_admin_cannot_leave_or_be_demoted(world):
    admin_membership = Membership.objects.get(user=world.admin, neighbourhood=world.hood)
    with refused("last_admin"):
        services.membership_leave(user=world.admin, neighbourhood=world.hood)
    with refused("last_admin"):
        services.membership_change(
            actor=world.admin, membership=admin_membership, role=Role.RESIDENT, organisation=None
        )
    with refused("last_admin"):
        services.membership_remove(actor=world.admin, membership=admin_membership)
    # With a second admin, the first may step down.
    second = Membership.objects.get(user=world.connector, neighbourhood=world.hood)
    services.membership_change(
        actor=world.admin, membership=second, role=Role.ADMIN, organisation=None
    )
    services.membership_leave(user=world.admin, neighbourhood=world.hood)
    assert not Membership.objects.filter(user=world.admin, neighbourhood=world.hood).exists()


def test_a_professional_needs_an_organisation(world):
    membership = Membership.objects.get(user=world.resident, neighbourhood=world.hood)
    with refused("no_organisation") as info:
        services.membership_change(
            actor=world.admin, membership=membership, role=Role.PROFESSIONAL, organisation=None
        )
    assert "organisation" in info.value.error_dict
    membership.refresh_from_db()
    assert membership.role == Role.RESIDENT


def test_the_database_also_refuses_a_professional_without_organisation(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=world.resident).update(role=Role.PROFESSIONAL)


def test_a_person_can_be_member_of_several_neighbourhoods(world):
    invitation = services.invitation_create(actor=world.outsider, neighbourhood=world.other)
    services.membership_join(
        user=world.resident, neighbourhood=world.other, invitation_code=invitation.code
    )
    assert world.resident.memberships.count() == 2


# --- views ---------------------------------------------------------------------------


def test_admin_configures_modules_and_cbs_code(world, client_for):
    client = client_for("admin")
    response = client.post(
        reverse("neighbourhoods:configure", kwargs={"slug": "lindenhof"}),
        {
            "name": "Lindenhof-Noord",
            "municipality": "Haarlem",
            "cbs_code": "BU03920712",
            "description": "",
            "join_policy": "invite",
            "modules": ["gifts", "timebank", "network"],
        },
    )
    assert response.status_code == 302
    hood = Neighbourhood.objects.get(slug="lindenhof")
    assert hood.name == "Lindenhof-Noord"
    assert hood.modules == ["gifts", "timebank", "network"]
    assert hood.join_policy == "invite"
    assert ActionLog.objects.filter(action="neighbourhood.updated").exists()


def test_a_wrong_cbs_code_gets_a_dutch_message_and_saves_nothing(world, client_for):
    response = client_for("admin").post(
        reverse("neighbourhoods:configure", kwargs={"slug": "lindenhof"}),
        {"name": "Anders", "municipality": "Haarlem", "cbs_code": "12345", "join_policy": "open"},
    )
    assert response.status_code == 200
    assert dutch(
        "A CBS neighbourhood code is BU followed by 8 digits, for example BU03920100."
    ) in (response.content.decode())
    assert Neighbourhood.objects.get(slug="lindenhof").name == "Lindenhof"


def test_starting_a_neighbourhood_makes_you_admin(world, client_for):
    client = client_for("resident")
    response = client.post(
        reverse("neighbourhoods:create"),
        {
            "name": "Rozenprieel",
            "slug": "rozenprieel",
            "municipality": "Haarlem",
            "join_policy": "open",
            "modules": ["gifts"],
        },
    )
    assert response.status_code == 302
    hood = Neighbourhood.objects.get(slug="rozenprieel")
    assert Membership.objects.get(user=world.resident, neighbourhood=hood).role == Role.ADMIN


def test_a_reserved_slug_is_refused(world, client_for):
    response = client_for("resident").post(
        reverse("neighbourhoods:create"),
        {"name": "Mijn", "slug": "mijn", "municipality": "Haarlem", "join_policy": "open"},
    )
    assert response.status_code == 200
    assert not Neighbourhood.objects.filter(slug="mijn").exists()


NOT_A_MODULE = "weerbericht"


def _settings_post(modules):
    return {
        "name": "Lindenhof",
        "municipality": "Haarlem",
        "cbs_code": "",
        "description": "",
        "join_policy": "open",
        "modules": modules,
    }


@pytest.mark.parametrize("url", ["neighbourhoods:configure", "neighbourhoods:create"])
def test_every_module_is_offered(world, client_for, url):
    kwargs = {"slug": "lindenhof"} if url == "neighbourhoods:configure" else {}
    response = client_for("admin").get(reverse(url, kwargs=kwargs))
    assert response.status_code == 200
    offered = [value for value, _label in response.context["form"].fields["modules"].choices]
    assert offered == list(Module.values)
    assert {"social_map", "dialogue"} <= set(offered)


def test_posting_a_module_that_does_not_exist_saves_nothing(world, client_for):
    before = list(world.hood.modules)
    response = client_for("admin").post(
        reverse("neighbourhoods:configure", kwargs={"slug": "lindenhof"}),
        _settings_post(["gifts", "network", NOT_A_MODULE]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["modules"]
    assert Neighbourhood.objects.get(slug="lindenhof").modules == before
    assert not ActionLog.objects.filter(action="neighbourhood.updated").exists()


def test_the_service_switches_no_module_that_does_not_exist(world):
    services.neighbourhood_update(
        actor=world.admin, neighbourhood=world.hood, modules=["gifts", "dialogue", NOT_A_MODULE]
    )
    assert Neighbourhood.objects.get(slug="lindenhof").modules == ["gifts", "dialogue"]
    started = services.neighbourhood_create(
        actor=world.resident, name="Rozenprieel", slug="rozenprieel", municipality="Haarlem"
    )
    assert set(started.modules) == set(Module.values)
    explicit = services.neighbourhood_create(
        actor=world.resident,
        name="Kleverpark",
        slug="kleverpark",
        municipality="Haarlem",
        modules=["requests", "social_map"],
    )
    assert explicit.modules == ["requests", "social_map"]


def test_joining_by_code_leads_to_the_invitation(world, client_for):
    invitation = services.invitation_create(actor=world.outsider, neighbourhood=world.other)
    client = client_for("resident")
    typed = f"{invitation.code[:4].lower()} {invitation.code[4:]}"
    response = client.post(reverse("neighbourhoods:join_by_code"), {"code": typed})
    assert response["Location"] == reverse(
        "neighbourhoods:invitation", kwargs={"slug": "vaartkwartier", "code": invitation.code}
    )
    response = client.post(response["Location"])
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.resident, neighbourhood=world.other).exists()


def test_a_wrong_code_gets_a_message_next_to_the_field(world, client_for):
    response = client_for("resident").post(reverse("neighbourhoods:join_by_code"), {"code": "NOPE"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_admin_changes_a_role(world, client_for):
    membership = Membership.objects.get(user=world.resident, neighbourhood=world.hood)
    response = client_for("admin").post(
        reverse(
            "neighbourhoods:member_change",
            kwargs={"slug": "lindenhof", "membership_id": membership.pk},
        ),
        {f"m{membership.pk}-role": "connector", f"m{membership.pk}-organisation": ""},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.CONNECTOR


def test_admin_cannot_touch_memberships_of_another_neighbourhood(world, client_for):
    foreign = Membership.objects.get(user=world.outsider, neighbourhood=world.other)
    admin = client_for("admin")
    kwargs = {"slug": "lindenhof", "membership_id": foreign.pk}
    response = admin.post(reverse("neighbourhoods:member_remove", kwargs=kwargs))
    assert response.status_code == 404
    changed = admin.post(
        reverse("neighbourhoods:member_change", kwargs=kwargs),
        {f"m{foreign.pk}-role": "admin", f"m{foreign.pk}-organisation": ""},
    )
    assert changed.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_admin_removes_a_member_and_their_account_closes(world, client_for):
    from buurtkracht.timebank import services as timebank
    from buurtkracht.timebank.models import Account

    timebank.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        membership=membership_of(world.admin, world.hood),
    )
    membership = Membership.objects.get(user=world.resident, neighbourhood=world.hood)
    page = client_for("admin").get(reverse("neighbourhoods:members", kwargs={"slug": "lindenhof"}))
    remove = reverse(
        "neighbourhoods:member_remove", kwargs={"slug": "lindenhof", "membership_id": membership.pk}
    )
    assert f'formaction="{remove}"' in page.content.decode()
    assert client_for("admin").post(remove).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not Account.objects.get(user=world.resident, neighbourhood=world.hood).is_open


def test_member_list_reads_are_logged_for_the_admin(world, client_for):
    from buurtkracht.people.models import AccessLog

    client_for("admin").get(reverse("neighbourhoods:members", kwargs={"slug": "lindenhof"}))
    assert AccessLog.objects.filter(
        viewer=world.admin, subject=world.resident, what="member_admin"
    ).exists()


def test_invitation_with_past_date_is_refused(world, client_for):
    response = client_for("admin").post(
        reverse("neighbourhoods:invitations", kwargs={"slug": "lindenhof"}),
        {"valid_until": (timezone.localdate() - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_neighbourhood_home_shows_counts_not_names_to_visitors(world, client):
    response = client.get(reverse("neighbourhoods:home", kwargs={"slug": "lindenhof"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sanne" not in html
    assert "Welzijn Lindenhof" in html


def test_admin_adds_an_organisation_and_a_duplicate_is_refused(world, client_for):
    from buurtkracht.neighbourhoods.models import Organisation

    client = client_for("admin")
    url = reverse("neighbourhoods:organisations", kwargs={"slug": "lindenhof"})
    response = client.post(url, {"name": "Wijkteam Noord", "sector": "zorg", "website": ""})
    assert response.status_code == 302
    assert Organisation.objects.get(name="Wijkteam Noord").sector == "zorg"
    response = client.post(url, {"name": "wijkteam noord", "sector": "welzijn", "website": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Organisation.objects.filter(name__iexact="wijkteam noord").count() == 1
