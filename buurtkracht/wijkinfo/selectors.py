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
