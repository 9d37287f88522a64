from buurtkracht.jobs.queue import job


@job("lending.booking_reminders")
def booking_reminders() -> int:
    from .services import bookings_send_reminders

    return bookings_send_reminders()
