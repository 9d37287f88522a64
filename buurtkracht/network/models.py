"""What the relationship network keeps of its own. Most ties are derived (`ties.py`) from
what people already do together — exchanges done, tasks carried together, activities
attended — so nothing is stored twice. Stored here: "ik ken" ties a resident adds with
the other's approval, introductions a connector proposes (both must accept), ties
imported from a community worker's relationship map, and the groups a neighbourhood
wants to see connected (people are counted only with their `group_count` consent)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.models import ThreadMessage
from buurtkracht.neighbourhoods.models import Neighbourhood


class Answer(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    YES = "yes", _("yes")
    NO = "no", _("no")


class Acquaintance(models.Model):
    """ "Ik ken …": one resident says they know another; it counts once the other agrees."""

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acquaintances_made"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acquaintances_asked"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "from_user", "to_user"], name="know_someone_once"
            ),
            models.CheckConstraint(condition=~Q(from_user=F("to_user")), name="know_another"),
        ]

    def __str__(self) -> str:
        return f"{self.from_user_id} knows {self.to_user_id}"


class Introduction(models.Model):
    """A connector proposes that two neighbours meet (product rule 2: it happens only when
    both say yes). Yes from both makes a `people.Contact` and a tie."""

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="introductions"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    person_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("why these two"), max_length=300, blank=True)
    """The platform's words: worked out from the stored analysis, never from a form."""
    message = models.CharField(_("in the proposer's own words"), max_length=300, blank=True)
    answer_a = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answer_b = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    """Set when the second yes arrives: the moment the tie starts."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "person_a", "person_b"], name="introduce_a_pair_once"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="introduction_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"introduction {self.person_a_id}-{self.person_b_id}"


class IntroductionMessage(ThreadMessage):
    """A message between the two people of an accepted introduction: after both said yes
    they can always write here, whatever other way to reach them they chose."""

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="messages"
    )


class TieImport(models.Model):
    """One imported relationship map (a CSV edge list or a Kumu export), all or nothing."""

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    ties = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"import {self.pk}: {self.file_name}"


class ImportedTie(models.Model):
    batch = models.ForeignKey(TieImport, on_delete=models.CASCADE, related_name="rows")
    user_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(default=1.0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(user_a__lt=F("user_b")), name="imported_ordered"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="imported_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"imported tie {self.user_a_id}-{self.user_b_id}"


class WatchGroup(models.Model):
    """A group the neighbourhood wants to see connected to the rest (e.g. residents of
    sheltered housing). Members are counted only while they consent (`group_count`)."""

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="watch_groups"
    )
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "name"], name="one_watch_group_name")
        ]

    def __str__(self) -> str:
        return self.name
