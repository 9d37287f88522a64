import re

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
