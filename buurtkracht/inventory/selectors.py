"""Reads for the inventory: the export rows and the import jobs a person may continue."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from buurtkracht.gifts.models import Resource, TaxonomyItem
from buurtkracht.places.models import Place

from .columns import COLUMN_KEYS
from .models import ImportJob
from .rows import RESOURCE_KIND_NAMES


def import_job_for(*, neighbourhood, viewer, pk: int) -> ImportJob:
    """An import job of this neighbourhood that `viewer` started; anything else is a 404
    (another neighbourhood's or another person's upload looks like it does not exist)."""
    return get_object_or_404(
        ImportJob.objects.select_related("neighbourhood").defer("content"),
        pk=pk,
        neighbourhood=neighbourhood,
        created_by=viewer,
    )


def export_headers() -> list[str]:
    return list(COLUMN_KEYS)


def export_rows(*, neighbourhood) -> Iterator[list]:
    """The neighbourhood's places and the spaces and things they share, one row each, in
    the import's columns. Only place data: nothing about residents."""
    # Resources of a place never have an owner (constraint resource_owner_or_place).
    resources = (
        Resource.objects.filter(kind__in=list(RESOURCE_KIND_NAMES))
        .select_related("item")
        .order_by("kind", "id")
    )
    places = (
        Place.objects.filter(neighbourhood=neighbourhood)
        .order_by("name", "id")
        .prefetch_related(
            Prefetch("items", queryset=TaxonomyItem.objects.only("id", "key")),
            Prefetch("resources", queryset=resources),
        )
    )
    for place in places.iterator(chunk_size=1000):
        yield _row(
            soort_rij="plek",
            naam=place.name,
            type=place.kind,
            adres=place.address,
            postcode=place.postcode,
            breedtegraad=place.latitude,
            lengtegraad=place.longitude,
            aanbod=place.offers,
            openingstijden=place.opening_hours,
            telefoon=place.phone,
            email=place.email,
            website=place.website,
            woorden="; ".join(sorted(item.key for item in place.items.all())),
        )
        for resource in place.resources.all():
            yield _row(
                soort_rij="middel",
                naam=place.name,
                type=RESOURCE_KIND_NAMES[resource.kind],
                aanbod=resource.description,
                woorden=resource.item.key if resource.item is not None else "",
                middel=resource.text,
                uitlenen="ja" if resource.lendable else "nee",
                regels=resource.lending_rules,
                max_dagen=resource.max_days,
            )


def _row(**values) -> list:
    return [values.get(key, "") for key in COLUMN_KEYS]
