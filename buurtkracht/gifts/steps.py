"""The steps of "Wat breng jij mee?": each asks for one kind of thing, on its own page.

A step lists taxonomy items whose `kinds` include one of the step's kinds, offers free text,
and one "who may see this?" for what is added in that step.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    key: str  # in the URL
    model: str  # "gift", "resource", "wish" or "time"
    kind: str  # GiftKind / ResourceKind value ("" for wish/time)
    item_kinds: tuple[str, ...]  # which taxonomy kinds to offer
    title: str | Promise
    question: str | Promise
    example: str | Promise


STEPS = [
    Step(
        "hoofd",
        "gift",
        "head",
        ("head", "knowledge"),
        _("Head"),
        _("What do you know about? What have you learned or experienced?"),
        _("For example: bookkeeping, raising children, Arabic, the rules of the municipality."),
    ),
    Step(
        "handen",
        "gift",
        "hands",
        ("hands",),
        _("Hands"),
        _("What can you do with your hands?"),
        _("For example: fixing bikes, cooking, sewing, gardening."),
    ),
    Step(
        "hart",
        "gift",
        "heart",
        ("heart", "interest"),
        _("Heart"),
        _("What do you care about? What do you love to do?"),
        _("For example: a tidy street, keeping someone company, music, football."),
    ),
    Step(
        "tijd",
        "time",
        "",
        (),
        _("Time"),
        _("When do you have time, and how often may people ask you?"),
        _("Tick the parts of the week that suit you. You can change this any time."),
    ),
    Step(
        "delen",
        "resource",
        "",
        ("thing", "space", "network", "knowledge"),
        _("Share"),
        _("What can you share or lend? Whom do you know?"),
        _("For example: a ladder, a drill, your garden, or: I know the caretaker."),
    ),
    Step(
        "hulp",
        "wish",
        "",
        ("head", "hands", "heart", "interest", "time", "thing", "space", "network", "knowledge"),
        _("Help for you"),
        _("Is there something you would like help with, or would like to learn?"),
        _("This is optional. Others only see it if you choose so."),
    ),
]
STEP_BY_KEY = {s.key: s for s in STEPS}


def next_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None
