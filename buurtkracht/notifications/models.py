from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    INVITATION_ANSWERED = "invitation_answered", _("Answer to an invitation")
    MESSAGE = "message", _("Message")
    EXCHANGE_DONE = "exchange_done", _("Exchange done")
    THANKS = "thanks", _("Thanks")
    BOOKING = "booking", _("Booking")
    BOOKING_REQUEST = "booking_request", _("Booking request")
    BOOKING_ANSWER = "booking_answer", _("Answer to a booking request")
    BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled")
    BOOKING_RETURNED = "booking_returned", _("Returned")
    BOOKING_REMINDER = "booking_reminder", _("Booking reminder")
    SAFETY_NET = "safety_net", _("Safety net")
    ACTIVITY_REMINDER = "activity_reminder", _("Activity reminder")
    SOCIAL_MAP_CORRECTION = "social_map_correction", _("Correction to the social map")
    SOCIAL_MAP_STALE = "social_map_stale", _("Social map entry to check")
    DIALOGUE = "dialogue", _("Neighbourhood dialogue")
    STORY = "story", _("Story")


# About a moment that will not wait for tomorrow's digest: mailed right away to people who
# chose the daily digest too (never to people who chose no e-mail). Decision 0018.
URGENT_KINDS = (Kind.BOOKING_REMINDER, Kind.ACTIVITY_REMINDER)


class MailState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("could not be sent")
    SKIPPED = "skipped", _("not sent by e-mail")


class MailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away: one e-mail for each notification")
    DIGEST = "digest", _("Once a day: one e-mail with everything new")
    NONE = "none", _("No e-mail: I look on the website")


class Notification(models.Model):
    """Something a person should know about. Shown in the app; mailed by mail_state."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=1000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    mail_state = models.CharField(
        max_length=10, choices=MailState.choices, default=MailState.PENDING
    )
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mail_error = models.CharField(max_length=200, blank=True)
    # When a (re)try may start; also a lease while one run is sending, so two runs
    # never send the same mail.
    mail_next_try_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["mail_state", "mail_next_try_at"], name="notification_mail_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    mail_mode = models.CharField(
        _("how do you want to get e-mail about notifications?"),
        max_length=10,
        choices=MailMode.choices,
        default=MailMode.IMMEDIATE,
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notification preference of {self.user_id}"
