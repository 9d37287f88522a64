from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .threads import MESSAGE_MAX


class ActionLog(models.Model):
    """What a service did, by whom, in which neighbourhood (pretix's log_action)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_logs",
    )
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("action log entry")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class ThreadMessage(models.Model):
    """One message in a thread between people (an exchange, an introduction, a safety-net
    case): each thread's model adds the foreign key to what it is about."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MESSAGE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message {self.pk}"
