"""The time bank's monthly figures, kept up to date in the background (decision 0029):
every transfer of the last year read once per change, not per view of the page."""

from __future__ import annotations


def compute(neighbourhood) -> dict:
    from .selectors import monthly

    return {
        "months": [
            {
                "month": m.month.isoformat(),
                "minutes": m.minutes,
                "givers": m.givers,
                "receivers": m.receivers,
                "both": m.both,
            }
            for m in monthly(neighbourhood=neighbourhood)
        ]
    }
