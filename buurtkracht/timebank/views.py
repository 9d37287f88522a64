from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtkracht.accounts.models import User
from buurtkracht.core import access
from buurtkracht.core.access import Action, requires
from buurtkracht.core.durations import duration
from buurtkracht.core.forms import add_service_errors
from buurtkracht.inventory.spreadsheet import MAX_BYTES, download
from buurtkracht.people.selectors import find_people, person_choice

from . import importing, selectors, services
from .forms import DonateForm, GiveForm, GrantForm, ImportForm, ReverseForm, RulesForm
from .models import Account, Entry, LedgerImport, Transfer


def _people(request) -> tuple[str, list]:
    """Whom the person may give to on this page: the neighbours found by the name they
    searched (`?wie=`), or the one a sent form named — never a list of everyone."""
    hood, user = request.neighbourhood, request.user
    if request.method == "POST":
        found = person_choice(viewer=user, neighbourhood=hood, user_id=request.POST.get("to_user"))
        return "", [found] if found is not None and found.user_id != user.pk else []
    query = request.GET.get("wie", "").strip()[:60]
    return query, find_people(viewer=user, neighbourhood=hood, query=query, exclude=[user.pk])


def _choices(people) -> list[tuple[int, str]]:
    return [(p.user_id, p.label) for p in people]


def _home_context(request, rules, *, give=None, donate=None):
    hood, user = request.neighbourhood, request.user
    account = selectors.member_account_of(user, hood)  # None: not open yet (decision 0048)
    query, people = _people(request)
    targets = selectors.donation_targets(neighbourhood=hood, rules=rules)
    return {
        "rules": rules,
        "account": account,
        "balance": duration(account.balance if account else 0),
        "floor": duration(account.floor if account else rules.min_balance),
        "ceiling": duration(account.ceiling if account else rules.max_balance),
        "lines": selectors.statement(viewer=user, account=account) if account else [],
        "give_form": (give or GiveForm(members=_choices(people)))
        if rules.direct_transfers
        else None,
        "people": people,
        "query": query,
        "donate_form": (donate or DonateForm(targets=targets)) if targets else None,
    }


def _attempt(request, form, write, *, success: str, to: str):
    """A valid form's write through a service: a redirect to `to` with `success`, or None
    when the form is invalid or the service refused (its Dutch reasons are on the form)."""
    if not form.is_valid():
        return None
    try:
        write(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success)
    return redirect(to, slug=request.neighbourhood.slug)


def _rules_or_not_set_up(request):
    rules = selectors.rules_or_none(request.neighbourhood)
    if rules is None:
        return None, render(request, "timebank/not_set_up.html", status=200)
    return rules, None


@require_GET
@requires(Action.TIMEBANK_USE)
def home(request, slug):
    rules, page = _rules_or_not_set_up(request)
    if page:
        return page
    return render(request, "timebank/home.html", _home_context(request, rules))


def _confirm(request, form, people, *, sentence: str, confirm: str, button: str, back: str):
    """Time moves only after "Klopt dat?": the choice in plain words, with the form's
    values kept in hidden fields for the confirming POST (nothing is written yet)."""
    context = {
        "form": form,
        "sentence": sentence % {"time": duration(form.total()), "name": people[0].label},
        "confirm_url": reverse(confirm, kwargs={"slug": request.neighbourhood.slug}),
        "button": button,
        "back_url": reverse(back, kwargs={"slug": request.neighbourhood.slug}),
    }
    return render(request, "timebank/confirm.html", context)


@require_POST
@requires(Action.TIMEBANK_USE)
def give(request, slug):
    """Step 1 of giving time: the form checked, then "Klopt dat?" (nothing moves yet)."""
    rules, page = _rules_or_not_set_up(request)
    if page:
        return page
    people = _people(request)[1]
    form = GiveForm(request.POST, members=_choices(people))
    if not form.is_valid():
        return render(request, "timebank/home.html", _home_context(request, rules, give=form))
    return _confirm(
        request,
        form,
        people,
        sentence=_("You give %(time)s to %(name)s."),
        confirm="timebank:give_confirmed",
        button=_("Yes, give the time"),
        back="timebank:home",
    )


@require_POST
@requires(Action.TIMEBANK_USE)
def give_confirmed(request, slug):
    """Step 2: the confirmed form moves the time (once, whatever is sent twice)."""
    rules, page = _rules_or_not_set_up(request)
    if page:
        return page
    hood = request.neighbourhood
    form = GiveForm(request.POST, members=_choices(_people(request)[1]))
    done = _attempt(
        request,
        form,
        lambda data: services.give(
            actor=request.user,
            neighbourhood=hood,
            to_user=User.objects.get(pk=data["to_user"]),
            minutes=form.total(),
            note=data["note"],
            key=form.key_for(request.user),
            membership=request.membership,
        ),
        success=_("The time has been given. Thank you!"),
        to="timebank:home",
    )
    if done:
        return done
    return render(request, "timebank/home.html", _home_context(request, rules, give=form))


@require_POST
@requires(Action.TIMEBANK_USE)
def donate(request, slug):
    rules, page = _rules_or_not_set_up(request)
    if page:
        return page
    hood = request.neighbourhood
    form = DonateForm(
        request.POST, targets=selectors.donation_targets(neighbourhood=hood, rules=rules)
    )
    done = _attempt(
        request,
        form,
        lambda data: services.donate(
            actor=request.user,
            neighbourhood=hood,
            to_account=Account.objects.get(pk=data["to_account"], neighbourhood=hood),
            minutes=form.total(),
            key=form.key_for(request.user),
            membership=request.membership,
        ),
        success=_("Thank you for giving time!"),
        to="timebank:home",
    )
    if done:
        return done
    return render(request, "timebank/home.html", _home_context(request, rules, donate=form))


def _manage_context(request, rules, *, rules_form=None, grant=None):
    hood, user = request.neighbourhood, request.user
    rows, balance_page = (
        selectors.balances(viewer=user, neighbourhood=hood, page=request.GET.get("pagina"))
        if rules
        else ([], None)
    )
    if rows:
        access.note_reads(
            viewer=user,
            membership=request.membership,
            subject_ids=[r.account.user_id for r in rows if r.account.user_id],
            what="timebank",
        )
    query, people = _people(request)
    return {
        "rules": rules,
        "rules_form": rules_form or RulesForm(instance=rules),
        "balances": [
            (r.label, r.account, services.format_minutes(r.account.balance)) for r in rows
        ],
        "balance_page": balance_page,
        "months": selectors.stored_monthly(neighbourhood=hood) if rules else [],
        "grant_form": (grant or GrantForm(members=_choices(people)))
        if rules and rules.pot
        else None,
        "people": people,
        "query": query,
        "transfers": _recent_transfers(request) if rules else [],
        "reverse_form": ReverseForm(),
    }


def _recent_transfers(request) -> list:
    """The latest transfers, each with its entries as (who, hours) for the viewer."""
    hood, user = request.neighbourhood, request.user
    transfers = list(selectors.recent_transfers(neighbourhood=hood))
    shown = selectors.names(
        viewer=user,
        neighbourhood=hood,
        user_ids=[
            e.account.user_id for t in transfers for e in t.entries.all() if e.account.user_id
        ],
    )
    return [
        (
            t,
            [
                (selectors.label(e.account, shown), services.format_minutes(e.amount))
                for e in t.entries.all()
            ],
        )
        for t in transfers
    ]


@require_http_methods(["GET", "POST"])
@requires(Action.TIMEBANK_MANAGE)
def manage(request, slug):
    hood = request.neighbourhood
    rules = selectors.rules_or_none(hood)
    form = RulesForm(request.POST or None, instance=rules)
    if request.method == "POST":
        done = _attempt(
            request,
            form,
            lambda data: services.rules_set(
                actor=request.user,
                neighbourhood=hood,
                membership=request.membership,
                **{name: data[name] for name in RulesForm.Meta.fields},
            ),
            success=_("The rules of the time bank are saved."),
            to="timebank:manage",
        )
        if done:
            return done
        rules = selectors.rules_or_none(hood)  # the form changed the instance
    return render(request, "timebank/manage.html", _manage_context(request, rules, rules_form=form))


@require_POST
@requires(Action.TIMEBANK_MANAGE)
def grant(request, slug):
    """Step 1 of granting from the pot: the form checked, then "Klopt dat?"."""
    rules = selectors.rules_or_none(request.neighbourhood)
    if rules is None:
        raise Http404
    people = _people(request)[1]
    form = GrantForm(request.POST, members=_choices(people))
    if not form.is_valid():
        return render(request, "timebank/manage.html", _manage_context(request, rules, grant=form))
    return _confirm(
        request,
        form,
        people,
        sentence=_("You give %(time)s from the community pot to %(name)s."),
        confirm="timebank:grant_confirmed",
        button=_("Yes, grant the time"),
        back="timebank:manage",
    )


@require_POST
@requires(Action.TIMEBANK_MANAGE)
def grant_confirmed(request, slug):
    hood = request.neighbourhood
    rules = selectors.rules_or_none(hood)
    if rules is None:
        raise Http404
    form = GrantForm(request.POST, members=_choices(_people(request)[1]))
    done = _attempt(
        request,
        form,
        lambda data: services.grant(
            actor=request.user,
            neighbourhood=hood,
            to_user=User.objects.get(pk=data["to_user"]),
            minutes=form.total(),
            reason=data["reason"],
            key=form.key_for(request.user),
            membership=request.membership,
        ),
        success=_("The time has been granted from the community pot."),
        to="timebank:manage",
    )
    if done:
        return done
    return render(request, "timebank/manage.html", _manage_context(request, rules, grant=form))


@require_POST
@requires(Action.TIMEBANK_MANAGE)
def reverse_transfer(request, slug, transfer_id: int):
    transfer = get_object_or_404(Transfer, pk=transfer_id, neighbourhood=request.neighbourhood)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this is corrected."))
        return redirect("timebank:manage", slug=slug)
    try:
        services.reverse(
            actor=request.user,
            transfer=transfer,
            reason=form.cleaned_data["reason"],
            membership=request.membership,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The transfer has been corrected."))
    return redirect("timebank:manage", slug=slug)


EXPORT_CHUNK = 2000


def _export_rows(request):
    """The whole ledger, in order, read in chunks of `EXPORT_CHUNK` entries with their
    accounts; the names of one chunk are looked up (and written to the access log) with
    it, so the export holds one chunk in memory however large the city's ledger."""
    hood = request.neighbourhood
    logged: set[int] = set()
    after = 0
    while True:
        chunk = list(
            Entry.objects.filter(neighbourhood=hood, seq__gt=after)
            .select_related("transfer", "account")
            .order_by("seq")[:EXPORT_CHUNK]
        )
        if not chunk:
            return
        after = chunk[-1].seq
        people = {e.account.user_id for e in chunk if e.account.user_id}
        shown = selectors.names(viewer=request.user, neighbourhood=hood, user_ids=people)
        access.note_reads(
            viewer=request.user,
            membership=request.membership,
            subject_ids=people - logged,
            what="timebank",
        )
        logged |= people
        for e in chunk:
            yield [
                e.seq,
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                e.transfer_id,
                e.transfer.get_kind_display(),
                e.account_id,
                selectors.label(e.account, shown),
                e.amount,
                services.format_minutes(e.amount),
                e.transfer.reason,
                e.transfer.reverses_id or "",
            ]


EXPORT_HEADERS = [
    "boeking",
    "datum",
    "overboeking",
    "soort",
    "rekening",
    "naam",
    "minuten",
    "uren",
    "reden",
    "correctie van",
]


MY_HEADERS = ["datum", "soort", "met", "minuten", "uren", "omschrijving", "teruggedraaid"]


@require_GET
@requires(Action.TIMEBANK_USE)
def my_export(request, slug, fmt: str):
    """A member's own history, as a spreadsheet (empty while the account is not open)."""
    if selectors.rules_or_none(request.neighbourhood) is None or fmt not in ("csv", "xlsx"):
        raise Http404
    account = selectors.member_account_of(request.user, request.neighbourhood)
    lines = selectors.statement(viewer=request.user, account=account, limit=None) if account else []
    rows = [
        [
            timezone.localtime(line.when).strftime("%Y-%m-%d %H:%M"),
            line.kind_label,
            line.other,
            line.amount,
            services.format_minutes(line.amount),
            line.reason,
            "ja" if line.corrected else "",
        ]
        for line in reversed(lines)
    ]
    return download(
        fmt=fmt,
        stem=f"mijn-tijdbank-{request.neighbourhood.slug}",
        headers=MY_HEADERS,
        rows=rows,
        title=_("Time bank"),
    )


@require_GET
@requires(Action.TIMEBANK_MANAGE)
def export(request, slug, fmt: str):
    if selectors.rules_or_none(request.neighbourhood) is None or fmt not in ("csv", "xlsx"):
        raise Http404
    return download(
        fmt=fmt,
        stem=f"tijdbank-{request.neighbourhood.slug}",
        headers=EXPORT_HEADERS,
        rows=_export_rows(request),
        title=_("Time bank"),
    )


@require_http_methods(["GET", "POST"])
@requires(Action.TIMEBANK_MANAGE)
def import_start(request, slug):
    hood = request.neighbourhood
    if selectors.rules_or_none(hood) is None:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("This file is too big (at most 5 MB)."))
        else:
            job = importing.upload(
                actor=request.user, neighbourhood=hood, filename=upload.name, data=upload.read()
            )
            return redirect("timebank:import_preview", slug=slug, job_id=job.pk)
    return render(request, "timebank/import.html", {"form": form})


@require_http_methods(["GET", "POST"])
@requires(Action.TIMEBANK_MANAGE)
def import_preview(request, slug, job_id: int):
    hood = request.neighbourhood
    job = get_object_or_404(LedgerImport, pk=job_id, neighbourhood=hood)
    if request.method == "POST" and not job.imported_at:
        try:
            count = importing.commit(actor=request.user, job=job, membership=request.membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages[:5]))
        else:
            messages.success(request, _("Imported: %(count)s transfers.") % {"count": count})
            return redirect("timebank:manage", slug=slug)
    result = None
    if not job.imported_at:
        result = importing.plan(neighbourhood=hood, filename=job.filename, data=bytes(job.data))
    balances = []
    if result is not None and result.ok:
        for key, minutes in sorted(result.balances.items()):
            who = {importing.POT: _("Community pot"), importing.OPENING: _("Opening balances")}
            balances.append(
                (who.get(key) or result.names.get(key, key), services.format_minutes(minutes))
            )
    return render(
        request,
        "timebank/import_preview.html",
        {"job": job, "result": result, "balances": balances},
    )
