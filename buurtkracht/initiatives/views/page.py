"""The initiative's page, shared by its GET view and by every form on it: a form that was
refused shows the page again with its errors (at the form's own URL); one that worked goes
back to the page with a message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from buurtkracht.core import access
from buurtkracht.core.access import Action
from buurtkracht.core.durations import duration
from buurtkracht.core.forms import add_service_errors
from buurtkracht.people.selectors import display_names
from buurtkracht.places.models import Place
from buurtkracht.timebank import selectors as timebank_selectors
from buurtkracht.timebank.forms import GiveForm, TimeForm

from .. import selectors
from ..forms import (
    ActivityForm,
    BudgetForm,
    BudgetStatusForm,
    InitiativeForm,
    SupportForm,
    TaskForm,
    UpdateForm,
)
from ..models import Role

# --- after a form ------------------------------------------------------------------------


def to_detail(request, initiative):
    return redirect(
        "initiatives:detail", slug=request.neighbourhood.slug, initiative_id=initiative.pk
    )


@contextmanager
def reported(request, done: str) -> Iterator[None]:
    """Around one service call: its refusal as an error message, else `done`."""
    try:
        yield
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)


@contextmanager
def errors_into(form) -> Iterator[None]:
    """Around one service call: its refusal onto `form` (next to the field it names)."""
    try:
        yield
    except ValidationError as error:
        add_service_errors(form, error)


def answered(request, initiative, form, name: str, done: str | None = None):
    """After a form of the page: again with its errors (as `name`), or back with `done`."""
    if form.errors:
        return render_detail(request, initiative, **{name: form})
    messages.success(request, done or _("Saved."))
    return to_detail(request, initiative)


def places_of(neighbourhood):
    return Place.objects.filter(neighbourhood=neighbourhood)


# --- the page ----------------------------------------------------------------------------

JSON_IN_SCRIPT = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def event_data(request, initiative, activities) -> str:
    """schema.org Event data for search engines and calendars (public facts only)."""
    base = request.build_absolute_uri("/").rstrip("/")
    url = base + reverse(
        "initiatives:detail",
        kwargs={"slug": request.neighbourhood.slug, "initiative_id": initiative.pk},
    )
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
            "url": url,
        }
        if activity.where:
            event["location"] = {"@type": "Place", "name": activity.where}
        events.append(event)
    # Inside <script> the HTML parser still looks for "</script" and "<!--": escape every
    # <, > and & as JSON escapes (what Django's json_script does), so no title can end
    # the block or open a comment that swallows the page.
    return mark_safe(json.dumps(events, ensure_ascii=False).translate(JSON_IN_SCRIPT))  # noqa: S308


def render_detail(request, initiative, **forms):
    """The page, with bound forms (`task_form=…`) in place of the empty ones."""
    return render(request, "initiatives/detail.html", detail_context(request, initiative, forms))


def _names(request, people, tasks) -> dict[int, str]:
    """Display names of the people and carriers, for members only."""
    if request.membership is None:
        return {}
    return display_names(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        user_ids=[p.user_id for p in people] + [t.carried_by_id for t in tasks if t.carried_by_id],
    )


def _note_reads(request, *, people, tasks, names, is_owner: bool) -> None:
    """A professional, facilitator or admin reading the names of the owners and of the
    people carrying tasks is written to the access log — only the names on the page."""
    shown = [
        p.user_id for p in people if p.role == Role.OWNER or (is_owner and p.role == Role.ASKED)
    ]
    shown += [t.carried_by_id for t in tasks if t.carried_by_id]
    access.note_reads(
        viewer=request.user,
        membership=request.membership,
        subject_ids=[uid for uid in shown if uid in names],
        what="initiative",
    )


def _people_context(request, initiative, role, forms: dict) -> dict:
    people = list(selectors.people_of(initiative))
    tasks = list(initiative.tasks.all())
    names = _names(request, people, tasks)
    is_owner = access.is_initiative_owner(role)
    _note_reads(request, people=people, tasks=tasks, names=names, is_owner=is_owner)
    someone = _("a neighbour")

    def named(people_list):
        return [(p, names.get(p.user_id, someone)) for p in people_list]

    return {
        "time": _time_context(
            request, initiative, is_owner=is_owner, names=names, people=people, forms=forms
        ),
        "owners": named([p for p in people if p.role == Role.OWNER]),
        "members": [p for p in people if p.role == Role.MEMBER],
        "people_count": sum(1 for p in people if p.role in (Role.OWNER, Role.MEMBER)),
        "asked": named([p for p in people if p.role == Role.ASKED]) if is_owner else [],
        "tasks": [
            (t, names.get(t.carried_by_id, someone) if t.carried_by_id else "") for t in tasks
        ],
        "fragility": (
            selectors.fragility(initiative, tasks=tasks)
            if access.sees_initiative_fragility(role, request.membership)
            else None
        ),
    }


def _edit_form(initiative, places) -> InitiativeForm:
    return InitiativeForm(
        prefix="e",
        places=places,
        initial={
            "name": initiative.name,
            "what_and_why": initiative.what_and_why,
            "for_whom": initiative.for_whom,
            "place": initiative.place_id,
            "address": initiative.address,
        },
    )


def detail_context(request, initiative, forms: dict) -> dict:
    user = request.user
    role = selectors.role_of(user, initiative)
    member = request.membership is not None
    activities = list(selectors.upcoming_activities(initiative=initiative))
    signed_up = selectors.sign_ups_of(user, activities) if member else {}
    places = places_of(request.neighbourhood)
    context = _people_context(request, initiative, role, forms)
    return {
        **context,
        "initiative": initiative,
        "role": role,
        "is_owner": access.may_manage_initiative(role, initiative),
        "is_part": access.is_in_initiative(role),
        "member": member,
        "activities": [(a, signed_up.get(a.pk)) for a in activities],
        "task_form": forms.get("task_form") or TaskForm(prefix="t"),
        "activity_form": forms.get("activity_form") or ActivityForm(prefix="a", places=places),
        "event_data": event_data(request, initiative, activities),
        "support": initiative.support.select_related("organisation"),
        "updates": initiative.updates.all()[:20],
        "supporter": access.may_record_support(request.membership),
        "support_form": forms.get("support_form") or SupportForm(prefix="s"),
        "update_form": forms.get("update_form") or UpdateForm(prefix="u"),
        "budgets": [
            (budget, BudgetStatusForm(prefix=f"bs{budget.pk}"))
            for budget in initiative.budget_requests.prefetch_related("lines")
        ]
        if member
        else [],
        "budget_form": forms.get("budget_form") or BudgetForm(prefix="b"),
        "edit_form": forms.get("edit_form") or _edit_form(initiative, places),
    }


def carriers_of(initiative, *, names, people, user) -> list[tuple[int, str]]:
    """The people of the initiative an owner may thank with its time (not themselves)."""
    return [
        (p.user_id, names.get(p.user_id, _("a neighbour")))
        for p in people
        if p.role in (Role.OWNER, Role.MEMBER) and p.user_id != user.pk
    ]


def _time_context(request, initiative, *, is_owner, names, people, forms: dict):
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
    carriers = carriers_of(initiative, names=names, people=people, user=request.user)
    return {
        "account": account,
        "balance": duration(account.balance),
        "donate_form": (forms.get("donate_form") or TimeForm(prefix="d")) if open_ else None,
        "give_form": (forms.get("give_form") or GiveForm(prefix="g", members=carriers))
        if open_ and is_owner and carriers
        else None,
    }
