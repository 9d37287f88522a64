"""A Redis cache that degrades instead of failing pages.

What Buurtkracht keeps in the cache can be lost: rate-limit counters and login lockouts
(they start again from zero), nothing a page needs to answer. When Redis cannot be reached
the calls below behave like an empty cache and log a warning (once a minute per
process), so pages still answer; `/health/` says the cache is down.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("buurtkracht.cache")

_warned_at = 0.0


def _errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _warn(error: BaseException) -> None:
    global _warned_at
    now = time.monotonic()
    if now - _warned_at > 60:
        _warned_at = now
        logger.warning("cache unreachable, going on without it: %s", error)


def _tolerant(name: str, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except _errors() as error:
            _warn(error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    call.__name__ = name
    return call


def _default(key, default=None, *args, **kwargs):
    return default


def _incremented(key, delta=1, *args, **kwargs):
    # Counting without a cache: every attempt looks like the first one.
    return delta


class TolerantRedisCache(RedisCache):
    get = _tolerant("get", _default)
    get_many = _tolerant("get_many", lambda *a, **k: {})
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", lambda *a, **k: [])
    add = _tolerant("add", True)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    has_key = _tolerant("has_key", False)
    incr = _tolerant("incr", _incremented)
    decr = _tolerant("decr", lambda key, delta=1, *a, **k: -delta)
    clear = _tolerant("clear", None)
