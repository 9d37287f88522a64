"""What every message thread shares (an exchange, an introduction, a safety-net case): the
longest message and how a message's text is checked before it is saved."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MESSAGE_MAX = 2000


def clean_message(text: str) -> str:
    """The text as it is kept, or a refusal on the `text` field (codes `empty`, `too_long`)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError(_("Write a message first."), code="empty")})
    if len(text) > MESSAGE_MAX:
        raise ValidationError(
            {
                "text": ValidationError(
                    _("Your message is too long. Keep it under 2000 characters."), code="too_long"
                )
            }
        )
    return text
