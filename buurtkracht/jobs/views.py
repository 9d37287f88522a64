from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from buurtkracht.core import access

from . import selectors, services
from .models import JobRun, JobState


@require_http_methods(["GET", "POST"])
def runs(request):
    """The site operator's view of the background jobs: failed ones first, with their
    error, and a button to send one again."""
    access.require_site_operator(request)
    if request.method == "POST":
        run = get_object_or_404(JobRun, pk=_posted_id(request))
        again = services.job_retry(run=run)
        if again is run:
            messages.error(
                request, _("Only a failed job, or one that was not sent, can be sent again.")
            )
        else:
            messages.success(request, _("The job is sent again."))
        return redirect("jobs:runs")
    state = request.GET.get("toestand", JobState.FAILED)
    if state not in JobState.values and state != "alle":
        state = JobState.FAILED
    queryset = selectors.runs(state="" if state == "alle" else state)
    page = Paginator(queryset, 50).get_page(request.GET.get("pagina"))
    counts = selectors.run_counts()
    return render(
        request,
        "jobs/runs.html",
        {
            "page": page,
            "rows": [(run, selectors.JOB_LABELS.get(run.name, run.name)) for run in page],
            "state": state,
            "tabs": [(value, label, counts.get(value, 0)) for value, label in JobState.choices],
        },
    )


def _posted_id(request) -> int | None:
    text = request.POST.get("run", "")
    return int(text) if text.isdigit() else None


@login_not_required
@require_GET
@never_cache
def health(request):
    """For monitors and load balancers: {"database": "ok", "queue": "ok", "cache": "ok"}
    with 200, or 503 naming what is down. No personal data, no login."""
    from buurtkracht.jobs.health import report

    found = report()
    healthy = all(state == "ok" for state in found.values())
    return JsonResponse(found, status=200 if healthy else 503)
