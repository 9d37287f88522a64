"""`{% neighbourhood_figures neighbourhood %}`: the neighbourhood page's public figures
(CBS) without the neighbourhoods app importing this one."""

from django import template

from buurtkracht.wijkinfo.charts import share_chart
from buurtkracht.wijkinfo.selectors import neighbourhood_figures as figures_of

register = template.Library()


@register.inclusion_tag("wijkinfo/_figures.html", takes_context=True)
def neighbourhood_figures(context, neighbourhood):
    found = figures_of(neighbourhood)
    return {
        "found": found,
        "chart": share_chart(found.shares) if found else None,
        "neighbourhood": neighbourhood,
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }
