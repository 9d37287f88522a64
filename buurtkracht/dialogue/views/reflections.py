"""Reflections and the principle pages (issue 20)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtkracht.core.access import Action, requires
from buurtkracht.core.forms import add_service_errors
from buurtkracht.people.selectors import display_names

from .. import selectors, services
from ..formats import REFLECTION_FORMATS
from ..forms import ReflectionForm
from ..principles import LESSONS, PRINCIPLES


def _who(request) -> dict:
    return {
        "viewer": request.user,
        "membership": request.membership,
        "neighbourhood": request.neighbourhood,
    }


@require_GET
@requires(Action.REFLECT)
def reflections(request, slug):
    page = selectors.reflections_for(**_who(request), page=request.GET.get("pagina") or 1)
    names = display_names(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        user_ids={r.author_id for r in page.object_list},
    )
    return render(request, "dialogue/reflections.html", {"page": page, "names": names})


@requires(Action.REFLECT)
def reflection_new(request, slug):
    """Write a reflection in a format: chosen first (`?werkvorm=`), its questions then."""
    code = request.GET.get("werkvorm") or request.POST.get("format") or "buurtkracht"
    chosen = REFLECTION_FORMATS.get(code) or REFLECTION_FORMATS["buurtkracht"]
    form = ReflectionForm(request.POST or None, chosen=chosen, neighbourhood=request.neighbourhood)
    if request.method == "POST" and form.is_valid():
        try:
            reflection = services.reflection_write(
                actor=request.user,
                membership=request.membership,
                neighbourhood=request.neighbourhood,
                values=form.values(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your reflection is saved."))
            return redirect("dialogue:reflection", slug=slug, reflection_id=reflection.pk)
    context = {"form": form, "chosen": chosen, "formats": REFLECTION_FORMATS.values()}
    return render(request, "dialogue/reflection_new.html", context)


def _reflection_or_404(request, reflection_id: int):
    found = selectors.reflection_for(**_who(request), reflection_id=reflection_id)
    if found is None:
        raise Http404
    return found


@require_GET
@requires(Action.REFLECT)
def reflection_detail(request, slug, reflection_id: int):
    reflection = _reflection_or_404(request, reflection_id)
    chosen = REFLECTION_FORMATS[reflection.format]
    context = {
        "reflection": reflection,
        "chosen": chosen,
        "answers": [(s, reflection.answers.get(s.code, "")) for s in chosen.steps],
        "tags": selectors.tags_of(reflection),
        "author": display_names(
            viewer=request.user,
            neighbourhood=request.neighbourhood,
            user_ids=[reflection.author_id],
        ).get(reflection.author_id, ""),
    }
    return render(request, "dialogue/reflection.html", context)


@require_POST
@requires(Action.REFLECT)
def reflection_delete(request, slug, reflection_id: int):
    reflection = _reflection_or_404(request, reflection_id)
    try:
        services.reflection_delete(actor=request.user, reflection=reflection)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dialogue:reflection", slug=slug, reflection_id=reflection_id)
    messages.success(request, _("Your reflection is deleted."))
    return redirect("dialogue:reflections", slug=slug)


@login_not_required
@require_GET
@requires(Action.DIALOGUE_VIEW)
def principles(request, slug):
    counts = selectors.principle_counts(**_who(request))
    context = {
        "principles": [(p, counts.get(p.code, 0)) for p in PRINCIPLES.values()],
        "lessons": [(p, counts.get(p.code, 0)) for p in LESSONS.values()],
    }
    return render(request, "dialogue/principles.html", context)


@login_not_required
@require_GET
@requires(Action.DIALOGUE_VIEW)
def principle(request, slug, code: str):
    """One principle: the stories, reflections and initiatives that show it."""
    shown = PRINCIPLES.get(code) or LESSONS.get(code)
    if shown is None:
        raise Http404
    found = selectors.principle_page(**_who(request), code=code)
    context = {"principle": shown, "is_lesson": code in LESSONS, "found": found}
    return render(request, "dialogue/principle.html", context)
