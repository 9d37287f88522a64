"""The social map (sociale kaart) as Open Referral HSDS 3.1 models it: organisations, their
services, locations, and which service is offered where (issue 19; decision 0055).

Each row keeps its HSDS object in `document` — every field HSDS has, also the ones the
pages do not use yet (funding, capacities, cost options, metadata …) — minus the objects
that are rows of their own (a service's organisation and locations, an organisation's
services and locations). A few fields are columns as well, for searching, ordering and
the pages. Export puts the documents back together in HSDS's shapes, so an import and an
export lose nothing (tests/test_socialmap.py, with HSDS's own examples).

A social map belongs to a municipality (shared by its neighbourhoods) or to one
neighbourhood (`neighbourhood` set). Public information about organisations, no residents'
personal data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def scope_of(*, municipality: str, neighbourhood=None) -> str:
    """The key of one social map: a neighbourhood's, or its municipality's (shared)."""
    if neighbourhood is not None:
        return f"buurt:{getattr(neighbourhood, 'pk', neighbourhood)}"
    return f"gemeente:{municipality.strip().lower()}"


def map_scopes(neighbourhood) -> list[str]:
    """The social maps a neighbourhood shows: its own, and its municipality's."""
    return [
        scope_of(municipality=neighbourhood.municipality, neighbourhood=neighbourhood),
        scope_of(municipality=neighbourhood.municipality),
    ]


class Scoped(models.Model):
    scope = models.CharField(max_length=120, db_index=True)
    """Which social map (`scope_of`); an HSDS id is unique within one."""
    hsds_id = models.CharField(max_length=100)
    """The object's HSDS `id` (usually a UUID), unique within its social map."""
    municipality = models.CharField(_("municipality"), max_length=100)
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", null=True, blank=True, on_delete=models.CASCADE
    )
    """None: the municipality's map, shared by all its neighbourhoods."""
    document = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Organization(Scoped):
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "hsds_id"], name="socialmap_org_once")
        ]

    def __str__(self) -> str:
        return self.name


class Location(Scoped):
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    position = models.PositiveIntegerField(default=0)
    """Its place in the organisation's list of locations (HSDS keeps lists in order)."""
    name = models.CharField(_("name"), max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "hsds_id"], name="socialmap_loc_once")
        ]

    def __str__(self) -> str:
        return self.name or self.hsds_id


NOT_OFFERED = ("inactive", "defunct")
"""HSDS statuses of a service that is not offered (any more): not shown, not reminded."""


class Service(Scoped):
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="services"
    )
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(max_length=30, default="active")
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    """HSDS `assured_date`: when someone last checked that it is right."""
    keeper = models.ForeignKey(
        "neighbourhoods.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("kept up to date by"),
    )
    """The professional or administrator who keeps this entry right, and is reminded
    when nobody checked it for a year (a membership: the reminder links to their
    neighbourhood)."""
    reminded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    """Raised by every change on a page: a save from an older page is refused, so one
    professional's change does not silently undo another's."""

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "hsds_id"], name="socialmap_svc_once")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceTopic(models.Model):
    """One UPL topic of a service (`topics.py`), beside its HSDS document for browsing."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="topics")
    code = models.CharField(max_length=120, db_index=True)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="socialmap_topic_once")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(Scoped):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services_here")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "hsds_id"], name="socialmap_sal_once")
        ]

    def __str__(self) -> str:
        return self.hsds_id


class Correction(models.Model):
    """A resident's suggestion that a service's information is wrong or out of date, for
    the neighbourhood's professionals and administrators to check (issue 19)."""

    TEXT_MAX = 1000

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="corrections")
    neighbourhood = models.ForeignKey("neighbourhoods.Neighbourhood", on_delete=models.CASCADE)
    author = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("what is not right"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"correction {self.pk} of {self.service_id}"
