"""The neighbourhood's public figures next to its municipality's (issue 19)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import CbsFigure, CbsTable

AGES = ["k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar", "k_45Tot65Jaar", "k_65JaarOfOuder"]
SHOWN = [
    "AantalInwoners",
    "Mannen",
    "Vrouwen",
    *AGES,
    "HuishoudensTotaal",
    "GemiddeldeHuishoudensgrootte",
    "Bevolkingsdichtheid",
    "Woningvoorraad",
    "GemiddeldeWOZWaardeVanWoningen",
    "GemiddeldInkomenPerInwoner",
    "AfstandTotHuisartsenpraktijk",
    "AfstandTotGroteSupermarkt",
    "OppervlakteLand",
]
"""What the neighbourhood page shows, by the measures' names without the year's suffix."""
SHARES = ["Mannen", "Vrouwen", *AGES]
"""Counts of people, charted as shares of the inhabitants (here and in the municipality)."""
TABLES_TRIED = 3


@dataclass(frozen=True)
class Figure:
    base: str
    title: str
    unit: str
    decimals: int
    here: Decimal | None
    municipality: Decimal | None


@dataclass(frozen=True)
class Share:
    title: str
    here: float | None
    municipality: float | None


@dataclass(frozen=True)
class Figures:
    year: int
    title: str
    level: str
    """ "buurt" or "wijk": the region the figures describe."""
    region: str
    figures: list[Figure]
    shares: list[Share]


def regions_of(cbs_code: str) -> tuple[str, str, str]:
    """(buurt, wijk, gemeente) codes from a buurt code "BU03920712"; a wijk code gives no
    buurt ("", "WK039207", "GM0392")."""
    code = cbs_code.strip().upper()
    digits = code[2:]
    buurt = code if code.startswith("BU") and len(digits) == 8 else ""
    wijk = f"WK{digits[:6]}" if len(digits) >= 6 else ""
    return buurt, wijk, f"GM{digits[:4]}" if len(digits) >= 4 else ""


def _shares(figures: dict[str, Figure]) -> list[Share]:
    people = figures.get("AantalInwoners")
    if people is None:
        return []

    def share(value, total):
        return float(value) / float(total) if value is not None and total else None

    return [
        Share(
            figures[base].title,
            share(figures[base].here, people.here),
            share(figures[base].municipality, people.municipality),
        )
        for base in SHARES
        if base in figures
    ]


def neighbourhood_figures(neighbourhood) -> Figures | None:
    """The newest imported year with figures for the neighbourhood's buurt (or else its
    wijk), with the municipality's beside them; None without a CBS code or figures. At
    most TABLES_TRIED queries."""
    buurt, wijk, gemeente = regions_of(neighbourhood.cbs_code or "")
    if not gemeente:
        return None
    for table in CbsTable.objects.all()[:TABLES_TRIED]:
        rows = list(
            CbsFigure.objects.filter(
                measure__table=table,
                region__in=[r for r in (buurt, wijk, gemeente) if r],
                measure__base__in=SHOWN,
            ).select_related("measure")
        )
        found = {(f.measure.base, f.region): f for f in rows}
        here = buurt if any(r == buurt for _b, r in found) else wijk
        if not any(r == here for _b, r in found):
            continue
        figures: dict[str, Figure] = {}
        for base in SHOWN:
            mine, theirs = found.get((base, here)), found.get((base, gemeente))
            either = mine or theirs
            if either is None:
                continue
            measure = either.measure
            figures[base] = Figure(
                base,
                measure.title,
                measure.unit,
                measure.decimals,
                mine.value if mine else None,
                theirs.value if theirs else None,
            )
        return Figures(
            year=table.year,
            title=table.title,
            level="buurt" if here == buurt else "wijk",
            region=here,
            figures=list(figures.values()),
            shares=_shares(figures),
        )
    return None


# --- "Wie is er (nog) niet bij?" ------------------------------------------------------------

MIN_CELL = 5
"""A count below this is never shown ("minder dan 5"), nor a share of it."""
POPULATION_AGES = {
    "15-24": ("k_15Tot25Jaar", "percentagePersonen15Tot25Jaar"),
    "25-44": ("k_25Tot45Jaar", "percentagePersonen25Tot45Jaar"),
    "45-64": ("k_45Tot65Jaar", "percentagePersonen45Tot65Jaar"),
    "65+": ("k_65JaarOfOuder", "percentagePersonen65JaarEnOuder"),
}
"""Our age groups → the CBS measure (a count) or the map's share (a percentage)."""


@dataclass(frozen=True)
class AgeRow:
    group: str
    label: str
    members: int | None
    """None: fewer than MIN_CELL, or hidden so that a hidden count cannot be worked out."""
    share_members: float | None
    share_population: float | None


@dataclass(frozen=True)
class NotYetHere:
    rows: list[AgeRow]
    said: int | None
    """Members who said their age (None when fewer than MIN_CELL)."""
    year: int | None
    level: str


def _suppressed(counts: dict[str, int]) -> dict[str, int | None]:
    """Cells below MIN_CELL hidden; when exactly one is hidden, the next smallest too, so
    that the total minus the others does not give it away."""
    shown: dict[str, int | None] = {g: (n if n >= MIN_CELL else None) for g, n in counts.items()}
    hidden = [g for g, n in shown.items() if n is None]  # 0 looks the same as 1 to 4
    if len(hidden) == 1:
        rest = sorted((n, g) for g, n in shown.items() if n is not None)
        if rest:
            shown[rest[0][1]] = None
    return shown


def _population(neighbourhood) -> tuple[dict[str, float], int | None, str]:
    """Share of each age group among people of 15 and over in the buurt (or wijk): from
    CBS's counts, or from the map's percentages. ({}, None, "") when none are imported."""
    buurt, wijk, _gemeente = regions_of(neighbourhood.cbs_code or "")
    bases = [base for pair in POPULATION_AGES.values() for base in pair]
    rows = CbsFigure.objects.filter(
        region__in=[r for r in (buurt, wijk) if r], measure__base__in=bases, value__isnull=False
    ).values_list("region", "measure__base", "value", "measure__table__year")
    found: dict[tuple[str, str], tuple[float, int]] = {
        (region, base): (float(value), year)
        for region, base, value, year in rows
        if value is not None
    }
    for region in (r for r in (buurt, wijk) if r):
        for which in (0, 1):  # counts first, then percentages
            values = {g: found.get((region, pair[which])) for g, pair in POPULATION_AGES.items()}
            if all(values.values()):
                total = sum(v[0] for v in values.values() if v)
                if total > 0:
                    year = max(v[1] for v in values.values() if v)
                    level = "buurt" if region == buurt else "wijk"
                    return {g: v[0] / total for g, v in values.items() if v}, year, level
    return {}, None, ""


def not_yet_here(neighbourhood) -> NotYetHere:
    """Residents and connectors by age group, as they said it on their profile, next to
    the population of 15 and over in the buurt (CBS). Counts only, one query for them; no
    cell below MIN_CELL and no way to subtract one (`_suppressed`)."""
    from django.db.models import Count

    from buurtkracht.core.choices import Role
    from buurtkracht.people.models import AgeGroup, Profile

    counted = dict(
        Profile.objects.filter(
            user__memberships__neighbourhood=neighbourhood,
            user__memberships__role__in=[Role.RESIDENT, Role.CONNECTOR],
        )
        .exclude(age_group="")
        .values_list("age_group")
        .annotate(n=Count("pk"))
        .values_list("age_group", "n")
    )
    counts = {group: counted.get(group, 0) for group in AgeGroup.values}
    shown = _suppressed(counts)
    said = sum(counts.values())
    population, year, level = _population(neighbourhood)
    rows = [
        AgeRow(
            group=group,
            label=str(label),
            members=shown[group],
            share_members=(shown[group] / said) if shown[group] is not None and said else None,
            share_population=population.get(group),
        )
        for group, label in AgeGroup.choices
    ]
    return NotYetHere(rows=rows, said=said if said >= MIN_CELL else None, year=year, level=level)
