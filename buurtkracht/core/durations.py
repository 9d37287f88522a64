"""Durations in words, the way people say them: "een half uur", "1 uur en 30 minuten",
"45 minuten" — not "1:30", which a resident reads as a time of day (issue 18). Spreadsheets
and exports keep numbers."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def duration(minutes) -> str:
    """`minutes` (whole minutes, may be negative: a balance below zero) in words."""
    minutes = int(minutes)
    if minutes < 0:
        return _("minus %(duration)s") % {"duration": duration(-minutes)}
    if minutes == 30:
        return _("half an hour")
    hours, rest = divmod(minutes, 60)
    hours_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    rest_text = ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest}
    if not hours:
        return rest_text
    if not rest:
        return hours_text
    return _("%(hours)s and %(minutes)s") % {"hours": hours_text, "minutes": rest_text}
