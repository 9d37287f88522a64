"""The shared vocabulary: loading gifts/data/taxonomy.json into the database, and the
in-memory lookup index that search (and later matching) use."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "taxonomy.json"


def load_file(path: Path = DATA_FILE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def sync_taxonomy(*, category_model, item_model, data: dict | None = None) -> tuple[int, int]:
    """Create or update the shared (neighbourhood-less) categories and items from the data
    file, by key. Idempotent; items an admin added for a neighbourhood are not touched.
    Works with historical models in a migration. Returns (categories, items) written."""
    data = data or load_file()
    categories = {c.key: c for c in category_model.objects.all()}
    for position, raw in enumerate(data["categories"]):
        category = categories.get(raw["key"]) or category_model(key=raw["key"])
        category.label_nl, category.label_en, category.position = raw["nl"], raw["en"], position
        category.save()
        categories[raw["key"]] = category
    existing = {i.key: i for i in item_model.objects.filter(neighbourhood__isnull=True)}
    new, changed = [], []
    fields = ["category", "label_nl", "label_en", "synonyms", "kinds"]
    for raw_category in data["categories"]:
        category = categories[raw_category["key"]]
        for raw in raw_category["items"]:
            values = {
                "category": category,
                "label_nl": raw["nl"],
                "label_en": raw["en"],
                "synonyms": list(raw["synonyms"]),
                "kinds": list(raw["kinds"]),
            }
            item = existing.get(raw["key"])
            if item is None:
                new.append(item_model(key=raw["key"], **values))
            elif any(getattr(item, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(item, key, value)
                changed.append(item)
    item_model.objects.bulk_create(new, batch_size=500)
    item_model.objects.bulk_update(changed, fields, batch_size=500)
    return len(data["categories"]), len(new) + len(changed)


_lock = threading.Lock()
_version = [0]


def invalidate_index() -> None:
    """Call after the vocabulary changed (an admin added an item)."""
    with _lock:
        _version[0] += 1
    _index.cache_clear()


def _items(neighbourhood_id: int | None):
    from django.db.models import Q

    from .models import TaxonomyItem

    return TaxonomyItem.objects.filter(
        Q(neighbourhood__isnull=True) | Q(neighbourhood_id=neighbourhood_id)
    )


@lru_cache(maxsize=32)
def _index(neighbourhood_id: int | None, version: tuple):
    from .search import TaxonomyEntry, TaxonomyIndex

    items = _items(neighbourhood_id).select_related("category")
    return TaxonomyIndex(
        TaxonomyEntry(
            id=item.pk,
            key=item.key,
            label=item.label_nl,
            label_en=item.label_en,
            synonyms=tuple(item.synonyms),
            category=item.category.key,
        )
        for item in items
    )


def taxonomy_index(neighbourhood=None):
    """The lookup index for a neighbourhood: the shared vocabulary plus its own items.

    Cached per process; the key includes how many words apply and the newest one, read from
    the database, so a word an admin adds is seen by every worker process at once."""
    from django.db.models import Count, Max

    neighbourhood_id = neighbourhood.pk if neighbourhood is not None else None
    state = _items(neighbourhood_id).aggregate(n=Count("id"), newest=Max("id"))
    return _index(neighbourhood_id, (state["n"], state["newest"], _version[0]))
