"""The time bank hears about memberships (`neighbourhoods.signals`, decision 0048) and
hands each to its service: no logic here."""

from __future__ import annotations


def member_joined(sender, *, membership, **_kwargs) -> None:
    from . import services

    services.member_joined(user=membership.user, neighbourhood=membership.neighbourhood)


def member_left(sender, *, actor, user, neighbourhood, **_kwargs) -> None:
    from . import services

    services.member_left(actor=actor, user=user, neighbourhood=neighbourhood)
