"""Parts of other apps' pages that show what people bring, without those apps importing
gifts (the layer order stays people, neighbourhoods → gifts): `{% person_brings %}` on the
person page, `{% neighbourhood_balance %}` on the neighbourhood page."""

from django import template

from buurtkracht.gifts.charts import balance_chart
from buurtkracht.gifts.selectors import abundance, brings_of

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


@register.inclusion_tag("gifts/_balance_chart.html")
def neighbourhood_balance(neighbourhood, counts):
    """The neighbourhood page's chart of what is offered and asked per category, from the
    stored figures (`counts`), where the gifts module is on."""
    if not neighbourhood.has_module("gifts"):
        return {"chart": None}
    return {"chart": balance_chart(abundance(neighbourhood=neighbourhood, counts=counts))}
