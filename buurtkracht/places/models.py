from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    COMMUNITY_CENTRE = "buurthuis", _("community centre")
    GARDEN = "moestuin", _("community garden")
    SCHOOL = "school", _("school")
    SPORTS = "sportclub", _("sports club")
    CHURCH = "kerk", _("church")
    MOSQUE = "moskee", _("mosque")
    LIBRARY = "bibliotheek", _("library")
    GP = "huisartsenpost", _("GP or health centre")
    PLAYGROUND = "speeltuin", _("playground")
    ASSOCIATION = "vereniging", _("association")
    SHOP = "winkel", _("shop or market")
    CARE = "zorg", _("care and welfare")
    OTHER = "anders", _("other")


# The data of a place that people type in, import and export (in this order).
PLACE_DATA_FIELDS = (
    "name",
    "kind",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "offers",
    "opening_hours",
    "phone",
    "email",
    "website",
)


class Place(models.Model):
    """A place, association or institution of the neighbourhood: public information."""

    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="places"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind of place"), max_length=20, choices=PlaceKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    offers = models.TextField(_("what you can find or do here"), max_length=2000, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    items = models.ManyToManyField(
        "gifts.TaxonomyItem", blank=True, related_name="places", verbose_name=_("what it offers")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "name"], name="one_place_per_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


NL_LATITUDE = (50.5, 53.8)
NL_LONGITUDE = (3.2, 7.3)
"""Bounds a postcode-area centre must lie in (the Netherlands, with a margin)."""


class PostcodeArea(models.Model):
    """The centre of a six-character postcode area (PC6), to say how far apart two
    people or a person and a place are ("300 m") without knowing anyone's address.

    National open data (e.g. CBS/PDOK PC6 centroids), loaded with
    `buurtkracht postcodes-import`; the demo makes up centres for its own postcodes.
    """

    postcode = models.CharField(_("postcode"), max_length=6, unique=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)
    source = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=NL_LATITUDE[0], latitude__lte=NL_LATITUDE[1])
                & models.Q(longitude__gte=NL_LONGITUDE[0], longitude__lte=NL_LONGITUDE[1]),
                name="postcode_area_in_the_netherlands",
            )
        ]

    def __str__(self) -> str:
        return self.postcode
