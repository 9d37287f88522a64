"""Keeping the stored offer vectors (`gifts.OfferVector`) in step with what is offered: the
job and command that embed new texts and drop the ones nobody offers any more. Apart from
`semantic` (which reads vectors while a page waits) because it reads the matching index,
which in turn uses `semantic`."""

from __future__ import annotations

from .semantic import PASSAGE, QUERY, _read, digest, entry_text, store


def refresh(*, prune: bool = True) -> dict[str, int]:
    """Store the vectors of every neighbourhood's offers (as the matching index holds
    them: members' non-private gifts and resources) and taxonomy entries; with `prune`,
    delete the vectors of texts nobody offers any more (a deleted or now private gift's
    words do not linger). Returns counts: embedded, kept, removed."""
    from buurtkracht.gifts.models import OfferVector
    from buurtkracht.neighbourhoods.models import Neighbourhood

    from .index import NeighbourhoodIndex

    wanted: dict[str, set[str]] = {PASSAGE: set(), QUERY: set()}
    for hood in Neighbourhood.objects.order_by("pk"):
        index = NeighbourhoodIndex.build(hood)
        offers = index.offer_texts
        wanted[PASSAGE].update(offers)
        wanted[QUERY].update(offers)
        wanted[PASSAGE].update(entry_text(entry) for entry in index.taxonomy.entries)
    embedded = sum(store(kind, sorted(texts)) for kind, texts in wanted.items())
    removed = 0
    keep = {digest(kind, text) for kind, texts in wanted.items() for text in texts}
    if prune:
        stale = [
            key
            for key in OfferVector.objects.values_list("digest", flat=True).iterator()
            if key not in keep
        ]
        for start in range(0, len(stale), 500):
            removed += OfferVector.objects.filter(digest__in=stale[start : start + 500]).delete()[0]
        _read.drop(stale)
    return {"embedded": embedded, "kept": len(keep) - embedded, "removed": removed}
