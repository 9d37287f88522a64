"""Requests, offers, invitations and exchanges (services; pages come next)."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buurtkracht.exchange import services
from buurtkracht.exchange.models import Exchange, HelpInvitation, Message, Post, PostStatus
from buurtkracht.people.models import Contact
from buurtkracht.people.services import consent_grant
from buurtkracht.places.models import Place

from .factories import membership_of

pytestmark = pytest.mark.django_db


def _request(world, **kw):
    defaults = {
        "actor": world.resident,
        "neighbourhood": world.hood,
        "kind": "request",
        "text": "Mijn fietsband is lek, wie kan helpen?",
    }
    fields = {**defaults, **kw}
    fields.setdefault("membership", membership_of(fields["actor"], fields["neighbourhood"]))
    return services.post_create(**fields)


def _invite(actor, post, invitee, **kw):
    """`actor` invites `invitee` to help with `post`, as the page does: with their
    membership of the post's neighbourhood."""
    return services.invitation_send(
        actor=actor,
        membership=membership_of(actor, post.neighbourhood),
        post=post,
        invitee=invitee,
        **kw,
    )


def test_a_member_posts_a_request(world):
    post = _request(world)
    assert post.status == PostStatus.OPEN and post.when_kind == "flexible"


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"text": "   "}, "text", "empty"),
        ({"text": "x" * 10_000}, "text", "too_long"),
        ({"when_kind": "date", "starts_at": None}, "starts_at", "no_day"),
        (
            {"when_kind": "date", "starts_at": timezone.now() - timedelta(days=1)},
            "starts_at",
            "in_the_past",
        ),
        (
            {
                "when_kind": "window",
                "starts_at": timezone.now() + timedelta(days=1),
                "ends_at": timezone.now() + timedelta(hours=2),
            },
            "ends_at",
            "ends_early",
        ),
        ({"where_kind": "place", "place": None}, "place", "no_place"),
    ],
)
def test_bad_posts_are_refused_and_nothing_is_saved(world, change, field, code):
    with pytest.raises(ValidationError) as error:
        _request(world, **change)
    assert [e.code for e in error.value.error_dict[field]] == [code]
    assert not Post.objects.exists()


def test_a_post_in_a_neighbourhood_you_are_not_in_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        _request(world, neighbourhood=world.other)
    assert refused.value.code == "not_member"
    assert not Post.objects.exists()


def test_a_place_of_another_neighbourhood_is_refused(world):
    elsewhere = Place.objects.create(neighbourhood=world.other, name="Elders", kind="school")
    with pytest.raises(ValidationError) as refused:
        _request(world, where_kind="place", place=elsewhere)
    assert refused.value.error_dict["place"][0].code == "no_place"


def test_invite_accept_makes_an_exchange_and_a_contact(world):
    post = _request(world)
    invitation = _invite(world.resident, post, world.connector)
    assert not Contact.objects.exists()  # no contact details before a yes
    exchange = services.invitation_answer(actor=world.connector, invitation=invitation, accept=True)
    assert (exchange.helper, exchange.helped) == (world.connector, world.resident)
    assert Contact.objects.count() == 1
    post.refresh_from_db()
    assert post.status == PostStatus.TAKEN


def test_inviting_the_same_person_twice_is_refused(world):
    post = _request(world)
    _invite(world.resident, post, world.connector)
    with pytest.raises(ValidationError) as twice:
        _invite(world.resident, post, world.connector)
    assert twice.value.code == "already_invited"
    assert HelpInvitation.objects.count() == 1


def test_accepting_twice_is_refused(world):
    post = _request(world)
    invitation = _invite(world.resident, post, world.connector)
    services.invitation_answer(actor=world.connector, invitation=invitation, accept=True)
    with pytest.raises(ValidationError) as twice:
        services.invitation_answer(actor=world.connector, invitation=invitation, accept=True)
    assert twice.value.code == "already_answered"
    assert Exchange.objects.count() == 1


def test_only_the_invitee_answers(world):
    post = _request(world)
    invitation = _invite(world.resident, post, world.connector)
    with pytest.raises(ValidationError) as refused:
        services.invitation_answer(actor=world.resident, invitation=invitation, accept=True)
    assert refused.value.code == "not_invitee"


def test_a_decline_makes_no_exchange(world):
    post = _request(world)
    invitation = _invite(world.resident, post, world.connector)
    assert (
        services.invitation_answer(actor=world.connector, invitation=invitation, accept=False)
        is None
    )
    assert not Exchange.objects.exists() and not Contact.objects.exists()


@pytest.mark.parametrize(
    "who, code",
    [("outsider", "invitee_not_a_member"), ("admin", "may_not_invite"), ("self", "self")],
)
def test_who_may_not_invite_or_be_invited(world, who, code):
    post = _request(world)
    with pytest.raises(ValidationError) as refused:
        if who == "outsider":  # not a member here
            _invite(world.resident, post, world.outsider)
        elif who == "admin":  # not the requester, not a connector
            _invite(world.admin, post, world.connector)
        else:
            _invite(world.resident, post, world.resident)
    assert refused.value.code == code


def test_the_requester_who_left_the_neighbourhood_invites_nobody(world):
    post = _request(world)
    with pytest.raises(ValidationError) as refused:
        services.invitation_send(
            actor=world.resident, membership=None, post=post, invitee=world.connector
        )
    assert refused.value.code == "not_member"


def test_a_connector_invites_only_with_the_requesters_consent(world):
    post = _request(world)
    with pytest.raises(ValidationError) as refused:
        _invite(world.connector, post, world.professional)
    assert refused.value.code == "may_not_invite"
    consent_grant(user=world.resident, neighbourhood=world.hood, scope="connector_outreach")
    invitation = _invite(world.connector, post, world.professional)
    assert invitation.invited_by == world.connector


def test_a_connectors_invitation_waits_for_the_requesters_yes(world, client_for):
    """Rule 2: a connector's invitation on Sanne's request binds nobody until Sanne says
    yes; only then is the neighbour asked, and only then can an exchange start."""
    from buurtkracht.exchange.models import RequesterAnswer
    from buurtkracht.notifications.models import Notification

    post = _request(world)
    consent_grant(user=world.resident, neighbourhood=world.hood, scope="connector_outreach")
    invitation = _invite(world.connector, post, world.professional, message="Petra kan dit!")
    assert invitation.requester_answer == RequesterAnswer.PENDING
    # Sanne is asked; Petra is not, and cannot say yes yet.
    asked = Notification.objects.get(user=world.resident)
    assert asked.url.endswith(f"/voorstel/{invitation.pk}/")
    assert not Notification.objects.filter(user=world.professional).exists()
    with pytest.raises(ValidationError) as early:
        services.invitation_answer(actor=world.professional, invitation=invitation, accept=True)
    assert early.value.code == "requester_pending"
    assert not Exchange.objects.exists()
    petra = client_for("professional")
    assert petra.get(_invitation_url(invitation)).status_code == 404
    # Only Sanne decides, once.
    with pytest.raises(ValidationError) as other:
        services.requester_answer(actor=world.connector, invitation=invitation, yes=True)
    assert other.value.code == "not_requester"
    sanne = client_for("resident")
    page = sanne.get(asked.url)
    assert page.status_code == 200 and "Petra kan dit!" in page.content.decode()
    assert sanne.post(asked.url, {"yes": "1"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.requester_answer == RequesterAnswer.YES
    assert Notification.objects.filter(user=world.professional, kind="invitation").exists()
    with pytest.raises(ValidationError) as twice:
        services.requester_answer(actor=world.resident, invitation=invitation, yes=False)
    assert twice.value.code == "already_decided"
    exchange = services.invitation_answer(
        actor=world.professional, invitation=invitation, accept=True
    )
    assert (exchange.helper, exchange.helped) == (world.professional, world.resident)


def test_the_requester_says_no_and_nobody_is_asked(world):
    from buurtkracht.exchange.models import InvitationStatus, RequesterAnswer
    from buurtkracht.notifications.models import Notification

    post = _request(world)
    consent_grant(user=world.resident, neighbourhood=world.hood, scope="connector_outreach")
    invitation = _invite(world.connector, post, world.professional)
    services.requester_answer(actor=world.resident, invitation=invitation, yes=False)
    invitation.refresh_from_db()
    assert invitation.requester_answer == RequesterAnswer.NO
    assert invitation.status == InvitationStatus.WITHDRAWN
    assert not Notification.objects.filter(user=world.professional).exists()
    assert Notification.objects.filter(user=world.connector, kind="invitation_answered").exists()


def test_a_standing_consent_lets_a_connector_ask_at_once_and_tells_the_requester(world, client_for):
    from buurtkracht.exchange.models import RequesterAnswer
    from buurtkracht.notifications.models import Notification

    post = _request(world)
    for scope in ("connector_outreach", "connector_arranges"):
        consent_grant(user=world.resident, neighbourhood=world.hood, scope=scope)
    invitation = _invite(world.connector, post, world.professional)
    assert invitation.requester_answer == RequesterAnswer.YES
    assert Notification.objects.filter(user=world.professional, kind="invitation").exists()
    told = Notification.objects.get(user=world.resident)
    assert "gevraagd" in told.title or "vroeg" in told.title
    # The request says so, to Sanne and to the connector.
    url = f"/lindenhof/vragen/{post.pk}/"
    assert "zonder dat je eerst" in client_for("resident").get(url).content.decode()
    assert "zonder eerst te vragen" in client_for("connector").get(url).content.decode()


def _invitation_url(invitation):
    return f"/lindenhof/uitnodigingen/{invitation.pk}/"


def test_thread_time_done_by_both_and_thanks(world):
    post = _request(world)
    invitation = _invite(world.resident, post, world.connector)
    exchange = services.invitation_answer(actor=world.connector, invitation=invitation, accept=True)
    services.message_post(actor=world.resident, exchange=exchange, text="Zaterdag om 10 uur?")
    services.message_post(actor=world.connector, exchange=exchange, text="Prima!")
    with pytest.raises(ValidationError) as refused:
        services.message_post(actor=world.admin, exchange=exchange, text="Ik lees mee")
    assert refused.value.code == "not_a_party"
    assert Message.objects.filter(exchange=exchange).count() == 2
    services.exchange_agree_time(
        actor=world.connector, exchange=exchange, when=timezone.now() + timedelta(days=2)
    )
    services.exchange_mark_done(actor=world.connector, exchange=exchange)
    post.refresh_from_db()
    assert post.status == PostStatus.TAKEN  # one side is not enough
    services.exchange_mark_done(actor=world.resident, exchange=exchange)
    post.refresh_from_db()
    assert post.status == PostStatus.DONE
    with pytest.raises(ValidationError) as refused:
        services.exchange_thank(actor=world.connector, exchange=exchange, text="Graag gedaan")
    assert refused.value.code == "not_the_helped"
    with pytest.raises(ValidationError) as past:
        services.exchange_agree_time(
            actor=world.resident, exchange=exchange, when=timezone.now() - timedelta(hours=1)
        )
    assert past.value.error_dict["agreed_at"][0].code == "in_the_past"
    services.exchange_thank(actor=world.resident, exchange=exchange, text="Dank je wel, Karim!")
    exchange.refresh_from_db()
    assert exchange.thanks == "Dank je wel, Karim!"


def test_an_offer_is_answered_the_same_way(world):
    offer = services.post_create(
        actor=world.connector,
        neighbourhood=world.hood,
        kind="offer",
        text="Ik repareer fietsen op zaterdag",
        membership=membership_of(world.connector, world.hood),
    )
    invitation = _invite(world.connector, offer, world.resident)
    exchange = services.invitation_answer(actor=world.resident, invitation=invitation, accept=True)
    assert (exchange.helper, exchange.helped) == (world.connector, world.resident)


# --- pages -----------------------------------------------------------------------------------

from django.urls import reverse  # noqa: E402

from buurtkracht.gifts import services as gift_services  # noqa: E402
from buurtkracht.gifts.models import TaxonomyItem  # noqa: E402
from buurtkracht.gifts.steps import STEP_BY_KEY  # noqa: E402


def _gift(user, key=None, text="", visibility="neighbourhood"):
    items = [TaxonomyItem.objects.get(key=key).pk] if key else []
    gift_services.step_save(
        actor=user,
        subject=user,
        step=STEP_BY_KEY["handen"],
        item_ids=items,
        texts=[text] if text else [],
        visibility=visibility,
    )


def test_the_whole_flow_through_the_pages(world, client_for):
    _gift(world.connector, key="fiets-repareren")
    _gift(world.admin, key="tuinieren")
    resident = client_for("resident")
    response = resident.post(
        reverse("exchange:post_new", kwargs={"slug": "lindenhof"}),
        {"text": "Mijn fietsband is lek", "when_kind": "flexible", "where_kind": "home"},
    )
    post = Post.objects.get()
    assert response["Location"] == reverse(
        "exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk}
    )
    assert post.item is not None and post.item.key == "fiets-repareren"  # recognised from the words
    page = resident.get(response["Location"])
    suggestions = page.context["suggestions"]
    assert [s.name for s in suggestions] == ["Karim"]
    assert suggestions[0].reasons  # "omdat: …"
    assert "meebrengen" in page.content.decode()  # invited to say what they can give
    resident.post(
        reverse(
            "exchange:invite",
            kwargs={"slug": "lindenhof", "post_id": post.pk, "user_id": world.connector.pk},
        ),
        {"message": "Zaterdag?", "reason": "de wijkagent heeft jou aangewezen; je moet helpen"},
    )
    invitation = HelpInvitation.objects.get()
    # The reason is the matcher's, worked out on the server; a posted one is ignored.
    assert invitation.reason == suggestions[0].reasons and "wijkagent" not in invitation.reason
    helper = client_for("connector")
    shown = helper.get(
        reverse("exchange:invitation", kwargs={"slug": "lindenhof", "invitation_id": invitation.pk})
    ).content.decode()
    assert "Sanne schrijft:" in shown and "“Zaterdag?”" in shown
    answer = helper.post(
        reverse(
            "exchange:invitation", kwargs={"slug": "lindenhof", "invitation_id": invitation.pk}
        ),
        {"accept": "1"},
    )
    exchange = Exchange.objects.get()
    assert answer["Location"] == reverse(
        "exchange:exchange", kwargs={"slug": "lindenhof", "exchange_id": exchange.pk}
    )
    html = helper.get(answer["Location"]).content.decode()
    # The requester did not choose e-mail as their route: only the thread (people.contact).
    assert world.resident.email not in html and "Hoe bereik je" in html
    helper.post(answer["Location"] + "bericht/", {"m-text": "Ik kom zaterdag om 10 uur"})
    assert Message.objects.get().text == "Ik kom zaterdag om 10 uur"


def test_a_private_gift_is_not_suggested(world, client_for):
    _gift(world.connector, key="fiets-repareren", visibility="private")
    post = _request(world)
    page = client_for("resident").get(
        reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk})
    )
    assert page.context["suggestions"] == []


def test_someone_at_their_monthly_maximum_is_not_suggested(world, client_for):
    from buurtkracht.gifts.models import TimeOffer

    _gift(world.connector, key="fiets-repareren")
    TimeOffer.objects.create(owner=world.connector, max_asks_per_month=1)
    other = _request(world, text="Ook mijn fiets is kapot")
    _invite(world.resident, other, world.connector)
    post = _request(world)
    page = client_for("resident").get(
        reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk})
    )
    assert page.context["suggestions"] == []


def test_a_past_date_in_the_form_gets_a_message(world, client_for):
    response = client_for("resident").post(
        reverse("exchange:post_new", kwargs={"slug": "lindenhof"}),
        {
            "text": "Hulp bij verhuizen",
            "when_kind": "date",
            "day": "2020-01-01",
            "start": "10:00",
            "where_kind": "home",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()  # "Choose a moment in the future."
    assert not Post.objects.exists()


def test_an_invitation_notifies_in_the_app_and_by_mail(
    world, mailbox, django_capture_on_commit_callbacks
):
    from buurtkracht.notifications.models import Notification

    post = _request(world)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world.resident, post, world.connector)
    note = Notification.objects.get(user=world.connector)
    assert note.kind == "invitation" and "/uitnodigingen/" in note.url
    assert len(mailbox.bodies()) == 1


def test_suggestions_prefer_someone_free_at_the_asked_time_and_say_so(world, client_for):
    from buurtkracht.gifts.models import AvailabilitySlot, TimeOffer

    _gift(world.connector, key="fiets-repareren")
    _gift(world.admin, key="fiets-repareren")
    TimeOffer.objects.create(owner=world.admin, visibility="neighbourhood")
    saturday = timezone.localtime(timezone.now() + timedelta(days=7))
    while saturday.weekday() != 5:
        saturday += timedelta(days=1)
    saturday = saturday.replace(hour=10, minute=0)
    AvailabilitySlot.objects.create(owner=world.admin, weekday=5, daypart="morning")
    post = _request(world, when_kind="date", starts_at=saturday)
    page = client_for("resident").get(
        reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk})
    )
    first = page.context["suggestions"][0]
    assert first.name == "Anouk" and "vrij op zaterdagochtend" in first.reasons


def test_suggestions_name_a_shared_language(world, client_for):
    from buurtkracht.people.models import Profile

    Profile.objects.filter(user=world.resident).update(languages=["nl", "ar"])
    Profile.objects.filter(user=world.connector).update(
        languages=["nl", "ar"], languages_visibility="neighbourhood"
    )
    _gift(world.connector, key="fiets-repareren")
    post = _request(world)
    page = client_for("resident").get(
        reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk})
    )
    assert "spreekt arabisch" in page.context["suggestions"][0].reasons.lower()


def test_suggestions_do_not_query_per_neighbour(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from buurtkracht.people.models import Profile

    from . import factories as f

    def queries_for_page():
        post = _request(world, text=f"Fietsband lek {Post.objects.count()}")
        client = client_for("resident")
        url = reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk})
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
        return len(captured), len(page.context["suggestions"])

    for _ in range(2):
        _gift(f.make_member(world.hood), key="fiets-repareren")
    queries_for_page()  # the first look builds the index and makes the rows it reads
    few, shown_few = queries_for_page()
    for _ in range(6):
        helper = f.make_member(world.hood)
        Profile.objects.filter(user=helper).update(languages=["nl", "tr"])
        _gift(helper, key="fiets-repareren")
    queries_for_page()  # the index is rebuilt once after the change
    many, shown_many = queries_for_page()
    assert shown_many > shown_few
    assert many == few


def test_a_profile_page_asks_the_database_about_visibility_once(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from buurtkracht.core import access

    with CaptureQueriesContext(connection) as captured:
        levels = access.visible_levels(
            world.connector, owner_id=world.resident.pk, neighbourhood=world.hood
        )
    assert levels == {"public", "neighbourhood"}
    assert len(captured) <= 3  # two memberships and the contact check, for all five fields


def _suggested_names(client, post):
    page = client.get(reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk}))
    return [s.name for s in page.context["suggestions"]]


def test_contacts_only_gifts_are_suggested_to_contacts_only(world, client_for):
    _gift(world.connector, key="fiets-repareren", visibility="contacts")
    post = _request(world)
    assert _suggested_names(client_for("resident"), post) == []
    a, b = sorted([world.resident.pk, world.connector.pk])
    Contact.objects.create(user_a_id=a, user_b_id=b, source="test")
    assert _suggested_names(client_for("resident"), post) == ["Karim"]


def test_a_gift_made_private_in_place_is_not_suggested_from_a_warm_index(
    world, client_for, monkeypatch
):
    from buurtkracht.gifts.models import Gift
    from buurtkracht.matching import index as matching_index

    _gift(world.connector, key="fiets-repareren")
    post = _request(world)
    client = client_for("resident")
    assert _suggested_names(client, post) == ["Karim"]
    # The index trusts its version for a while and does not see an edit in place ...
    monkeypatch.setattr(matching_index, "VERSION_TTL", 3600.0)
    Gift.objects.filter(owner=world.connector).update(visibility="private")
    # ... but what reaches the page is checked against the database.
    assert _suggested_names(client, post) == []


def test_someone_offering_the_requested_category_is_suggested_without_shared_words(
    world, client_for
):
    from buurtkracht.gifts.models import TaxonomyItem

    bike = TaxonomyItem.objects.get(key="fiets-repareren")
    same_category = TaxonomyItem.objects.filter(category=bike.category).exclude(pk=bike.pk).first()
    _gift(world.connector, key=same_category.key)
    post = _request(world, text="Wie wil even naar mijn ding kijken?", category=bike.category)
    names = _suggested_names(client_for("resident"), post)
    assert names == ["Karim"]


def _live_at(user, postcode, visibility="neighbourhood"):
    from buurtkracht.people.models import Profile

    Profile.objects.filter(user=user).update(postcode=postcode, postcode_visibility=visibility)


@pytest.fixture
def areas(db):
    from decimal import Decimal

    from buurtkracht.places.models import PostcodeArea

    # 2031AA and 2031AB about 330 m apart (0.003° of latitude), 2031AC 2.2 km away.
    for postcode, lat in (("2031AA", "52.38000"), ("2031AB", "52.38300"), ("2031AC", "52.40000")):
        PostcodeArea.objects.create(
            postcode=postcode, latitude=Decimal(lat), longitude=Decimal("4.64000")
        )


def test_suggestions_say_how_far_when_both_postcodes_may_be_seen(world, client_for, areas):
    _gift(world.connector, key="fiets-repareren")
    _gift(world.admin, key="fiets-repareren")
    _live_at(world.resident, "2031AA", visibility="private")  # the requester sees their own
    _live_at(world.connector, "2031AC")
    _live_at(world.admin, "2031AB")
    post = _request(world)
    page = client_for("resident").get(
        reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk})
    )
    first, second = page.context["suggestions"]
    assert first.name == "Anouk" and "300 m" in first.reasons  # nearer ranks first
    assert "2,2 km" in second.reasons


def test_no_distance_from_a_postcode_the_viewer_may_not_see(world, client_for, areas):
    _gift(world.connector, key="fiets-repareren")
    _live_at(world.resident, "2031AA")
    _live_at(world.connector, "2031AB", visibility="private")
    post = _request(world)
    page = client_for("resident").get(
        reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk})
    )
    (only,) = page.context["suggestions"]
    assert not re.search(r"\d m\b|\d km\b", only.reasons), only.reasons


def test_distance_counts_from_the_place_of_the_request(world, client_for, areas):
    from decimal import Decimal

    _gift(world.connector, key="fiets-repareren")
    _live_at(world.connector, "2031AC")
    place = Place.objects.create(
        neighbourhood=world.hood,
        name="Buurthuis",
        kind="buurthuis",
        latitude=Decimal("52.40000"),
        longitude=Decimal("4.64000"),
    )
    post = _request(world, where_kind="place", place=place)
    page = client_for("resident").get(
        reverse("exchange:post", kwargs={"slug": "lindenhof", "post_id": post.pk})
    )
    assert "100 m" in page.context["suggestions"][0].reasons  # same spot: at least 100 m
