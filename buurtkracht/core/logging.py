from typing import Any

from django.db import models

from .models import ActionLog


def log_action(
    *,
    actor,
    action: str,
    neighbourhood=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> ActionLog:
    """Record what a service did. Call it inside the service's transaction."""
    return ActionLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        neighbourhood=neighbourhood,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
