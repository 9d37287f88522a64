from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtkracht.core import access as core_access
from buurtkracht.core import paging
from buurtkracht.core.access import Action, requires
from buurtkracht.core.forms import MessageForm, add_service_errors
from buurtkracht.inventory.spreadsheet import download
from buurtkracht.people import contact

from . import access, selectors, services
from .forms import CaseNoteForm, CaseReferForm, MonthForm, SupportSettingsForm


@require_GET
@requires(Action.SAFETY_NET)
def safety_net_queue(request, slug):
    tab = request.GET.get("toon", "")
    tab = tab if tab in selectors.QUEUE_TABS else "nieuw"
    page = selectors.safety_net_queue(
        neighbourhood=request.neighbourhood,
        viewer=request.user,
        tab=tab,
        after=paging.after_in(request),
    )
    core_access.note_reads(
        viewer=request.user,
        membership=request.membership,
        subject_ids=[case.post.author_id for case in page.rows],
        what="safety_net",
    )
    return render(
        request,
        "support/queue.html",
        {
            "cases": page.rows,
            "next_after": page.next_after,
            "tab": tab,
            "counts": selectors.safety_net_open_counts(neighbourhood=request.neighbourhood),
            "on_duty": selectors.is_on_duty(user=request.user, neighbourhood=request.neighbourhood),
        },
    )


@require_POST
@requires(Action.SAFETY_NET)
def duty(request, slug):
    """A professional says whether new cases should be announced to them."""
    on = request.POST.get("on") == "1"
    services.duty_set(actor=request.user, neighbourhood=request.neighbourhood, on=on)
    if on:
        messages.success(request, _("You are on duty: you hear about new requests."))
    else:
        messages.success(request, _("You are off duty: new requests go to your colleagues."))
    return redirect("support:queue", slug=slug)


def _case_page(request, case, **bound):
    """The case page: the request, how to reach the person, the messages, and the three
    things a professional can record, each its own form posting to its own URL. `bound`:
    a form that came back with errors (status 200, nothing saved)."""
    forms = {
        "contacted_form": CaseNoteForm(auto_id="contacted_%s"),
        "refer_form": CaseReferForm(neighbourhood=request.neighbourhood, auto_id="refer_%s"),
        "close_form": CaseNoteForm(auto_id="close_%s"),
        **bound,
    }
    core_access.note_reads(
        viewer=request.user,
        membership=request.membership,
        subject_ids=[case.post.author_id],
        what="safety_net",
    )
    context = {
        "case": case,
        "card": contact.consented_card(case.post.author),
        "thread": case.messages.select_related("author__profile"),
        "message_form": MessageForm(),
        **forms,
    }
    return render(request, "support/case.html", context)


@require_GET
@requires(Action.SAFETY_NET)
def safety_net_case(request, slug, case_id):
    """A case as the professionals of the neighbourhood see it (the read is logged)."""
    case = access.access_case(request=request, case_id=case_id)
    return _case_page(request, case)


def _recorded(request, case, form, name: str, service, done: str):
    """access checked → form → one service call → message → redirect, or the case page
    again with the form's errors."""
    if form.is_valid():
        try:
            service(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("support:case", slug=request.neighbourhood.slug, case_id=case.pk)
    return _case_page(request, case, **{name: form})


@require_POST
@requires(Action.SAFETY_NET)
def case_contacted(request, slug, case_id):
    case = access.access_case(request=request, case_id=case_id)
    form = CaseNoteForm(request.POST, auto_id="contacted_%s")
    return _recorded(
        request,
        case,
        form,
        "contacted_form",
        services.safety_net_case_contacted,
        _("Marked as contacted."),
    )


@require_POST
@requires(Action.SAFETY_NET)
def case_refer(request, slug, case_id):
    case = access.access_case(request=request, case_id=case_id)
    form = CaseReferForm(request.POST, neighbourhood=request.neighbourhood, auto_id="refer_%s")
    place = form.cleaned_data["place"] if form.is_valid() else None
    return _recorded(
        request,
        case,
        form,
        "refer_form",
        services.safety_net_case_refer,
        _("Marked as referred to %(place)s.") % {"place": place.name if place else ""},
    )


@require_POST
@requires(Action.SAFETY_NET)
def case_close(request, slug, case_id):
    case = access.access_case(request=request, case_id=case_id)
    form = CaseNoteForm(request.POST, auto_id="close_%s")
    return _recorded(
        request, case, form, "close_form", services.safety_net_case_close, _("The case is closed.")
    )


@require_GET
@requires(Action.REQUESTS)
def my_case(request, slug, case_id):
    """The resident's own view of their request in the safety net: who will contact them
    and how, and messages with the professionals."""
    case = access.own_case(request=request, case_id=case_id)
    context = {
        "case": case,
        "how": services.HOW_REACHED[contact.route_for(request.user)],
        "thread": case.messages.select_related("author__profile"),
        "message_form": MessageForm(),
    }
    return render(request, "support/my_case.html", context)


@require_POST
@requires(Action.REQUESTS)
def case_message(request, slug, case_id):
    """A message in a case, from the resident who asked or from a professional."""
    case, side = access.case_for_writing(request=request, case_id=case_id)
    form = MessageForm(request.POST)
    back = "support:case" if side == core_access.HANDLER else "support:my_case"
    if form.is_valid():
        try:
            services.case_message(
                actor=request.user,
                membership=request.membership,
                case=case,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your message is sent."))
    else:
        messages.error(request, _("Write a message first."))
    return redirect(back, slug=slug, case_id=case.pk)


@require_http_methods(["GET", "POST"])
@requires(Action.CONFIGURE)
def safety_net_settings(request, slug):
    days = selectors.safety_net_days_of(neighbourhood=request.neighbourhood)
    form = SupportSettingsForm(request.POST or None, initial={"safety_net_days": days})
    if request.method == "POST" and form.is_valid():
        try:
            services.support_settings_save(
                actor=request.user,
                neighbourhood=request.neighbourhood,
                safety_net_days=form.cleaned_data["safety_net_days"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("support:settings", slug=slug)
    return render(request, "support/settings.html", {"form": form})


def _bundles(request):
    """The bundled requests a member asked for: counts only, never names."""
    months = selectors.bundle_months(neighbourhood=request.neighbourhood)
    form = MonthForm(request.GET or None, months=months)
    month = form.month()
    bundles = selectors.request_bundles(neighbourhood=request.neighbourhood, month=month)
    return form, month, bundles


@require_GET
@requires(Action.REQUESTS)
def bundles(request, slug):
    form, month, found = _bundles(request)
    total = sum(b.count for b in found)
    context = {"form": form, "month": month, "bundles": found, "total": total}
    return render(request, "support/bundles.html", context)


@require_GET
@requires(Action.REQUESTS)
def bundles_csv(request, slug):
    _form, _month, found = _bundles(request)
    # The one writer of every export (inventory.spreadsheet): Dutch Excel's ";" and BOM,
    # and text that a spreadsheet would run as a formula written as text.
    return download(
        fmt="csv",
        stem=f"gebundelde-vragen-{request.neighbourhood.slug}",
        headers=[_("month"), _("month in words"), _("need"), _("number of requests")],
        rows=(
            [
                bundle.month.strftime("%Y-%m"),
                date_format(bundle.month, "F Y"),
                bundle.category_label,
                bundle.count,
            ]
            for bundle in found
        ),
        title=_("Requests that come back"),
    )
