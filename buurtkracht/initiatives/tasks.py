from buurtkracht.jobs.queue import job


@job("initiatives.activity_reminders")
def activity_reminders() -> int:
    from .services import activities_send_reminders

    return activities_send_reminders()
