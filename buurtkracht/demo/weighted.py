"""Drawing values with relative weights, quickly (cumulative weights, bisect)."""

from __future__ import annotations

from bisect import bisect
from itertools import accumulate
from random import Random


class Weighted:
    """Values with relative weights, to draw from quickly (cumulative weights, bisect)."""

    def __init__(self, weights: dict | list[tuple]):
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        pairs = [(value, weight) for value, weight in pairs if weight > 0]
        if not pairs:
            raise ValueError("Weighted needs at least one value with a weight above 0")
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: Random):
        return self.values[bisect(self.cumulative, rng.random() * self.total)]
