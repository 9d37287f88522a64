"""The kinds of consent a person can give. Later issues read them through people.selectors."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Scope:
    key: str
    title: str | Promise
    explanation: str | Promise


SCOPES: dict[str, Scope] = {
    s.key: s
    for s in [
        Scope(
            "network_names",
            _("Professionals of my neighbourhood may see my name in network overviews."),
            _("Without this, you are an anonymous dot in the network picture."),
        ),
        Scope(
            "connector_outreach",
            _("Connectors may see that I have few contacts yet, so they can introduce me."),
            _("A connector is a neighbour who helps people meet each other."),
        ),
        Scope(
            "connector_arranges",
            _("A connector may ask a neighbour to help me, without asking me first."),
            _(
                "Without this, a connector asks you first each time, and the neighbour is "
                "asked only after your yes."
            ),
        ),
        Scope(
            "safety_net",
            _("If nobody answers my request, a professional may contact me."),
            _("You decide per request. This is the general permission."),
        ),
        Scope(
            "group_count",
            _("I may be counted in a group the neighbourhood wants to connect."),
            _(
                "For example: residents of sheltered housing and their neighbours. "
                "Only numbers, no names."
            ),
        ),
        Scope(
            "guided_account",
            _("A professional may help me with my account and fill in things together with me."),
            _("The professional cannot see your messages and cannot act without you."),
        ),
    ]
}

SCOPE_CHOICES = [(s.key, s.title) for s in SCOPES.values()]


class Method:
    ONLINE = "online"
    PAPER = "paper"
    VERBAL = "verbal"
    CHOICES = [
        (ONLINE, _("online, by the person")),
        (PAPER, _("on paper, signed")),
        (VERBAL, _("said out loud, in person")),
    ]
