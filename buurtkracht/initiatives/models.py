"""Resident initiatives: owned by residents (at least one owner, always), with members,
tasks and roles that people carry, and activities people sign up for.

An activity's seats are the database's business: `Activity.confirmed` counts confirmed
sign-ups and a CHECK keeps it at or below `capacity`; `services.sign_up` takes a seat with
one conditional UPDATE (`confirmed < capacity`), so two people cannot take the last seat
at the same moment — the second lands on the waiting list."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from buurtkracht.exchange.models import Invitation
from buurtkracht.neighbourhoods.models import Neighbourhood

NAME_MAX = 120
TEXT_MAX = 2000


class Initiative(models.Model):
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="initiatives"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    what_and_why = models.TextField(_("what and why"), max_length=TEXT_MAX)
    for_whom = models.CharField(_("for whom"), max_length=300, blank=True)
    place = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
        verbose_name=_("place"),
    )
    address = models.CharField(_("or an address"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to="initiatives/", blank=True)
    """Checked and re-encoded on upload (`core/photos.py`): no EXIF, so no location."""
    is_open = models.BooleanField(default=True)
    """False once an owner has closed it."""
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "name"], name="one_initiative_name_per_neighbourhood"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("owner")
    MEMBER = "member", _("member")
    ASKED = "asked", _("asked to join")


class Involvement(models.Model):
    """Who belongs to an initiative, and how: owner, member, or asked to join."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiatives"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "user"], name="one_involvement")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.initiative_id} ({self.role})"


class Recurrence(models.TextChoices):
    ONCE = "once", _("once")
    WEEKLY = "weekly", _("every week")
    MONTHLY = "monthly", _("every month")
    ONGOING = "ongoing", _("ongoing role")


class Task(models.Model):
    """A task or role ("sleutel beheren", "koffie zetten op dinsdag", "penningmeester")."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task or role"), max_length=NAME_MAX)
    recurrence = models.CharField(
        _("how often"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    minutes = models.PositiveIntegerField(
        _("time it takes (minutes each time)"), null=True, blank=True
    )
    carried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiative_tasks",
    )
    """Who carries it; None: open, someone is welcome to take it."""
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.carried_by_id is None


class Activity(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("what"), max_length=NAME_MAX)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("place"),
    )
    address = models.CharField(_("or an address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    confirmed = models.PositiveIntegerField(default=0)
    """Confirmed sign-ups; the CHECK below keeps it within the capacity."""
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(confirmed__lte=F("capacity")),
                name="activity_not_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def where(self) -> str:
        if self.place_id:
            return self.place.name + (f", {self.place.address}" if self.place.address else "")
        return self.address


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("signed up")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


class SignUp(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sign_ups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ups"
    )
    status = models.CharField(max_length=10, choices=SignUpStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "user"], name="one_sign_up")]

    def __str__(self) -> str:
        return f"{self.user_id} for {self.activity_id}: {self.status}"


class SupportKind(models.TextChoices):
    SPACE = "space", _("space")
    MONEY = "money", _("money")
    KNOWLEDGE = "knowledge", _("knowledge")
    NETWORK = "network", _("network")
    CONTACT = "contact", _("a contact at the municipality")
    INTERVENTION = "intervention", _("something we did")


class Support(models.Model):
    """Rugdekking: what a professional or organisation offers or gave an initiative, and
    what they did (interventions). Shown on the initiative's and the neighbourhood's page;
    it never gives them a say over the initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="support")
    organisation = models.ForeignKey(
        "neighbourhoods.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind of support"), max_length=15, choices=SupportKind.choices)
    description = models.CharField(_("what"), max_length=500)
    given_on = models.DateField(_("when"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.initiative_id}"


class Update(models.Model):
    """News and stories on an initiative's page, by its people, with an optional photo
    (checked and re-encoded: no EXIF, so no location)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("your story or news"), max_length=TEXT_MAX)
    photo = models.ImageField(_("photo"), upload_to="initiatives/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"update {self.pk} of {self.initiative_id}"


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("being written")
    SUBMITTED = "submitted", _("sent to the municipality")
    GRANTED = "granted", _("granted")
    PARTLY = "partly", _("partly granted")
    REFUSED = "refused", _("not granted")


class BudgetRequest(models.Model):
    """A residents' budget request (bewonersbudget / buurtbudget) for an initiative: budget
    lines, the municipality's decision, and a short account afterwards."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="budget_requests"
    )
    title = models.CharField(_("what the money is for"), max_length=NAME_MAX)
    status = models.CharField(
        max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT
    )
    granted = models.DecimalField(
        _("amount granted (euro)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    account = models.TextField(_("how it went, and what the money did"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted__isnull=True) | Q(granted__gte=0), name="granted_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def total(self):
        return sum((line.amount for line in self.lines.all()), start=0)


class BudgetLine(models.Model):
    request = models.ForeignKey(BudgetRequest, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("budget line"), max_length=200)
    amount = models.DecimalField(_("amount (euro)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_positive")
        ]

    def __str__(self) -> str:
        return self.description


class TaskInvitation(Invitation):
    """An owner asks a neighbour whether they want to take an open task — the same flow as
    an invitation to help with a request: nobody is assigned, the invited person accepts
    (and becomes a member who carries the task) or declines, once."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_invitations"
    )

    class Meta(Invitation.Meta):
        constraints = [
            models.UniqueConstraint(fields=["task", "invitee"], name="invite_for_a_task_once"),
        ]

    def __str__(self) -> str:
        return f"task invitation {self.pk}"
