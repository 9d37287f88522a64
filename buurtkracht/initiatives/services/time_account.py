"""The initiative's time bank account: neighbours give it time (decision 0025). Owners
thanking people with its time is the time bank's `initiative_give`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from buurtkracht.timebank import services as timebank

from ..models import Initiative
from .base import require_open

if TYPE_CHECKING:
    from buurtkracht.neighbourhoods.models import Membership


def time_donate(
    *,
    actor,
    initiative: Initiative,
    minutes,
    key: str | None = None,
    membership: Membership | None,
):
    """A member of the neighbourhood gives time to the initiative (its time bank account);
    `membership`: the giver's in the initiative's neighbourhood."""
    require_open(initiative)
    account = timebank.initiative_account(initiative)
    return timebank.donate(
        actor=actor,
        neighbourhood=initiative.neighbourhood,
        to_account=account,
        minutes=minutes,
        key=key,
        membership=membership,
    )
