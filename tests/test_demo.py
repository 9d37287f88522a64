"""The demo neighbourhood: deterministic, complete enough to log in and look around, and
refusing to be loaded twice. Timings are measured in benchmarks/, never asserted here."""

import re
import time
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from buurtkracht.accounts.models import GuidedAccount, User
from buurtkracht.accounts.selectors import needs_mfa_setup
from buurtkracht.core.choices import Role
from buurtkracht.core.codes import ALPHABET
from buurtkracht.demo import catalogue
from buurtkracht.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_PIN,
    DEMO_TOTP_SECRET,
    print_accounts,
)
from buurtkracht.demo.generator import COUNT_LABELS, ORGANISATIONS, generate
from buurtkracht.demo.helping import SANNE_OPEN, SANNE_THANKS
from buurtkracht.exchange.models import Exchange, HelpInvitation, Message, Post
from buurtkracht.gifts.models import (
    LENDABLE_KINDS,
    AvailabilitySlot,
    Gift,
    Resource,
    TimeOffer,
    Wish,
)
from buurtkracht.gifts.selectors import abundance
from buurtkracht.gifts.steps import STEPS
from buurtkracht.lending.models import HOLDING_STATUSES, Booking, BookingStatus
from buurtkracht.neighbourhoods.models import (
    Invitation,
    JoinPolicy,
    Membership,
    Module,
    Neighbourhood,
)
from buurtkracht.notifications.models import Notification
from buurtkracht.people.consents import SCOPES, Method
from buurtkracht.people.models import (
    ACCESSIBILITY_CHOICES,
    LANGUAGE_CHOICES,
    Consent,
    Contact,
    Profile,
)
from buurtkracht.places.models import Place, PlaceKind
from buurtkracht.support.models import SafetyNetCase, SupportSettings
from buurtkracht.support.selectors import request_bundles

SMALL = 60
PC6 = re.compile(r"^[1-9]\d{3}[A-Z]{2}$")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # The generator hashes the demo password once; a fast hasher keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    return generate(residents=SMALL, seed=3)


def snapshot() -> dict:
    """What must come out the same for the same seed (ids and timestamps may differ)."""
    return {
        "profiles": list(
            Profile.objects.order_by("user__username").values_list(
                "user__username",
                "display_name",
                "display_name_visibility",
                "postcode",
                "postcode_visibility",
                "languages",
                "languages_visibility",
                "accessibility_needs",
                "accessibility_visibility",
            )
        ),
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "email", "is_guided", "must_set_secret", "language", "password"
            )
        ),
        "roles": sorted(
            Membership.objects.values_list(
                "user__username", "neighbourhood__slug", "role", "organisation__name"
            ),
            key=str,
        ),
        "consents": sorted(
            (
                c.user.username,
                c.neighbourhood.slug,
                c.scope,
                c.method,
                c.withdrawn_at is None,
                c.recorded_by.username if c.recorded_by else "",
            )
            for c in Consent.objects.select_related("user", "neighbourhood", "recorded_by")
        ),
        "contacts": sorted(
            Contact.objects.values_list("user_a__username", "user_b__username", "source")
        ),
        "guided": sorted(
            GuidedAccount.objects.values_list("user__username", "registered_by__username")
        ),
        "invitation": list(Invitation.objects.values_list("code", "uses")),
        "gifts": sorted(
            Gift.objects.values_list("owner__username", "kind", "item__key", "text", "visibility"),
            key=str,
        ),
        "wishes": sorted(
            Wish.objects.values_list("owner__username", "item__key", "text", "visibility"),
            key=str,
        ),
        "time": sorted(
            TimeOffer.objects.values_list("owner__username", "max_asks_per_month", "visibility"),
            key=str,
        ),
        "slots": sorted(
            AvailabilitySlot.objects.values_list("owner__username", "weekday", "daypart")
        ),
        "resources": sorted(_resource_rows(), key=str),
        "places": sorted(
            (
                p.neighbourhood.slug,
                p.name,
                p.kind,
                p.address,
                p.postcode,
                p.latitude,
                p.longitude,
                p.phone,
                p.offers,
                tuple(sorted(i.key for i in p.items.all())),
            )
            for p in Place.objects.select_related("neighbourhood").prefetch_related("items")
        ),
        "bookings": sorted(
            (
                _resource_name(b.resource),
                b.borrower.username,
                b.neighbourhood.slug,
                b.status,
                b.note,
                b.end_at - b.start_at,
                b.reminded_at is None,
            )
            for b in Booking.objects.select_related(
                "resource__owner", "resource__place", "resource__item", "borrower", "neighbourhood"
            )
        ),
        "posts": sorted(
            Post.objects.values_list(
                "author__username",
                "kind",
                "category__key",
                "item__key",
                "text",
                "when_kind",
                "where_kind",
                "recurring",
                "needs_more",
                "status",
                "needs_more",
            ),
            key=str,
        ),
        "help_invitations": sorted(
            HelpInvitation.objects.values_list(
                "post__author__username",
                "post__text",
                "invitee__username",
                "invited_by__username",
                "message",
                "reason",
                "status",
            ),
            key=str,
        ),
        "exchanges": sorted(
            (
                e.post.text,
                e.helper.username,
                e.helped.username,
                e.done_by_helper_at is None,
                e.done_by_helped_at is None,
                e.thanks,
                e.messages.count(),
            )
            for e in Exchange.objects.select_related("post", "helper", "helped")
        ),
        "messages": sorted(
            Message.objects.values_list("exchange__post__text", "author__username", "text"),
            key=str,
        ),
        "safety_net_cases": sorted(
            SafetyNetCase.objects.values_list(
                "post__author__username", "reason", "status", "handled_by__username", "note"
            ),
            key=str,
        ),
        "notifications": sorted(
            Notification.objects.values_list("user__username", "kind", "title", "body"),
            key=str,
        ),
    }


def _resource_name(resource) -> str:
    owner = resource.owner.username if resource.owner_id else resource.place.name
    return f"{owner}: {resource.item.key if resource.item_id else ''} {resource.text}"


def _resource_rows():
    for r in Resource.objects.select_related("owner", "place", "item"):
        yield (
            _resource_name(r),
            r.kind,
            r.description,
            r.lendable,
            r.lending_rules,
            r.max_days,
            r.needs_approval,
            r.visibility,
        )


def generated_then_undone(*, residents: int, seed: int) -> dict:
    """Generate, take a snapshot, and roll the whole demo back again."""
    with transaction.atomic():
        generate(residents=residents, seed=seed)
        result = snapshot()
        transaction.set_rollback(True)
    assert not Neighbourhood.objects.exists()
    return result


def test_same_seed_same_neighbourhood_other_seed_differs():
    first = generated_then_undone(residents=SMALL, seed=5)
    second = generated_then_undone(residents=SMALL, seed=5)
    other = generated_then_undone(residents=SMALL, seed=6)
    assert first == second
    assert [p[1] for p in first["profiles"]] != [p[1] for p in other["profiles"]]
    assert first["consents"] != other["consents"]
    for table in (
        "gifts",
        "wishes",
        "slots",
        "resources",
        "places",
        "bookings",
        "posts",
        "help_invitations",
        "exchanges",
        "messages",
    ):
        assert first[table], table
        assert first[table] != other[table], table


def test_demo_command_default_size_and_accounts_block():
    out = StringIO()
    call_command("demo", stdout=out)
    lindenhof = Neighbourhood.objects.get(slug="lindenhof")
    residents = Membership.objects.filter(
        neighbourhood=lindenhof, role__in=[Role.RESIDENT, Role.CONNECTOR]
    ).count()
    assert residents >= 200
    text = out.getvalue()
    assert "Klaar in" in text
    assert "henk-demo" in text and DEMO_PIN in text
    assert "buurtkracht demo-totp" in text and DEMO_TOTP_SECRET in text
    for label in COUNT_LABELS.values():
        assert label in text, label
    # At the default size: a realistic handful of bookings, a full map, and a clear story
    # in the abundance chart.
    assert 20 <= Booking.objects.filter(neighbourhood=lindenhof).count() <= 60
    assert 12 <= Place.objects.filter(neighbourhood=lindenhof).count() <= 18
    signals = {b.key: b.signal for b in abundance(neighbourhood=lindenhof)}
    assert {"koken", "gezelschap", "tuin"} <= {k for k, s in signals.items() if s == "abundant"}
    assert {"digitaal", "papierwerk"} <= {k for k, s in signals.items() if s == "scarce"}


def test_neighbourhoods(demo):
    lindenhof = Neighbourhood.objects.get(slug="lindenhof")
    assert lindenhof.municipality == "Haarlem"
    assert lindenhof.cbs_code == "BU03920712"
    assert lindenhof.join_policy == JoinPolicy.OPEN
    assert set(lindenhof.modules) == {m.value for m in Module}
    assert lindenhof.description

    vaart = Neighbourhood.objects.get(slug="vaartkwartier")
    assert vaart.join_policy == JoinPolicy.INVITE
    assert set(vaart.modules) < set(lindenhof.modules)
    assert vaart.memberships.count() >= 10
    both = User.objects.filter(memberships__neighbourhood=lindenhof).filter(
        memberships__neighbourhood=vaart
    )
    assert both.filter(memberships__role=Role.RESIDENT).exists()

    invitation = Invitation.objects.get(neighbourhood=vaart)
    assert len(invitation.code) == 8 and set(invitation.code) <= set(ALPHABET)
    assert invitation.revoked_at is None and invitation.expires_at > timezone.now()


def test_roles(demo):
    lindenhof = Neighbourhood.objects.get(slug="lindenhof")
    members = Membership.objects.filter(neighbourhood=lindenhof)
    residents = members.filter(role__in=[Role.RESIDENT, Role.CONNECTOR]).count()
    assert residents >= SMALL
    connectors = members.filter(role=Role.CONNECTOR).count()
    assert 0.03 * residents <= connectors <= 0.08 * residents

    for name, _sector in ORGANISATIONS:
        assert members.filter(role=Role.PROFESSIONAL, organisation__name=name).exists(), name
    facilitators = members.filter(role=Role.FACILITATOR)
    assert facilitators.count() == 1
    assert facilitators.get().organisation is None
    for slug in ("lindenhof", "vaartkwartier"):
        admins = Membership.objects.filter(neighbourhood__slug=slug, role=Role.ADMIN)
        assert list(admins.values_list("user__username", flat=True)) == ["beheerder"]


def test_profiles(demo):
    assert not User.objects.filter(profile__isnull=True).exists()
    profiles = list(Profile.objects.all())
    language_codes = {code for code, _label in LANGUAGE_CHOICES}
    needs_codes = {code for code, _label in ACCESSIBILITY_CHOICES}
    for profile in profiles:
        assert profile.display_name
        assert profile.postcode == "" or PC6.match(profile.postcode), profile.postcode
        assert profile.languages and set(profile.languages) <= language_codes
        assert set(profile.accessibility_needs) <= needs_codes
    residents = [p for p in profiles if p.postcode]
    assert len(residents) >= SMALL
    assert sum("nl" in p.languages for p in profiles) > 0.6 * len(profiles)
    assert any(p.accessibility_needs for p in profiles)
    # Visibility varies, so the directory shows some people and hides others.
    for field in ("display_name", "postcode", "languages", "accessibility"):
        levels = {getattr(p, f"{field}_visibility") for p in profiles}
        assert len(levels) >= 3, field
    assert len({p.display_name for p in profiles}) > len(profiles) / 3


def test_every_email_user_has_a_verified_primary_address(demo):
    email_users = User.objects.exclude(email="")
    assert email_users.count() > SMALL * 0.8
    verified = EmailAddress.objects.filter(verified=True, primary=True)
    assert verified.count() == email_users.count()
    for user in email_users.prefetch_related("emailaddress_set"):
        addresses = list(user.emailaddress_set.all())
        assert [(a.email, a.verified, a.primary) for a in addresses] == [(user.email, True, True)]
    assert not User.objects.filter(email="", is_guided=False).exists()


def test_guided_accounts(demo):
    guided = User.objects.filter(is_guided=True)
    assert guided.count() >= 2
    for user in guided.select_related("guidance__registered_by"):
        assert user.email == ""
        registered_by = user.guidance.registered_by
        assert Membership.objects.filter(
            user=registered_by, neighbourhood=user.guidance.neighbourhood, role=Role.PROFESSIONAL
        ).exists()
        consent = Consent.objects.get(user=user, scope="guided_account", withdrawn_at__isnull=True)
        assert consent.recorded_by == registered_by
        assert consent.method in (Method.PAPER, Method.VERBAL)
        assert user.guidance.organisation is not None


def test_consents(demo):
    consents = Consent.objects.all()
    assert consents.values("scope").distinct().count() >= 3
    assert set(consents.values_list("scope", flat=True)) <= set(SCOPES)
    assert consents.values("method").distinct().count() >= 2
    withdrawn = consents.filter(withdrawn_at__isnull=False)
    assert withdrawn.exists()
    now = timezone.now()
    for consent in consents:
        assert consent.granted_at <= now
        if consent.withdrawn_at:
            assert consent.granted_at < consent.withdrawn_at <= now
    duplicates = (
        consents.filter(withdrawn_at__isnull=True)
        .values("user", "neighbourhood", "scope")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    assert consents.filter(method__in=[Method.PAPER, Method.VERBAL], recorded_by__isnull=False)


def test_contacts(demo):
    contacts = list(Contact.objects.values_list("user_a_id", "user_b_id"))
    assert all(a < b for a, b in contacts)
    assert len(set(contacts)) == len(contacts)
    residents = User.objects.filter(
        memberships__neighbourhood__slug="lindenhof",
        memberships__role__in=[Role.RESIDENT, Role.CONNECTOR],
    )
    degree = dict.fromkeys(residents.values_list("id", flat=True), 0)
    for a, b in contacts:
        for user_id in (a, b):
            if user_id in degree:
                degree[user_id] += 1
    average = sum(degree.values()) / len(degree)
    assert 1.5 <= average <= 6, average
    assert any(d == 0 for d in degree.values()), "some people have no contacts yet"


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_demo_accounts_can_log_in(demo, account):
    user = authenticate(None, username=account.login, password=account.password)
    assert user is not None and user.username == account.username
    assert authenticate(None, username=account.login, password="fout-wachtwoord") is None
    if account.email:
        assert authenticate(None, email=account.email, password=account.password) == user
    assert user.profile.display_name == account.name
    roles = dict(user.memberships.values_list("neighbourhood__slug", "role"))
    assert roles == dict.fromkeys((account.neighbourhood, *account.also), account.role)
    assert not user.must_set_secret
    assert not needs_mfa_setup(user)
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert has_totp == account.totp


def test_demo_people(demo):
    assert DEMO_PASSWORD == "buurtkracht-demo"
    sanne = User.objects.get(email="bewoner@demo.buurtkracht.nl")
    assert sanne.profile.display_name == "Sanne"
    henk = User.objects.get(username="henk-demo")
    assert henk.is_guided and henk.check_password(DEMO_PIN)
    assert henk.guidance.registered_by.username == "professional"
    assert henk.guidance.organisation.name == "Welzijn Lindenhof"
    assert Consent.objects.filter(
        user=henk,
        scope="guided_account",
        withdrawn_at__isnull=True,
        recorded_by__username="professional",
    ).exists()
    professional = Membership.objects.get(user__username="professional")
    assert professional.organisation.name == "Welzijn Lindenhof"
    buur = User.objects.get(username="buur")
    assert list(buur.memberships.values_list("neighbourhood__slug", flat=True)) == ["vaartkwartier"]


def _code_from(output: str) -> str:
    match = re.search(rf":\s*(\d{{{mfa_settings.TOTP_DIGITS}}})\b", output)
    assert match, output
    return match.group(1)


@pytest.mark.parametrize("email", [a.login for a in DEMO_ACCOUNTS if a.totp])
def test_demo_totp_command_gives_a_valid_code(demo, email):
    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    assert secret == DEMO_TOTP_SECRET
    for _attempt in range(3):  # the 30-second window may turn over between two lines
        out = StringIO()
        call_command("demo_totp", email, stdout=out)
        code = _code_from(out.getvalue())
        if validate_totp_code(secret, code):
            break
        time.sleep(1)
    else:
        pytest.fail(f"code {code} does not validate")


def test_demo_totp_refuses_other_accounts(demo):
    with pytest.raises(CommandError):
        call_command("demo_totp", "bewoner@demo.buurtkracht.nl", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demo_totp", "iemand@example.org", stdout=StringIO())


def test_demo_totp_without_demo():
    with pytest.raises(CommandError):
        call_command("demo_totp", "beheerder@demo.buurtkracht.nl", stdout=StringIO())


def test_second_run_is_refused_and_changes_nothing(demo):
    users = User.objects.count()
    with pytest.raises(ValueError, match="bestaat al"):
        generate(residents=SMALL, seed=3)
    with pytest.raises(CommandError):
        call_command("demo", "--residents", "10", stdout=StringIO())
    assert User.objects.count() == users
    assert Neighbourhood.objects.filter(slug="lindenhof").count() == 1


def test_refused_when_demo_accounts_exist_without_the_neighbourhood():
    User.objects.create_user(username="beheerder", email="beheerder@demo.buurtkracht.nl")
    with pytest.raises(ValueError, match="al in gebruik"):
        generate(residents=10)
    assert not Neighbourhood.objects.exists()


def test_print_accounts_only_when_the_demo_is_there():
    out = StringIO()
    print_accounts(out)
    assert out.getvalue() == ""
    # A real person whose login name happens to be "bewoner" is not a demo account.
    User.objects.create_user(username="bewoner", email="bewoner@example.org")
    print_accounts(out)
    assert out.getvalue() == ""
    User.objects.filter(username="bewoner").delete()
    generate(residents=10, seed=1)
    print_accounts(out)
    text = out.getvalue()
    for account in DEMO_ACCOUNTS:
        assert account.login in text
    assert "Wat breng jij mee?" in text and "/lindenhof/kaart/" in text


# -- gifts, wishes, time, resources, places and bookings ---------------------------------------

DEMO_USERNAMES = {a.username for a in DEMO_ACCOUNTS}
GIFT_STEPS = {step.kind: set(step.item_kinds) for step in STEPS if step.model == "gift"}


def lindenhof_residents() -> set[int]:
    return set(
        Membership.objects.filter(
            neighbourhood__slug="lindenhof", role__in=[Role.RESIDENT, Role.CONNECTOR]
        ).values_list("user_id", flat=True)
    )


def share(owner_ids, residents) -> float:
    return len(set(owner_ids) & residents) / len(residents)


def test_gifts(demo):
    residents = lindenhof_residents()
    gifts = list(Gift.objects.select_related("item", "owner"))
    assert 0.65 <= share([g.owner_id for g in gifts], residents) <= 0.92
    per_owner = Counter(g.owner_id for g in gifts if g.owner.username not in DEMO_USERNAMES)
    assert set(per_owner.values()) <= {1, 2, 3, 4, 5}
    assert max(per_owner.values()) >= 4
    assert {g.kind for g in gifts} == set(GIFT_STEPS)  # head, hands, heart: the wizard's steps
    for gift in gifts:
        assert gift.item_id or gift.text
        if gift.item_id:  # an item the gift's step offers
            assert GIFT_STEPS[gift.kind] & set(gift.item.kinds), (gift.kind, gift.item.key)
    free_text = sum(1 for g in gifts if not g.item_id) / len(gifts)
    assert 0.05 <= free_text <= 0.3, free_text
    visibility = Counter(g.visibility for g in gifts)
    assert len(visibility) >= 3
    assert visibility.most_common(1)[0][0] == "neighbourhood"
    owners = Counter((g.owner_id, g.item_id, g.text) for g in gifts)
    assert max(owners.values()) == 1, "nobody brings the same gift twice"


def test_wishes(demo):
    residents = lindenhof_residents()
    wishes = list(Wish.objects.select_related("item__category"))
    assert 0.12 <= share([w.owner_id for w in wishes], residents) <= 0.4
    assert all(w.item_id or w.text for w in wishes)
    assert max(Counter(w.owner_id for w in wishes).values()) <= 2
    private = sum(1 for w in wishes if w.visibility == "private")
    assert private > len(wishes) / 2
    usual = set(catalogue.WISH_CATEGORY_WEIGHTS)
    in_usual = sum(1 for w in wishes if w.item_id and w.item.category.key in usual)
    assert in_usual >= 0.7 * sum(1 for w in wishes if w.item_id)


def test_time(demo):
    residents = lindenhof_residents()
    offers = list(TimeOffer.objects.all())
    assert 0.25 <= share([o.owner_id for o in offers], residents) <= 0.55
    assert {o.max_asks_per_month for o in offers} <= {None, 1, 2, 4, 8}
    slots = Counter(AvailabilitySlot.objects.values_list("owner_id", flat=True))
    assert set(slots) == {o.owner_id for o in offers}
    assert set(slots.values()) <= set(range(2, 7))
    assert AvailabilitySlot.objects.values("daypart").distinct().count() == 3
    assert AvailabilitySlot.objects.values("weekday").distinct().count() == 7


def test_resources(demo):
    residents = lindenhof_residents()
    resources = list(Resource.objects.select_related("item"))
    people = [r for r in resources if r.owner_id]
    assert 0.1 <= share([r.owner_id for r in people], residents) <= 0.35
    for resource in resources:
        assert resource.item_id or resource.text
        assert (resource.owner_id is None) != (resource.place_id is None)
        assert resource.lendable == (resource.kind in LENDABLE_KINDS), resource
        if resource.lendable:
            assert 1 <= resource.max_days <= 14
        else:
            assert resource.max_days is None and not resource.lending_rules
    lendable = [r for r in resources if r.lendable]
    assert sum(1 for r in lendable if r.lending_rules) > 0.8 * len(lendable)
    assert sum(1 for r in lendable if r.needs_approval) > 0.6 * len(lendable)
    assert {r.kind for r in people} >= {"thing", "network"}
    keys = {r.item.key for r in resources if r.item_id}
    assert {"ladder", "zaal", "beamer", "partytent"} <= keys
    assert any(r.place_id for r in resources if r.kind == "space")


def test_places(demo):
    lindenhof = Place.objects.filter(neighbourhood__slug="lindenhof").prefetch_related("items")
    assert 12 <= lindenhof.count() <= 18
    assert Place.objects.filter(neighbourhood__slug="vaartkwartier").exists()
    lat, lon = catalogue.LINDENHOF_CENTRE
    spread = Decimal(str(catalogue.PLACE_SPREAD))
    for place in lindenhof:
        assert abs(place.latitude - Decimal(str(lat))) <= spread, place
        assert abs(place.longitude - Decimal(str(lon))) <= spread, place
        assert place.has_location
        assert PC6.match(place.postcode) and place.postcode.startswith("2031"), place.postcode
        assert re.fullmatch(r"023-555 0\d{3}", place.phone), place.phone
        assert place.offers and place.opening_hours and place.address
        assert place.kind in PlaceKind.values
    for place in Place.objects.filter(neighbourhood__slug="vaartkwartier"):
        assert place.postcode.startswith("2011") and place.has_location
    assert len({p.kind for p in lindenhof}) >= 8
    assert len({p.phone for p in Place.objects.all()}) == Place.objects.count()
    assert sum(1 for p in lindenhof if p.items.all()) >= 8
    assert Resource.objects.filter(place__in=lindenhof, lendable=True).count() >= 4


def test_bookings(demo):
    bookings = list(
        Booking.objects.select_related("resource", "neighbourhood").order_by("resource", "start_at")
    )
    lindenhof = [b for b in bookings if b.neighbourhood.slug == "lindenhof"]
    assert 20 <= len(lindenhof) <= 60
    now = timezone.now()
    statuses = Counter(b.status for b in bookings)
    assert statuses[BookingStatus.RETURNED] and statuses[BookingStatus.CONFIRMED]
    assert statuses[BookingStatus.REQUESTED]
    assert statuses[BookingStatus.DECLINED] + statuses[BookingStatus.CANCELLED]
    assert any(b.end_at < now for b in bookings) and any(b.start_at > now for b in bookings)
    members = defaultdict(set)
    for user_id, slug in Membership.objects.values_list("user_id", "neighbourhood__slug"):
        members[slug].add(user_id)
    by_resource = defaultdict(list)
    for booking in bookings:
        resource = booking.resource
        by_resource[resource.pk].append(booking)
        assert resource.lendable
        assert booking.end_at > booking.start_at
        assert booking.end_at - booking.start_at <= timedelta(days=resource.max_days)
        assert booking.borrower_id != resource.owner_id
        assert booking.borrower_id in members[booking.neighbourhood.slug]
        if resource.owner_id:
            assert resource.owner_id in members[booking.neighbourhood.slug]
        else:
            assert resource.place.neighbourhood_id == booking.neighbourhood_id
        if booking.status == BookingStatus.RETURNED:
            assert booking.end_at <= now
        if booking.status == BookingStatus.REQUESTED:
            assert booking.start_at > now and resource.needs_approval
        assert booking.created_at <= now
    # Never two bookings of one resource at the same time (whatever their status).
    for rows in by_resource.values():
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier.end_at <= later.start_at, (earlier, later)


def test_the_database_would_refuse_an_overlapping_booking(demo):
    """The generator's bookings pass the database's own overlap check; the check is there."""
    booking = Booking.objects.filter(status__in=HOLDING_STATUSES).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            resource=booking.resource,
            borrower=booking.borrower,
            neighbourhood=booking.neighbourhood,
            start_at=booking.start_at + timedelta(minutes=30),
            end_at=booking.end_at + timedelta(hours=1),
            status=BookingStatus.REQUESTED,
        )


@pytest.mark.parametrize("seed", [3, 8, 21])
def test_abundance_shows_plenty_and_scarcity(seed):
    """The neighbourhood page's chart tells a story: many cook, keep company or garden;
    few help with computers or paperwork, which many ask for."""
    generate(residents=SMALL, seed=seed)
    lindenhof = Neighbourhood.objects.get(slug="lindenhof")
    balances = {b.key: b for b in abundance(neighbourhood=lindenhof)}
    abundant = {k for k, b in balances.items() if b.signal == "abundant"}
    scarce = {k for k, b in balances.items() if b.signal == "scarce"}
    assert abundant & {"koken", "gezelschap", "tuin"}, balances
    assert scarce & {"digitaal", "papierwerk"}, balances


def test_demo_people_bring_something(demo):
    sanne = User.objects.get(username="bewoner")
    kinds = set(Gift.objects.filter(owner=sanne).values_list("kind", flat=True))
    assert kinds == set(GIFT_STEPS), "a gift in every step of Wat breng jij mee?"
    assert Gift.objects.filter(owner=sanne, item__isnull=True).exists()
    assert TimeOffer.objects.filter(owner=sanne).exists()
    assert AvailabilitySlot.objects.filter(owner=sanne).count() >= 2
    assert Wish.objects.filter(owner=sanne).count() == 1
    ladder = Resource.objects.get(owner=sanne, item__key="ladder")
    assert ladder.lendable and ladder.lending_rules and ladder.max_days
    now = timezone.now()
    asked = Booking.objects.get(resource=ladder, status=BookingStatus.REQUESTED)
    assert asked.start_at > now and asked.borrower != sanne
    assert Booking.objects.filter(
        borrower=sanne, status=BookingStatus.CONFIRMED, start_at__gt=now
    ).exists()
    for username in ("verbinder", "henk-demo", "buur"):
        assert Gift.objects.filter(owner__username=username).exists(), username


# -- requests, offers, exchanges and the safety net ---------------------------------------


def test_requests_offers_and_exchanges(demo):
    lindenhof = Neighbourhood.objects.get(slug="lindenhof")
    posts = Post.objects.filter(neighbourhood=lindenhof)
    requests = posts.filter(kind="request")
    assert requests.count() >= 20 and posts.filter(kind="offer").count() >= 6
    assert demo.counts["posts"] == posts.count()
    statuses = set(requests.values_list("status", flat=True))
    assert {"open", "taken", "done"} <= statuses
    # Mostly matched to the shared vocabulary, spread over months and the coming weeks.
    assert posts.filter(item__isnull=False).count() > 0.8 * posts.count()
    now = timezone.now()
    assert posts.filter(created_at__lt=now - timedelta(days=60)).exists()
    assert posts.filter(starts_at__gt=now + timedelta(days=7)).exists()
    assert not posts.filter(created_at__gt=now).exists()
    for post in posts.exclude(starts_at=None):
        assert post.ends_at > post.starts_at
    assert all(len(text) <= 500 for text in posts.values_list("text", flat=True))
    # Invitations of every kind; an exchange for each accepted one, never with oneself.
    invitations = HelpInvitation.objects.filter(post__neighbourhood=lindenhof)
    assert {"pending", "accepted", "declined"} <= set(invitations.values_list("status", flat=True))
    accepted = invitations.filter(status="accepted")
    assert Exchange.objects.count() == accepted.count() > 0
    assert not invitations.filter(invitee=F("post__author")).exists()
    assert Message.objects.count() >= Exchange.objects.count()
    pairs = set(Contact.objects.values_list("user_a", "user_b"))
    for exchange in Exchange.objects.all():
        assert exchange.helper_id != exchange.helped_id
        low, high = sorted((exchange.helper_id, exchange.helped_id))
        assert (low, high) in pairs
    done = Exchange.objects.filter(post__status="done")
    both = done.exclude(done_by_helper_at=None).exclude(done_by_helped_at=None)
    assert both.count() > 0.6 * done.count()
    assert done.exclude(thanks="").exists()
    # Posts match the gifts of the people invited, at least sometimes.
    assert invitations.exclude(reason="").exists()


def test_bundle_of_hospital_rides(demo):
    lindenhof = Neighbourhood.objects.get(slug="lindenhof")
    bundles = request_bundles(neighbourhood=lindenhof)
    transport = [b for b in bundles if b.category_key == "vervoer"]
    assert max(b.count for b in transport) >= 8
    per_month = Counter(
        timezone.localtime(p.starts_at).date().replace(day=1)
        for p in Post.objects.filter(
            neighbourhood=lindenhof, status="open", item__key="vervoer-ziekenhuis"
        )
    )
    assert max(per_month.values()) >= 8


def test_safety_net(demo):
    lindenhof = Neighbourhood.objects.get(slug="lindenhof")
    assert SupportSettings.objects.get(neighbourhood=lindenhof).safety_net_days == 7
    cases = SafetyNetCase.objects.filter(neighbourhood=lindenhof)
    assert {"new", "contacted", "referred"} <= set(cases.values_list("status", flat=True))
    assert cases.filter(handled_by__username="professional").count() == 2
    for case in cases.select_related("post"):
        assert case.post.needs_more and case.post.safety_net_at is not None
        assert Consent.objects.filter(
            user=case.post.author, scope="safety_net", withdrawn_at=None
        ).exists()


def test_demo_accounts_have_requests_and_notifications(demo):
    sanne = User.objects.get(username="bewoner")
    connector = User.objects.get(username="verbinder")
    open_request = Post.objects.get(author=sanne, text=SANNE_OPEN)
    assert open_request.status == "open" and open_request.item.key == "fiets-repareren"
    invitation = HelpInvitation.objects.get(post=open_request, invited_by=sanne)
    assert invitation.invitee == connector and invitation.status == "pending"
    # The connector proposed a helper for it; Sanne decides first, so he is not asked yet.
    proposal = HelpInvitation.objects.get(post=open_request, invited_by=connector)
    assert proposal.requester_answer == "pending" and proposal.status == "pending"
    assert Notification.objects.filter(user=sanne, url__contains="/voorstel/").exists()
    assert (
        not Notification.objects.filter(user=proposal.invitee, url__contains="uitnodigingen")
        .filter(url__endswith=f"/{proposal.pk}/")
        .exists()
    )
    finished = Exchange.objects.get(helped=sanne, thanks=SANNE_THANKS)
    assert finished.is_done and finished.post.status == "done"
    assert HelpInvitation.objects.filter(invitee=connector, status="pending").count() >= 2
    for user in (sanne, connector):
        unread = Notification.objects.filter(user=user, read_at=None)
        assert unread.exists()
        assert set(unread.values_list("mail_state", flat=True)) == {"skipped"}
        assert set(unread.values_list("kind", flat=True)) <= {"invitation", "message"}
    out = StringIO()
    print_accounts(out)
    assert "/lindenhof/vragen/" in out.getvalue()


def test_demo_suggestions_say_how_far(demo):
    """Every demo postcode has a centre, so "who could help" on Sanne's open requests
    shows distances for the neighbours whose postcode she may see."""
    from buurtkracht.exchange.selectors import suggested_helpers
    from buurtkracht.people.models import Profile
    from buurtkracht.places.models import PostcodeArea

    postcodes = set(Profile.objects.exclude(postcode="").values_list("postcode", flat=True))
    assert postcodes and postcodes <= set(PostcodeArea.objects.values_list("postcode", flat=True))
    assert demo.counts["postcode_areas"] == PostcodeArea.objects.count()
    sanne = User.objects.get(username="bewoner")
    lindenhof = Neighbourhood.objects.get(slug="lindenhof")
    membership = sanne.memberships.get(neighbourhood=lindenhof)
    reasons = [
        s.reasons
        for post in Post.objects.filter(author=sanne, status="open", kind="request")
        for s in suggested_helpers(post=post, viewer=sanne, membership=membership)
    ]
    assert reasons and any(re.search(r"\d00 m\b|\d km\b", r) for r in reasons), reasons


def test_the_demo_has_a_living_time_bank_that_verifies(demo):
    from buurtkracht.timebank import services
    from buurtkracht.timebank.ledger import verify
    from buurtkracht.timebank.models import Account, Transfer
    from buurtkracht.timebank.selectors import monthly

    hood = Neighbourhood.objects.get(slug="lindenhof")
    report = verify(hood)
    assert report.ok and report.entries > 0
    kinds = set(Transfer.objects.values_list("kind", flat=True))
    assert {"welcome", "direct", "donation", "grant", "reversal"} <= kinds
    assert demo.counts["timebank_accounts"] == Account.objects.filter(neighbourhood=hood).count()
    assert sum(Account.objects.filter(neighbourhood=hood).values_list("balance", flat=True)) == 0
    active = [m for m in monthly(neighbourhood=hood, months=7) if m.minutes]
    assert len(active) >= 4  # months of history, not one day
    sanne = User.objects.get(username="bewoner")
    assert services.member_account(sanne, hood).entries.count() >= 3


def test_the_demo_has_initiatives_in_every_state(demo):
    from buurtkracht.initiatives.models import Initiative, SignUp
    from buurtkracht.initiatives.selectors import of_neighbourhood

    hood = Neighbourhood.objects.get(slug="lindenhof")
    groups = of_neighbourhood(hood)
    assert groups["fragile"] and groups["sturdy"] and groups["dormant"]
    assert demo.counts["initiatives"] == Initiative.objects.count()
    assert SignUp.objects.filter(status="waiting").exists()  # a full activity
    sanne = User.objects.get(username="bewoner")
    assert Initiative.objects.filter(people__user=sanne, people__role="owner").exists()
    repair = Initiative.objects.get(name="Repair Café Lindenhof")
    assert repair.support.exists() and repair.updates.exists()
    assert repair.budget_requests.get().lines.count() == 3


def test_the_demo_invites_neighbours_for_tasks_and_initiatives_hold_time(demo):
    from buurtkracht.initiatives.models import Initiative, TaskInvitation
    from buurtkracht.initiatives.selectors import task_suggestions
    from buurtkracht.timebank.ledger import verify
    from buurtkracht.timebank.models import Account

    hood = Neighbourhood.objects.get(slug="lindenhof")
    sanne = User.objects.get(username="bewoner")
    assert TaskInvitation.objects.filter(invitee=sanne, status="pending").exists()
    assert {"pending", "accepted", "declined"} == set(
        TaskInvitation.objects.values_list("status", flat=True)
    )
    assert demo.counts["task_invitations"] == TaskInvitation.objects.count()
    accounts = Account.objects.filter(kind="initiative", neighbourhood=hood)
    assert accounts.count() == Initiative.objects.filter(is_open=True).count()
    assert sum(a.balance for a in accounts) > 0
    assert demo.counts["timebank_accounts"] == Account.objects.filter(neighbourhood=hood).count()
    assert verify(hood).ok
    # Karim (connector) sees who could hand out the Repair Café's flyers, with reasons.
    karim = User.objects.get(username="verbinder")
    task = Initiative.objects.get(name="Repair Café Lindenhof").tasks.get(
        title="Flyers rondbrengen"
    )
    membership = karim.memberships.get(neighbourhood=hood)
    found = task_suggestions(task, viewer=karim, membership=membership)
    assert found and all("flyers" in s.reasons for s in found)


def test_the_demo_network_has_ties_connectors_and_someone_to_include(demo):
    from django.db.models import Q

    from buurtkracht.network.models import Acquaintance, Introduction, WatchGroup
    from buurtkracht.network.selectors import overview

    hood = Neighbourhood.objects.get(slug="lindenhof")
    karim = User.objects.get(username="verbinder")
    data = overview(
        neighbourhood=hood, viewer=karim, membership=karim.memberships.get(neighbourhood=hood)
    )
    assert data.figures.with_tie > 0.3 and data.connectors and data.groups
    assert data.isolated or data.peripheral  # someone not included yet, by name
    assert any(p.suggestions for p in data.isolated + data.peripheral)
    # Pairs anywhere in the neighbourhood: a request one can answer, and shared gifts.
    assert any(p.reason.startswith("vraagt:") for p in data.pairs)
    assert any(not p.reason.startswith("vraagt:") and p.reason for p in data.pairs)
    assert WatchGroup.objects.get().members.exists() and data.watch[0].counted > 0
    sanne = User.objects.get(username="bewoner")
    assert (
        Introduction.objects.filter(accepted_at__isnull=True)
        .filter(Q(person_a=sanne) | Q(person_b=sanne))
        .exists()
    )
    assert Acquaintance.objects.filter(to_user=sanne, answer="pending").exists()
    assert demo.counts["introductions"] == Introduction.objects.count()


def test_the_demo_has_a_dialogue_with_its_harvest_and_one_to_come(demo):
    from buurtkracht.dialogue.models import Dialogue
    from buurtkracht.dialogue.selectors import harvest_of, quotes_waiting_for

    hood = Neighbourhood.objects.get(slug="lindenhof")
    assert "dialogue" in hood.modules
    held = Dialogue.objects.get(title="Samen eten, minder alleen")
    assert held.ends_at < timezone.now() and held.joined == held.participants.count()
    harvest = harvest_of(held)
    kinds = {item.kind for part in harvest.steps for item in part.items}
    assert kinds == {"quote", "insight", "dream", "action"}
    became = [i for part in harvest.steps for i in part.items if i.initiative_id]
    assert [i.initiative.name for i in became] == ["Zondagdiner"]
    assert User.objects.get(username="bewoner").pk in harvest.speakers  # said yes
    henk = User.objects.get(username="henk-demo")
    assert quotes_waiting_for(user=henk, neighbourhood=hood)  # asked, no answer yet
    coming = Dialogue.objects.get(title="Veilig naar school")
    assert coming.starts_at > timezone.now() and coming.participants.exists()
    assert demo.counts["dialogues"] == 2


def test_the_demo_has_five_stories_one_waiting_for_its_teller(demo):
    from buurtkracht.dialogue.models import Story

    assert Story.objects.count() == 5 == demo.counts["stories"]
    waiting = Story.objects.get(approved_at__isnull=True)
    assert waiting.written_by.username == "professional" and waiting.visibility == "private"
    henk = Story.objects.get(teller__username="henk-demo")
    assert henk.written_by is not None and henk.approved_at and henk.visibility == "public"
    assert Story.objects.filter(dialogue__isnull=False).count() == 2
    assert Story.objects.get(title="Hoe het Zondagdiner begon").initiative.name == "Zondagdiner"


def test_the_demo_has_reflections_by_two_professionals_of_two_organisations(demo):
    from buurtkracht.dialogue.models import Reflection

    reflections = list(Reflection.objects.select_related("author"))
    assert len(reflections) == 2 == demo.counts["reflections"]
    assert len({r.author_id for r in reflections}) == 2
    organisations = {
        m.organisation.name
        for r in reflections
        for m in r.author.memberships.filter(neighbourhood__slug="lindenhof")
    }
    assert organisations == {"Welzijn Lindenhof", "Woonstichting Thuisbasis"}
    assert all(r.tags.exists() and r.for_professionals for r in reflections)
