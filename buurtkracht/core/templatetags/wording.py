from django import template

from buurtkracht.core.durations import duration as _duration

register = template.Library()


@register.filter
def duration(minutes, style: str = "") -> str:
    """{{ task.minutes|duration }} → "1 uur en 30 minuten"; with "signed" a statement's
    "+45 minuten" / "−1 uur"; "" for an empty value."""
    if minutes in (None, ""):
        return ""
    minutes = int(minutes)
    if style == "signed":
        return ("+" if minutes > 0 else "−" if minutes < 0 else "") + _duration(abs(minutes))
    return _duration(minutes)
