"""Pacing of requests: one limiter per server, shared by every thread.

The limiter learns from response headers. ``Retry-After`` (seconds or an HTTP date,
clamped to a cap) blocks every thread until it has passed. As ``X-RateLimit-Remaining``
falls towards zero (or Cloud says ``X-RateLimit-NearLimit: true``) requests are spaced
out, so the budget refills before the server has to answer 429.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

#: below this share of the budget left, requests are spaced out
LOW_WATER = 0.2
#: spacing used on Cloud when only NearLimit is known (seconds)
NEAR_LIMIT_PACE = 0.5


def parse_retry_after(value: str | None, *, cap: float,
                      now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
                      ) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (integer seconds or an HTTP date),
    clamped to ``[0, cap]``; None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - now()).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(seconds, cap))


def backoff_delay(attempt: int, base: float, cap: float,
                  rng: Callable[[float, float], float] = random.uniform) -> float:
    """Capped exponential backoff with jitter (x0.7..1.3): base, 2*base, 4*base, ..."""
    raw = min(cap, base * float(2 ** max(0, attempt)))
    return max(0.0, min(cap, raw * rng(0.7, 1.3)))


def _int(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(float(headers[name]))
    except (KeyError, TypeError, ValueError):
        return None


class RateLimiter:
    """Spaces requests to one server; safe to share between threads."""

    def __init__(self, *, delay: float = 0.0, retry_after_cap: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        #: fixed pause before every request (confluence_publish_delay)
        self.delay = max(0.0, delay)
        self.retry_after_cap = retry_after_cap
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        self._pace = 0.0
        self._last_start = float("-inf")
        #: how often requests were held back (for tests)
        self.waits = 0

    @property
    def pace(self) -> float:
        return self._pace

    def acquire(self, sleep: Callable[[float], None] | None = None) -> float:
        """Wait (with ``sleep``, default the limiter's) until the next request may go;
        returns the seconds waited."""
        with self._lock:
            now = self.clock()
            spacing = max(self.delay, self._pace)
            start = max(now, self._blocked_until, self._last_start + spacing)
            self._last_start = start
            wait = start - now
        if wait > 0:
            self.waits += 1
            (sleep or self.sleep)(wait)
        return wait

    def block_for(self, seconds: float, *, cap: float | None = None) -> None:
        """Hold every thread back for ``seconds`` (e.g. after a 429), at most ``cap``
        (default: the limiter's own cap)."""
        cap = self.retry_after_cap if cap is None else cap
        seconds = max(0.0, min(seconds, cap))
        with self._lock:
            self._blocked_until = max(self._blocked_until, self.clock() + seconds)

    def observe(self, status: int, headers: Mapping[str, str], *,
                cap: float | None = None) -> float | None:
        """Learn from a response; returns the Retry-After wait when there was one.

        ``cap`` is the caller's longest acceptable wait (its ``retry_after_cap``): the
        limiter is shared by every client of one server, and a client that will not wait
        (the doctor) must not take the waits away from one that will (a publish).
        """
        cap = self.retry_after_cap if cap is None else cap
        retry_after = parse_retry_after(headers.get("Retry-After"), cap=cap)
        if retry_after and status in (429, 503):
            self.block_for(retry_after, cap=cap)
        elif retry_after and status < 400 and _int(headers, "X-RateLimit-Remaining") == 0:
            # Data Center: no tokens left; the next one arrives after Retry-After
            self.block_for(retry_after, cap=cap)
        self._pace = self._compute_pace(headers)
        return retry_after

    def _compute_pace(self, headers: Mapping[str, str]) -> float:
        limit = _int(headers, "X-RateLimit-Limit")
        remaining = _int(headers, "X-RateLimit-Remaining")
        near = str(headers.get("X-RateLimit-NearLimit", "")).lower() == "true"
        fill = _int(headers, "X-RateLimit-FillRate")
        interval = _int(headers, "X-RateLimit-Interval-Seconds")
        low = near or (limit is not None and remaining is not None and limit > 0
                       and remaining < max(1.0, LOW_WATER * limit))
        if not low:
            return 0.0
        if fill and interval:
            # Data Center token bucket: never faster than the refill rate
            return min(self.retry_after_cap, interval / fill)
        if limit and remaining is not None:
            share = max(0.0, remaining / limit)
            return NEAR_LIMIT_PACE * (1.0 - share / LOW_WATER) + 0.05
        return NEAR_LIMIT_PACE


_LIMITERS: dict[str, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(origin: str, *, delay: float = 0.0) -> RateLimiter:
    """The process-wide limiter of ``origin`` (``scheme://host:port``), created once.

    Callers pass their own sleep function to :meth:`RateLimiter.acquire` and their own
    cap to :meth:`RateLimiter.observe`: the shared limiter keeps only its default ceiling,
    so the first client of a server does not fix the waits of later ones.
    """
    key = origin.lower().rstrip("/")
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None:
            limiter = RateLimiter(delay=delay)
            _LIMITERS[key] = limiter
        else:
            limiter.delay = max(limiter.delay, delay)
        return limiter


def forget_limiter(origin: str) -> None:
    """Drop the limiter of ``origin``: a server that went away leaves no waits behind for
    a later server on the same address (test fixtures call this when they stop one)."""
    with _LIMITERS_LOCK:
        _LIMITERS.pop(origin.lower().rstrip("/"), None)
