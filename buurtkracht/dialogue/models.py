"""A wijkdialoog: residents, organisations and the municipality talk about one theme in a
chosen format (`formats.py`), and keep what came out — the harvest (issue 20, decision
0057)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.choices import Visibility
from buurtkracht.people.consents import Method

from .formats import DEFAULT_FORMAT, FORMAT_CHOICES, REFLECTION_FORMAT_CHOICES

TITLE_MAX = 120
TEXT_MAX = 2000
HARVEST_MAX = 1000


class Dialogue(models.Model):
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="dialogues"
    )
    title = models.CharField(_("theme"), max_length=TITLE_MAX)
    about = models.TextField(_("what it is about"), max_length=TEXT_MAX, blank=True)
    format = models.CharField(
        _("format"), max_length=30, choices=FORMAT_CHOICES, default=DEFAULT_FORMAT
    )
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL)
    address = models.CharField(_("address"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    """None: no limit."""
    joined = models.PositiveIntegerField(default=0)
    """How many signed up: kept with the dialogue, raised only below `capacity`."""
    for_residents = models.BooleanField(_("residents"), default=True)
    for_organisations = models.CharField(_("organisations"), max_length=300, blank=True)
    for_municipality = models.BooleanField(_("the municipality"), default=False)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    everyone_invited_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["neighbourhood", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="dialogue_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(joined__lte=F("capacity")),
                name="dialogue_not_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "user"], name="dialogue_join_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.dialogue_id}"


class Invited(models.Model):
    """Who was invited (once each), by a notification — and their buurtwerker, for those
    who chose to be reached that way."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="invited")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "user"], name="dialogue_invite_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} invited to {self.dialogue_id}"


class Kind(models.TextChoices):
    QUOTE = "quote", _("Quote")
    INSIGHT = "insight", _("Insight")
    DREAM = "dream", _("Dream")
    ACTION = "action", _("Action")


class HarvestItem(models.Model):
    """One thing that came out of a dialogue. A quote is shown only with its speaker's
    consent: anonymous, recorded by whoever wrote it down ("I asked, they agreed"); with
    their name, only once the speaker said yes here (`consent_at`)."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="harvest")
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    step = models.CharField(_("step"), max_length=30, blank=True)
    text = models.TextField(_("text"), max_length=HARVEST_MAX)
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    """A named quote's speaker (asked to agree); None for everything else."""
    consent_method = models.CharField(max_length=10, choices=Method.CHOICES, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    initiative = models.ForeignKey(
        "initiatives.Initiative", null=True, blank=True, on_delete=models.SET_NULL
    )
    """The initiative an action became (owned by the resident who took it up)."""
    task = models.ForeignKey("initiatives.Task", null=True, blank=True, on_delete=models.SET_NULL)
    """Or the task of an initiative it became."""

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="quote") | Q(speaker__isnull=True),
                name="harvest_speaker_only_of_a_quote",
            ),
            models.CheckConstraint(
                condition=Q(initiative__isnull=True) | Q(task__isnull=True),
                name="harvest_initiative_or_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"

    @property
    def shown(self) -> bool:
        return self.kind != Kind.QUOTE or self.consent_at is not None


STORY_MAX = 5000


class Story(models.Model):
    """A resident's story, in their own words or written down by a buurtwerker they told
    it to — then shown only once the teller approved it (`approved_at`). Seen as far as
    the teller chose (`visibility`, decided by `core.access.visible_q`), with their
    consent recorded; the teller can take it back (it is deleted)."""

    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="stories"
    )
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stories"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    """The professional who wrote it down for the teller (None: the teller wrote it)."""
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("story"), max_length=STORY_MAX)
    photo = models.ImageField(_("photo"), upload_to="stories/", blank=True)
    visibility = models.CharField(
        _("who may read it"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    proposed_visibility = models.CharField(max_length=20, choices=Visibility.choices, blank=True)
    """What the buurtwerker who wrote it down proposes; the teller decides."""
    approved_at = models.DateTimeField(null=True, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    """When the teller agreed to show it to more than themselves."""
    consent_method = models.CharField(max_length=10, choices=Method.CHOICES, blank=True)
    initiative = models.ForeignKey(
        "initiatives.Initiative", null=True, blank=True, on_delete=models.SET_NULL
    )
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL)
    dialogue = models.ForeignKey(
        Dialogue, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["neighbourhood", "visibility", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility="private") | Q(consent_at__isnull=False),
                name="story_shared_only_with_consent",
            )
        ]

    def __str__(self) -> str:
        return self.title


class StoryTag(models.Model):
    """A Buurtpower principle or a Movisie lesson a story shows (`principles.py`)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="tags")
    code = models.CharField(max_length=5, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["story", "code"], name="story_tag_once")]

    def __str__(self) -> str:
        return self.code


REFLECTION_ANSWER_MAX = 2000


class Reflection(models.Model):
    """A professional's reflection on their own work, in a format (`formats.py`), about an
    initiative, a dialogue or a request — without residents' names unless they agreed
    (`names_consent_at`). Read by its author, and by the neighbourhood's professionals when
    the author shares it (`for_professionals`)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="reflections"
    )
    format = models.CharField(_("format"), max_length=30, choices=REFLECTION_FORMAT_CHOICES)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    answers = models.JSONField(default=dict)
    """{step code: the author's answer}, in the format's steps."""
    initiative = models.ForeignKey(
        "initiatives.Initiative", null=True, blank=True, on_delete=models.SET_NULL
    )
    dialogue = models.ForeignKey(
        Dialogue, null=True, blank=True, on_delete=models.SET_NULL, related_name="reflections"
    )
    request = models.ForeignKey(
        "exchange.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    for_professionals = models.BooleanField(_("professionals of this neighbourhood may read it"))
    names_consent_at = models.DateTimeField(null=True, blank=True)
    """When the author said the residents they name agreed to it."""
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["neighbourhood", "for_professionals", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class ReflectionTag(models.Model):
    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="tags")
    code = models.CharField(max_length=5, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reflection", "code"], name="reflection_tag_once")
        ]

    def __str__(self) -> str:
        return self.code
