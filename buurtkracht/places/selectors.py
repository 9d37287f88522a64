from dataclasses import dataclass

from django.db.models import QuerySet

from buurtkracht.core import access
from buurtkracht.gifts import selectors as gift_selectors
from buurtkracht.gifts.search import Document, DocumentIndex
from buurtkracht.gifts.taxonomy import taxonomy_index
from buurtkracht.matching.index import neighbourhood_index

from .models import Place


def places_of(*, neighbourhood, kind: str = "") -> QuerySet[Place]:
    places = Place.objects.filter(neighbourhood=neighbourhood).prefetch_related("items")
    return places.filter(kind=kind) if kind else places


def map_points(places) -> list[dict]:
    """Markers for the map script: public place data only."""
    return [
        {
            "name": p.name,
            "lat": float(p.latitude),
            "lon": float(p.longitude),
            "id": p.pk,
            "kind": p.get_kind_display(),
        }
        for p in places
        if p.has_location
    ]


PLACES_SHOWN = 500
SEARCH_PAGE = 50


@dataclass
class MapResult:
    places: list
    assets: list
    hidden: int
    more: str = ""
    """Where the next page of assets starts: a cursor without a search, an offset with one
    ("" on the last page)."""


def _found_places(places, query: str, taxonomy) -> list:
    documents = [
        Document(
            id=str(p.pk),
            title=p.name,
            text=f"{p.get_kind_display()} {p.offers} {p.address}",
            item_ids=tuple(i.pk for i in p.items.all()),
        )
        for p in places
    ]
    hits = DocumentIndex(documents).search(query, taxonomy=taxonomy, limit=200)
    by_id = {str(p.pk): p for p in places}
    return [by_id[hit.id] for hit in hits]


def _found_assets(*, viewer, neighbourhood, query: str, start: int, limit: int):
    """(kind, id) of the gifts and resources that match `query`, best first, that the
    viewer may see by the matching index (the warm index of everyone's offers, rebuilt
    from the database when it changes): page `start`…`start + limit`, and whether there
    is more. The index finds; the database decides what is shown (assets_by_ids)."""
    index = neighbourhood_index(neighbourhood)
    levels, contacts = access.matching_scope(viewer, neighbourhood=neighbourhood)
    wanted = start + limit + 1
    matches = index.matches(query, limit=wanted, levels=levels, contacts=contacts)
    ids: list[tuple[str, int]] = []
    for match in matches:
        keys = set(match.keys)
        for item in index.items(match.user_id):
            visible = item.visibility in levels or (
                item.visibility == "contacts" and match.user_id in contacts
            )
            if visible and (item.item_id, item.text) in keys:
                ids.append((item.kind, item.id))
        if len(ids) >= wanted:
            break
    return ids[start : start + limit], len(ids) > start + limit


def search(
    *, viewer, membership, neighbourhood, query: str, kind: str = "", more: str = ""
) -> MapResult:
    """Places and the viewer-visible gifts and resources (Dutch stemming, compounds, the
    taxonomy's synonyms): without a search the newest first, a page at a time; with one,
    the best matches from the matching index, a page at a time. Never a scan of every
    gift in the neighbourhood per view."""
    places = list(places_of(neighbourhood=neighbourhood, kind=kind)[:PLACES_SHOWN])
    hidden = gift_selectors.hidden_assets(viewer=viewer, neighbourhood=neighbourhood)
    if not query:
        assets, cursor = gift_selectors.newest_assets(
            viewer=viewer, membership=membership, neighbourhood=neighbourhood, after=more
        )
        return MapResult(places=places, assets=assets, hidden=hidden, more=cursor)
    start = int(more) if more.isdigit() else 0
    ids, further = _found_assets(
        viewer=viewer, neighbourhood=neighbourhood, query=query, start=start, limit=SEARCH_PAGE
    )
    assets = gift_selectors.assets_by_ids(
        viewer=viewer, membership=membership, neighbourhood=neighbourhood, ids=ids
    )
    return MapResult(
        places=_found_places(places, query, taxonomy_index(neighbourhood)) if not start else [],
        assets=assets,
        hidden=hidden,
        more=str(start + SEARCH_PAGE) if further else "",
    )
