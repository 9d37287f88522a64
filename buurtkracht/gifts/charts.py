"""Server-rendered bar charts (SVG): no JavaScript, also in print."""

from dataclasses import dataclass

from .selectors import CategoryBalance

ROW = 44  # px per category: two bars and room between
BAR = 14
LABEL_WIDTH = 0  # labels sit above the bars, so the chart fits 320 px screens
WIDTH = 300


@dataclass(frozen=True)
class ChartRow:
    balance: CategoryBalance
    y: int
    offered_width: float
    asked_width: float

    @property
    def offered_label_x(self) -> float:
        return self.offered_width + 4

    @property
    def asked_label_x(self) -> float:
        return self.asked_width + 4


@dataclass(frozen=True)
class BalanceChart:
    rows: list[ChartRow]
    width: int
    height: int
    max_value: int


def balance_chart(balances: list[CategoryBalance]) -> BalanceChart | None:
    if not balances:
        return None
    rows_sorted = sorted(balances, key=lambda b: (-(b.offered + b.asked), b.label))
    top = max(max(b.offered, b.asked) for b in rows_sorted) or 1
    usable = WIDTH - 48  # room for the number after the bar
    rows = [
        ChartRow(
            balance=b,
            y=i * (ROW + 18),
            offered_width=round(usable * b.offered / top, 1),
            asked_width=round(usable * b.asked / top, 1),
        )
        for i, b in enumerate(rows_sorted)
    ]
    return BalanceChart(rows=rows, width=WIDTH, height=len(rows) * (ROW + 18), max_value=top)
