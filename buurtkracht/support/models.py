"""The safety net (rule 8) and its per-neighbourhood setting.

A request nobody took up, or one that needs more than a neighbour can give, reaches the
neighbourhood's professionals as a SafetyNetCase, only with the requester's consent.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.models import ThreadMessage

SAFETY_NET_DAYS_DEFAULT = 7
SAFETY_NET_DAYS_MIN = 1
SAFETY_NET_DAYS_MAX = 60
NOTE_MAX = 1000


class SupportSettings(models.Model):
    """Kept here rather than on Neighbourhood so the support app owns its own setting."""

    neighbourhood = models.OneToOneField(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="support_settings"
    )
    safety_net_days = models.PositiveSmallIntegerField(
        _("days before an open request goes to the safety net"),
        default=SAFETY_NET_DAYS_DEFAULT,
        validators=[
            MinValueValidator(SAFETY_NET_DAYS_MIN),
            MaxValueValidator(SAFETY_NET_DAYS_MAX),
        ],
    )

    class Meta:
        verbose_name_plural = "support settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(safety_net_days__gte=SAFETY_NET_DAYS_MIN)
                & Q(safety_net_days__lte=SAFETY_NET_DAYS_MAX),
                name="safety_net_days_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"support settings of {self.neighbourhood_id}"


class CaseStatus(models.TextChoices):
    NEW = "new", _("new")
    CONTACTED = "contacted", _("contacted")
    REFERRED = "referred", _("referred to a place")
    CLOSED = "closed", _("closed")


class CaseReason(models.TextChoices):
    WAITED = "waited", _("nobody took it up")
    NEEDS_MORE = "needs_more", _("needs more than a neighbour can give")


class SafetyNetCase(models.Model):
    post = models.OneToOneField(
        "exchange.Post", on_delete=models.CASCADE, related_name="safety_net_case"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="safety_net_cases"
    )
    reason = models.CharField(max_length=12, choices=CaseReason.choices)
    opened_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    referred_place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["opened_at", "id"]
        indexes = [models.Index(fields=["neighbourhood", "status"])]

    def __str__(self) -> str:
        return f"safety net case {self.pk}"


class SafetyNetMessage(ThreadMessage):
    """A message between the resident whose request is a case and the professionals who
    handle it: the route for residents who chose to be reached here (and their buurtwerker,
    who is told), and the record of what was said."""

    case = models.ForeignKey(SafetyNetCase, on_delete=models.CASCADE, related_name="messages")


class DutyPause(models.Model):
    """A professional who is not on safety-net duty in a neighbourhood now (on leave, other
    work): new cases are not announced to them. No row: on duty."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="+"
    )
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "neighbourhood"], name="one_duty_pause")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} off duty in {self.neighbourhood_id}"
