"""`{% person_brings user_id %}`: what someone brings, for pages of other apps (the person
page) without those apps importing gifts — the layer order stays people → gifts."""

from django import template

from buurtkracht.gifts.selectors import brings_of

register = template.Library()


@register.inclusion_tag("gifts/_brings.html", takes_context=True)
def person_brings(context, owner_id: int, name: str):
    request = context["request"]
    brings = brings_of(
        viewer=request.user,
        membership=getattr(request, "membership", None),
        neighbourhood=request.neighbourhood,
        owner_id=owner_id,
    )
    return {"brings": brings, "name": name}
