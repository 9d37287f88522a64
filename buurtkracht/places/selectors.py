import math

from django.db.models import QuerySet

from buurtkracht.gifts import selectors as gift_selectors
from buurtkracht.gifts.search import Document, DocumentIndex
from buurtkracht.gifts.taxonomy import taxonomy_index

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


def search(*, viewer, membership, neighbourhood, query: str, kind: str = ""):
    """Places and the viewer-visible gifts and resources that match `query` (Dutch stemming,
    compounds, the taxonomy's synonyms). Returns (places, asset rows, hidden count)."""
    places = list(places_of(neighbourhood=neighbourhood, kind=kind))
    assets, hidden = gift_selectors.visible_assets(
        viewer=viewer, membership=membership, neighbourhood=neighbourhood, limit=5000
    )
    if not query:
        return places, assets, hidden
    documents = [
        Document(
            id=f"place:{p.pk}",
            title=p.name,
            text=f"{p.get_kind_display()} {p.offers} {p.address}",
            item_ids=tuple(i.pk for i in p.items.all()),
        )
        for p in places
    ]
    documents += [
        Document(
            id=f"{row.kind}:{row.obj.pk}",
            title=row.obj.label,
            text=" ".join(
                filter(
                    None,
                    [
                        getattr(row.obj, "description", ""),
                        row.obj.item.category.label if row.obj.item_id else "",
                    ],
                )
            ),
            item_ids=(row.obj.item_id,) if row.obj.item_id else (),
        )
        for row in assets
    ]
    hits = DocumentIndex(documents).search(query, taxonomy=taxonomy_index(neighbourhood), limit=200)
    order = {hit.id: n for n, hit in enumerate(hits)}
    found_places = sorted(
        (p for p in places if f"place:{p.pk}" in order), key=lambda p: order[f"place:{p.pk}"]
    )
    found_assets = sorted(
        (r for r in assets if f"{r.kind}:{r.obj.pk}" in order),
        key=lambda r: order[f"{r.kind}:{r.obj.pk}"],
    )
    return found_places, found_assets, hidden


def postcode_points(postcodes) -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of the centre of each known postcode area, in one query."""
    from .models import PostcodeArea

    wanted = {pc for pc in postcodes if pc}
    if not wanted:
        return {}
    return {
        pc: (float(lat), float(lon))
        for pc, lat, lon in PostcodeArea.objects.filter(postcode__in=wanted).values_list(
            "postcode", "latitude", "longitude"
        )
    }


EARTH_RADIUS_M = 6_371_000.0


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
