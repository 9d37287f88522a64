from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.choices import Role, Visibility

from .consents import SCOPE_CHOICES, Method

LANGUAGE_CHOICES = [
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
    ("pl", _("Polish")),
    ("uk", _("Ukrainian")),
    ("ti", _("Tigrinya")),
    ("so", _("Somali")),
    ("zgh", _("Berber (Tamazight)")),
    ("pap", _("Papiamento")),
    ("srn", _("Sranan Tongo")),
    ("fy", _("Frisian")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ngt", _("Dutch Sign Language")),
]

ACCESSIBILITY_CHOICES = [
    ("easy_language", _("I prefer easy language")),
    ("read_aloud", _("I prefer things read aloud or explained")),
    ("low_vision", _("I see poorly")),
    ("hearing", _("I hear poorly")),
    ("wheelchair", _("I use a wheelchair or walker")),
    ("no_stairs", _("I cannot take stairs")),
    ("phone_not_text", _("Call me rather than send text messages")),
]


class AgeGroup(models.TextChoices):
    """The CBS age groups of the Kerncijfers (for adults), so members can be counted next
    to the neighbourhood's population ("Wie is er (nog) niet bij?"; issue 19)."""

    FROM_15 = "15-24", _("15 to 25 years")
    FROM_25 = "25-44", _("25 to 45 years")
    FROM_45 = "45-64", _("45 to 65 years")
    FROM_65 = "65+", _("65 years or older")


class ContactRoute(models.TextChoices):
    """How a person wants to be reached once they said yes to someone (an exchange, an
    introduction). Messages on the platform always work, for everyone."""

    MESSAGES = "messages", _("Send me a message here on Buurtkracht")
    PHONE = "phone", _("Call or text me on my phone number")
    EMAIL = "email", _("Send me an e-mail")
    BUURTWERKER = "buurtwerker", _("Through my buurtwerker: they pass messages on to me")


def name_key(name: str) -> str:
    """A name as people type it to find someone: lower case, accents off, spaces single
    ("Ömer  Şahin" → "omer sahin"). Searched by prefix on an index (`Profile.search_name`)."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(plain.casefold().split())[:60]


def name_starts(queryset, query: str, *, field: str = "search_name"):
    """`queryset` narrowed to the people whose name starts with `query` (as `name_key`
    reads it): a range on the `search_name` index. An empty query narrows nothing."""
    key = name_key(query)
    if not key:
        return queryset
    return queryset.filter(**{f"{field}__gte": key, f"{field}__lt": key + "\uffff"})


class Profile(models.Model):
    """The person behind an account. Each field carries who may see it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    display_name = models.CharField(_("name"), max_length=60)
    display_name_visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.NEIGHBOURHOOD
    )
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    postcode_visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    languages = models.JSONField(_("languages I speak"), default=list, blank=True)
    languages_visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.NEIGHBOURHOOD
    )
    age_group = models.CharField(
        _("my age"), max_length=8, choices=AgeGroup.choices, blank=True, default=""
    )
    """Never shown with the person: only counted, per neighbourhood, in groups of five or
    more (`wijkinfo.selectors.not_yet_here`)."""
    accessibility_needs = models.JSONField(_("what helps me"), default=list, blank=True)
    accessibility_note = models.CharField(
        _("something else that helps me"), max_length=300, blank=True
    )
    accessibility_visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True)
    photo_visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.NEIGHBOURHOOD
    )
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    """Never shown in lists: only the people one said yes to see it, and only when
    `contact_route` is the phone (`people.contact.card`)."""
    contact_route = models.CharField(
        _("how others reach me after a yes"),
        max_length=12,
        choices=ContactRoute.choices,
        default=ContactRoute.MESSAGES,
    )
    updated_at = models.DateTimeField(auto_now=True)
    search_name = models.CharField(max_length=60, blank=True, editable=False)
    """`name_key(display_name)`, kept with the name: finding a neighbour by name reads an
    index range instead of every member's profile."""

    class Meta:
        indexes = [models.Index(fields=["search_name", "user"], name="people_profile_name_idx")]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_name = name_key(self.display_name)
        if kwargs.get("update_fields") is not None and "display_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)


# Profile fields that carry personal data, each with the name of its visibility field.
PROFILE_FIELDS = {
    "display_name": "display_name_visibility",
    "postcode": "postcode_visibility",
    "languages": "languages_visibility",
    "accessibility": "accessibility_visibility",
    "photo": "photo_visibility",
}


class Contact(models.Model):
    """Two people who are in contact (an accepted introduction, a done exchange, ...).

    Stored once per pair with user_a < user_b; it is what Visibility.CONTACTS reads.
    """

    user_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40)
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_a", "user_b"], name="one_contact_per_pair"),
            models.CheckConstraint(
                condition=Q(user_a__lt=models.F("user_b")), name="contact_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"contact {self.user_a_id}-{self.user_b_id}"


class Consent(models.Model):
    """An explicit, dated, withdrawable permission. Withdrawing keeps the record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="consents"
    )
    scope = models.CharField(max_length=40, choices=SCOPE_CHOICES)
    granted_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=Method.CHOICES, default=Method.ONLINE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "neighbourhood", "scope"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} by {self.user_id} in {self.neighbourhood_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class AccessLog(models.Model):
    """A professional, facilitator or admin read named personal data of `subject`."""

    WHAT_CHOICES = [
        ("profile", _("your profile page")),
        ("directory", _("your name in the list of neighbours")),
        ("member_admin", _("your name in the member list, to manage roles")),
        ("guided_list", _("your name in the list of guided accounts")),
        ("login_card", _("your login card")),
        ("gifts", _("what you bring (your talents and what you share)")),
        ("lending", _("your name next to something you lend, or on a booking")),
        ("safety_net", _("your request in the safety net")),
        ("network", _("your name in the network overview")),
        ("network_groups", _("your name in a group the neighbourhood wants to connect")),
        ("initiative", _("your name on the page of an initiative")),
        ("story", _("your name with a story you told")),
        ("dialogue", _("your name in a dialogue: with your words, or to choose who said them")),
    ]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewer_name = models.CharField(max_length=60)
    viewer_role = models.CharField(max_length=20)
    viewer_organisation = models.CharField(max_length=120, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_logs"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="+"
    )
    what = models.CharField(max_length=40, choices=WHAT_CHOICES)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "-at"])]

    def __str__(self) -> str:
        return f"{self.viewer_name} read {self.what} of {self.subject_id}"

    @property
    def viewer_role_label(self) -> str:
        return str(dict(Role.choices).get(self.viewer_role, self.viewer_role))
