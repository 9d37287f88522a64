"""Writes for requests, offers, invitations and exchanges. Every refusal is a
ValidationError with a message for the person; nothing is saved half."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core import access
from buurtkracht.core.logging import log_action
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import acting_membership
from buurtkracht.notifications.models import Kind
from buurtkracht.notifications.services import notify
from buurtkracht.people import contact
from buurtkracht.people.selectors import has_consent
from buurtkracht.people.services import contact_connect

from .models import (
    TEXT_MAX,
    Exchange,
    HelpInvitation,
    InvitationStatus,
    Message,
    Post,
    PostKind,
    PostStatus,
    RequesterAnswer,
    WhenKind,
    WhereKind,
)


def _clean_text(text: str, *, limit: int = TEXT_MAX) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError(_("Say in a few words what it is about."), code="empty")}
        )
    if len(text) > limit:
        raise ValidationError(
            {
                "text": ValidationError(
                    _("Keep it under %(max)d characters.") % {"max": limit}, code="too_long"
                )
            }
        )
    return text


def _in_the_future() -> ValidationError:
    return ValidationError(_("Choose a moment in the future."), code="in_the_past")


def _when_and_where(neighbourhood, when_kind, starts_at, ends_at, where_kind, place):
    """The moment and place of a post as they are kept, or a refusal naming the field."""
    if when_kind == WhenKind.FLEXIBLE:
        starts_at = ends_at = None
    else:
        if starts_at is None:
            raise ValidationError({"starts_at": ValidationError(_("Choose a day."), code="no_day")})
        if starts_at < timezone.now():
            raise ValidationError({"starts_at": _in_the_future()})
        if when_kind == WhenKind.WINDOW and (ends_at is None or ends_at <= starts_at):
            raise ValidationError(
                {
                    "ends_at": ValidationError(
                        _("The end must be after the start."), code="ends_early"
                    )
                }
            )
    if where_kind == WhereKind.PLACE:
        if place is None or place.neighbourhood_id != neighbourhood.pk:
            raise ValidationError(
                {
                    "place": ValidationError(
                        _("Choose a place in this neighbourhood."), code="no_place"
                    )
                }
            )
    else:
        place = None
    return starts_at, ends_at, place


def post_create(
    *,
    actor,
    neighbourhood,
    kind: str,
    text: str,
    category=None,
    item=None,
    when_kind: str = WhenKind.FLEXIBLE,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    where_kind: str = WhereKind.NEIGHBOURHOOD,
    place=None,
    recurring: bool = False,
    needs_more: bool = False,
    safety_net_ok: bool = True,
    membership: Membership | None,
) -> Post:
    """Post a request or an offer in a neighbourhood one is a member of (`membership`:
    the actor's there, None when they are not a member)."""
    acting_membership(actor, neighbourhood, membership)
    text = _clean_text(text)
    starts_at, ends_at, place = _when_and_where(
        neighbourhood, when_kind, starts_at, ends_at, where_kind, place
    )
    with transaction.atomic():
        post = Post(
            neighbourhood=neighbourhood,
            author=actor,
            kind=kind,
            category=category or (item.category if item is not None else None),
            item=item or _guess_item(text, neighbourhood, category),
            text=text,
            when_kind=when_kind,
            starts_at=starts_at,
            ends_at=ends_at,
            where_kind=where_kind,
            place=place,
            recurring=recurring,
            needs_more=needs_more and kind == PostKind.REQUEST,
            safety_net_ok=safety_net_ok,
        )
        post.full_clean()
        post.save()
        log_action(actor=actor, action=f"{kind}.posted", neighbourhood=neighbourhood, obj=post)
    return post


def _own_open(actor, post: Post) -> None:
    if not access.is_author(actor, post):
        raise ValidationError(_("Only the person who posted this can change it."), code="not_yours")
    if post.status not in (PostStatus.OPEN, PostStatus.TAKEN):
        raise ValidationError(_("This is already closed."), code="closed")


def post_update(
    *,
    actor,
    post: Post,
    text: str,
    category=None,
    when_kind: str = WhenKind.FLEXIBLE,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    where_kind: str = WhereKind.NEIGHBOURHOOD,
    place=None,
    recurring: bool = False,
    needs_more: bool = False,
    safety_net_ok: bool = True,
) -> Post:
    """The author changes their own open request or offer; the same checks as posting."""
    _own_open(actor, post)
    text = _clean_text(text)
    starts_at, ends_at, place = _when_and_where(
        post.neighbourhood, when_kind, starts_at, ends_at, where_kind, place
    )
    with transaction.atomic():
        post.text, post.category = text, category
        post.item = _guess_item(text, post.neighbourhood, category)
        post.when_kind, post.starts_at, post.ends_at = when_kind, starts_at, ends_at
        post.where_kind, post.place, post.recurring = where_kind, place, recurring
        post.needs_more = needs_more and post.kind == PostKind.REQUEST
        post.safety_net_ok = safety_net_ok
        post.full_clean()
        post.save()
        log_action(
            actor=actor, action=f"{post.kind}.changed", neighbourhood=post.neighbourhood, obj=post
        )
    return post


class Outcome:
    DONE = "done"  # I was helped (or my offer was used): thank you
    WITHDRAWN = "withdrawn"  # no longer needed


def post_close(*, actor, post: Post, outcome: str) -> Post:
    """The author closes their own post: done, or no longer needed. It leaves every list;
    open invitations are withdrawn and the neighbours already asked are told, without a
    reason. Exchanges already agreed go on (they are the two people's own)."""
    _own_open(actor, post)
    if outcome not in (Outcome.DONE, Outcome.WITHDRAWN):
        raise ValidationError(_("Choose why you close it."), code="no_outcome")
    status = PostStatus.DONE if outcome == Outcome.DONE else PostStatus.CLOSED
    with transaction.atomic():
        if not Post.objects.filter(
            pk=post.pk, status__in=[PostStatus.OPEN, PostStatus.TAKEN]
        ).update(status=status):
            raise ValidationError(_("This is already closed."), code="closed")
        post.status = status
        pending = list(
            post.invitations.filter(status=InvitationStatus.PENDING).select_related("invitee")
        )
        HelpInvitation.objects.filter(pk__in=[i.pk for i in pending]).update(
            status=InvitationStatus.WITHDRAWN, answered_at=timezone.now()
        )
        for invitation in pending:
            if invitation.requester_answer == RequesterAnswer.YES:  # they had been asked
                notify(
                    user=invitation.invitee,
                    kind=Kind.INVITATION_ANSWERED,
                    title=gettext_lazy("A request you were asked about is no longer needed."),
                    body=gettext_lazy("Thank you for looking. You do not need to do anything."),
                    neighbourhood=post.neighbourhood,
                )
        log_action(
            actor=actor,
            action=f"{post.kind}.{outcome}",
            neighbourhood=post.neighbourhood,
            obj=post,
            data={"invitations_withdrawn": len(pending)},
        )
    return post


def post_renew(*, actor, post: Post) -> Post:
    """Put one's own post that left the board (too old, or its day passed) back on top:
    `created_at` is when it was posted or last put back (decision 0045)."""
    _own_open(actor, post)
    day = post.ends_at or post.starts_at
    if post.when_kind != WhenKind.FLEXIBLE and day is not None and day < timezone.now():
        raise ValidationError(
            _("The day has passed. Choose a new day: change the request."), code="day_passed"
        )
    with transaction.atomic():
        post.created_at = timezone.now()
        Post.objects.filter(pk=post.pk).update(created_at=post.created_at)
        log_action(
            actor=actor, action=f"{post.kind}.renewed", neighbourhood=post.neighbourhood, obj=post
        )
    return post


def _guess_item(text: str, neighbourhood, category):
    """The vocabulary word the text is most likely about, so matching and bundling can use
    it; only a clear match counts, and it must fit the chosen category."""
    from buurtkracht.gifts.models import TaxonomyItem
    from buurtkracht.gifts.taxonomy import taxonomy_index

    for match in taxonomy_index(neighbourhood).lookup(text, limit=5):
        if match.score < 0.6:
            break
        item = TaxonomyItem.objects.select_related("category").get(pk=match.entry.id)
        if category is None or item.category_id == category.pk:
            return item
    return None


def arranges_without_asking(post: Post) -> bool:
    """Did the requester allow connectors to ask neighbours without asking them first?"""
    return has_consent(
        user_id=post.author_id, neighbourhood=post.neighbourhood, scope="connector_arranges"
    )


def invitation_send(
    *,
    actor,
    membership: Membership | None,
    post: Post,
    invitee,
    message: str = "",
    reason: str = "",
) -> HelpInvitation:
    """`actor` (with `membership`, theirs in the post's neighbourhood) invites `invitee`
    to help with `post`."""
    if post.status != PostStatus.OPEN:
        raise ValidationError(_("This request is no longer open."), code="not_open")
    if not access.may_invite_for(actor, post, membership=membership):
        raise ValidationError(
            _("Only the person who asked, or a connector they allowed, can invite."),
            code="may_not_invite",
        )
    if invitee.pk == post.author_id:
        raise ValidationError(_("You cannot invite yourself."), code="self")
    if membership is None or membership.neighbourhood_id != post.neighbourhood_id:
        raise ValidationError(
            _("You are not a member of this neighbourhood. Join it first."), code="not_member"
        )
    if not Membership.objects.filter(user=invitee, neighbourhood=post.neighbourhood).exists():
        raise ValidationError(
            _("This person is not a member of this neighbourhood."), code="invitee_not_a_member"
        )
    if len(message) > 300:
        raise ValidationError(
            {
                "message": ValidationError(
                    _("Keep it under %(max)d characters.") % {"max": 300}, code="too_long"
                )
            }
        )
    # A connector inviting on someone's request: the requester decides first (rule 2),
    # unless they allowed connectors to arrange help without asking.
    on_behalf = actor.pk != post.author_id
    standing = on_behalf and arranges_without_asking(post)
    requester = RequesterAnswer.PENDING if on_behalf and not standing else RequesterAnswer.YES
    try:
        with transaction.atomic():
            invitation = HelpInvitation.objects.create(
                post=post,
                invitee=invitee,
                invited_by=actor,
                message=message.strip(),
                reason=reason[:300],
                requester_answer=requester,
            )
            if requester == RequesterAnswer.YES:
                _ask_invitee(invitation)
            if on_behalf:
                _tell_requester(invitation, asked_first=not standing)
            log_action(
                actor=actor,
                action="invitation.sent" if not on_behalf or standing else "invitation.proposed",
                neighbourhood=post.neighbourhood,
                obj=invitation,
            )
    except IntegrityError:
        raise ValidationError(
            _("You already invited this person."), code="already_invited"
        ) from None
    return invitation


def _ask_invitee(invitation: HelpInvitation) -> None:
    post = invitation.post
    notify(
        user=invitation.invitee,
        kind=Kind.INVITATION,
        title=gettext_lazy("Can you help? A neighbour invites you."),
        body=gettext_lazy("You decide yourself. Saying no is fine."),
        url=reverse(
            "exchange:invitation",
            kwargs={"slug": post.neighbourhood.slug, "invitation_id": invitation.pk},
        ),
        neighbourhood=post.neighbourhood,
    )


def _tell_requester(invitation: HelpInvitation, *, asked_first: bool) -> None:
    """The requester hears of a connector's invitation on their request either way: asked
    to decide, or told (when they allowed connectors to arrange help without asking)."""
    post = invitation.post
    slug = post.neighbourhood.slug
    if asked_first:
        notify(
            user=post.author,
            kind=Kind.INVITATION,
            title=gettext_lazy("A connector found someone who could help you. Do you want that?"),
            body=gettext_lazy("You decide. The neighbour is asked only after your yes."),
            url=reverse(
                "exchange:requester_answer",
                kwargs={"slug": slug, "post_id": post.pk, "invitation_id": invitation.pk},
            ),
            neighbourhood=post.neighbourhood,
        )
    else:
        notify(
            user=post.author,
            kind=Kind.INVITATION,
            title=gettext_lazy("A connector asked a neighbour to help you."),
            body=gettext_lazy("You allowed this. You can change that in your permissions."),
            url=reverse("exchange:post", kwargs={"slug": slug, "post_id": post.pk}),
            neighbourhood=post.neighbourhood,
        )


def requester_answer(*, actor, invitation: HelpInvitation, yes: bool) -> HelpInvitation:
    """The requester says yes or no, once, to a connector's invitation on their request.
    Yes: the neighbour is asked now. No: the invitation is withdrawn; the connector hears."""
    post = invitation.post
    if not access.is_author(actor, post):
        raise ValidationError(_("Only the person who asked decides this."), code="not_requester")
    with transaction.atomic():
        changed = HelpInvitation.objects.filter(
            pk=invitation.pk,
            requester_answer=RequesterAnswer.PENDING,
            status=InvitationStatus.PENDING,
        ).update(
            requester_answer=RequesterAnswer.YES if yes else RequesterAnswer.NO,
            **({} if yes else {"status": InvitationStatus.WITHDRAWN}),
        )
        if not changed:
            raise ValidationError(_("You already decided this."), code="already_decided")
        invitation.refresh_from_db()
        if yes:
            _ask_invitee(invitation)
        else:
            _tell_inviter(
                invitation, gettext_lazy("The person who asked chose not to invite this neighbour.")
            )
        log_action(
            actor=actor,
            action="invitation.requester_yes" if yes else "invitation.requester_no",
            neighbourhood=post.neighbourhood,
            obj=invitation,
        )
    return invitation


def _tell_inviter(invitation: HelpInvitation, title) -> None:
    """The one who invited hears it did not work out, with a link back to the request."""
    post = invitation.post
    notify(
        user=invitation.invited_by,
        kind=Kind.INVITATION_ANSWERED,
        title=title,
        url=reverse("exchange:post", kwargs={"slug": post.neighbourhood.slug, "post_id": post.pk}),
        neighbourhood=post.neighbourhood,
    )


def answer_once(invitation, *, actor, accept: bool, **still) -> None:
    """Record the invited person's yes or no on any invitation (`models.Invitation`: to
    help with a request, or to take a task), once: a conditional update, so a second
    answer — or the same one sent twice at once — is refused. Call it inside the caller's
    transaction, so what a yes sets off rolls back with it. `still`: what else must hold
    in the database at that moment (a request's invitation: the requester said yes)."""
    if not access.is_invitee(actor, invitation):
        raise ValidationError(_("Only the invited person can answer."), code="not_invitee")
    new_status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    if (
        not type(invitation)
        .objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING, **still)
        .update(status=new_status, answered_at=timezone.now())
    ):
        raise ValidationError(_("You already answered this invitation."), code="already_answered")


def invitation_answer(*, actor, invitation: HelpInvitation, accept: bool) -> Exchange | None:
    """The invited person says yes or no, once. Yes makes the exchange and the contact, so
    both now see each other's contact details."""
    if invitation.requester_answer != RequesterAnswer.YES:
        raise ValidationError(
            _("The person who asked has not decided yet."), code="requester_pending"
        )
    with transaction.atomic():
        answer_once(invitation, actor=actor, accept=accept, requester_answer=RequesterAnswer.YES)
        invitation.refresh_from_db()
        post = invitation.post
        log_action(
            actor=actor,
            action="invitation.accepted" if accept else "invitation.declined",
            neighbourhood=post.neighbourhood,
            obj=invitation,
        )
        if not accept:
            _tell_inviter(
                invitation, gettext_lazy("Someone said no this time. Invite someone else?")
            )
            return None
        requester_side = post.kind == PostKind.REQUEST
        exchange = Exchange.objects.create(
            post=post,
            invitation=invitation,
            helper=actor if requester_side else post.author,
            helped=post.author if requester_side else actor,
        )
        if post.kind == PostKind.REQUEST and post.status == PostStatus.OPEN:
            Post.objects.filter(pk=post.pk).update(status=PostStatus.TAKEN)
        contact_connect(a=exchange.helper, b=exchange.helped, source="exchange")
        notify(
            user=invitation.invited_by,
            kind=Kind.INVITATION_ANSWERED,
            title=gettext_lazy("Good news: someone said yes."),
            body=gettext_lazy("You can now see each other's details and send messages."),
            url=_exchange_url(exchange),
            neighbourhood=post.neighbourhood,
        )
    return exchange


def _exchange_url(exchange: Exchange) -> str:
    return reverse(
        "exchange:exchange",
        kwargs={"slug": exchange.post.neighbourhood.slug, "exchange_id": exchange.pk},
    )


def _participant(actor, exchange: Exchange) -> None:
    if not access.is_exchange_party(actor, exchange):
        raise ValidationError(
            _("Only the two people of this exchange can do this."), code="not_a_party"
        )


def message_post(*, actor, exchange: Exchange, text: str) -> Message:
    _participant(actor, exchange)
    text = _clean_text(text, limit=2000)
    with transaction.atomic():
        message = Message.objects.create(exchange=exchange, author=actor, text=text)
        other = exchange.helped if actor.pk == exchange.helper_id else exchange.helper
        contact.pass_on(
            recipient=other,
            author=actor,
            text=text,
            url=_exchange_url(exchange),
            neighbourhood=exchange.post.neighbourhood,
        )
        log_action(actor=actor, action="exchange.message_sent", obj=exchange)
    return message


def exchange_agree_time(*, actor, exchange: Exchange, when: datetime) -> Exchange:
    _participant(actor, exchange)
    if when < timezone.now():
        raise ValidationError({"agreed_at": _in_the_future()})
    with transaction.atomic():
        exchange.agreed_at = when
        exchange.save(update_fields=["agreed_at"])
        log_action(actor=actor, action="exchange.time_agreed", obj=exchange)
    return exchange


def exchange_mark_done(*, actor, exchange: Exchange) -> Exchange:
    """Each side says it is done; when both did, the request is done."""
    _participant(actor, exchange)
    field = "done_by_helper_at" if actor.pk == exchange.helper_id else "done_by_helped_at"
    with transaction.atomic():
        Exchange.objects.filter(pk=exchange.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
        exchange.refresh_from_db()
        if exchange.is_done and exchange.post.kind == PostKind.REQUEST:
            Post.objects.filter(pk=exchange.post_id).update(status=PostStatus.DONE)
        log_action(actor=actor, action="exchange.marked_done", obj=exchange)
    return exchange


def exchange_thank(*, actor, exchange: Exchange, text: str) -> Exchange:
    if not access.may_thank(actor, exchange):
        raise ValidationError(
            _("The person who was helped writes the thank-you note."), code="not_the_helped"
        )
    text = _clean_text(text)
    with transaction.atomic():
        exchange.thanks = text
        exchange.save(update_fields=["thanks"])
        log_action(actor=actor, action="exchange.thanked", obj=exchange)
    return exchange
