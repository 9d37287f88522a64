"""Stories (issue 20): read as far as each teller chose, told in one's own words or
written down by a buurtwerker for someone who told it, approved by the teller."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtkracht.core import access
from buurtkracht.core.access import Action, requires
from buurtkracht.core.forms import add_service_errors
from buurtkracht.people.selectors import find_people, person_choice

from .. import selectors, services
from ..forms import ShareForm, StoryForm


def _named(request, stories) -> dict[int, str]:
    """The tellers' names the viewer may see; a professional's look is logged."""
    names = selectors.teller_names(
        viewer=request.user, neighbourhood=request.neighbourhood, stories=stories
    )
    if request.user.is_authenticated and names:
        access.note_reads(
            viewer=request.user,
            membership=request.membership,
            subject_ids=list(names),
            what="story",
        )
    return names


@login_not_required
@require_GET
@requires(Action.DIALOGUE_VIEW)
def stories(request, slug):
    page = selectors.stories_for(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        page=request.GET.get("pagina") or 1,
    )
    context = {"page": page, "names": _named(request, page.object_list)}
    return render(request, "dialogue/stories.html", context)


def _story_or_404(request, story_id: int):
    story = selectors.story_for(
        viewer=request.user, neighbourhood=request.neighbourhood, story_id=story_id
    )
    if story is None:
        raise Http404
    return story


@login_not_required
@require_GET
@requires(Action.DIALOGUE_VIEW)
def story_detail(request, slug, story_id: int):
    story = _story_or_404(request, story_id)
    context = {
        "story": story,
        "names": _named(request, [story]),
        "tags": selectors.tags_of(story),
        "share_form": ShareForm(initial={"visibility": story.visibility}),
    }
    return render(request, "dialogue/story.html", context)


@login_not_required
@require_GET
@requires(Action.DIALOGUE_VIEW)
def story_photo(request, slug, story_id: int):
    from buurtkracht.initiatives.views.initiatives import photo_response

    response = photo_response(_story_or_404(request, story_id).photo)
    response["Cache-Control"] = "private, max-age=300"
    return response


def _tell(request, *, teller=None, template="dialogue/story_new.html", extra=None):
    form = StoryForm(
        request.POST or None,
        request.FILES or None,
        neighbourhood=request.neighbourhood,
        for_someone=teller is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_tell(
                actor=request.user,
                membership=request.membership,
                neighbourhood=request.neighbourhood,
                values=form.values(),
                photo=form.cleaned_data.get("photo"),
                teller=teller,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = _("Saved. %(name)s reads it first.") if teller else _("Your story is saved.")
            messages.success(request, done % {"name": teller.name if teller else ""})
            return redirect("dialogue:story", slug=request.neighbourhood.slug, story_id=story.pk)
    return render(request, template, {"form": form, **(extra or {})})


@requires(Action.DIALOGUE_USE)
def story_new(request, slug):
    return _tell(request)


@requires(Action.STORY_WRITE_FOR)
def story_write_for(request, slug):
    """A professional writes down the story a resident told them: found by name first."""
    hood = request.neighbourhood
    chosen = person_choice(viewer=request.user, neighbourhood=hood, user_id=request.GET.get("voor"))
    if chosen is None:
        query = request.GET.get("wie", "").strip()[:60]
        found = find_people(viewer=request.user, neighbourhood=hood, query=query)
        context = {"query": query, "found": found}
        return render(request, "dialogue/story_for_whom.html", context)
    from buurtkracht.accounts.models import User

    teller = User.objects.get(pk=chosen.user_id)
    return _tell(
        request, teller=teller, template="dialogue/story_new.html", extra={"teller": chosen}
    )


@requires(Action.DIALOGUE_USE)
def my_stories(request, slug):
    """The teller's stories: those written down for them wait for their answer here."""
    mine = selectors.my_stories(user=request.user, neighbourhood=request.neighbourhood)
    rows = [
        (
            story,
            ShareForm(
                initial={"visibility": story.proposed_visibility or story.visibility},
                prefix=f"s{story.pk}",
            ),
        )
        for story in mine
    ]
    return render(request, "dialogue/my_stories.html", {"rows": rows})


def _mine(request, story_id: int):
    story = selectors.story_for(
        viewer=request.user, neighbourhood=request.neighbourhood, story_id=story_id
    )
    if story is None or story.teller_id != request.user.pk:
        raise Http404
    return story


def _shared(request, story_id: int, call, success: str):
    story = _mine(request, story_id)
    form = ShareForm(request.POST, prefix=request.POST.get("prefix") or None)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose who may read it."), code="invalid")
        call(story, form.cleaned_data["visibility"], form.cleaned_data["consent"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("dialogue:my_stories", slug=request.neighbourhood.slug)


@require_POST
@requires(Action.DIALOGUE_USE)
def story_approve(request, slug, story_id: int):
    def approve(story, visibility, consent):
        services.story_answer(
            actor=request.user, story=story, approve=True, visibility=visibility, consent=consent
        )

    return _shared(request, story_id, approve, _("Thank you. Your story can be read now."))


@require_POST
@requires(Action.DIALOGUE_USE)
def story_share(request, slug, story_id: int):
    def share(story, visibility, consent):
        services.story_share(
            actor=request.user, story=story, visibility=visibility, consent=consent
        )

    return _shared(request, story_id, share, _("Saved who may read your story."))


@require_POST
@requires(Action.DIALOGUE_USE)
def story_withdraw(request, slug, story_id: int):
    services.story_withdraw(actor=request.user, story=_mine(request, story_id))
    messages.success(request, _("Your story is taken back."))
    return redirect("dialogue:my_stories", slug=slug)
