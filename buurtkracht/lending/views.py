from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from buurtkracht.core import access, paging
from buurtkracht.core.access import Action
from buurtkracht.gifts.models import ResourceKind

from . import selectors, services
from .access import access_booking, access_resource, is_owner_side
from .forms import BookingForm
from .models import BookingStatus

KIND_FILTERS = {"ruimte": ResourceKind.SPACE, "spullen": ResourceKind.THING}

ACTIONS = {
    "confirm": (
        lambda actor, booking: services.booking_decide(actor=actor, booking=booking, confirm=True),
        gettext_lazy("You said yes. We let the borrower know."),
    ),
    "decline": (
        lambda actor, booking: services.booking_decide(actor=actor, booking=booking, confirm=False),
        gettext_lazy("You said no. We let the borrower know."),
    ),
    "cancel": (
        lambda actor, booking: services.booking_cancel(actor=actor, booking=booking),
        gettext_lazy("The booking is cancelled. The time is free again."),
    ),
    "returned": (
        lambda actor, booking: services.booking_returned(actor=actor, booking=booking),
        gettext_lazy("Noted: it is returned. Thank you for sharing!"),
    ),
}


def resources(request, slug):
    access.require(request, Action.RESOURCES_BOOK)
    kind = request.GET.get("soort", "")
    kind = kind if kind in KIND_FILTERS else ""
    page = selectors.lendable_page(
        neighbourhood=request.neighbourhood,
        viewer=request.user,
        kind=KIND_FILTERS.get(kind, ""),
        after=paging.after_in(request),
    )
    rows = page.rows
    names = selectors.owner_names(
        viewer=request.user,
        membership=request.membership,
        neighbourhood=request.neighbourhood,
        resources=rows,
    )
    context = {
        "rows": [(r, names.get(r.pk)) for r in rows],
        "next_after": page.next_after,
        "kind": kind,
    }
    return render(request, "lending/resources.html", context)


def _day_from(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def resource(request, slug, resource_id: int):
    access.require(request, Action.RESOURCES_BOOK)
    item = access_resource(
        viewer=request.user, neighbourhood=request.neighbourhood, resource_id=resource_id
    )
    day = _day_from(request.GET.get("dag"))
    initial = {"start_date": day, "end_date": day} if day else {}
    form = BookingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_request(
                actor=request.user,
                resource=item,
                neighbourhood=request.neighbourhood,
                start_at=form.cleaned_data["start_at"],
                end_at=form.cleaned_data["end_at"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if booking.status == BookingStatus.CONFIRMED:
                messages.success(request, _("It is booked. You find it under My bookings."))
            else:
                messages.success(
                    request, _("Your request is sent. You get a message when the owner answers.")
                )
            return redirect("lending:bookings", slug=slug)
    month = selectors.month_from(request.GET.get("maand") or (day.isoformat()[:7] if day else ""))
    names = selectors.owner_names(
        viewer=request.user,
        membership=request.membership,
        neighbourhood=request.neighbourhood,
        resources=[item],
    )
    context = {
        "resource": item,
        "owner_name": names.get(item.pk),
        "can_book": item.owner_id != request.user.pk,
        "is_owner_side": is_owner_side(request.user, item),
        "month": selectors.calendar_month(resource=item, year=month.year, month=month.month),
        "form": form,
    }
    return render(request, "lending/resource.html", context)


def bookings(request, slug):
    access.require(request, Action.RESOURCES_BOOK)
    mine = selectors.bookings_of(
        user=request.user, neighbourhood=request.neighbourhood, membership=request.membership
    )
    return render(request, "lending/bookings.html", {"mine": mine})


@require_POST
def booking_action(request, slug, booking_id: int, action: str):
    access.require(request, Action.RESOURCES_BOOK)
    if action not in ACTIONS:
        raise Http404
    booking = access_booking(
        user=request.user, neighbourhood=request.neighbourhood, booking_id=booking_id
    )
    run, done = ACTIONS[action]
    try:
        run(request.user, booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done))
    return redirect("lending:bookings", slug=slug)
