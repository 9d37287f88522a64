from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtkracht.accounts.models import User
from buurtkracht.core import access, paging
from buurtkracht.core.access import Action, requires
from buurtkracht.core.forms import MessageForm, add_service_errors
from buurtkracht.people import contact
from buurtkracht.people.selectors import display_name_of, display_names
from buurtkracht.places.models import Place

from . import selectors, services
from .forms import (
    AgreeTimeForm,
    CloseForm,
    HoursForm,
    InviteForm,
    PostForm,
    ThanksForm,
    post_initial,
)
from .models import Exchange, HelpInvitation, Post, PostKind, RequesterAnswer, WhenKind


def _aware(day, time_of_day):
    return timezone.make_aware(datetime.combine(day, time_of_day)) if day and time_of_day else None


RECENT = 20


@requires(Action.REQUESTS)
def posts(request, slug):
    kind = {"vraag": PostKind.REQUEST, "aanbod": PostKind.OFFER}.get(
        request.GET.get("soort", ""), ""
    )
    page = selectors.board(
        neighbourhood=request.neighbourhood, kind=kind, after=paging.after_in(request)
    )
    context = {
        "posts": page.rows,
        "next_after": page.next_after,
        "kind": kind,
        # A person's own invitations and exchanges: the newest few (the rest stay
        # reachable from the posts and the person's home page).
        "invitations": selectors.invitations_for(
            user=request.user, neighbourhood=request.neighbourhood
        )[:RECENT],
        "exchanges": selectors.exchanges_of(
            user=request.user, neighbourhood=request.neighbourhood
        ).order_by("-created_at")[:RECENT],
        "mine": selectors.posts_of(user=request.user, neighbourhood=request.neighbourhood)[:RECENT],
    }
    return render(request, "exchange/posts.html", context)


def _post_fields(data) -> dict:
    """What a filled-in PostForm says, as the services take it."""
    start = _aware(data["day"], data["start"]) or (
        _aware(data["day"], datetime.min.time().replace(hour=9)) if data["day"] else None
    )
    return {
        "text": data["text"],
        "category": data["category"],
        "when_kind": data["when_kind"],
        "starts_at": start if data["when_kind"] != WhenKind.FLEXIBLE else None,
        "ends_at": _aware(data["day"], data["end"]),
        "where_kind": data["where_kind"],
        "place": data["place"],
        "recurring": data["recurring"],
        "needs_more": data.get("needs_more", False),
        "safety_net_ok": data.get("safety_net_ok", False),
    }


@require_http_methods(["GET", "POST"])
@requires(Action.REQUESTS)
def post_new(request, slug):
    is_request = request.GET.get("soort", "vraag") != "aanbod"
    places = Place.objects.filter(neighbourhood=request.neighbourhood)
    form = PostForm(request.POST or None, places=places, is_request=is_request)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                actor=request.user,
                neighbourhood=request.neighbourhood,
                kind=PostKind.REQUEST if is_request else PostKind.OFFER,
                membership=request.membership,
                **_post_fields(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if is_request:
                # Rule 1: whoever asks is invited to say what they can give.
                messages.success(
                    request,
                    _("Your request is posted. Everyone has something to give: what do you bring?"),
                )
            else:
                messages.success(request, _("Your offer is posted."))
            return redirect("exchange:post", slug=slug, post_id=post.pk)
    return render(request, "exchange/post_form.html", {"form": form, "is_request": is_request})


def _own_post_or_404(request, post_id: int) -> Post:
    """The viewer's own post that is not closed; anyone else's looks like nothing."""
    post = _post_or_404(request, post_id)
    if not access.may_change_post(request.user, post):
        raise Http404
    return post


@require_http_methods(["GET", "POST"])
@requires(Action.REQUESTS)
def post_edit(request, slug, post_id: int):
    """The author changes what they asked or offered."""
    post = _own_post_or_404(request, post_id)
    places = Place.objects.filter(neighbourhood=request.neighbourhood)
    is_request = post.kind == PostKind.REQUEST
    form = PostForm(
        request.POST if request.method == "POST" else None,
        places=places,
        is_request=is_request,
        initial=post_initial(post),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(actor=request.user, post=post, **_post_fields(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("exchange:post", slug=slug, post_id=post.pk)
    context = {"form": form, "is_request": is_request, "post": post}
    return render(request, "exchange/post_form.html", context)


@require_http_methods(["GET", "POST"])
@requires(Action.REQUESTS)
def post_close(request, slug, post_id: int):
    """The author closes their post: done, or no longer needed — a page that asks first."""
    post = _own_post_or_404(request, post_id)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_close(actor=request.user, post=post, outcome=form.cleaned_data["outcome"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("It is closed. It no longer shows in the lists."))
            return redirect("exchange:posts", slug=slug)
    return render(request, "exchange/post_close.html", {"form": form, "post": post})


@require_POST
@requires(Action.REQUESTS)
def post_renew(request, slug, post_id: int):
    """The author puts a post that left the board back on top."""
    post = _own_post_or_404(request, post_id)
    try:
        services.post_renew(actor=request.user, post=post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("It is back on the board."))
    return redirect("exchange:post", slug=slug, post_id=post.pk)


def _post_or_404(request, post_id: int) -> Post:
    return get_object_or_404(
        Post.objects.select_related("category", "author__profile", "place"),
        pk=post_id,
        neighbourhood=request.neighbourhood,
    )


@requires(Action.REQUESTS)
def post_detail(request, slug, post_id: int):
    post = _post_or_404(request, post_id)
    can_invite = (
        access.may_invite_for(request.user, post, membership=request.membership)
        and post.status == "open"
    )
    is_author = access.is_author(request.user, post)
    invitations = list(post.invitations.all()) if can_invite else []
    wanted = {i.invitee_id for i in invitations} | (set() if is_author else {post.author_id})
    names = (
        display_names(viewer=request.user, neighbourhood=request.neighbourhood, user_ids=wanted)
        if wanted
        else {}
    )
    context = {
        "post": post,
        "can_invite": can_invite,
        "is_author": is_author,
        "author_name": names.get(post.author_id, _("the person who asked")),
        "suggestions": selectors.suggested_helpers(
            post=post, viewer=request.user, membership=request.membership
        )
        if can_invite
        else [],
        "invitations": [(i, names.get(i.invitee_id, _("a neighbour"))) for i in invitations],
        # Who decides: shown on the request, to the requester and to connectors (rule 2).
        "standing": can_invite
        and post.kind == PostKind.REQUEST
        and services.arranges_without_asking(post),
        "invite_form": InviteForm(),
        "may_change": access.may_change_post(request.user, post),
        "listed": selectors.is_listed(post),
    }
    return render(request, "exchange/post_detail.html", context)


@require_POST
@requires(Action.REQUESTS)
def invite(request, slug, post_id: int, user_id: int):
    post = _post_or_404(request, post_id)
    invitee = get_object_or_404(User, pk=user_id, memberships__neighbourhood=request.neighbourhood)
    form = InviteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(" ".join(e for errors in form.errors.values() for e in errors))
        services.invitation_send(
            actor=request.user,
            membership=request.membership,
            post=post,
            invitee=invitee,
            message=form.cleaned_data["message"],
            reason=selectors.invitation_reason(
                post=post, invitee=invitee, viewer=request.user, membership=request.membership
            ),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation is sent. They decide themselves."))
    return redirect("exchange:post", slug=slug, post_id=post.pk)


@require_http_methods(["GET", "POST"])
@requires(Action.REQUESTS)
def requester_answer(request, slug, post_id: int, invitation_id: int):
    """The requester decides on a connector's invitation on their request: yes, then the
    neighbour is asked; no, and nobody is asked."""
    post = _post_or_404(request, post_id)
    if not access.is_author(request.user, post):
        raise Http404
    invitation = get_object_or_404(HelpInvitation, pk=invitation_id, post=post)
    if request.method == "POST":
        try:
            services.requester_answer(
                actor=request.user, invitation=invitation, yes="yes" in request.POST
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if "yes" in request.POST:
                messages.success(request, _("Thank you. The neighbour is asked now."))
            else:
                messages.success(request, _("Fine. Nobody is asked."))
        return redirect("exchange:post", slug=slug, post_id=post.pk)
    names = display_names(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        user_ids=[invitation.invitee_id, invitation.invited_by_id],
    )
    context = {
        "post": post,
        "invitation": invitation,
        "helper": names.get(invitation.invitee_id, _("a neighbour")),
        "connector": names.get(invitation.invited_by_id, _("a connector")),
    }
    return render(request, "exchange/requester_answer.html", context)


@require_http_methods(["GET", "POST"])
@requires(Action.REQUESTS)
def invitation(request, slug, invitation_id: int):
    invitation = get_object_or_404(
        HelpInvitation.objects.select_related("post__author__profile", "invited_by__profile"),
        pk=invitation_id,
        post__neighbourhood=request.neighbourhood,
        requester_answer=RequesterAnswer.YES,  # not sent before the requester's yes
    )
    if not access.is_invitee(request.user, invitation):
        raise Http404
    if request.method == "POST":
        try:
            exchange = services.invitation_answer(
                actor=request.user, invitation=invitation, accept="accept" in request.POST
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if exchange is not None:
                messages.success(request, _("Thank you! You can now see each other's details."))
                return redirect("exchange:exchange", slug=slug, exchange_id=exchange.pk)
            messages.success(request, _("You said no. That is fine."))
        return redirect("exchange:posts", slug=slug)
    inviter = display_name_of(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        user_id=invitation.invited_by_id,
        otherwise=_("a neighbour"),
    )
    return render(
        request, "exchange/invitation.html", {"invitation": invitation, "inviter": inviter}
    )


def _exchange_or_404(request, exchange_id: int) -> Exchange:
    """An exchange of this neighbourhood the viewer is one of the two people of; anyone
    else's looks like nothing."""
    exchange = get_object_or_404(
        Exchange.objects.select_related("post", "helper__profile", "helped__profile"),
        pk=exchange_id,
        post__neighbourhood=request.neighbourhood,
    )
    if not access.is_exchange_party(request.user, exchange):
        raise Http404
    return exchange


def _back_to(exchange: Exchange):
    return redirect(
        "exchange:exchange", slug=exchange.post.neighbourhood.slug, exchange_id=exchange.pk
    )


def _timebank_on(neighbourhood) -> bool:
    return neighbourhood.has_module("timebank") and hasattr(neighbourhood, "timebank")


def _exchange_page(request, exchange: Exchange, **sent):
    """The exchange page; `sent`: a form that came back with errors, by its name."""
    timebank_on = _timebank_on(request.neighbourhood)
    hours = getattr(exchange, "hours", None) if timebank_on else None
    forms = {
        "message": MessageForm(prefix="m"),
        "time": AgreeTimeForm(prefix="t"),
        "thanks": ThanksForm(prefix="k"),
    }
    if timebank_on:
        initial = {"hours": hours.minutes // 60, "minutes": hours.minutes % 60} if hours else None
        forms["hours"] = HoursForm(prefix="h", initial=initial)
    forms.update(sent)
    mine_helper = request.user.pk == exchange.helper_id
    other = exchange.helped if mine_helper else exchange.helper
    context = {
        "timebank_on": timebank_on,
        "hours": hours,
        "hours_parts": divmod(hours.minutes, 60) if hours else None,
        "exchange": exchange,
        "other": other,
        "card": contact.card(viewer=request.user, other=other),
        "thread": exchange.messages.select_related("author__profile"),
        "forms": forms,
        "my_done": exchange.done_by_helper_at if mine_helper else exchange.done_by_helped_at,
        "back": reverse("exchange:posts", kwargs={"slug": request.neighbourhood.slug}),
    }
    return render(request, "exchange/exchange.html", context)


@require_GET
@requires(Action.REQUESTS)
def exchange(request, slug, exchange_id: int):
    """The two people of an exchange: messages, a time, done by both, thanks, hours."""
    return _exchange_page(request, _exchange_or_404(request, exchange_id))


@require_POST
@requires(Action.REQUESTS)
def exchange_message(request, slug, exchange_id: int):
    exchange = _exchange_or_404(request, exchange_id)
    form = MessageForm(request.POST, prefix="m")
    if form.is_valid():
        try:
            services.message_post(
                actor=request.user, exchange=exchange, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _back_to(exchange)
    return _exchange_page(request, exchange, message=form)


@require_POST
@requires(Action.REQUESTS)
def exchange_time(request, slug, exchange_id: int):
    exchange = _exchange_or_404(request, exchange_id)
    form = AgreeTimeForm(request.POST, prefix="t")
    if form.is_valid():
        when = _aware(form.cleaned_data["day"], form.cleaned_data["time"])
        try:
            services.exchange_agree_time(actor=request.user, exchange=exchange, when=when)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The time is saved."))
            return _back_to(exchange)
    return _exchange_page(request, exchange, time=form)


@require_POST
@requires(Action.REQUESTS)
def exchange_done(request, slug, exchange_id: int):
    exchange = _exchange_or_404(request, exchange_id)
    try:
        services.exchange_mark_done(actor=request.user, exchange=exchange)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _exchange_page(request, exchange)
    messages.success(request, _("Saved: it is done on your side."))
    return _back_to(exchange)


@require_POST
@requires(Action.REQUESTS)
def exchange_thanks(request, slug, exchange_id: int):
    exchange = _exchange_or_404(request, exchange_id)
    form = ThanksForm(request.POST, prefix="k")
    if form.is_valid():
        try:
            services.exchange_thank(
                actor=request.user, exchange=exchange, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your thank-you note is saved."))
            return _back_to(exchange)
    return _exchange_page(request, exchange, thanks=form)


def _settle_hours(request, exchange_id: int, *, settle, saved: str):
    """Propose or confirm how long the help took; `settle` is the time bank's service."""
    exchange = _exchange_or_404(request, exchange_id)
    form = HoursForm(request.POST, prefix="h")
    if form.is_valid():
        try:
            settle(actor=request.user, exchange=exchange, minutes=form.total())
        except ValidationError as error:
            # The time bank refuses for the exchange, not a field: said above the page.
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, saved)
            return _back_to(exchange)
    return _exchange_page(request, exchange, hours=form)


@require_POST
@requires(Action.REQUESTS)
def exchange_hours_propose(request, slug, exchange_id: int):
    from buurtkracht.timebank import services as timebank

    return _settle_hours(
        request,
        exchange_id,
        settle=timebank.exchange_hours_propose,
        saved=_("Saved. The other person confirms the time."),
    )


@require_POST
@requires(Action.REQUESTS)
def exchange_hours_confirm(request, slug, exchange_id: int):
    from buurtkracht.timebank import services as timebank

    return _settle_hours(
        request,
        exchange_id,
        settle=timebank.exchange_hours_confirm,
        saved=_("Confirmed: the time has been transferred."),
    )
