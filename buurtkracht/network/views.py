from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtkracht.core import access, paging
from buurtkracht.core.access import Action, requires
from buurtkracht.core.forms import MessageForm, add_service_errors
from buurtkracht.neighbourhoods.selectors import member_or_404
from buurtkracht.people import contact
from buurtkracht.people.selectors import display_names, find_people, person_choice

from . import selectors, services
from .models import Acquaintance, Introduction, WatchGroup
from .ties import PEOPLE_ROLES

User = get_user_model()


@require_GET
@requires(Action.NETWORK_VIEW)
def overview(request, slug):
    """Connectors, who is not included yet (with whom they could meet), groups and bridges,
    a picture and monthly figures — for connectors, professionals and administrators."""
    data = selectors.overview(
        neighbourhood=request.neighbourhood, viewer=request.user, membership=request.membership
    )
    return render(request, "network/overview.html", {"net": data})


class ProposeForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your own words to both (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_http_methods(["GET", "POST"])
@requires(Action.NETWORK_VIEW)
def propose(request, slug):
    """Propose that two neighbours meet: first the names, why the platform suggests it and
    room for one's own words; a second press sends it (one tap never does)."""
    hood = request.neighbourhood
    asked = request.POST if request.method == "POST" else request.GET
    one = member_or_404(hood, asked.get("one"))
    other = member_or_404(hood, asked.get("other"))
    if not access.may_be_introduced(neighbourhood=hood, user_ids=[one.pk, other.pk]):
        messages.error(
            request, _("Both people must have allowed being named before you can introduce them.")
        )
        return redirect("network:overview", slug=slug)
    reason = selectors.stored_reason(neighbourhood=hood, one=one.pk, other=other.pk)
    form = ProposeForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return _propose_page(request, form, one, other, reason)
    try:
        services.introduction_propose(
            actor=request.user,
            membership=request.membership,
            one=one,
            other=other,
            reason=reason,
            message=form.cleaned_data["message"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The introduction is proposed. Both decide themselves."))
    return redirect("network:overview", slug=slug)


def _propose_page(request, form, one, other, reason: str):
    """The names of the two, the platform's reason and room for one's own words."""
    names = display_names(
        viewer=request.user, neighbourhood=request.neighbourhood, user_ids=[one.pk, other.pk]
    )
    access.note_reads(
        viewer=request.user, membership=request.membership, subject_ids=list(names), what="network"
    )
    context = {
        "form": form,
        "one": one.pk,
        "other": other.pk,
        "one_name": names.get(one.pk, _("a neighbour")),
        "other_name": names.get(other.pk, _("a neighbour")),
        "reason": reason,
    }
    return render(request, "network/propose.html", context)


class KnowForm(forms.Form):
    other = forms.TypedChoiceField(label=gettext_lazy("I know …"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = [(p.user_id, p.label) for p in people]


def _neighbours_to_pick(request) -> tuple[str, list]:
    """Whom a resident may say they know: neighbours found by name (`?wie=`), or the one
    a sent form named — never a list of everyone (decision 0029)."""
    hood, user = request.neighbourhood, request.user
    if request.method == "POST":
        found = person_choice(viewer=user, neighbourhood=hood, user_id=request.POST.get("k-other"))
        ok = found is not None and found.user_id != user.pk
        return "", [found] if ok else []
    query = request.GET.get("wie", "").strip()[:60]
    people = find_people(
        viewer=user, neighbourhood=hood, query=query, exclude=[user.pk], roles=PEOPLE_ROLES
    )
    return query, people


@require_GET
@requires(Action.NETWORK_USE)
def mine(request, slug):
    """A resident's own network page: say whom you know ("ik ken"), answer questions."""
    hood, user = request.neighbourhood, request.user
    query, people = _neighbours_to_pick(request)
    knows, introductions = selectors.pending_for(user=user, neighbourhood=hood)
    asker_names = display_names(
        viewer=user, neighbourhood=hood, user_ids=[k.from_user_id for k in knows]
    )
    context = {
        "form": KnowForm(prefix="k", people=people),
        "people": people,
        "query": query,
        "knows": [(k, asker_names.get(k.from_user_id, _("a neighbour"))) for k in knows],
        "introductions": introductions,
        "met": selectors.met_through_introductions(viewer=user, neighbourhood=hood),
        "groups": selectors.groups_of(user=user, neighbourhood=hood),
    }
    return render(request, "network/mine.html", context)


@require_POST
@requires(Action.NETWORK_USE)
def know(request, slug):
    """A resident says they know a neighbour found by name; it counts once they agree."""
    _query, people = _neighbours_to_pick(request)
    form = KnowForm(request.POST, prefix="k", people=people)
    if not form.is_valid():
        messages.error(request, _("Choose the neighbour from the names found."))
        return redirect("network:mine", slug=slug)
    other = get_object_or_404(User, pk=form.cleaned_data["other"])
    try:
        services.acquaintance_add(
            actor=request.user,
            neighbourhood=request.neighbourhood,
            other=other,
            membership=request.membership,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Asked. It counts once they say yes."))
    return redirect("network:mine", slug=slug)


@require_POST
@requires(Action.NETWORK_USE)
def know_answer(request, slug, acquaintance_id: int):
    """The neighbour named says yes or no: do they know the one who asked?"""
    asked = get_object_or_404(Acquaintance, pk=acquaintance_id, neighbourhood=request.neighbourhood)
    try:
        services.acquaintance_answer(
            actor=request.user, acquaintance=asked, yes="yes" in request.POST
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you for answering."))
    return redirect("network:mine", slug=slug)


@require_POST
@requires(Action.NETWORK_USE)
def group_leave(request, slug, group_id: int):
    """A resident leaves a group they are counted in: they are no longer counted."""
    left = get_object_or_404(WatchGroup, pk=group_id, neighbourhood=request.neighbourhood)
    try:
        services.watch_group_remove(
            actor=request.user, membership=request.membership, group=left, person=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You left the group. You are no longer counted in it."))
    return redirect("network:mine", slug=slug)


def _my_introduction(request, introduction_id: int) -> Introduction:
    found = get_object_or_404(
        Introduction.objects.select_related("person_a", "person_b"),
        pk=introduction_id,
        neighbourhood=request.neighbourhood,
    )
    if access.introduction_side(request.user, found) is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
@requires(Action.NETWORK_USE)
def introduction(request, slug, introduction_id: int):
    """One of the two people introduced reads it and says yes or no; after both said yes,
    how to reach the other and the messages between them."""
    found = _my_introduction(request, introduction_id)
    if request.method == "GET":
        return _introduction_page(request, found)
    try:
        services.introduction_answer(
            actor=request.user, introduction=found, yes="yes" in request.POST
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you for answering."))
    return redirect(request.path)


def _introduction_page(request, found: Introduction, form=None):
    """The introduction as one of the two sees it; `form`: a message sent back (400)."""
    mine_a = access.introduction_side(request.user, found) == "a"
    other_user = found.person_b if mine_a else found.person_a
    names = display_names(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        user_ids=[other_user.pk, found.proposed_by_id],
    )
    context = {
        "introduction": found,
        "other": names.get(other_user.pk, _("a neighbour")),
        "answer": found.answer_a if mine_a else found.answer_b,
        "proposer": names.get(found.proposed_by_id, _("a connector")),
    }
    if found.accepted_at:
        context.update(
            card=contact.card(viewer=request.user, other=other_user),
            thread=found.messages.select_related("author__profile"),
            form=form or MessageForm(),
        )
    return render(request, "network/introduction.html", context, status=400 if form else 200)


@require_POST
@requires(Action.NETWORK_USE)
def introduction_message(request, slug, introduction_id: int):
    """Write to the other person of an accepted introduction."""
    found = _my_introduction(request, introduction_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.introduction_message(
                actor=request.user, introduction=found, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect("network:introduction", slug=slug, introduction_id=found.pk)
    return _introduction_page(request, found, form=form)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Relationship map"),
        help_text=gettext_lazy(
            "A CSV file with the columns source,target and optionally weight (or bron,doel,"
            "gewicht), or a Kumu export (JSON or Excel). Names as shown in the neighbourhood."
        ),
    )
    save = forms.BooleanField(
        label=gettext_lazy("Import now (leave empty to check first)"), required=False
    )


@require_http_methods(["GET", "POST"])
@requires(Action.NETWORK_IMPORT)
def import_map(request, slug):
    """Import a relationship map a community worker keeps: a dry run first, then all or
    nothing."""
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.import_plan(
                actor=request.user, membership=request.membership, upload=form.cleaned_data["file"]
            )
            if plan.ok and form.cleaned_data["save"]:
                batch = services.import_commit(
                    actor=request.user, neighbourhood=request.neighbourhood, plan=plan
                )
                messages.success(request, _("Imported: %(count)d ties.") % {"count": batch.ties})
                return redirect("network:overview", slug=slug)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "network/import.html", {"form": form, "plan": plan})


class GroupForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the group"),
        max_length=services.WATCH_NAME_MAX,
        help_text=gettext_lazy("For example: residents of the sheltered housing on Lindenplein."),
    )


@require_http_methods(["GET", "POST"])
@requires(Action.NETWORK_GROUPS)
def groups(request, slug):
    """The groups the neighbourhood wants to see connected to the rest; make a new one."""
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.watch_group_save(
                actor=request.user, membership=request.membership, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The group is made. Now add the people in it."))
            return redirect("network:group", slug=slug, group_id=made.pk)
    return render(
        request,
        "network/groups.html",
        {"form": form, "groups": selectors.watch_groups(neighbourhood=request.neighbourhood)},
    )


def _group_or_404(request, group_id: int) -> WatchGroup:
    return get_object_or_404(WatchGroup, pk=group_id, neighbourhood=request.neighbourhood)


def _group_page(request, found: WatchGroup, form=None):
    """One group: its people, residents who allowed being counted to add, its name;
    `form`: a new name sent back with its errors."""
    query = request.GET.get("wie", "").strip()[:60]
    members, more, candidates, allowing = selectors.watch_group_people(
        group=found,
        viewer=request.user,
        membership=request.membership,
        query=query,
        after=paging.after_in(request),
    )
    context = {
        "group": found,
        "form": form or GroupForm(prefix="g", initial={"name": found.name}),
        "members": members,
        "next_after": more,
        "people": candidates,
        "query": query,
        "allowing": allowing,
        # Shown at the URL a form was sent to: its links and search go to the page itself.
        "page_url": reverse(
            "network:group", kwargs={"slug": found.neighbourhood.slug, "group_id": found.pk}
        )
        if form
        else "",
    }
    return render(request, "network/group.html", context)


@require_GET
@requires(Action.NETWORK_GROUPS)
def group(request, slug, group_id: int):
    """One group: rename it, add residents who allowed being counted, take people out,
    or remove the group — each form posts to its own URL."""
    return _group_page(request, _group_or_404(request, group_id))


@require_POST
@requires(Action.NETWORK_GROUPS)
def group_rename(request, slug, group_id: int):
    found = _group_or_404(request, group_id)
    form = GroupForm(request.POST, prefix="g")
    if form.is_valid():
        try:
            services.watch_group_save(
                actor=request.user,
                membership=request.membership,
                name=form.cleaned_data["name"],
                group=found,
            )
        except ValidationError as error:
            found.refresh_from_db()
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:group", slug=slug, group_id=found.pk)
    return _group_page(request, found, form=form)


def _change_members(request, group_id: int, change):
    """Put the person a form names in the group or take them out: `change` is the service."""
    found = _group_or_404(request, group_id)
    person = member_or_404(request.neighbourhood, request.POST.get("person"))
    try:
        change(actor=request.user, membership=request.membership, group=found, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("network:group", slug=found.neighbourhood.slug, group_id=found.pk)


@require_POST
@requires(Action.NETWORK_GROUPS)
def group_add(request, slug, group_id: int):
    """Count a resident who allowed it in the group."""
    return _change_members(request, group_id, services.watch_group_add)


@require_POST
@requires(Action.NETWORK_GROUPS)
def group_remove(request, slug, group_id: int):
    """Take someone out of the group."""
    return _change_members(request, group_id, services.watch_group_remove)


@require_POST
@requires(Action.NETWORK_GROUPS)
def group_delete(request, slug, group_id: int):
    """Remove the group and its list; nobody's data goes."""
    found = _group_or_404(request, group_id)
    try:
        services.watch_group_delete(actor=request.user, membership=request.membership, group=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("network:group", slug=slug, group_id=found.pk)
    messages.success(request, _("The group is removed. Nobody's data was deleted."))
    return redirect("network:groups", slug=slug)
