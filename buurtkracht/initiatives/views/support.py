"""Support (rugdekking) that professionals and organisations record on the page."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buurtkracht.core.access import Action, requires

from .. import services
from ..access import initiative_in
from ..forms import SupportForm
from .page import answered, errors_into


@require_POST
@requires(Action.INITIATIVES_USE)
def support_add(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    form = SupportForm(request.POST, prefix="s")
    if form.is_valid():
        with errors_into(form):
            services.support_record(
                actor=request.user,
                initiative=initiative,
                membership=request.membership,
                **form.cleaned_data,
            )
    return answered(
        request, initiative, form, "support_form", _("Thank you. Your support is on the page.")
    )
