import re
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import escape


def dutch(msgid: str) -> str:
    """The Dutch catalogue's text for `msgid`, HTML-escaped as a template shows it; fails
    when the catalogue has no translation, so tests also prove the Dutch is there."""
    with translation.override("nl"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Dutch translation for {msgid!r}"
    return escape(text)


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def error_codes(error) -> set:
    """The codes of a ValidationError, of every field's errors too."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


@contextmanager
def refused(code: str):
    """A service refuses with a ValidationError carrying `code` (not a Dutch fragment)."""
    with pytest.raises(ValidationError) as caught:
        yield caught
    assert code in error_codes(caught.value), (error_codes(caught.value), caught.value)
