from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "buurtkracht.jobs"
    label = "jobs"

    def ready(self):
        # The Celery app and the signals that record every job run.
        from .queue import app

        # Register every app's jobs now, so a job can be found by its name (resending,
        # retrying from the administrator's page) in any process.
        app.autodiscover_tasks(force=True)
        from buurtkracht.core.logging import action_logged

        from .topics import after_action_logged, connect_model_signals

        connect_model_signals()
        action_logged.connect(after_action_logged, dispatch_uid="jobs.after_action")
