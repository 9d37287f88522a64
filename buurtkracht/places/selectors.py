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
