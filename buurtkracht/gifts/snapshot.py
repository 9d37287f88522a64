"""A neighbourhood's figures, kept up to date in the background (decision 0029): members
per role, the organisations that back it, and per category how many offer and how many
ask. Counts only, never names: they are shown to anyone. Pages read the stored figures
(`jobs.selectors.stored("stats", …)`); memberships, gifts, resources and wishes changing
send a refresh (`jobs.topics`).

It lives in gifts, not neighbourhoods: the figures count what members offer and ask, and
the layer order puts gifts above neighbourhoods."""

from __future__ import annotations

from django.db.models import Count, Q

from buurtkracht.core.choices import Role


def compute(neighbourhood) -> dict:
    from buurtkracht.neighbourhoods.models import Membership
    from buurtkracht.people.models import Profile

    from .selectors import abundance_counts, item_counts_by_level

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
    names = dict(
        Profile.objects.filter(user__memberships__neighbourhood=neighbourhood)
        .values_list("display_name_visibility")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        **counts,
        "organisations": organisations,
        "abundance": abundance_counts(neighbourhood),
        # Members per choice of who may see their name: the directory's "N more chose not
        # to show their name" without counting a city's profiles per view.
        "names": names,
        # Members' gifts and resources per visibility level: the map's "N more things are
        # hidden" for any viewer (gifts.selectors.hidden_assets).
        "items": item_counts_by_level(neighbourhood),
    }
