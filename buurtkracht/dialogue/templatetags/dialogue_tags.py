"""`{% stories_about initiative %}`: the residents' stories about an initiative, on its
page, as far as the viewer may read them — without initiatives importing dialogue (the
layer order)."""

from django import template

from buurtkracht.dialogue import selectors

register = template.Library()


@register.inclusion_tag("dialogue/_stories_about.html", takes_context=True)
def stories_about(context, initiative):
    hood = initiative.neighbourhood
    if not hood.has_module("dialogue"):
        return {"stories": []}
    request = context["request"]
    return {
        "neighbourhood": hood,
        "stories": selectors.stories_about_initiative(viewer=request.user, initiative=initiative),
    }
