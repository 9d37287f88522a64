"""Requests (vraag) and offers (aanbod), invitations to help, and the exchanges that follow.

Rule 2: the platform suggests and introduces, it never assigns. A helper is only ever
*invited*; an exchange exists once the invited person accepts, and only then do both see
each other's contact details (a people.Contact is made).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.models import ThreadMessage

TEXT_MAX = 500


class PostKind(models.TextChoices):
    REQUEST = "request", _("request")
    OFFER = "offer", _("offer")


class WhenKind(models.TextChoices):
    DATE = "date", _("on a day")
    WINDOW = "window", _("in a time window")
    FLEXIBLE = "flexible", _("flexible")


class WhereKind(models.TextChoices):
    HOME = "home", _("at home")
    NEIGHBOURHOOD = "neighbourhood", _("in the neighbourhood")
    PLACE = "place", _("at a place")


class PostStatus(models.TextChoices):
    OPEN = "open", _("open")
    TAKEN = "taken", _("someone helps")
    DONE = "done", _("done")
    CLOSED = "closed", _("closed")


class Post(models.Model):
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    kind = models.CharField(max_length=10, choices=PostKind.choices)
    category = models.ForeignKey(
        "gifts.TaxonomyCategory",
        verbose_name=_("what is it about?"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        "gifts.TaxonomyItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("in your own words"), max_length=TEXT_MAX)
    when_kind = models.CharField(max_length=10, choices=WhenKind.choices, default=WhenKind.FLEXIBLE)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    where_kind = models.CharField(
        max_length=15, choices=WhereKind.choices, default=WhereKind.NEIGHBOURHOOD
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recurring = models.BooleanField(_("it comes back regularly"), default=False)
    needs_more = models.BooleanField(
        _("this may need more than a neighbour can give"), default=False
    )
    safety_net_ok = models.BooleanField(
        _("if nobody answers, a professional may contact me about this request"), default=True
    )
    """The per-request choice under the general `safety_net` consent: both are needed."""
    status = models.CharField(max_length=10, choices=PostStatus.choices, default=PostStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    safety_net_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # The board: open posts of a neighbourhood, newest first, a page at a time.
        indexes = [
            models.Index(
                fields=["neighbourhood", "status", "-created_at", "-id"], name="post_board"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="post_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(where_kind="place") | Q(place__isnull=False),
                name="post_place_when_at_a_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Invitation(models.Model):
    """What every invitation has: who asked, a short message, the matcher's reason, and
    one answer (pending → accepted or declined). Requests (`HelpInvitation`) and an
    initiative's open tasks (`initiatives.TaskInvitation`) share it: the same flow."""

    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(_("a short message"), max_length=300, blank=True)
    reason = models.CharField(max_length=300, blank=True)  # the matcher's "omdat: …"
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class RequesterAnswer(models.TextChoices):
    PENDING = "pending", _("waiting for the requester")
    YES = "yes", _("the requester agreed")
    NO = "no", _("the requester said no")


class HelpInvitation(Invitation):
    """Someone is asked whether they want to help with a request (or a requester answers an
    offer). Nobody is assigned: the invitee accepts or declines. When a connector invites
    on someone's request, the requester decides first (`requester_answer`, rule 2): the
    invitee is asked only after their yes, unless they allowed connectors to arrange help
    without asking (consent `connector_arranges`)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="invitations")
    requester_answer = models.CharField(
        max_length=10, choices=RequesterAnswer.choices, default=RequesterAnswer.YES
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_invitations"
    )

    class Meta(Invitation.Meta):
        constraints = [
            models.UniqueConstraint(fields=["post", "invitee"], name="invite_a_person_once"),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class Exchange(models.Model):
    """Two people who agreed to help each other with one post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="exchanges")
    invitation = models.OneToOneField(
        HelpInvitation, on_delete=models.CASCADE, related_name="exchange"
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helping"
    )
    helped = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helped_by"
    )
    agreed_at = models.DateTimeField(_("agreed time"), null=True, blank=True)
    done_by_helper_at = models.DateTimeField(null=True, blank=True)
    done_by_helped_at = models.DateTimeField(null=True, blank=True)
    thanks = models.CharField(_("a thank-you note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(helper=models.F("helped")), name="exchange_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"exchange {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_by_helper_at is not None and self.done_by_helped_at is not None

    def involves(self, user) -> bool:
        from buurtkracht.core.access import is_exchange_party

        return is_exchange_party(user, self)


class Message(ThreadMessage):
    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="messages")
