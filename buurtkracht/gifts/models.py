"""What people bring (gifts), what they can share (resources), when they have time,
what they would like help with (wishes), and bookings of shared spaces and things.

Gifts, resources and wishes belong to a person, not to one neighbourhood: people bring
their gifts wherever they are a member, and each item's visibility decides who sees it
(docs/decisions/0012-gifts-belong-to-people.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.choices import Visibility

TEXT_MAX = 120


class GiftKind(models.TextChoices):
    HEAD = "head", _("Head: what I know")
    HANDS = "hands", _("Hands: what I can do")
    HEART = "heart", _("Heart: what I care about")
    INTEREST = "interest", _("What I like to do")


class ResourceKind(models.TextChoices):
    TIME = "time", _("time")
    KNOWLEDGE = "knowledge", _("knowledge")
    NETWORK = "network", _("people I know")
    SPACE = "space", _("a space")
    THING = "thing", _("a thing")


LENDABLE_KINDS = (ResourceKind.SPACE, ResourceKind.THING)


class TaxonomyCategory(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    label_nl = models.CharField(max_length=80)
    label_en = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]
        verbose_name_plural = "taxonomy categories"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if translation.get_language() == "en" else self.label_nl


class TaxonomyItem(models.Model):
    """One word of the shared vocabulary. Items without a neighbourhood come from
    gifts/data/taxonomy.json; an admin can add items for their own neighbourhood."""

    key = models.SlugField(max_length=80, unique=True)
    category = models.ForeignKey(TaxonomyCategory, on_delete=models.PROTECT, related_name="items")
    label_nl = models.CharField(_("Dutch name"), max_length=80)
    label_en = models.CharField(_("English name"), max_length=80)
    synonyms = models.JSONField(default=list, blank=True)
    kinds = models.JSONField(default=list)
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="taxonomy_items",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["category__position", "label_nl"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if translation.get_language() == "en" else self.label_nl


class _PersonalItem(models.Model):
    """Shared shape: a choice from the taxonomy or free text, and who may see it."""

    item = models.ForeignKey(
        TaxonomyItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("in your own words"), max_length=TEXT_MAX, blank=True)
    visibility = models.CharField(
        _("who may see this?"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.NEIGHBOURHOOD,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.item_id and self.text:
            return f"{self.item.label}: {self.text}"
        return self.item.label if self.item_id else self.text


def _item_or_text(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(item__isnull=False) | ~Q(text=""), name=name)


class Gift(_PersonalItem):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gifts"
    )
    kind = models.CharField(max_length=10, choices=GiftKind.choices)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [_item_or_text("gift_item_or_text")]


class Wish(_PersonalItem):
    """Something a person would like help with or to learn; counted (never named) in the
    neighbourhood's 'scarce' overview."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishes"
    )
    visibility = models.CharField(
        _("who may see this?"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )

    class Meta:
        ordering = ["id"]
        constraints = [_item_or_text("wish_item_or_text")]


class Resource(_PersonalItem):
    """Something to share: knowledge, people one knows, a space or a thing. Spaces and
    things can be lent and booked; they belong to a person or to a place."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="resources",
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    lendable = models.BooleanField(_("others may book or borrow it"), default=False)
    lending_rules = models.TextField(_("rules for borrowing"), max_length=1000, blank=True)
    max_days = models.PositiveSmallIntegerField(_("at most this many days"), null=True, blank=True)
    needs_approval = models.BooleanField(_("I confirm each booking myself"), default=True)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            _item_or_text("resource_item_or_text"),
            models.CheckConstraint(
                condition=Q(owner__isnull=False, place__isnull=True)
                | Q(owner__isnull=True, place__isnull=False),
                name="resource_owner_or_place",
            ),
        ]


class DayPart(models.TextChoices):
    MORNING = "morning", _("morning")
    AFTERNOON = "afternoon", _("afternoon")
    EVENING = "evening", _("evening")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class TimeOffer(models.Model):
    """How much time a person offers: how often they want to be asked at most, and who
    may see their weekly slots."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="time_offer",
    )
    max_asks_per_month = models.PositiveSmallIntegerField(
        _("ask me at most this many times a month"), null=True, blank=True
    )
    visibility = models.CharField(
        _("who may see when I have time?"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.NEIGHBOURHOOD,
    )

    def __str__(self) -> str:
        return f"time of {self.owner_id}"


class AvailabilitySlot(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    daypart = models.CharField(max_length=10, choices=DayPart.choices)

    class Meta:
        ordering = ["weekday", "daypart"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "weekday", "daypart"], name="one_slot"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekday_in_week"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.get_daypart_display()}"


class OfferVector(models.Model):
    """A stored text embedding for the optional semantic matching
    (`buurtkracht.matching.semantic`): offers' and taxonomy entries' texts, keyed by a
    digest of model, kind and text, so equal texts share one row and a new model never
    reads old vectors. Not personal data on its own (no owner); a text nobody offers any
    more is removed by `buurtkracht embed-offers`."""

    digest = models.CharField(max_length=32, primary_key=True)
    vector = models.BinaryField()
    """384 float16 values."""
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.digest
