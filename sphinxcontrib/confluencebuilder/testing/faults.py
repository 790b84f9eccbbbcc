"""Realism knobs of the emulator: latency, a token-bucket rate limit and random faults.

Everything here is pure decision-making; the HTTP shell (``server.py``) applies the
outcome. Random decisions come from one seeded :class:`random.Random` so a test that
sets ``seed`` sees the same sequence of faults on every run.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from .mutate import mutate
from .protocol import ApiResponse

#: Status codes picked by ``error_rate``.
ERROR_STATUSES = (500, 502, 503)


@dataclass
class FaultKnobs:
    """Run-time knobs; :meth:`ConfluenceEmulator.configure` replaces them as a whole."""

    latency: float = 0.0              # seconds slept before answering each request
    rate_limit: float | None = None   # tokens added per second; None disables the bucket
    rate_burst: int | None = None     # bucket capacity (default: max(1, rate_limit))
    retry_after_date: bool = False    # Retry-After as an HTTP date instead of seconds
    retry_after: str | None = None    # send this Retry-After verbatim on 429 (e.g. Long.MAX)
    error_rate: float = 0.0           # share of API requests answered 500/502/503
    conflict_rate: float = 0.0        # share of page updates answered with a spurious 409
    property_conflict_rate: float = 0.0  # share of property updates answered with a 409
    drop_rate: float = 0.0            # share of requests whose connection is closed unanswered
    empty_rate: float = 0.0           # share of API calls answered 200 with an empty body
    seed: int | None = None           # seed of the fault RNG
    deprecation_headers: bool = False  # Cloud: Deprecation + Link rel="deprecation" on v1
    v1_gone: bool = False             # v1 content endpoints answer 410 GoneException
    # hostile answers (a server or proxy that misbehaves; see FaultInjector.hostile)
    slow_body: float = 0.0            # seconds between the bytes of each answer (slow loris)
    oversize: int = 0                 # answer with a JSON body of this many bytes, streamed
    loop_next: bool = False           # paged answers' _links.next repeats the same request
    mutate: float = 0.0               # share of GET answers whose JSON is mutated (fuzzing)


class TokenBucket:
    """A thread-safe token bucket: ``capacity`` tokens, refilled at ``rate`` per second."""

    def __init__(self, rate: float, capacity: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = float(rate)
        self.capacity = int(capacity)
        self._clock = clock
        self._tokens = float(capacity)
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, int, float]:
        """Take one token: ``(allowed, tokens left, seconds until the next token)``."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            allowed = self._tokens >= 1.0
            if allowed:
                self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate
            return allowed, int(self._tokens), wait


@dataclass
class RateDecision:
    allowed: bool
    headers: dict[str, str]


class FaultInjector:
    """Holds the RNG and bucket for one knob set and turns them into decisions."""

    def __init__(self, knobs: FaultKnobs, mode: str) -> None:
        self.knobs = knobs
        self.mode = mode
        self._rng = random.Random(knobs.seed)
        self._rng_lock = threading.Lock()
        #: answers changed by the ``mutate`` knob since this knob set was configured
        self.mutated = 0
        self.bucket: TokenBucket | None = None
        if knobs.rate_limit:
            burst = knobs.rate_burst or max(1, int(knobs.rate_limit))
            self.bucket = TokenBucket(knobs.rate_limit, burst)

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._rng_lock:
            return self._rng.random() < rate

    def pick_error(self) -> int:
        with self._rng_lock:
            return self._rng.choice(ERROR_STATUSES)

    def rate(self) -> RateDecision | None:
        """Consult the bucket; None when rate limiting is off."""
        if self.bucket is None:
            return None
        allowed, left, wait = self.bucket.take()
        cap = self.bucket.capacity
        headers = {"X-RateLimit-Limit": str(cap), "X-RateLimit-Remaining": str(left)}
        retry = max(1, math.ceil(wait)) if not allowed else math.ceil(wait)
        if self.mode == "cloud":
            reset = datetime.now(timezone.utc) + timedelta(seconds=max(wait, 60.0))
            headers["X-RateLimit-Reset"] = reset.strftime("%Y-%m-%dT%H:%MZ")
            if left < 0.2 * cap:
                headers["X-RateLimit-NearLimit"] = "true"
        else:
            headers["X-RateLimit-Interval-Seconds"] = "1"
            headers["X-RateLimit-FillRate"] = _number(self.bucket.rate)
            headers["Retry-After"] = str(retry)
        if not allowed:
            headers["Retry-After"] = self.retry_after(retry)
            if self.mode == "cloud":
                headers["RateLimit-Reason"] = "confluence-quota-tenant-based"
        return RateDecision(allowed, headers)

    def hostile(self, rsp: ApiResponse, method: str, url: str) -> ApiResponse:
        """The answer as a misbehaving server sends it (knobs ``loop_next``, ``mutate``,
        ``oversize``, ``slow_body``); unchanged when those knobs are off."""
        knobs = self.knobs
        body = rsp.body
        if knobs.loop_next and isinstance(body, dict) and isinstance(body.get("results"), list):
            links = body.get("_links")
            body = {**body, "_links": {**(links if isinstance(links, dict) else {}),
                                       "next": url}}
        if method == "GET" and isinstance(body, (dict, list)) and 200 <= rsp.status < 300 \
                and self.roll(knobs.mutate):
            with self._rng_lock:
                body = mutate(body, self._rng)
                self.mutated += 1
        rsp = replace(rsp, body=body) if body is not rsp.body else rsp
        if knobs.oversize > 0:
            # no Content-Length (the end is the closed connection): a client must count
            rsp = replace(rsp, stream=_padded(knobs.oversize), length=0)
        if knobs.slow_body > 0:
            payload = rsp.body if isinstance(rsp.body, bytes) else \
                json.dumps(rsp.body).encode("utf-8")
            rsp = replace(rsp, stream=_trickle(payload, knobs.slow_body), length=len(payload))
        return rsp

    def retry_after(self, seconds: int) -> str:
        if self.knobs.retry_after is not None:
            return self.knobs.retry_after
        if not self.knobs.retry_after_date:
            return str(seconds)
        when = datetime.now(timezone.utc) + timedelta(seconds=seconds)
        return format_datetime(when.replace(microsecond=0), usegmt=True)


def _padded(size: int) -> Iterator[bytes]:
    """A valid JSON object of ``size`` bytes, made a piece at a time (never held whole)."""
    head, tail = b'{"results": [], "size": 0, "pad": "', b'"}'
    yield head
    left = size - len(head) - len(tail)
    piece = b"x" * 65536
    while left > 0:
        yield piece[:left]
        left -= len(piece)
    yield tail


def _trickle(payload: bytes, pause: float) -> Iterator[bytes]:
    for index in range(len(payload)):
        if index:
            time.sleep(pause)
        yield payload[index:index + 1]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# -- canned answers ----------------------------------------------------------------------

def v1_error(status: int, message: str, mode: str, *, authorized: bool = True) -> ApiResponse:
    """A v1 error body: DC carries ``reason``, Cloud usually does not."""
    body: dict[str, object] = {
        "statusCode": status,
        "data": {"authorized": authorized, "valid": True, "errors": [], "successful": False},
        "message": message,
    }
    if mode == "dc":
        body["data"]["allowedInReadOnlyMode"] = True  # type: ignore[index]
        body["reason"] = _REASONS.get(status, "Error")
    return ApiResponse(status, body)


def v2_error(status: int, code: str, title: str) -> ApiResponse:
    return ApiResponse(status, {"errors": [{"status": status, "code": code, "title": title,
                                            "detail": None}]})


def html_page(status: int, title: str, text: str, headers: dict[str, str] | None = None
              ) -> ApiResponse:
    body = (f"<!doctype html><html lang=\"en\"><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{text}</p></body></html>")
    return ApiResponse(status, body.encode(), dict(headers or {}), "text/html;charset=utf-8")


def rate_limited(mode: str, api: str) -> ApiResponse:
    if api == "v2":
        return v2_error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded")
    if mode == "cloud":
        return ApiResponse(429, b"Rate limit exceeded.", {}, "text/plain;charset=UTF-8")
    return v1_error(429, "Too many requests. Try again later.", mode)


def server_error(status: int, mode: str, api: str) -> ApiResponse:
    """A transient 5xx: 500 from the application, 502/503 from the front end."""
    if status == 500:
        if api == "v2":
            return v2_error(500, "INTERNAL_SERVER_ERROR", "Transaction rolled back")
        return v1_error(500, "org.springframework.transaction.UnexpectedRollbackException: "
                             "Transaction rolled back because it has been marked as rollback-only",
                        mode)
    title = "Bad Gateway" if status == 502 else "Service Unavailable"
    return html_page(status, f"{status} {title}", "The site behind this gateway did not "
                                                  "answer properly. Try again shortly.")


def spurious_conflict(mode: str, api: str, content_id: str) -> ApiResponse:
    message = ("com.atlassian.confluence.api.service.exceptions.ConflictException: Could not "
               f"update content with id {content_id}: OptimisticLockException, please retry")
    if api == "v2":
        return v2_error(409, "CONFLICT", message)
    return v1_error(409, message, mode)


def gone(mode: str) -> ApiResponse:
    return v1_error(410, "com.atlassian.confluence.api.service.exceptions.GoneException: "
                         "This deprecated endpoint has been removed.", mode)


DEPRECATION_HEADERS = {
    "Deprecation": "Wed, 1 Mar 2023 00:00:00 GMT",
    "Link": '<https://developer.atlassian.com/cloud/confluence/changelog/#CHANGE-864>; '
            'rel="deprecation"',
}

_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            409: "Conflict", 410: "Gone", 429: "Too Many Requests",
            500: "Internal Server Error"}
