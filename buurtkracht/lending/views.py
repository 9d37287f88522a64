import functools
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from buurtkracht.core import access, paging
from buurtkracht.core.access import Action, requires
from buurtkracht.gifts.models import ResourceKind

from . import selectors, services
from .access import access_booking, access_resource
from .forms import BookingForm
from .models import BookingStatus

KIND_FILTERS = {"ruimte": ResourceKind.SPACE, "spullen": ResourceKind.THING}


@requires(Action.RESOURCES_BOOK)
def resources(request, slug):
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


def _resource_page(request, item, form, day: date | None):
    """The resource's page: its calendar month (`?maand=`, or the chosen day's) and the
    booking form."""
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
        "is_owner_side": access.lending_owner_side(
            request.user, item, membership=request.membership
        ),
        "month": selectors.calendar_month(resource=item, year=month.year, month=month.month),
        "form": form,
    }
    return render(request, "lending/resource.html", context)


@require_http_methods(["GET", "POST"])
@requires(Action.RESOURCES_BOOK)
def resource(request, slug, resource_id: int):
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
                membership=request.membership,
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
    return _resource_page(request, item, form, day)


@requires(Action.RESOURCES_BOOK)
def bookings(request, slug):
    mine = selectors.bookings_of(
        user=request.user, neighbourhood=request.neighbourhood, membership=request.membership
    )
    return render(request, "lending/bookings.html", {"mine": mine})


def _booking_step(request, booking_id: int, step, done: str):
    """One step of a booking the person borrows or lends out (else 404): the service's
    refusal, or `done`, as a message on the bookings page."""
    booking = access_booking(
        user=request.user,
        neighbourhood=request.neighbourhood,
        booking_id=booking_id,
        membership=request.membership,
    )
    try:
        step(actor=request.user, booking=booking, membership=request.membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("lending:bookings", slug=request.neighbourhood.slug)


@require_POST
@requires(Action.RESOURCES_BOOK)
def booking_confirm(request, slug, booking_id: int):
    yes = functools.partial(services.booking_decide, confirm=True)
    return _booking_step(request, booking_id, yes, _("You said yes. We let the borrower know."))


@require_POST
@requires(Action.RESOURCES_BOOK)
def booking_decline(request, slug, booking_id: int):
    no = functools.partial(services.booking_decide, confirm=False)
    return _booking_step(request, booking_id, no, _("You said no. We let the borrower know."))


@require_POST
@requires(Action.RESOURCES_BOOK)
def booking_cancel(request, slug, booking_id: int):
    return _booking_step(
        request,
        booking_id,
        services.booking_cancel,
        _("The booking is cancelled. The time is free again."),
    )


@require_POST
@requires(Action.RESOURCES_BOOK)
def booking_returned(request, slug, booking_id: int):
    return _booking_step(
        request,
        booking_id,
        services.booking_returned,
        _("Noted: it is returned. Thank you for sharing!"),
    )
