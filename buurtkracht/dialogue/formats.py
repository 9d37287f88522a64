"""The formats a wijkdialoog can follow: their steps, each with its question, and their
rules, shown to everyone (issue 20). From the method notes in shared/data/methods/dialoog/,
each with its sources; the words here are ours, in plain language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

BASE_RULES = (
    _("Everyone gets a turn and is heard."),
    _("You speak for yourself. You do not think for someone else."),
    _("You do not give advice."),
)
"""Seed 001, on wijkdialogen: the rules of every format."""


@dataclass(frozen=True)
class Step:
    code: str
    title: object
    question: object


@dataclass(frozen=True)
class Format:
    code: str
    name: object
    summary: object
    steps: tuple[Step, ...]
    rules: tuple[object, ...]
    source: str

    @property
    def all_rules(self) -> tuple[object, ...]:
        return BASE_RULES + self.rules

    def step(self, code: str) -> Step | None:
        return next((s for s in self.steps if s.code == code), None)


FORMATS: dict[str, Format] = {
    f.code: f
    for f in (
        Format(
            code="dialoogtafel",
            name=_("Dialogue table"),
            summary=_(
                "Six to eight people at one table talk about one theme in four rounds. "
                "A trained host leads the talk."
            ),
            steps=(
                Step("meet", _("Meet"), _("Who are you, and what brings you here?")),
                Step(
                    "experiences",
                    _("Experiences"),
                    _("Tell about a time when this went well for you."),
                ),
                Step("dreams", _("Dreams"), _("What would it look like at its best?")),
                Step("do", _("Do"), _("What small step will you take yourself?")),
            ),
            rules=(
                _("Let the other person finish."),
                _("Silences are fine."),
                _("Say “I”, not “people”."),
                _("Ask a question before you judge."),
            ),
            source="Nederland in Dialoog: dialoogtafel (leidenindialoog.nl, dieverindialoog.nl)",
        ),
        Format(
            code="world_cafe",
            name=_("World Café"),
            summary=_(
                "Small tables of four or five, like in a café. After each round people move "
                "to another table; one host stays and tells what was said."
            ),
            steps=(
                Step("welcome", _("Welcome"), _("What is the question we talk about today?")),
                Step("round_1", _("First round"), _("What do you see in our neighbourhood?")),
                Step("round_2", _("Second round"), _("What did the table before you find?")),
                Step("round_3", _("Third round"), _("What could we do together?")),
                Step("harvest", _("Harvest"), _("What do we see on all the tables?")),
            ),
            rules=(
                _("Write and draw on the table."),
                _("Listen to find out, not to answer."),
                _("Link ideas to each other."),
            ),
            source="The World Café (theworldcafe.com), seven principles",
        ),
        Format(
            code="appreciative",
            name=_("Appreciative inquiry"),
            summary=_(
                "Start from what already works. In pairs people tell each other stories, "
                "then dream, plan and start together."
            ),
            steps=(
                Step(
                    "discover",
                    _("Discover"),
                    _("Tell about a moment when it already worked. What made it possible?"),
                ),
                Step("dream", _("Dream"), _("What would it look like if that was normal?")),
                Step("design", _("Design"), _("What do we need for it, and who has it?")),
                Step("deliver", _("Deliver"), _("Who takes the first step, and when?")),
            ),
            rules=(
                _("Look for what works, not for what is wrong."),
                _("Every story counts."),
            ),
            source="Appreciative Inquiry, 4D cycle (positivechange.org, boommanagement.nl)",
        ),
        Format(
            code="listening_circle",
            name=_("Listening circle"),
            summary=_(
                "Everyone sits in a circle. There is no agenda and no decision: the group "
                "listens for what things mean to each other."
            ),
            steps=(
                Step("open", _("Opening"), _("Why are we here, and what is a dialogue?")),
                Step("listen", _("Listening"), _("What do you hear in what others say?")),
                Step("close", _("Closing"), _("What do you take home with you?")),
            ),
            rules=(
                _("Nobody leads and there is no agenda."),
                _("Notice your opinion, and let it wait."),
                _("We decide nothing here."),
            ),
            source="David Bohm, On Dialogue (dialogue as a free flow of meaning)",
        ),
    )
}
DEFAULT_FORMAT = "dialoogtafel"
FORMAT_CHOICES = [(f.code, f.name) for f in FORMATS.values()]
