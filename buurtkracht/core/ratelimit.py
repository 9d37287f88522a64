"""Counting attempts in the shared cache (settings.CACHES), so every app process and
machine counts together; behind a proxy, the client is who the proxy says it is."""

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or — only when proxies are configured
    (BUURTKRACHT_TRUSTED_PROXY_COUNT) — the X-Forwarded-For entry the nearest trusted
    proxy added. A header a client sends itself is never believed."""
    count = settings.BUURTKRACHT_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        entries = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(entries) >= count:
            return entries[-count]
    return request.META.get("REMOTE_ADDR", "")


def hit(key: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt; False once `limit` attempts were made within `seconds`."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=seconds)
        count = 1
    return count <= limit
