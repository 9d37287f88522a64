"""The wijkdialoog's pages (issue 20): the dialogues of a neighbourhood, planning one, its
page with the format's steps and rules, signing up, inviting, and the harvest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtkracht.core import access
from buurtkracht.core.access import Action, requires
from buurtkracht.core.forms import add_service_errors
from buurtkracht.people.selectors import display_names, find_people, person_choice

from .. import selectors, services
from ..formats import FORMATS
from ..forms import ActionToInitiativeForm, DialogueForm, HarvestForm


def _running(request, dialogue_id):
    """The dialogue, for its organiser or an administrator (else 403)."""
    dialogue = selectors.dialogue_in(request.neighbourhood, dialogue_id)
    if not access.may_run_dialogue(request.user, dialogue, membership=request.membership):
        raise PermissionDenied(
            _("Only who planned this dialogue, or an administrator, can do this.")
        )
    return dialogue


def _harvesting(request, dialogue_id):
    dialogue = selectors.dialogue_in(request.neighbourhood, dialogue_id)
    if not access.may_harvest(request.user, dialogue, membership=request.membership):
        raise PermissionDenied(
            _(
                "Only who planned this dialogue, professionals, the municipality and "
                "administrators write down its harvest."
            )
        )
    return dialogue


def _logged(request, user_ids) -> None:
    """Names of people a professional, the municipality or an administrator sees here."""
    if request.user.is_authenticated and user_ids:
        access.note_reads(
            viewer=request.user,
            membership=request.membership,
            subject_ids=list(user_ids),
            what="dialogue",
        )


def _posted_id(request, name: str) -> int | None:
    text = request.POST.get(name, "")
    return int(text) if text.isdigit() else None


@login_not_required
@require_GET
@requires(Action.DIALOGUE_VIEW)
def dialogue_list(request, slug):
    hood = request.neighbourhood
    context = {
        "coming": selectors.coming(neighbourhood=hood, page=request.GET.get("pagina") or 1),
        "past": selectors.past(neighbourhood=hood),
    }
    return render(request, "dialogue/list.html", context)


def _plan_page(request, dialogue=None):
    initial = {"format": "dialoogtafel", "for_residents": True}
    if dialogue is not None:
        initial = _initial(dialogue)
    form = DialogueForm(request.POST or None, initial=initial, neighbourhood=request.neighbourhood)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_plan(request, form, dialogue)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. Now invite people."))
            return redirect(
                "dialogue:detail", slug=request.neighbourhood.slug, dialogue_id=saved.pk
            )
    return render(request, "dialogue/plan.html", {"form": form, "dialogue": dialogue})


def _initial(dialogue) -> dict:
    from django.utils import timezone

    starts, ends = timezone.localtime(dialogue.starts_at), timezone.localtime(dialogue.ends_at)
    fields = ["title", "about", "format", "place", "address", "capacity", "for_residents"]
    fields += ["for_organisations", "for_municipality"]
    return {
        **{f: getattr(dialogue, f) for f in fields},
        "day": starts.date(),
        "start": starts.time(),
        "end": ends.time(),
    }


def _save_plan(request, form, dialogue):
    common = {"actor": request.user, "membership": request.membership, "values": form.values()}
    if dialogue is None:
        return services.dialogue_plan(neighbourhood=request.neighbourhood, **common)
    return services.dialogue_change(dialogue=dialogue, **common)


@requires(Action.DIALOGUE_USE)
def dialogue_new(request, slug):
    return _plan_page(request)


@requires(Action.DIALOGUE_USE)
def dialogue_edit(request, slug, dialogue_id: int):
    return _plan_page(request, _running(request, dialogue_id))


@login_not_required
@require_GET
@requires(Action.DIALOGUE_VIEW)
def dialogue_detail(request, slug, dialogue_id: int):
    """Its announcement and rules for everyone; for members the harvest, and signing up."""
    dialogue = selectors.dialogue_in(request.neighbourhood, dialogue_id)
    member = access.decide(
        request.user,
        Action.DIALOGUE_USE,
        neighbourhood=request.neighbourhood,
        membership=request.membership,
    ).allowed
    harvester = access.may_harvest(request.user, dialogue, membership=request.membership)
    context = {
        "dialogue": dialogue,
        "format": FORMATS[dialogue.format],
        "member": member,
        "runs": access.may_run_dialogue(request.user, dialogue, membership=request.membership),
        "harvester": harvester,
        "joined": member and selectors.has_joined(user=request.user, dialogue=dialogue),
        "harvest": selectors.harvest_of(dialogue) if member else None,
        "stories": selectors.stories_of_dialogue(viewer=request.user, dialogue=dialogue),
        "owned": selectors.initiatives_owned(user=request.user, neighbourhood=request.neighbourhood)
        if member
        else [],
    }
    if context["harvest"] is not None:
        _logged(request, context["harvest"].speakers)
    return render(request, "dialogue/detail.html", context)


def _member_of(request, dialogue_id):
    return selectors.dialogue_in(request.neighbourhood, dialogue_id)


def _done(request, dialogue, call, success: str):
    """Run a service for this dialogue; its message, or its refusal, on the dialogue page."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("dialogue:detail", slug=request.neighbourhood.slug, dialogue_id=dialogue.pk)


def _who(request, dialogue_id, find=None):
    dialogue = (find or _member_of)(request, dialogue_id)
    return dialogue, {"actor": request.user, "membership": request.membership, "dialogue": dialogue}


@require_POST
@requires(Action.DIALOGUE_USE)
def dialogue_join(request, slug, dialogue_id: int):
    dialogue, who = _who(request, dialogue_id)
    return _done(request, dialogue, lambda: services.dialogue_join(**who), _("You signed up."))


@require_POST
@requires(Action.DIALOGUE_USE)
def dialogue_leave(request, slug, dialogue_id: int):
    dialogue, who = _who(request, dialogue_id)
    return _done(request, dialogue, lambda: services.dialogue_leave(**who), _("You signed off."))


@require_POST
@requires(Action.DIALOGUE_USE)
def dialogue_cancel(request, slug, dialogue_id: int):
    dialogue, who = _who(request, dialogue_id, _running)
    return _done(
        request, dialogue, lambda: services.dialogue_cancel(**who), _("The dialogue is cancelled.")
    )


@requires(Action.DIALOGUE_USE)
def dialogue_invite(request, slug, dialogue_id: int):
    """Invite neighbours found by name (never a list of everyone), or everyone at once."""
    dialogue, who = _who(request, dialogue_id, _running)
    if request.method == "POST":
        chosen = [
            person_choice(viewer=request.user, neighbourhood=request.neighbourhood, user_id=i)
            for i in request.POST.getlist("people")
        ]
        ids = [c.user_id for c in chosen if c is not None]
        return _done(
            request,
            dialogue,
            lambda: services.dialogue_invite(**who, user_ids=ids),
            _("The invitations are sent."),
        )
    query = request.GET.get("wie", "").strip()[:60]
    found = find_people(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        query=query,
        exclude=[request.user.pk],
    )
    context = {"dialogue": dialogue, "query": query, "found": found}
    return render(request, "dialogue/invite.html", context)


@require_POST
@requires(Action.DIALOGUE_INVITE_ALL)
def dialogue_invite_everyone(request, slug, dialogue_id: int):
    dialogue, who = _who(request, dialogue_id, _running)
    return _done(
        request,
        dialogue,
        lambda: services.dialogue_invite_everyone(**who),
        _("Everyone in the neighbourhood gets an invitation."),
    )


# --- the harvest ------------------------------------------------------------------------------


def _harvest_form(request, dialogue):
    chosen = FORMATS[dialogue.format]
    participants = dialogue.participants.values_list("user_id", flat=True)
    names = display_names(
        viewer=request.user, neighbourhood=request.neighbourhood, user_ids=list(participants)
    )
    _logged(request, names)
    return HarvestForm(
        request.POST or None,
        steps=[(s.code, s.title) for s in chosen.steps],
        speakers=sorted(names.items(), key=lambda pair: pair[1]),
    )


def _speaker(user_id):
    from buurtkracht.accounts.models import User

    return User.objects.filter(pk=user_id).first() if user_id is not None else None


@requires(Action.DIALOGUE_USE)
def harvest(request, slug, dialogue_id: int):
    """Write down what came out; the list with what still waits for a speaker's yes."""
    find = _harvesting if request.method == "POST" else _member_of
    dialogue, who = _who(request, dialogue_id, find)
    form = _harvest_form(request, dialogue)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("kind", "text", "step", "consent")}
        try:
            services.harvest_add(**who, **fields, speaker=_speaker(data["speaker"]))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Written down."))
            return redirect("dialogue:harvest", slug=slug, dialogue_id=dialogue.pk)
    context = {
        "dialogue": dialogue,
        "form": form,
        "harvester": access.may_harvest(request.user, dialogue, membership=request.membership),
        "harvest": selectors.harvest_of(dialogue, include_waiting=True),
    }
    _logged(request, context["harvest"].speakers)
    return render(request, "dialogue/harvest.html", context)


@require_POST
@requires(Action.DIALOGUE_USE)
def harvest_remove(request, slug, dialogue_id: int, item_id: int):
    dialogue = selectors.dialogue_in(request.neighbourhood, dialogue_id)
    item = selectors.item_in(dialogue, item_id)
    if item.speaker_id != request.user.pk:
        _harvesting(request, dialogue_id)
    return _done(
        request,
        dialogue,
        lambda: services.harvest_remove(
            actor=request.user, membership=request.membership, item=item
        ),
        _("Taken away."),
    )


@requires(Action.DIALOGUE_USE)
def quotes(request, slug):
    """My words in a harvest, waiting for my answer: with my name, without, or not."""
    waiting = selectors.quotes_waiting_for(user=request.user, neighbourhood=request.neighbourhood)
    if request.method == "POST":
        item = {i.pk: i for i in waiting}.get(_posted_id(request, "item") or 0)
        try:
            if item is None:
                raise ValidationError(_("There is no question for you here."), code="not_yours")
            services.quote_answer(
                actor=request.user, item=item, answer=request.POST.get("answer", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you for your answer."))
        return redirect("dialogue:quotes", slug=slug)
    return render(request, "dialogue/quotes.html", {"waiting": waiting})


@requires(Action.DIALOGUE_USE)
def action_initiative(request, slug, dialogue_id: int, item_id: int):
    """A resident takes an action up as their own initiative."""
    dialogue, who = _who(request, dialogue_id)
    item = selectors.item_in(dialogue, item_id)
    form = ActionToInitiativeForm(
        request.POST or None, initial={"name": item.text[:120], "what_and_why": item.text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.action_to_initiative(
                actor=request.user, membership=request.membership, item=item, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your initiative has started."))
            return redirect("initiatives:detail", slug=slug, initiative_id=initiative.pk)
    context = {"dialogue": dialogue, "item": item, "form": form}
    return render(request, "dialogue/action_initiative.html", context)


@require_POST
@requires(Action.DIALOGUE_USE)
def action_task(request, slug, dialogue_id: int, item_id: int):
    """An owner makes the action a task of one of their initiatives."""
    dialogue = selectors.dialogue_in(request.neighbourhood, dialogue_id)
    item = selectors.item_in(dialogue, item_id)
    owned = selectors.initiatives_owned(user=request.user, neighbourhood=request.neighbourhood)
    initiative = {i.pk: i for i in owned}.get(_posted_id(request, "initiative") or 0)

    def make():
        if initiative is None:
            raise ValidationError(_("Choose one of your initiatives."), code="invalid")
        services.action_to_task(
            actor=request.user, membership=request.membership, item=item, initiative=initiative
        )

    return _done(request, dialogue, make, _("It is a task of your initiative now."))
