"""`{% neighbourhood_initiatives neighbourhood %}`: the neighbourhood page's initiatives by
how they are doing and the coming activities, without neighbourhoods importing
initiatives (the layer order)."""

from django import template

from buurtkracht.initiatives import selectors

register = template.Library()


@register.inclusion_tag("initiatives/_of_neighbourhood.html")
def neighbourhood_initiatives(neighbourhood):
    if not neighbourhood.has_module("initiatives"):
        return {"initiatives": None}
    return {
        "neighbourhood": neighbourhood,
        "initiatives": {
            "groups": selectors.of_neighbourhood(neighbourhood),
            "activities": selectors.upcoming_activities(neighbourhood=neighbourhood, limit=5),
        },
    }
