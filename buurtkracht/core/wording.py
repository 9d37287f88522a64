"""Texts of Django that we word differently in Dutch.

Our catalogue comes first (LOCALE_PATHS), so marking Django's exact English texts here puts
them in our catalogue, where they get informal B1 Dutch ("je" instead of "u"). Nothing calls
these functions; they exist so makemessages finds the texts.
"""

from django.utils.translation import gettext_noop, ngettext


def _password_help_texts() -> None:  # pragma: no cover - only read by makemessages
    gettext_noop("Your password can’t be too similar to your other personal information.")
    gettext_noop("Your password can’t be a commonly used password.")
    gettext_noop("Your password can’t be entirely numeric.")
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        8,
    )
