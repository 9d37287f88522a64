from typing import Any

from django.db import models
from django.dispatch import Signal

from .models import ActionLog

action_logged = Signal()
"""Sent for every logged action (keyword arguments `action`, `neighbourhood_id`,
`person_id`): the background jobs listen (`jobs.topics.after_action`) to learn which
stored results are out of date, without core importing them."""


def log_action(
    *,
    actor,
    action: str,
    neighbourhood=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> ActionLog:
    """Record what a service did. Call it inside the service's transaction. It also tells
    the background jobs which stored results are out of date now (`action_logged`)."""
    actor = actor if actor is not None and actor.is_authenticated else None
    entry = ActionLog.objects.create(
        actor=actor,
        neighbourhood=neighbourhood,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
    action_logged.send(
        sender=ActionLog,
        action=action,
        neighbourhood_id=neighbourhood.pk
        if neighbourhood is not None
        else getattr(obj, "neighbourhood_id", None),
        person_id=_person_of(obj, data, actor),
    )
    return entry


def _person_of(obj, data, actor) -> int | None:
    """Whose own things the action was about: the subject a step was saved for, the owner
    of an item, else whoever did it."""
    if data and isinstance(data.get("subject"), int):
        return data["subject"]
    for field in ("owner_id", "user_id"):
        value = getattr(obj, field, None)
        if isinstance(value, int):
            return value
    return actor.pk if actor is not None else None
