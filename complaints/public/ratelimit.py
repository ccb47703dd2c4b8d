"""A per-address limit on public submissions, counted in Django's cache.

Fixed windows: one counter per address and window, created with `add` and bumped with `incr`.
On Redis (production, CACHE_URL) `incr` is atomic; on the database cache of the embedded
default a race can lose a count, which only makes the limit slightly generous. We keep this
small service instead of adding django-ratelimit: it is the same two cache calls, and the
view needs the "try again in N minutes" figure to tell the person without losing their text.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from portal.addresses import client_address


@dataclass(frozen=True)
class RateLimit:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends

    @property
    def retry_after_minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


def hit(*, scope: str, address: str, limit: int, window: int) -> RateLimit:
    """Count one attempt from `address`; say whether it is within `limit` per `window` seconds."""
    now = time.time()
    slot = int(now // window)
    digest = hashlib.sha256(address.encode()).hexdigest()[:24]
    key = f"ratelimit:{scope}:{digest}:{slot}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # the counter expired between add and incr
        cache.set(key, 1, timeout=window + 60)
        count = 1
    retry_after = max(1, math.ceil((slot + 1) * window - now))
    return RateLimit(allowed=count <= limit, count=count, retry_after=retry_after)


def hit_public_form(request: HttpRequest, *, scope: str = "public-form") -> RateLimit:
    return hit(
        scope=scope,
        address=client_address(request),
        limit=settings.PUBLIC_FORM_MAX_POSTS,
        window=settings.PUBLIC_FORM_WINDOW_SECONDS,
    )
