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


# --- reflection and intervisie ----------------------------------------------------------------
# From shared/data/methods/reflectie/ and intervisie/, in our own words.

REFLECTION_FORMATS: dict[str, Format] = {
    f.code: f
    for f in (
        Format(
            code="buurtkracht",
            name=_("Short reflection"),
            summary=_("Five questions about one thing you did."),
            steps=(
                Step("situation", _("Situation"), _("What happened, where, and who was there?")),
                Step("did", _("What I did"), _("What did you do or say, and why?")),
                Step("worked", _("What worked"), _("What went well? How did you notice?")),
                Step("not_worked", _("What did not work"), _("What went less well, and why?")),
                Step("next", _("What next"), _("What will you do next time?")),
            ),
            rules=(),
            source="Buurtkracht (issue 20)",
        ),
        Format(
            code="starr",
            name=_("STARR"),
            summary=_("Situation, task, action, result and reflection on one moment."),
            steps=(
                Step("situation", _("Situation"), _("When and where was it, and who took part?")),
                Step("task", _("Task"), _("What was your role, and what did you want to reach?")),
                Step("action", _("Action"), _("What did you do and say?")),
                Step("result", _("Result"), _("What came of it, and how did others react?")),
                Step(
                    "reflection", _("Reflection"), _("What did you learn? What would you change?")
                ),
            ),
            rules=(),
            source="STARR (Kraal & Van den Heuvel 2008; studententip.nl, edufit.nl)",
        ),
        Format(
            code="korthagen",
            name=_("Korthagen's cycle"),
            summary=_("Five phases, from doing to trying something new."),
            steps=(
                Step("action", _("Doing"), _("What did you want to reach, and what did you do?")),
                Step(
                    "looking_back",
                    _("Looking back"),
                    _("What did you see, do, think and feel? And the others?"),
                ),
                Step(
                    "essence",
                    _("What matters"),
                    _("What does this mean for you? What is the core?"),
                ),
                Step("alternatives", _("Other ways"), _("Which other ways do you see?")),
                Step("trial", _("Trying"), _("What will you try next time?")),
            ),
            rules=(),
            source="F. Korthagen, ALACT reflection cycle",
        ),
    )
}

INTERVISION_METHODS: dict[str, Format] = {
    f.code: f
    for f in (
        Format(
            code="incident",
            name=_("Incident method"),
            summary=_("One member brings a recent event; the others ask, think and advise."),
            steps=(
                Step("choose", _("Choose the event"), _("Which event do we talk about?")),
                Step("sketch", _("Sketch it"), _("What was the situation?")),
                Step("questions", _("Questions"), _("What do we need to know? Facts only.")),
                Step("analysis", _("Analysis"), _("What is going on here?")),
                Step("positions", _("What would I do?"), _("Each writes what they would do.")),
                Step("what_happened", _("What they did"), _("What did the member really do?")),
                Step("evaluation", _("Evaluation"), _("What do we take with us?")),
            ),
            rules=(_("First questions, then advice."),),
            source="Incidentmethode (Movisie; eenmeesterinleren.nl)",
        ),
        Format(
            code="gossip",
            name=_("Gossip method"),
            summary=_(
                "The member tells their case, then turns away and listens while the others "
                "talk about it."
            ),
            steps=(
                Step("case", _("The case"), _("What is the case, and how does it feel?")),
                Step("questions", _("Questions"), _("What do we want to know more about?")),
                Step("gossip", _("Talk about it"), _("What do we think? The member only listens.")),
                Step("decide", _("The member decides"), _("What will you do with it?")),
                Step("evaluation", _("Evaluation"), _("How did this go?")),
            ),
            rules=(_("The member who brought the case listens and does not react."),),
            source="Roddelmethode (Movisie, 11 steps)",
        ),
        Format(
            code="balint",
            name=_("Balint method"),
            summary=_("About how a working relation feels: the group shares what the case stirs."),
            steps=(
                Step("case", _("The case"), _("Which working relation is on your mind?")),
                Step("questions", _("Questions"), _("Short questions to understand it.")),
                Step("feelings", _("What it stirs"), _("What do you feel when you hear this?")),
                Step("reaction", _("The member reacts"), _("What did you hear that helps?")),
            ),
            rules=(_("Feelings count here, not solutions."),),
            source="Balintmethode (intervisie)",
        ),
    )
}
REFLECTION_FORMAT_CHOICES = [(f.code, f.name) for f in REFLECTION_FORMATS.values()]
INTERVISION_CHOICES = [(f.code, f.name) for f in INTERVISION_METHODS.values()]
