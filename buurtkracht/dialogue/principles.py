"""What stories and reflections are tagged with (issue 20): the ten Buurtpower principles
(seed 000, "Grondbeginselen Buurtpower", from DOCK Haarlem's and Pré Wonen's community of
practice) and Movisie's eight lessons on residents' initiatives (seed 002)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Principle:
    code: str
    number: int
    text: object


PRINCIPLES: dict[str, Principle] = {
    p.code: p
    for p in (
        Principle(
            "p1", 1, _("Focus on someone's talent, passion, interest, experience and knowledge.")
        ),
        Principle("p2", 2, _("Strengthen the role of the resident in the community.")),
        Principle(
            "p3",
            3,
            _("A person is strong and vulnerable at the same time, and can always contribute."),
        ),
        Principle(
            "p4", 4, _("Do not care ‘for’ people, but make sure ‘that’. And above all, ask.")
        ),
        Principle("p5", 5, _("Take the time to win trust and make contact.")),
        Principle(
            "p6",
            6,
            _("Be open. Make people feel welcome, be friendly, but also set limits."),
        ),
        Principle(
            "p7",
            7,
            _("Reflect on what you do and take the time for it: learning can take long."),
        ),
        Principle(
            "p8",
            8,
            _("Make the ideas and initiatives of residents and the work of professionals visible."),
        ),
        Principle("p9", 9, _("Give access to help and resources.")),
        Principle(
            "p10",
            10,
            _("Look wide. Only together, from different fields, can you make someone stronger."),
        ),
    )
}

LESSONS: dict[str, Principle] = {
    p.code: p
    for p in (
        Principle("l1", 1, _("Let residents develop activities themselves.")),
        Principle(
            "l2", 2, _("Enthusiasm grows when residents decide for themselves what is possible.")
        ),
        Principle("l3", 3, _("Do not fix everything in advance and do not steer.")),
        Principle("l4", 4, _("Back residents, and look for the right mix of working together.")),
        Principle("l5", 5, _("Help the network of residents grow.")),
        Principle("l6", 6, _("Residents can make professional organisations stronger.")),
        Principle("l7", 7, _("Volunteers' support makes care easier to reach.")),
        Principle("l8", 8, _("Volunteers cannot solve everything.")),
    )
}

PRINCIPLE_CHOICES = [(p.code, format_lazy("{}. {}", p.number, p.text)) for p in PRINCIPLES.values()]
LESSON_CHOICES = [(p.code, format_lazy("{}. {}", p.number, p.text)) for p in LESSONS.values()]
