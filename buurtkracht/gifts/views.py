from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from buurtkracht.core import access
from buurtkracht.core.access import Action, requires
from buurtkracht.core.choices import Visibility
from buurtkracht.core.forms import add_service_errors
from buurtkracht.neighbourhoods.selectors import memberships_of

from . import access as gifts_access
from . import selectors, services
from .forms import ResourceForm, StepForm, TaxonomyItemForm, TimeForm, VisibilityForm
from .models import Gift, Resource, TaxonomyItem, Wish
from .steps import STEP_BY_KEY, STEPS, next_step

ITEM_MODELS = {"gift": Gift, "resource": Resource, "wish": Wish}


def _step_or_404(key: str):
    step = STEP_BY_KEY.get(key)
    if step is None:
        raise Http404
    return step


def _step_form(request, *, subject, step):
    """The form of one step, filled in with what `subject` saved before."""
    current = selectors.step_current(subject=subject, step=step)
    data = request.POST if request.method == "POST" else None
    if step.model == "time":
        return TimeForm(data, initial=current)
    neighbourhood_ids = list(
        memberships_of(user=subject).values_list("neighbourhood_id", flat=True)
    )
    return StepForm(
        data,
        initial={
            "items": current["items"],
            "own_words": "\n".join(current["texts"]),
            "visibility": current["visibility"],
        },
        groups=selectors.step_choices(step=step, neighbourhood_ids=neighbourhood_ids),
        with_text_kind=step.model == "resource",
    )


def _step_save(*, actor, subject, step, data) -> None:
    if step.model == "time":
        services.time_save(
            actor=actor,
            subject=subject,
            slots=data["slots"],
            max_asks_per_month=data["max_asks_per_month"],
            visibility=data["visibility"],
        )
    else:
        services.step_save(
            actor=actor,
            subject=subject,
            step=step,
            item_ids=data["items"],
            texts=data["own_words"],
            visibility=data["visibility"],
            text_kind=data.get("text_kind", ""),
        )


def _handle_step(request, *, subject, step, urls):
    """One step of "Wat breng jij mee?", for yourself or for a guided resident.
    `urls(step_key_or_None)` gives the URL of a step or of the overview."""
    form = _step_form(request, subject=subject, step=step)
    if request.method == "POST" and form.is_valid():
        try:
            _step_save(actor=request.user, subject=subject, step=step, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            following = next_step(step)
            if "done" in request.POST or following is None:
                return redirect(urls(None))
            return redirect(urls(following.key))
    context = {
        "form": form,
        "step": step,
        "steps": STEPS,
        "position": STEPS.index(step) + 1,
        "subject": subject,
        "overview_url": urls(None),
    }
    return render(request, "gifts/step.html", context)


def _overview(request, *, subject, own: bool, urls):
    overview = selectors.my_overview(subject=subject)
    context = {
        "overview": overview,
        "subject": subject,
        "own": own,
        "sections": [(step, rows, urls(step.key)) for step, rows in overview.sections],
        "links": {step.key: urls(step.key) for step in STEPS},
        "visibility_choices": Visibility.choices,
    }
    return render(request, "gifts/overview.html", context)


def _my_urls(key):
    return reverse("gifts:my_step", kwargs={"step": key}) if key else reverse("gifts:my_gifts")


def _guided_urls(slug, user_id):
    def urls(key):
        if key:
            return reverse(
                "gifts:guided_step", kwargs={"slug": slug, "user_id": user_id, "step": key}
            )
        return reverse("gifts:guided_gifts", kwargs={"slug": slug, "user_id": user_id})

    return urls


@require_http_methods(["GET"])
def my_gifts(request):
    return _overview(request, subject=request.user, own=True, urls=_my_urls)


@require_http_methods(["GET", "POST"])
def my_step(request, step):
    return _handle_step(request, subject=request.user, step=_step_or_404(step), urls=_my_urls)


def _my_item_or_404(request, model: str, item_id: int):
    if model not in ITEM_MODELS:
        raise Http404
    return access.gifts_own_item(user=request.user, model=ITEM_MODELS[model], item_id=item_id)


@require_POST
def my_item(request, model, item_id: int):
    """Change who may see one of your items (removing one asks first: `my_item_remove`)."""
    obj = _my_item_or_404(request, model, item_id)
    form = VisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who may see this."))
        return redirect("gifts:my_gifts")
    try:
        services.item_visibility_set(
            actor=request.user, obj=obj, visibility=form.cleaned_data["visibility"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("gifts:my_gifts")


@require_http_methods(["GET", "POST"])
def my_item_remove(request, model, item_id: int):
    """Remove one of your items — after saying so on a page of its own, never with one
    press next to "Save"."""
    obj = _my_item_or_404(request, model, item_id)
    if request.method == "POST":
        try:
            services.item_delete(actor=request.user, obj=obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Removed. You can add it again any time."))
        return redirect("gifts:my_gifts")
    return render(request, "gifts/remove.html", {"obj": obj, "model": model})


@require_http_methods(["GET", "POST"])
def my_resource(request, resource_id: int):
    """The owner sets how a space or thing can be lent."""
    resource = access.gifts_own_item(user=request.user, model=Resource, item_id=resource_id)
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ResourceForm.Meta.fields}
        resource.refresh_from_db()
        try:
            services.resource_update(actor=request.user, resource=resource, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("gifts:my_gifts")
    return render(request, "gifts/resource_form.html", {"form": form, "resource": resource})


def _guided_subject(request, user_id: int):
    return gifts_access.gifts_guided_subject(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        membership=request.membership,
        user_id=user_id,
    )


@requires(Action.GUIDED_GIFTS)
def guided_gifts(request, slug, user_id: int):
    subject = _guided_subject(request, user_id)
    return _overview(request, subject=subject, own=False, urls=_guided_urls(slug, user_id))


@require_http_methods(["GET", "POST"])
@requires(Action.GUIDED_GIFTS)
def guided_step(request, slug, user_id: int, step):
    subject = _guided_subject(request, user_id)
    return _handle_step(
        request, subject=subject, step=_step_or_404(step), urls=_guided_urls(slug, user_id)
    )


@require_http_methods(["GET", "POST"])
@requires(Action.TAXONOMY_MANAGE)
def taxonomy_words(request, slug):
    form = TaxonomyItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.taxonomy_item_add(
                actor=request.user, neighbourhood=request.neighbourhood, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The word is added. Everyone in this neighbourhood can choose it now.")
            )
            return redirect("gifts:taxonomy_words", slug=slug)
    own = TaxonomyItem.objects.filter(neighbourhood=request.neighbourhood).select_related(
        "category"
    )
    return render(request, "gifts/taxonomy_words.html", {"form": form, "own_words": own})
