from buurtkracht.jobs.queue import job


@job("notifications.send_one")
def send_one(notification_id: int) -> bool:
    """Mail one notification now (sent after the transaction that made it commits)."""
    from .services import _send_one

    return _send_one(notification_id)


@job("notifications.send_mails")
def send_mails() -> str:
    """Mails that failed or whose job was lost, and the daily digests (every 10 minutes)."""
    from .services import send_digests, send_pending

    sent, failed = send_pending()
    digests = send_digests()
    return f"{sent} sent, {failed} failed, {digests} digests"
