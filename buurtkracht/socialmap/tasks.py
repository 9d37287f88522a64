from buurtkracht.jobs.queue import job


@job("socialmap.stale_reminders")
def stale_reminders() -> int:
    from .services import stale_reminders as remind

    return remind()
