"""The columns of the inventory spreadsheet, and how a file's headers are matched to them.

The same columns, in this order, are what the export writes, so an export can be imported
again unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str  # the header the export writes
    label: Promise
    help: Promise
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "soort_rij",
        _("Kind of row"),
        _("plek for a place, middel for a space or thing of a place."),
        aliases=("soortrij", "soortregel", "rijsoort", "regelsoort", "row", "rowkind"),
    ),
    Column(
        "naam",
        _("Name of the place"),
        _("For a space or thing: the name of the place it belongs to."),
        required=True,
        aliases=("name", "plek", "plaats", "organisatie", "locatie", "naamplek"),
    ),
    Column(
        "type",
        _("Type"),
        _("For a place, for example buurthuis or moestuin. For a middel: ruimte or spullen."),
        required=True,
        aliases=("soort", "soortplek", "categorie", "kind", "typeplek"),
    ),
    Column("adres", _("Address"), _("Street and house number."), aliases=("address", "straat")),
    Column("postcode", _("Postcode"), _("For example 2031 AB."), aliases=("postalcode", "zip")),
    Column(
        "breedtegraad",
        _("Latitude"),
        _("For example 52,38. Optional."),
        aliases=("lat", "latitude", "breedte"),
    ),
    Column(
        "lengtegraad",
        _("Longitude"),
        _("For example 4,63. Optional."),
        aliases=("lon", "lng", "long", "longitude", "lengte"),
    ),
    Column(
        "aanbod",
        _("What it offers"),
        _("What you can find or do there. For a middel: a description."),
        aliases=("omschrijving", "beschrijving", "description", "offers", "wat"),
    ),
    Column(
        "openingstijden",
        _("Opening hours"),
        _("For example: Monday to Friday 9:00 to 17:00."),
        aliases=("openingsuren", "geopend", "openinghours", "tijden"),
    ),
    Column("telefoon", _("Phone"), _("Phone number of the place."), aliases=("tel", "phone")),
    Column(
        "email",
        _("E-mail"),
        _("E-mail address of the place."),
        aliases=("emailadres", "mail", "mailadres"),
    ),
    Column("website", _("Website"), _("For example www.delinde.nl."), aliases=("site", "url")),
    Column(
        "woorden",
        _("Words"),
        _("Words from the list of words, separated by ;. For example: koken; fietsen."),
        aliases=("trefwoorden", "tags", "labels", "words", "taxonomie"),
    ),
    Column(
        "middel",
        _("Space or thing"),
        _("Only for a middel: what the place shares, for example Partytent."),
        aliases=("ruimteofspullen", "resource", "ding", "spullen"),
    ),
    Column(
        "uitlenen",
        _("Can be borrowed"),
        _("Only for a middel: ja or nee."),
        aliases=("uitleenbaar", "lenen", "lendable", "uitlenenjanee"),
    ),
    Column(
        "regels",
        _("Rules for borrowing"),
        _("Only for a middel."),
        aliases=("leenregels", "rules", "voorwaarden"),
    ),
    Column(
        "max_dagen",
        _("At most this many days"),
        _("Only for a middel: how many days someone may borrow it."),
        aliases=("maxdagen", "maximaaldagen", "dagen", "maxdays"),
    ),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
REQUIRED_KEYS = tuple(c.key for c in COLUMNS if c.required)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Casefold, drop accents, collapse whitespace: 'Café  De Linde ' -> 'cafe de linde'."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def header_key(text: str) -> str:
    """A header reduced to letters and digits: ' Max. dagen ' -> 'maxdagen'."""
    return _NON_ALNUM.sub("", fold(text))


_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.key, *_column.aliases):
        _LOOKUP.setdefault(header_key(_name), _column.key)


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Column key -> index of the first header that names it (each header used once)."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = _LOOKUP.get(header_key(header))
        if key is not None and key not in mapping:
            mapping[key] = index
    return mapping


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how Excel names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
