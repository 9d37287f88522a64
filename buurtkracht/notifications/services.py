"""Notifications: in the app always, by e-mail right away, once a day, or never.

notify() writes the in-app row in the caller's transaction; mail goes out after commit.
A mail server that is down never undoes the caller's work: the row records the failure
and send_pending() (the send_notification_mails command) tries again with a backoff.
The daily digest goes out at a fixed local hour (settings.BUURTKRACHT_DIGEST_HOUR).
Urgent kinds (a booking that ends soon) are mailed right away to digest people too.
"""

import logging
import smtplib
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action

from .models import (
    URGENT_KINDS,
    Kind,
    MailMode,
    MailState,
    Notification,
    NotificationPreference,
)
from .selectors import preference_of

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Buurtkracht] "
MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=10)  # times the number of attempts so far
LEASE = timedelta(minutes=10)  # a run that claimed a mail owns it this long
DIGEST_EVERY = timedelta(days=1)  # older unmailed news is not put in a digest
MAIL_ERRORS = (OSError, smtplib.SMTPException)

TITLE_MAX: int = Notification._meta.get_field("title").max_length or 120
BODY_MAX: int = Notification._meta.get_field("body").max_length or 1000
ERROR_MAX: int = Notification._meta.get_field("mail_error").max_length or 300


def _language(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def _full_url(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def notify(
    *,
    user,
    kind: str,
    title,
    body="",
    url: str = "",
    neighbourhood=None,
    params: dict | None = None,
) -> Notification:
    """Tell `user` something. `title` and `body` may be lazy translations (gettext_lazy)
    with %(name)s placeholders filled from `params`: they are stored in the recipient's
    language."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    with translation.override(_language(user)):
        title_text = str(title) % params if params else str(title)
        body_text = str(body) % params if params else str(body)
    mode = preference_of(user=user).mail_mode
    mails = bool(user.email) and mode != MailMode.NONE
    state = MailState.PENDING if mails else MailState.SKIPPED
    right_away = mode == MailMode.IMMEDIATE or kind in URGENT_KINDS
    notification = Notification.objects.create(
        user=user,
        neighbourhood=neighbourhood,
        kind=kind,
        title=Truncator(title_text).chars(TITLE_MAX),
        body=Truncator(body_text).chars(BODY_MAX),
        url=url,
        mail_state=state,
        mail_next_try_at=timezone.now() if state == MailState.PENDING else None,
    )
    if state == MailState.PENDING and right_away:
        from buurtkracht.jobs.services import enqueue

        enqueue("notifications.send_one", notification.pk)  # mailed once this commits
    return notification


# --- sending one mail --------------------------------------------------------------------


def _claim(notification: Notification, *, now: datetime) -> bool:
    """Take the mail for this run with a conditional update: a second run (or the
    on_commit hook racing the command) finds the attempt count changed and backs off."""
    return bool(
        Notification.objects.filter(
            pk=notification.pk,
            mail_state__in=[MailState.PENDING, MailState.FAILED],
            mail_attempts=notification.mail_attempts,
        ).update(mail_attempts=F("mail_attempts") + 1, mail_next_try_at=now + LEASE)
    )


def _render_one(notification: Notification) -> tuple[str, str]:
    user = notification.user
    # An urgent mail to someone who chose the digest says why it came right away.
    urgent = (
        notification.kind in URGENT_KINDS
        and preference_of(user=user).mail_mode != MailMode.IMMEDIATE
    )
    with translation.override(_language(user)):
        subject = SUBJECT_PREFIX + notification.title
        body = render_to_string(
            "notifications/email/notification.txt",
            {
                "notification": notification,
                "urgent": urgent,
                "recipient": user,
                "url": _full_url(notification.url),
                "settings_url": settings.SITE_URL + reverse("notifications:preferences"),
            },
        )
    return subject, body


def _record_failure(queryset, *, attempts: int, error: Exception, now: datetime) -> str:
    message = Truncator(f"{type(error).__name__}: {error}").chars(ERROR_MAX)
    queryset.update(
        mail_state=MailState.FAILED,
        mail_error=message,
        mail_next_try_at=now + BACKOFF * attempts if attempts < MAX_ATTEMPTS else None,
    )
    return message


def _send_one(notification_id: int, *, now: datetime | None = None) -> bool:
    """Send one notification's mail. True when sent. Never raises a mail error."""
    now = now or timezone.now()
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.email:
        return False
    if not _claim(notification, now=now):
        return False
    attempts = notification.mail_attempts + 1
    subject, body = _render_one(notification)
    try:
        send_mail(subject, body, None, [notification.user.email])
    except MAIL_ERRORS as error:
        message = _record_failure(
            Notification.objects.filter(pk=notification.pk), attempts=attempts, error=error, now=now
        )
        logger.warning(
            "notification mail %s failed (attempt %s of %s): %s",
            notification.pk,
            attempts,
            MAX_ATTEMPTS,
            message,
        )
        return False
    Notification.objects.filter(pk=notification.pk).update(
        mail_state=MailState.SENT, mailed_at=now, mail_error="", mail_next_try_at=None
    )
    return True


def _mailed_right_away() -> Q:
    """Notifications mailed one by one: those of people who want mail right away (or never
    chose), and urgent ones of people who chose the digest."""
    return (
        Q(user__notification_preference__isnull=True)
        | Q(user__notification_preference__mail_mode=MailMode.IMMEDIATE)
        | Q(kind__in=URGENT_KINDS, user__notification_preference__mail_mode=MailMode.DIGEST)
    )


def send_pending(*, now: datetime | None = None) -> tuple[int, int]:
    """Send the immediate mails that are due: new ones whose after-commit send did not
    happen, and failed ones after their backoff (attempts × 10 minutes), at most 5 tries.
    Returns (sent, failed)."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        _mailed_right_away(),
        mail_state__in=[MailState.PENDING, MailState.FAILED],
        mail_attempts__lt=MAX_ATTEMPTS,
        mail_next_try_at__lte=now,
    ).values_list("pk", flat=True)
    sent = failed = 0
    for pk in list(due[:500]):
        if _send_one(pk, now=now):
            sent += 1
        else:
            failed += 1
    return sent, failed


# --- daily digest ------------------------------------------------------------------------


def digest_time(now: datetime) -> datetime | None:
    """Today's digest moment: today at BUURTKRACHT_DIGEST_HOUR local time (TIME_ZONE),
    or None while that hour has not come yet."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(now, zone)
    hour = settings.BUURTKRACHT_DIGEST_HOUR
    if local.hour < hour:
        return None
    return timezone.make_aware(datetime.combine(local.date(), time(hour)), zone)


def _digest_items(user):
    return Notification.objects.filter(user=user, mail_state=MailState.PENDING).exclude(
        kind__in=URGENT_KINDS  # mailed on their own
    )


def send_digests(*, now: datetime | None = None) -> int:
    """One mail per digest person with their unread, unmailed notifications since the
    last digest: once a day, at the first run at or after the digest hour. Returns how
    many digests were sent."""
    now = now or timezone.now()
    due_from = digest_time(now)
    if due_from is None:
        return 0
    users_waiting = (
        Notification.objects.filter(
            user__notification_preference__mail_mode=MailMode.DIGEST,
            mail_state=MailState.PENDING,
        )
        .exclude(kind__in=URGENT_KINDS)
        .values_list("user_id", flat=True)
        .distinct()
    )
    preferences = NotificationPreference.objects.filter(
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=due_from),
        user_id__in=list(users_waiting),
        mail_mode=MailMode.DIGEST,
    ).select_related("user")
    return sum(1 for preference in preferences if _send_digest(preference, now=now))


def _send_digest(preference: NotificationPreference, *, now: datetime) -> bool:
    previous = preference.last_digest_at
    # Claim this person's digest: a second run finds last_digest_at changed.
    claimed = NotificationPreference.objects.filter(
        pk=preference.pk, last_digest_at=previous
    ).update(last_digest_at=now)
    if not claimed:
        return False
    user = preference.user
    since = previous if previous and previous < now - DIGEST_EVERY else now - DIGEST_EVERY
    pending = _digest_items(user)
    # Read in the app already, or too old to be news: no need to mail them.
    pending.filter(Q(read_at__isnull=False) | Q(created_at__lt=since)).update(
        mail_state=MailState.SKIPPED, mail_next_try_at=None
    )
    items = list(pending.filter(read_at__isnull=True, created_at__gte=since).order_by("created_at"))
    if not user.email or not items:
        return False
    ids = [item.pk for item in items]
    rows = Notification.objects.filter(pk__in=ids, mail_state=MailState.PENDING)
    rows.update(mail_state=MailState.SENT, mailed_at=now, mail_attempts=F("mail_attempts") + 1)
    with translation.override(_language(user)):
        subject = SUBJECT_PREFIX + _("Your news of the day (%(count)d)") % {"count": len(items)}
        body = render_to_string(
            "notifications/email/digest.txt",
            {
                "items": [(item, _full_url(item.url)) for item in items],
                "recipient": user,
                "list_url": settings.SITE_URL + reverse("notifications:list"),
                "settings_url": settings.SITE_URL + reverse("notifications:preferences"),
            },
        )
    try:
        send_mail(subject, body, None, [user.email])
    except MAIL_ERRORS as error:
        attempts = max(item.mail_attempts for item in items) + 1
        claimed_rows = Notification.objects.filter(pk__in=ids)
        message = _record_failure(claimed_rows, attempts=attempts, error=error, now=now)
        # Back to waiting for the next run, unless the tries are used up.
        if attempts < MAX_ATTEMPTS:
            claimed_rows.update(mail_state=MailState.PENDING, mailed_at=None)
            NotificationPreference.objects.filter(pk=preference.pk).update(last_digest_at=previous)
        logger.warning(
            "notification digest for user %s failed (attempt %s of %s): %s",
            user.pk,
            attempts,
            MAX_ATTEMPTS,
            message,
        )
        return False
    return True


# --- the person's own actions ------------------------------------------------------------


def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.user_id != user.pk:
        raise PermissionError("not your notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preference_update(*, user, mail_mode: str) -> NotificationPreference:
    if mail_mode not in MailMode.values:
        raise ValueError(f"unknown mail mode {mail_mode!r}")
    preference = preference_of(user=user)
    old_mode = preference.mail_mode
    preference.mail_mode = mail_mode
    if mail_mode == MailMode.DIGEST and old_mode != MailMode.DIGEST:
        # The first digest comes at the next digest hour after choosing it.
        preference.last_digest_at = timezone.now()
    preference.save()
    if mail_mode == MailMode.NONE:
        Notification.objects.filter(user=user, mail_state=MailState.PENDING).update(
            mail_state=MailState.SKIPPED, mail_next_try_at=None
        )
    log_action(
        actor=user,
        action="notifications.preference_update",
        obj=preference,
        data={"mail_mode": mail_mode},
    )
    return preference
