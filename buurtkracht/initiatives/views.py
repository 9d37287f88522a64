import json
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtkracht.core import access
from buurtkracht.core.access import Action
from buurtkracht.core.forms import add_service_errors
from buurtkracht.neighbourhoods.selectors import member_or_404
from buurtkracht.people.selectors import display_name_of, display_names
from buurtkracht.places.models import Place
from buurtkracht.timebank import selectors as timebank_selectors
from buurtkracht.timebank import services as timebank_services
from buurtkracht.timebank.forms import GiveForm, TimeForm

from . import access as initiative_access
from . import selectors, services
from .forms import (
    ActivityForm,
    BudgetForm,
    BudgetStatusForm,
    InitiativeForm,
    SupportForm,
    TaskForm,
    UpdateForm,
)
from .models import (
    Activity,
    BudgetRequest,
    Involvement,
    Role,
    Support,
    Task,
    TaskInvitation,
    Update,
)

User = get_user_model()


def _aware(day, time_of_day):
    return timezone.make_aware(datetime.combine(day, time_of_day))


@login_not_required
@require_GET
def initiatives(request, slug):
    access.require(request, Action.INITIATIVES_VIEW)
    hood = request.neighbourhood
    return render(
        request,
        "initiatives/list.html",
        {
            "groups": selectors.of_neighbourhood(hood),
            "activities": selectors.upcoming_activities(neighbourhood=hood, limit=20),
            "support": Support.objects.filter(
                initiative__neighbourhood=hood, initiative__is_open=True
            ).select_related("initiative", "organisation")[:20],
            "task_invitations": selectors.task_invitations_for(
                user=request.user, neighbourhood=hood
            )
            if request.membership is not None
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
def initiative_new(request, slug):
    access.require(request, Action.INITIATIVES_USE)
    hood = request.neighbourhood
    places = Place.objects.filter(neighbourhood=hood)
    form = InitiativeForm(request.POST or None, request.FILES or None, places=places)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_create(
                actor=request.user, neighbourhood=hood, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your initiative is started. Add tasks and activities."))
            return redirect("initiatives:detail", slug=slug, initiative_id=initiative.pk)
    return render(request, "initiatives/form.html", {"form": form})


JSON_IN_SCRIPT = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _event_data(request, initiative, activities) -> str:
    """schema.org Event data for search engines and calendars (public facts only)."""
    base = request.build_absolute_uri("/").rstrip("/")
    events = []
    for activity in activities:
        event = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": activity.title,
            "startDate": activity.starts_at.isoformat(),
            "endDate": activity.ends_at.isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "organizer": {"@type": "Organization", "name": initiative.name},
            "url": f"{base}{request.path}",
        }
        if activity.where:
            event["location"] = {"@type": "Place", "name": activity.where}
        events.append(event)
    # Inside <script> the HTML parser still looks for "</script" and "<!--": escape every
    # <, > and & as JSON escapes (what Django's json_script does), so no title can end
    # the block or open a comment that swallows the page.
    return mark_safe(json.dumps(events, ensure_ascii=False).translate(JSON_IN_SCRIPT))  # noqa: S308


def _detail_context(
    request,
    initiative,
    *,
    task_form=None,
    activity_form=None,
    support_form=None,
    update_form=None,
    budget_form=None,
    edit_form=None,
    time_forms=None,
):
    user, hood = request.user, request.neighbourhood
    role = services.role_of(user, initiative)
    people = list(selectors.people_of(initiative))
    tasks = list(initiative.tasks.all())
    member = request.membership is not None
    names = (
        display_names(
            viewer=user,
            neighbourhood=hood,
            user_ids=[p.user_id for p in people]
            + [t.carried_by_id for t in tasks if t.carried_by_id],
        )
        if member
        else {}
    )
    activities = list(selectors.upcoming_activities(initiative=initiative))
    signed_up = selectors.sign_ups_of(user, activities) if member else {}
    places = Place.objects.filter(neighbourhood=hood)
    is_owner = role == Role.OWNER
    someone = _("a neighbour")

    def named(people_list):
        return [(p, names.get(p.user_id, someone)) for p in people_list]

    # A professional, facilitator or admin reading the names of the owners and of the
    # people carrying tasks is written to the access log — only the names on the page.
    shown = [
        p.user_id for p in people if p.role == Role.OWNER or (is_owner and p.role == Role.ASKED)
    ]
    shown += [t.carried_by_id for t in tasks if t.carried_by_id]
    access.note_reads(
        viewer=user,
        membership=request.membership,
        subject_ids=[uid for uid in shown if uid in names],
        what="initiative",
    )

    return {
        "time": _time_context(
            request, initiative, is_owner=is_owner, names=names, people=people, forms=time_forms
        ),
        "initiative": initiative,
        "role": role,
        "is_owner": is_owner and initiative.is_open,
        "is_part": role in (Role.OWNER, Role.MEMBER),
        "member": member,
        "owners": named([p for p in people if p.role == Role.OWNER]),
        "members": [p for p in people if p.role == Role.MEMBER],
        "people_count": sum(1 for p in people if p.role in (Role.OWNER, Role.MEMBER)),
        "asked": named([p for p in people if p.role == Role.ASKED]) if is_owner else [],
        "tasks": [
            (t, names.get(t.carried_by_id, someone) if t.carried_by_id else "") for t in tasks
        ],
        "activities": [(a, signed_up.get(a.pk)) for a in activities],
        "fragility": (
            selectors.fragility(initiative, tasks=tasks)
            if initiative_access.sees_fragility(role, request.membership)
            else None
        ),
        "task_form": task_form or TaskForm(prefix="t"),
        "activity_form": activity_form or ActivityForm(prefix="a", places=places),
        "event_data": _event_data(request, initiative, activities),
        "support": initiative.support.select_related("organisation"),
        "updates": initiative.updates.all()[:20],
        "supporter": request.membership is not None
        and request.membership.role in services.SUPPORTER_ROLES,
        "support_form": support_form or SupportForm(prefix="s"),
        "update_form": update_form or UpdateForm(prefix="u"),
        "budgets": [
            (budget, BudgetStatusForm(prefix=f"bs{budget.pk}"))
            for budget in initiative.budget_requests.prefetch_related("lines")
        ]
        if member
        else [],
        "budget_form": budget_form or BudgetForm(prefix="b"),
        "edit_form": edit_form
        or InitiativeForm(
            prefix="e",
            places=places,
            initial={
                "name": initiative.name,
                "what_and_why": initiative.what_and_why,
                "for_whom": initiative.for_whom,
                "place": initiative.place_id,
                "address": initiative.address,
            },
        ),
    }


def _time_context(request, initiative, *, is_owner, names, people, forms):
    """The initiative's time bank account, for members of a neighbourhood that uses the
    time bank: its balance, a form to give it time, and for owners a form to thank
    someone of the initiative with its time."""
    if request.membership is None or not access.decide(
        request.user,
        Action.TIMEBANK_USE,
        neighbourhood=request.neighbourhood,
        membership=request.membership,
    ):
        return None
    account = timebank_selectors.initiative_account_of(initiative)
    if account is None:
        return None
    open_ = account.is_open and initiative.is_open
    carriers = [
        (p.user_id, names.get(p.user_id, _("a neighbour")))
        for p in people
        if p.role in (Role.OWNER, Role.MEMBER) and p.user_id != request.user.pk
    ]
    return {
        "account": account,
        "balance": timebank_services.format_minutes(account.balance),
        "donate_form": (forms.get("time_donate") or TimeForm(prefix="d")) if open_ else None,
        "give_form": (forms.get("time_give") or GiveForm(prefix="g", members=carriers))
        if open_ and is_owner and carriers
        else None,
    }


@login_not_required
@require_http_methods(["GET", "POST"])
def initiative_detail(request, slug, initiative_id: int):
    access.require(request, Action.INITIATIVES_VIEW)
    initiative = initiative_access.initiative_in(request.neighbourhood, initiative_id)
    forms = {}
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access.require(request, Action.INITIATIVES_USE)
        response = _act(request, initiative, forms)
        if response is not None:
            return response
    return render(
        request,
        "initiatives/detail.html",
        _detail_context(
            request,
            initiative,
            task_form=forms.get("task"),
            activity_form=forms.get("activity"),
            support_form=forms.get("support"),
            update_form=forms.get("update"),
            budget_form=forms.get("budget"),
            edit_form=forms.get("edit"),
            time_forms=forms,
        ),
    )


def _act(request, initiative, forms):
    """One of the page's forms, by its `action` field; a redirect when it worked."""
    user, action = request.user, request.POST.get("action", "")
    done = _("Saved.")
    try:
        if action == "ask":
            services.ask_to_join(actor=user, initiative=initiative)
            done = _("Asked. The owners decide and you will see it here.")
        elif action in ("accept", "decline"):
            involvement = get_object_or_404(
                Involvement, pk=request.POST.get("involvement"), initiative=initiative
            )
            services.decide(actor=user, involvement=involvement, accept=action == "accept")
        elif action in ("make_owner", "make_member"):
            involvement = get_object_or_404(
                Involvement, pk=request.POST.get("involvement"), initiative=initiative
            )
            services.set_role(
                actor=user,
                involvement=involvement,
                role=Role.OWNER if action == "make_owner" else Role.MEMBER,
            )
        elif action == "leave":
            services.leave(actor=user, initiative=initiative)
            done = _("You have left the initiative.")
        elif action == "edit":
            places = Place.objects.filter(neighbourhood=request.neighbourhood)
            form = forms["edit"] = InitiativeForm(
                request.POST, request.FILES, prefix="e", places=places
            )
            if not form.is_valid():
                return None
            services.initiative_update(actor=user, initiative=initiative, **form.cleaned_data)
        elif action == "close":
            services.initiative_close(actor=user, initiative=initiative)
            done = _("The initiative is closed.")
        elif action == "task_add":
            form = forms["task"] = TaskForm(request.POST, prefix="t")
            if not form.is_valid():
                return None
            services.task_add(actor=user, initiative=initiative, **form.cleaned_data)
        elif action in ("task_take", "task_release"):
            task = get_object_or_404(Task, pk=request.POST.get("task"), initiative=initiative)
            if action == "task_take":
                services.task_take(actor=user, task=task)
                done = _("Thank you for taking this on!")
            else:
                services.task_release(actor=user, task=task)
        elif action == "activity_add":
            places = Place.objects.filter(neighbourhood=request.neighbourhood)
            form = forms["activity"] = ActivityForm(request.POST, prefix="a", places=places)
            if not form.is_valid():
                return None
            data = form.cleaned_data
            services.activity_add(
                actor=user,
                initiative=initiative,
                title=data["title"],
                starts_at=_aware(data["day"], data["start"]),
                ends_at=_aware(data["day"], data["end"]),
                place=data["place"],
                address=data["address"],
                capacity=data["capacity"],
            )
        elif action == "support_add":
            form = forms["support"] = SupportForm(request.POST, prefix="s")
            if not form.is_valid():
                return None
            services.support_record(actor=user, initiative=initiative, **form.cleaned_data)
            done = _("Thank you. Your support is on the page.")
        elif action == "update_add":
            form = forms["update"] = UpdateForm(request.POST, request.FILES, prefix="u")
            if not form.is_valid():
                return None
            services.update_post(
                actor=user,
                initiative=initiative,
                text=form.cleaned_data["text"],
                photo=form.cleaned_data["photo"],
            )
        elif action == "budget_add":
            form = forms["budget"] = BudgetForm(request.POST, prefix="b")
            if not form.is_valid():
                return None
            services.budget_request(
                actor=user,
                initiative=initiative,
                title=form.cleaned_data["title"],
                lines=form.lines(),
            )
        elif action == "budget_status":
            budget = get_object_or_404(
                BudgetRequest, pk=request.POST.get("budget"), initiative=initiative
            )
            form = BudgetStatusForm(request.POST, prefix=f"bs{budget.pk}")
            if not form.is_valid():
                raise ValidationError(_("Choose where the request stands."))
            services.budget_status(actor=user, request=budget, **form.cleaned_data)
        elif action == "time_donate":
            form = forms["time_donate"] = TimeForm(request.POST, prefix="d")
            if not form.is_valid():
                return None
            services.time_donate(
                actor=user, initiative=initiative, minutes=form.total(), key=form.key_for(user)
            )
            done = _("Thank you for giving time to this initiative.")
        elif action == "time_give":
            people = [
                (i.user_id, "")
                for i in initiative.people.filter(role__in=[Role.OWNER, Role.MEMBER])
            ]
            form = forms["time_give"] = GiveForm(request.POST, prefix="g", members=people)
            if not form.is_valid():
                return None
            timebank_services.initiative_give(
                actor=user,
                initiative=initiative,
                to_user=User.objects.get(pk=form.cleaned_data["to_user"]),
                minutes=form.total(),
                note=form.cleaned_data["note"],
                key=form.key_for(user),
            )
            done = _("Sent. Thank you for thanking.")
        elif action == "activity_cancel":
            activity = get_object_or_404(
                Activity, pk=request.POST.get("activity"), initiative=initiative
            )
            services.activity_cancel(actor=user, activity=activity)
        else:
            raise Http404
    except ValidationError as error:
        target = forms.get(
            {
                "task_add": "task",
                "activity_add": "activity",
                "support_add": "support",
                "update_add": "update",
                "budget_add": "budget",
                "edit": "edit",
                "time_donate": "time_donate",
                "time_give": "time_give",
            }.get(action, "")
        )
        if target is not None:
            add_service_errors(target, error)
            return None
        messages.error(request, " ".join(error.messages))
        return redirect(request.path)
    messages.success(request, done)
    return redirect(request.path)


@require_POST
def activity_sign_up(request, slug, activity_id: int):
    access.require(request, Action.INITIATIVES_USE)
    activity = get_object_or_404(
        Activity.objects.select_related("initiative"),
        pk=activity_id,
        initiative__neighbourhood=request.neighbourhood,
    )
    try:
        if request.POST.get("action") == "cancel":
            services.sign_up_cancel(actor=request.user, activity=activity)
            messages.success(request, _("You are no longer signed up."))
        else:
            signup = services.sign_up(actor=request.user, activity=activity)
            if signup.status == "confirmed":
                messages.success(request, _("You are signed up. See you there!"))
            else:
                messages.success(
                    request, _("It is full: you are on the waiting list. We will tell you.")
                )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("initiatives:detail", slug=slug, initiative_id=activity.initiative_id)


def _ics(request, name: str, activities) -> HttpResponse:
    base = getattr(settings, "SITE_URL", "").rstrip("/") or request.build_absolute_uri("/")[:-1]
    response = HttpResponse(
        selectors.calendar(name=name, activities=activities, base_url=base),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response


@login_not_required
@require_GET
def calendar_initiative(request, slug, initiative_id: int):
    access.require(request, Action.INITIATIVES_VIEW)
    initiative = initiative_access.initiative_in(request.neighbourhood, initiative_id)
    activities = selectors.upcoming_activities(initiative=initiative, limit=500)
    return _ics(request, initiative.name, activities)


@login_not_required
@require_GET
def calendar_neighbourhood(request, slug):
    access.require(request, Action.INITIATIVES_VIEW)
    hood = request.neighbourhood
    activities = selectors.upcoming_activities(neighbourhood=hood, limit=500)
    return _ics(request, hood.name, activities)


def _photo_response(photo) -> FileResponse:
    if not photo:
        raise Http404
    response = FileResponse(photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_not_required
@require_GET
def update_photo(request, slug, initiative_id: int, update_id: int):
    """An update's photo: public like the page (re-encoded on upload, without EXIF)."""
    access.require(request, Action.INITIATIVES_VIEW)
    initiative = initiative_access.initiative_in(request.neighbourhood, initiative_id)
    return _photo_response(get_object_or_404(Update, pk=update_id, initiative=initiative).photo)


@login_not_required
@require_GET
def initiative_photo(request, slug, initiative_id: int):
    """The initiative's own photo: public like the page (re-encoded, without EXIF)."""
    access.require(request, Action.INITIATIVES_VIEW)
    return _photo_response(
        initiative_access.initiative_in(request.neighbourhood, initiative_id).photo
    )


@require_http_methods(["GET", "POST"])
def task_helpers(request, slug, initiative_id: int, task_id: int):
    """Who could take this open task (owners and connectors see it); owners invite."""
    access.require(request, Action.INITIATIVES_USE)
    initiative = initiative_access.initiative_in(request.neighbourhood, initiative_id)
    task = get_object_or_404(
        Task.objects.select_related("initiative"), pk=task_id, initiative=initiative
    )
    role = services.role_of(request.user, initiative)
    if not initiative_access.sees_fragility(role, request.membership):
        raise Http404
    if request.method == "POST":
        invitee = member_or_404(request.neighbourhood, request.POST.get("user"))
        try:
            services.task_invite(
                actor=request.user,
                task=task,
                invitee=invitee,
                message=request.POST.get("message", ""),
                reason=selectors.task_reason(
                    task, invitee=invitee, viewer=request.user, membership=request.membership
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The invitation is sent. They decide themselves."))
        return redirect(request.path)
    invitations = list(task.invitations.all())
    names = display_names(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        user_ids=[i.invitee_id for i in invitations],
    )
    return render(
        request,
        "initiatives/task_helpers.html",
        {
            "initiative": initiative,
            "task": task,
            "can_invite": role == Role.OWNER and initiative.is_open,
            "suggestions": selectors.task_suggestions(
                task, viewer=request.user, membership=request.membership
            ),
            "invitations": [(i, names.get(i.invitee_id, _("a neighbour"))) for i in invitations],
        },
    )


@require_http_methods(["GET", "POST"])
def task_invitation(request, slug, invitation_id: int):
    """The invited person reads the invitation and says yes or no."""
    access.require(request, Action.INITIATIVES_USE)
    invitation = get_object_or_404(
        TaskInvitation.objects.select_related("task__initiative", "invited_by__profile"),
        pk=invitation_id,
        invitee=request.user,
        task__initiative__neighbourhood=request.neighbourhood,
    )
    initiative = invitation.task.initiative
    if request.method == "POST":
        try:
            task = services.task_invitation_answer(
                actor=request.user, invitation=invitation, accept="accept" in request.POST
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        if task is not None:
            messages.success(request, _("Thank you for taking this on!"))
        else:
            messages.success(request, _("You said no. That is fine."))
        return redirect("initiatives:detail", slug=slug, initiative_id=initiative.pk)
    inviter = display_name_of(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        user_id=invitation.invited_by_id,
        otherwise=_("an owner"),
    )
    return render(
        request,
        "initiatives/task_invitation.html",
        {"invitation": invitation, "initiative": initiative, "inviter": inviter},
    )
