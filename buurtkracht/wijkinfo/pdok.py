"""Address or postcode → CBS buurt code, through PDOK's Locatieserver (`/free`; issue 19).

A small client on the standard library: one GET with a short timeout, the answer read as
the Locatieserver's envelope. Every failure — no network, a timeout, HTTP 400 or 500, an
answer that is not the envelope — becomes `Unreachable` or `NotFound` with a Dutch message,
never a traceback. Tests give `opener` a recorded response (no network in tests)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

BASE_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
TIMEOUT_S = 5
FIELDS = (
    "weergavenaam,postcode,buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam,"
    "centroide_ll"
)
POSTCODE = re.compile(r"^\s*(\d{4})\s?([A-Za-z]{2})\s*$")
POINT = re.compile(r"POINT\(([-\d.]+) ([-\d.]+)\)")


class PdokError(Exception):
    """A lookup that gave no buurt; `str()` is the Dutch message for the person."""


class Unreachable(PdokError):
    pass


class NotFound(PdokError):
    pass


@dataclass(frozen=True)
class Found:
    label: str
    buurtcode: str
    buurtnaam: str
    wijkcode: str
    gemeentecode: str
    gemeentenaam: str
    latitude: float | None
    longitude: float | None


def _query(text: str, housenumber: str = "") -> str:
    postcode = POSTCODE.match(text)
    if postcode:
        query = f"postcode:{postcode.group(1)}{postcode.group(2).upper()}"
        return f"{query} and huisnummer:{housenumber}" if housenumber else query
    return text.strip()


def _open(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 - https only
        return response.read()


def find_buurt(text: str, *, housenumber: str = "", opener=None) -> Found:
    """The buurt of a postcode ("2031 AB", with a house number if given) or an address
    ("Lindenplein 1 Haarlem"). Raises NotFound or Unreachable (Dutch messages)."""
    query = _query(text[:200], housenumber.strip()[:10])
    if not query:
        raise NotFound(_("Type a postcode or an address."))
    base = getattr(settings, "BUURTKRACHT_PDOK_URL", BASE_URL)
    url = f"{base}/free?" + urllib.parse.urlencode(
        {"q": query, "fl": FIELDS, "fq": "type:(adres OR postcode)", "rows": 1}
    )
    try:
        body = (opener or _open)(url)
    except urllib.error.HTTPError as error:
        raise Unreachable(
            _("The address service answered with an error (%(code)s). Try again later.")
            % {"code": error.code}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise Unreachable(
            _("The address service (PDOK) cannot be reached now. Try again later.")
        ) from None
    try:
        docs = json.loads(body)["response"]["docs"]
    except (ValueError, KeyError, TypeError):
        raise Unreachable(_("The address service gave an answer we cannot read.")) from None
    found = next((d for d in docs if isinstance(d, dict) and d.get("buurtcode")), None)
    if found is None:
        raise NotFound(_("No buurt was found for “%(text)s”.") % {"text": text.strip()[:60]})
    point = POINT.match(str(found.get("centroide_ll", "")))
    return Found(
        label=str(found.get("weergavenaam", "")),
        buurtcode=str(found["buurtcode"]),
        buurtnaam=str(found.get("buurtnaam", "")),
        wijkcode=str(found.get("wijkcode", "")),
        gemeentecode="GM" + str(found.get("gemeentecode", "")).removeprefix("GM"),
        gemeentenaam=str(found.get("gemeentenaam", "")),
        longitude=float(point.group(1)) if point else None,
        latitude=float(point.group(2)) if point else None,
    )
