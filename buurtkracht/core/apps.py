from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "buurtkracht.core"
    label = "core"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_analyze_after_migrate, sender=self)


def _analyze_after_migrate(sender, using="default", **_kwargs):
    from .database import analyze

    analyze(using)
