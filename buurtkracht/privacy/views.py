"""A person's own data (rule 14, AVG): see it, download it, erase the account. Above the
domain apps in the layer order: the export and the erasure reach into every app."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from buurtkracht.core.forms import add_service_errors
from buurtkracht.core.ratelimit import hit

from . import erasure, export
from .forms import EraseForm
from .plan import erasure_plan


@require_GET
def my_data(request):
    """Everything kept about me, to read or print (the same as the download)."""
    data = export.personal_data(request.user)
    return render(request, "people/my_data.html", {"sections": export.readable(data)})


@require_GET
def my_data_download(request):
    data = export.personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="buurtkracht-mijn-gegevens.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def erase(request):
    """A person erases their own account, after a page that says in plain words what
    happens; then they are logged out (decision 0042)."""
    plan = erasure_plan(user=request.user)
    form = EraseForm(request.POST or None, user=request.user, plan=plan)
    if request.method == "POST" and form.is_valid():
        # A session left open must not become a PIN guessed and an account gone.
        if not hit(f"erase:{request.user.pk}", limit=5, seconds=300):
            form.add_error(None, _("Too many tries. Wait five minutes and try again."))
            return render(request, "accounts/erase.html", _erase_context(form, plan, request))
        try:
            erasure.account_erase(
                user=request.user,
                current=form.cleaned_data.get("current", ""),
                successors=form.successors(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account is erased. Goodbye, and thank you."))
            return redirect("neighbourhoods:index")
    return render(request, "accounts/erase.html", _erase_context(form, plan, request))


def _erase_context(form, plan, request) -> dict:
    return {"form": form, "plan": plan, "pseudonym": erasure.pseudonym(request.user)}
