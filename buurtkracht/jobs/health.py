"""What `/health/` checks: the database, the queue's broker, the shared cache. Each
answers "ok" or says it is down; none of them takes more than a few seconds."""

from __future__ import annotations

import logging
import uuid

logger = logging.getLogger("buurtkracht.health")


def database() -> str:
    from buurtkracht.core.database import database_problem

    return "ok" if database_problem() is None else "down"


def queue() -> str:
    """Can a job be handed to the broker now? (A connection, not a job.)"""
    from .queue import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # kombu raises OperationalError, OSError, …
        logger.warning("health: the queue's broker is unreachable: %s", error)
        return "down"
    return "ok"


def cache() -> str:
    """Can the shared cache keep a value? (An unreachable Redis behaves as empty.)"""
    from django.core.cache import cache as shared

    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        shared.set(key, value, 10)
        ok = shared.get(key) == value
        shared.delete(key)
    except Exception as error:  # a database cache with a broken table, …
        logger.warning("health: the cache is unreachable: %s", error)
        ok = False
    return "ok" if ok else "down"


def report() -> dict[str, str]:
    return {"database": database(), "queue": queue(), "cache": cache()}
