"""The social map's topics: the Dutch government's Uniforme Productnamenlijst (UPL), the
products a municipality offers its residents (issue 19, decision 0056; the list and its
source in socialmap/upl/README.md).

In HSDS a topic is an `attribute` of the service that points to a `taxonomy_term`; the
term's `term_uri` is the UPL's URI, so other tools that know the UPL read it too. The
service's HSDS document keeps its attributes (import and export lose nothing); the
`ServiceTopic` rows beside it are for browsing and filtering."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

UPL_FILE = Path(__file__).parent / "upl" / "UPL_gemeente_burger_2021.csv"
UPL_URI = "http://standaarden.overheid.nl/owms/terms/"
TAXONOMY = {
    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "https://standaarden.overheid.nl/upl")),
    "name": "Uniforme Productnamenlijst",
    "description": "De producten en diensten van de Nederlandse overheid (UPL).",
    "uri": "https://standaarden.overheid.nl/upl",
    "version": "2021",
}
TOPICS_PER_SERVICE = 3


@dataclass(frozen=True)
class Topic:
    code: str
    """The last part of the UPL URI, like "schuldhulpverlening"."""
    name: str

    @property
    def uri(self) -> str:
        return UPL_URI + self.code


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Topic]:
    """Every UPL product for residents, by code, in alphabetical order (a static file)."""
    with UPL_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [
            Topic(code=row["URI"].removeprefix(UPL_URI), name=row["UniformeProductnaam"])
            for row in csv.DictReader(handle)
            if row["URI"].startswith(UPL_URI)
        ]
    return {topic.code: topic for topic in sorted(rows, key=lambda t: t.name)}


def _term_code(attribute) -> str | None:
    """The UPL code an HSDS attribute points to, or None when it is another taxonomy."""
    if not isinstance(attribute, dict):
        return None
    term = attribute.get("taxonomy_term")
    if not isinstance(term, dict):
        return None
    uri = str(term.get("term_uri") or "")
    if uri.startswith(UPL_URI):
        return uri.removeprefix(UPL_URI)
    if term.get("taxonomy_id") == TAXONOMY["id"] and term.get("code"):
        return str(term["code"])
    return None


def topics_of(document: dict) -> list[Topic]:
    """The UPL topics of one service's HSDS document, in its order (known codes only)."""
    known = vocabulary()
    codes = [_term_code(a) for a in document.get("attributes") or []]
    return [known[code] for code in dict.fromkeys(codes) if code in known]


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "buurtkracht-upl/" + "/".join(parts)))


def attribute(*, service_id: str, topic: Topic) -> dict:
    """One topic as HSDS models it: an attribute of the service with its taxonomy term."""
    term_id = _id(topic.code)
    return {
        "id": _id(service_id, topic.code),
        "link_id": service_id,
        "link_type": "topic",
        "link_entity": "service",
        "taxonomy_term_id": term_id,
        "taxonomy_term": {
            "id": term_id,
            "code": topic.code,
            "name": topic.name,
            "description": topic.name,
            "taxonomy": TAXONOMY["name"],
            "taxonomy_id": TAXONOMY["id"],
            "taxonomy_detail": dict(TAXONOMY),
            "term_uri": topic.uri,
        },
    }


def with_topics(document: dict, *, service_id: str, codes: list[str]) -> dict:
    """The document with these UPL topics (in this order) instead of its old ones; the
    attributes from other taxonomies stay as they were."""
    known = vocabulary()
    others = [a for a in document.get("attributes") or [] if _term_code(a) is None]
    ours = [
        attribute(service_id=service_id, topic=known[code])
        for code in dict.fromkeys(codes)
        if code in known
    ]
    return {**document, "attributes": others + ours}
