"""Import and export of a neighbourhood's inventory: thin views over services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from buurtkracht.core import access
from buurtkracht.core.access import Action
from buurtkracht.core.forms import add_service_errors

from . import selectors, services
from .columns import COLUMNS, REQUIRED_KEYS
from .forms import MappingForm, UploadForm
from .spreadsheet import DELIMITER_LABELS, ENCODING_LABELS, MAX_ROWS, download

ROWS_PER_PAGE = 100


def _job(request, job_id):
    access.require(request, Action.INVENTORY_TRANSFER)
    return selectors.import_job_for(
        neighbourhood=request.neighbourhood, viewer=request.user, pk=job_id
    )


@require_GET
def start(request, slug):
    access.require(request, Action.INVENTORY_TRANSFER)
    return render(request, "inventory/start.html", {"columns": COLUMNS, "max_rows": MAX_ROWS})


@require_http_methods(["GET", "POST"])
def upload(request, slug):
    access.require(request, Action.INVENTORY_TRANSFER)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                actor=request.user,
                neighbourhood=request.neighbourhood,
                filename=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("inventory:mapping", slug=slug, job_id=job.pk)
    return render(request, "inventory/upload.html", {"form": form, "max_rows": MAX_ROWS})


@require_http_methods(["GET", "POST"])
def mapping(request, slug, job_id: int):
    job = _job(request, job_id)
    if job.is_imported:
        return redirect("inventory:result", slug=slug, job_id=job.pk)
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        headers=job.headers,
        initial=job.mapping,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_job_map(actor=request.user, job=job, mapping=form.mapping())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("inventory:preview", slug=slug, job_id=job.pk)
    context = {
        "job": job,
        "form": form,
        "missing": [key for key in REQUIRED_KEYS if key not in job.mapping],
        "encoding": ENCODING_LABELS.get(job.encoding, ""),
        "delimiter": DELIMITER_LABELS.get(job.delimiter, ""),
    }
    return render(request, "inventory/mapping.html", context)


@require_http_methods(["GET", "POST"])
def preview(request, slug, job_id: int):
    job = _job(request, job_id)
    if job.is_imported:
        return redirect("inventory:result", slug=slug, job_id=job.pk)
    if not services.mapping_complete(job):
        messages.error(request, _("Choose the columns first."))
        return redirect("inventory:mapping", slug=slug, job_id=job.pk)
    if request.method == "POST":
        try:
            services.inventory_import(actor=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("inventory:preview", slug=slug, job_id=job.pk)
        messages.success(request, _("The import is done."))
        return redirect("inventory:result", slug=slug, job_id=job.pk)
    try:
        result = services.inventory_preview(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("inventory:upload", slug=slug)
    show = request.GET.get("toon")
    if show not in ("fouten", "alles"):
        show = "fouten" if result.counts.errors else "alles"
    rows = [row for row in result.rows if row.errors] if show == "fouten" else result.rows
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("pagina"))
    context = {"job": job, "preview": result, "counts": result.counts, "page": page, "show": show}
    return render(request, "inventory/preview.html", context)


@require_GET
def result(request, slug, job_id: int):
    job = _job(request, job_id)
    if not job.is_imported:
        return redirect("inventory:preview", slug=slug, job_id=job.pk)
    return render(request, "inventory/result.html", {"job": job, "counts": job.result})


@require_GET
def export_csv(request, slug):
    access.require(request, Action.INVENTORY_TRANSFER)
    return _export(request, "csv")


@require_GET
def export_xlsx(request, slug):
    access.require(request, Action.INVENTORY_TRANSFER)
    return _export(request, "xlsx")


def _export(request, fmt: str):
    return download(
        fmt=fmt,
        stem=f"inventaris-{request.neighbourhood.slug}",
        headers=selectors.export_headers(),
        rows=selectors.export_rows(neighbourhood=request.neighbourhood),
        title=_("Inventory"),
    )
