"""A neighbourhood's figures, kept up to date in the background (decision 0029): members
per role, the organisations that back it, and per category how many offer and how many
ask. Counts only, never names: they are shown to anyone. Pages read the stored figures
(`jobs.selectors.stored("stats", …)`); memberships, gifts, resources and wishes changing
send a refresh (`jobs.topics`)."""

from __future__ import annotations

from django.db.models import Count, Q

from buurtkracht.core.choices import Role


def compute(neighbourhood) -> dict:
    from buurtkracht.gifts.selectors import abundance_counts

    from .models import Membership

    counts = Membership.objects.filter(neighbourhood=neighbourhood).aggregate(
        members=Count("id"),
        residents=Count("id", filter=Q(role=Role.RESIDENT)),
        connectors=Count("id", filter=Q(role=Role.CONNECTOR)),
        professionals=Count("id", filter=Q(role=Role.PROFESSIONAL)),
    )
    organisations = sorted(
        set(
            Membership.objects.filter(
                neighbourhood=neighbourhood, organisation__isnull=False
            ).values_list("organisation__name", flat=True)
        )
    )
    return {**counts, "organisations": organisations, "abundance": abundance_counts(neighbourhood)}
