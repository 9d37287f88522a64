"""Shares of the inhabitants here and in the municipality, as a server-rendered SVG bar
chart (no JavaScript, also on paper); the figures table beside it holds the same data."""

from __future__ import annotations

from dataclasses import dataclass

from .selectors import Share

WIDTH = 300  # fits a 320 px screen
ROW = 52  # a label line and two bars
BAR = 14


@dataclass(frozen=True)
class Bar:
    y: int
    width: float
    label: str

    # SVG numbers as text, never localised ("12,5" is no SVG length).
    @property
    def width_svg(self) -> str:
        return f"{self.width:.1f}"

    @property
    def label_x(self) -> str:
        return f"{self.width + 4:.1f}"

    @property
    def label_y(self) -> int:
        return self.y + 12


@dataclass(frozen=True)
class ChartRow:
    title: str
    title_y: int
    here: Bar | None
    municipality: Bar | None

    @property
    def bars(self) -> list[tuple[Bar, str]]:
        """(bar, colour): here in green, the municipality in orange (as the legend)."""
        pairs = [(self.here, "#0b5e4a"), (self.municipality, "#b35900")]
        return [(bar, colour) for bar, colour in pairs if bar is not None]


@dataclass(frozen=True)
class ShareChart:
    rows: list[ChartRow]
    width: int
    height: int


def _bar(value: float | None, y: int) -> Bar | None:
    if value is None:
        return None
    percent = round(value * 100)
    return Bar(y=y, width=max(1.0, value * (WIDTH - 60)), label=f"{percent}%")


def share_chart(shares: list[Share]) -> ShareChart | None:
    rows = []
    for n, share in enumerate(s for s in shares if s.here is not None or s.municipality):
        top = n * ROW
        rows.append(
            ChartRow(
                title=share.title,
                title_y=top + 12,
                here=_bar(share.here, top + 18),
                municipality=_bar(share.municipality, top + 18 + BAR + 2),
            )
        )
    if not rows:
        return None
    return ShareChart(rows=rows, width=WIDTH, height=len(rows) * ROW)
