from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.choices import JoinPolicy, Role


class Module(models.TextChoices):
    GIFTS = "gifts", _("What neighbours offer")
    REQUESTS = "requests", _("Requests and offers")
    TIMEBANK = "timebank", _("Time bank")
    INITIATIVES = "initiatives", _("Initiatives")
    NETWORK = "network", _("Network")
    SOCIAL_MAP = "social_map", _("Social map")
    DIALOGUE = "dialogue", _("Dialogue and stories")


# Every module is built since issue 20 (decision 0043 named some ahead of their pages; the
# social map came with issue 19, dialogue with issue 20): all are offered.
OFFERED_MODULE_CHOICES = list(Module.choices)
OFFERED_MODULES = [value for value, _label in OFFERED_MODULE_CHOICES]


cbs_code_validator = RegexValidator(
    r"^BU\d{8}$",
    _("A CBS neighbourhood code is BU followed by 8 digits, for example BU03920100."),
)

# Top-level URL words that a neighbourhood slug may not take.
RESERVED_SLUGS = frozenset(
    {
        "mijn",
        "account",
        "meedoen",
        "taal",
        "static",
        "inloggen",
        "buurt-starten",
        "media",
        "admin",
        "beheer",
        "health",
        "privacy",
    }
)


class Neighbourhood(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    municipality = models.CharField(_("municipality"), max_length=100)
    cbs_code = models.CharField(
        _("CBS neighbourhood code"), max_length=10, blank=True, validators=[cbs_code_validator]
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    join_policy = models.CharField(
        _("who can join"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    modules = models.JSONField(_("modules"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood")

    def __str__(self) -> str:
        return self.name

    def has_module(self, module: str) -> bool:
        return module in self.modules

    @property
    def module_labels(self) -> list[str]:
        return [label for value, label in OFFERED_MODULE_CHOICES if value in self.modules]


class Sector(models.TextChoices):
    HOUSING = "wonen", _("housing")
    CARE = "zorg", _("care")
    WELFARE = "welzijn", _("welfare")
    SAFETY = "veiligheid", _("safety")
    MUNICIPALITY = "gemeente", _("municipality")
    EDUCATION = "onderwijs", _("education")
    OTHER = "anders", _("other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESIDENT)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["neighbourhood", "joined_at"]
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "neighbourhood"], name="one_membership"),
            models.CheckConstraint(
                condition=~Q(role=Role.PROFESSIONAL) | Q(organisation__isnull=False),
                name="professional_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.neighbourhood_id} ({self.role})"


class Invitation(models.Model):
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="invitations"
    )
    code = models.CharField(max_length=16, unique=True)
    note = models.CharField(_("note for yourself"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("maximum number of uses"), null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=models.F("max_uses")),
                name="invitation_uses_within_max",
            )
        ]

    def __str__(self) -> str:
        return self.code
