"""What the scheduler (`buurtkracht beat`) sends, and when (decision 0029). Times are
Dutch time (CELERY_TIMEZONE). Each entry names a job; the job calls a service."""

from celery.schedules import crontab

SCHEDULE = {
    "snapshot-sweep": {"task": "buurtkracht.snapshot.sweep", "schedule": 60.0},
    "jobs-resend": {"task": "buurtkracht.jobs.resend", "schedule": 120.0},
    "notification-mails": {"task": "buurtkracht.notifications.send_mails", "schedule": 600.0},
    "embed-offers": {"task": "buurtkracht.matching.embed_offers", "schedule": 600.0},
    "booking-reminders": {
        "task": "buurtkracht.lending.booking_reminders",
        "schedule": crontab(minute=5),
    },
    "safety-net": {"task": "buurtkracht.support.safety_net", "schedule": crontab(minute=15)},
    "activity-reminders": {
        "task": "buurtkracht.initiatives.activity_reminders",
        "schedule": crontab(minute=25),
    },
    "network-nightly": {
        "task": "buurtkracht.snapshot.nightly",
        "schedule": crontab(hour=4, minute=10),
        "args": ("network",),
    },
    "ledger-verify": {
        "task": "buurtkracht.timebank.ledger_verify",
        "schedule": crontab(hour=3, minute=30),
    },
    "timebank-accounts": {
        "task": "buurtkracht.timebank.accounts_sweep",
        "schedule": crontab(hour=3, minute=15),
    },
    "social-map-stale": {
        "task": "buurtkracht.socialmap.stale_reminders",
        "schedule": crontab(hour=8, minute=20),
    },
    "jobs-prune": {"task": "buurtkracht.jobs.prune", "schedule": crontab(hour=2, minute=45)},
}
