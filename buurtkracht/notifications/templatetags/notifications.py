from django import template

from buurtkracht.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """{% unread_notifications as count %}: the header badge without a context processor."""
    request = context.get("request")
    return unread_count(request.user) if request is not None else 0
