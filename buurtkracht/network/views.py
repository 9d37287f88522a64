from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtkracht.core import access, paging
from buurtkracht.core.access import Action
from buurtkracht.core.forms import MessageForm, add_service_errors
from buurtkracht.neighbourhoods.selectors import member_or_404
from buurtkracht.people import contact
from buurtkracht.people.selectors import display_names, find_people, person_choice

from . import selectors, services
from .models import Acquaintance, Introduction, WatchGroup
from .ties import PEOPLE_ROLES

User = get_user_model()


def _posted_id(request, name: str) -> int:
    """An id a form sent; 0 (found nowhere, so 404) when it is not a number."""
    text = request.POST.get(name, "")
    return int(text) if text.isdigit() else 0


@require_GET
def overview(request, slug):
    """Connectors, who is not included yet (with whom they could meet), groups and bridges,
    a picture and monthly figures — for connectors, professionals and administrators."""
    access.require(request, Action.NETWORK_VIEW)
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
def propose(request, slug):
    """Propose that two neighbours meet: first the names, why the platform suggests it and
    room for one's own words; a second press sends it (one tap never does)."""
    access.require(request, Action.NETWORK_VIEW)
    hood = request.neighbourhood
    asked = request.POST if request.method == "POST" else request.GET
    one = member_or_404(hood, asked.get("one"))
    other = member_or_404(hood, asked.get("other"))
    _named, outreach = access.network_consents(neighbourhood=hood, user_ids=[one.pk, other.pk])
    if outreach != {one.pk, other.pk}:
        messages.error(
            request, _("Both people must have allowed being named before you can introduce them.")
        )
        return redirect("network:overview", slug=slug)
    reason = selectors.stored_reason(neighbourhood=hood, one=one.pk, other=other.pk)
    form = ProposeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.introduction_propose(
                actor=request.user,
                neighbourhood=hood,
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
    names = display_names(viewer=request.user, neighbourhood=hood, user_ids=[one.pk, other.pk])
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


@require_http_methods(["GET", "POST"])
def mine(request, slug):
    """A resident's own network page: say whom you know ("ik ken"), answer questions."""
    access.require(request, Action.NETWORK_USE)
    hood, user = request.neighbourhood, request.user
    query, people = _neighbours_to_pick(request)
    form = KnowForm(prefix="k", people=people)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "know":
                form = KnowForm(request.POST, prefix="k", people=people)
                if form.is_valid():
                    other = get_object_or_404(User, pk=form.cleaned_data["other"])
                    services.acquaintance_add(actor=user, neighbourhood=hood, other=other)
                    messages.success(request, _("Asked. It counts once they say yes."))
                    return redirect("network:mine", slug=slug)
                messages.error(request, _("Choose the neighbour from the names found."))
                return redirect("network:mine", slug=slug)
            elif action == "group_leave":
                left = get_object_or_404(
                    WatchGroup, pk=_posted_id(request, "group"), neighbourhood=hood
                )
                services.watch_group_remove(actor=user, group=left, person=user)
                messages.success(request, _("You left the group. You are no longer counted in it."))
                return redirect("network:mine", slug=slug)
            elif action in ("know_yes", "know_no"):
                asked = get_object_or_404(
                    Acquaintance, pk=_posted_id(request, "acquaintance"), neighbourhood=hood
                )
                services.acquaintance_answer(
                    actor=user, acquaintance=asked, yes=action == "know_yes"
                )
                messages.success(request, _("Thank you for answering."))
                return redirect("network:mine", slug=slug)
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("network:mine", slug=slug)
    knows, introductions = selectors.pending_for(user=user, neighbourhood=hood)
    asker_names = display_names(
        viewer=user, neighbourhood=hood, user_ids=[k.from_user_id for k in knows]
    )
    return render(
        request,
        "network/mine.html",
        {
            "form": form,
            "people": people,
            "query": query,
            "knows": [(k, asker_names.get(k.from_user_id, _("a neighbour"))) for k in knows],
            "introductions": introductions,
            "met": selectors.met_through_introductions(viewer=user, neighbourhood=hood),
            "groups": selectors.groups_of(user=user, neighbourhood=hood),
        },
    )


def _my_introduction(request, introduction_id: int) -> Introduction:
    found = get_object_or_404(
        Introduction.objects.select_related("person_a", "person_b"),
        pk=introduction_id,
        neighbourhood=request.neighbourhood,
    )
    if request.user.pk not in (found.person_a_id, found.person_b_id):
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
def introduction(request, slug, introduction_id: int, *, form=None):
    """One of the two people introduced reads it and says yes or no; after both said yes,
    how to reach the other and the messages between them."""
    access.require(request, Action.NETWORK_USE)
    found = _my_introduction(request, introduction_id)
    if request.method == "POST" and form is None:
        try:
            services.introduction_answer(
                actor=request.user, introduction=found, yes="yes" in request.POST
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you for answering."))
        return redirect(request.path)
    mine_a = request.user.pk == found.person_a_id
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
def introduction_message(request, slug, introduction_id: int):
    """Write to the other person of an accepted introduction."""
    access.require(request, Action.NETWORK_USE)
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
    return introduction(request, slug, introduction_id, form=form)


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
def import_map(request, slug):
    """Import a relationship map a community worker keeps: a dry run first, then all or
    nothing."""
    access.require(request, Action.NETWORK_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.import_plan(
                actor=request.user,
                neighbourhood=request.neighbourhood,
                upload=form.cleaned_data["file"],
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
def groups(request, slug):
    """The groups the neighbourhood wants to see connected to the rest; make a new one."""
    access.require(request, Action.NETWORK_GROUPS)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.watch_group_save(
                actor=request.user,
                neighbourhood=request.neighbourhood,
                name=form.cleaned_data["name"],
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


@require_http_methods(["GET", "POST"])
def group(request, slug, group_id: int):
    """One group: rename it, add residents who allowed being counted, take people out,
    or remove the group."""
    access.require(request, Action.NETWORK_GROUPS)
    hood = request.neighbourhood
    found = get_object_or_404(WatchGroup, pk=group_id, neighbourhood=hood)
    form = GroupForm(prefix="g", initial={"name": found.name})
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "rename":
                form = GroupForm(request.POST, prefix="g")
                if form.is_valid():
                    services.watch_group_save(
                        actor=request.user,
                        neighbourhood=hood,
                        name=form.cleaned_data["name"],
                        group=found,
                    )
                    messages.success(request, _("Saved."))
                    return redirect(request.path)
            elif action in ("add", "remove"):
                person = member_or_404(hood, request.POST.get("person"))
                if action == "add":
                    services.watch_group_add(actor=request.user, group=found, person=person)
                else:
                    services.watch_group_remove(actor=request.user, group=found, person=person)
                messages.success(request, _("Saved."))
                return redirect(request.path)
            elif action == "delete":
                services.watch_group_delete(actor=request.user, group=found)
                messages.success(request, _("The group is removed. Nobody's data was deleted."))
                return redirect("network:groups", slug=slug)
            else:
                raise Http404
        except ValidationError as error:
            if action == "rename":
                found.refresh_from_db()
                form.add_error(None, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
    query = request.GET.get("wie", "").strip()[:60]
    members, more, candidates, allowing = selectors.watch_group_people(
        group=found,
        viewer=request.user,
        membership=request.membership,
        query=query,
        after=paging.after_in(request),
    )
    return render(
        request,
        "network/group.html",
        {
            "group": found,
            "form": form,
            "members": members,
            "next_after": more,
            "people": candidates,
            "query": query,
            "allowing": allowing,
        },
    )
