from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import MailMode, Notification, NotificationPreference


def unread_count(user) -> int:
    """For the badge in the page header: how many notifications `user` has not read."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(*, viewer) -> QuerySet[Notification]:
    """The viewer's own notifications, newest first (nobody sees someone else's)."""
    return Notification.objects.filter(user=viewer).select_related("neighbourhood")


def notification_for(*, viewer, pk: int) -> Notification:
    """The viewer's notification `pk`, or 404: someone else's looks like a missing one."""
    return get_object_or_404(Notification, pk=pk, user=viewer)


def preference_of(*, user) -> NotificationPreference:
    """The saved preference, or the default one (not saved): mail right away when the
    person has an e-mail address, else no mail."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        mode = MailMode.IMMEDIATE if user.email else MailMode.NONE
        return NotificationPreference(user=user, mail_mode=mode)


def max_asks_per_month(*, user) -> int | None:
    """'How often may we ask you at most' lives in the gifts app (TimeOffer), a layer above:
    read by model name."""
    from django.apps import apps

    TimeOffer = apps.get_model("gifts", "TimeOffer")

    offer = TimeOffer.objects.filter(owner=user).first()
    return offer.max_asks_per_month if offer else None
