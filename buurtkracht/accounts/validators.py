"""Password rules with messages from our own catalogue."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule, with our words: Django 5.2 changed this message and its Dutch
    catalogue does not have the new one, so people read it in English."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. Use at least %(count)d character.",
            "This password is too short. Use at least %(count)d characters.",
            self.min_length,
        ) % {"count": self.min_length}
