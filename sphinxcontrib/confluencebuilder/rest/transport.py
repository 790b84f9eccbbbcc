"""The one place HTTP requests are sent: bounds, no redirects, retries, pacing, dumps.

Every request is bounded (``bounded.bounded_request``): ``confluence_timeout`` per socket
read, ``confluence_request_deadline`` for the whole exchange, and
``confluence_response_size_limit`` bytes of answer, read a piece at a time.

:class:`Transport.request` sends through ``Session.request`` (so proxy and CA
environment variables keep working) with ``allow_redirects=False``, and either returns a
:class:`Reply` or raises a typed ``ConfluenceConnectionError`` from ``classify``.

Retry rules:

* 429, and 503 with ``Retry-After``: wait ``Retry-After`` (clamped) or a capped
  exponential backoff, shared by all threads through the server's limiter;
* other 5xx, 408 and dropped connections: retried for idempotent calls only
  (GET/PUT/DELETE). A non-idempotent call (a create) is retried only when the caller
  gives ``recover``, a function that checks whether the first attempt already happened
  and returns its result;
* a 401 or a redirect to a login page: the short-lived credential is refreshed once
  (confluence_publish_credential_provider) and the call repeated.
"""

from __future__ import annotations

import json as jsonlib
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from sphinx.util import logging

from ..errors import ConfluenceBadResponseError, ConfluenceConnectionError, ConfluenceError
from ..session import build_session, redact_headers, redact_text, refresh_credentials
from ..settings import ConnectionSettings
from .bounded import bounded_request
from .classify import (
    classify_exception,
    classify_response,
    is_dropped_connection,
    is_login_redirect,
)
from .ratelimit import RateLimiter, backoff_delay, limiter_for, parse_retry_after

logger = logging.getLogger(__name__)

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504})
_ID_SEGMENT = re.compile(r"/(?:att)?\d+(?=/|$)")


@dataclass
class Reply:
    """A successful answer: status, parsed JSON (None when empty), headers, URL."""

    status: int
    data: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    url: str = ""


class Transport:
    """Sends requests for one server; safe to share between threads."""

    def __init__(self, settings: ConnectionSettings, session: requests.Session | None = None,
                 *, sleep: Callable[[float], None] = time.sleep,
                 rng: Callable[[float, float], float] = random.uniform,
                 limiter: RateLimiter | None = None) -> None:
        self.settings = settings
        self.session = session if session is not None else build_session(settings)
        self.sleep = sleep
        self.rng = rng
        self.limiter = limiter or limiter_for(settings.origin, delay=settings.publish_delay,
                                              retry_after_cap=settings.retry_after_cap)
        self.request_count = 0
        self.retries = 0
        self.allowed_origins = {settings.origin}
        self._proxies = {"http": settings.proxy, "https": settings.proxy} \
            if settings.proxy else None
        self._lock = threading.Lock()
        self._credential_generation = 0
        #: endpoint -> deprecation/sunset note, reported once by report_deprecations()
        self.deprecations: dict[str, str] = {}
        self._deprecations_reported = False

    # -- helpers -----------------------------------------------------------------------

    def allow_origin(self, url: str) -> None:
        """Permit requests (with credentials) to the origin of ``url`` (e.g. the gateway)."""
        parts = urlsplit(url)
        self.allowed_origins.add(f"{parts.scheme}://{parts.netloc}".lower())

    def _check_origin(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if origin not in self.allowed_origins:
            raise ConfluenceBadResponseError(
                f"refusing to send a request to {origin}: it is not the configured server",
                hint="The server pointed to another address (for example in a pagination "
                "link). Credentials are only sent to confluence_server_url.",
                options=("confluence_server_url",), url=url.split("?", 1)[0])

    def _count(self) -> None:
        with self._lock:
            self.request_count += 1

    def _backoff(self, attempt: int) -> float:
        return backoff_delay(attempt, self.settings.retry_duration, self.settings.backoff_cap,
                             self.rng)

    # -- the request -------------------------------------------------------------------

    def request(self, method: str, url: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None, files: Any = None, data: Any = None,
                headers: Mapping[str, str] | None = None, subject: str = "",
                allow_empty: bool = False, allow_status: tuple[int, ...] = (),
                idempotent: bool | None = None,
                recover: Callable[[], Reply | None] | None = None) -> Reply:
        """Send one API call with the retry rules of the module docstring."""
        method = method.upper()
        self._check_origin(url)
        safe = method in IDEMPOTENT if idempotent is None else idempotent
        s = self.settings
        errors = rate = 0
        refreshed = False
        while True:
            self.limiter.acquire(self.sleep)
            generation = self._credential_generation
            try:
                response = self._send(method, url, params, json, files, data, headers)
            except requests.RequestException as exc:
                error = classify_exception(exc, s, method=method, url=url)
                if is_dropped_connection(exc) and errors < s.retry_attempts and \
                        (safe or recover):
                    recovered = None if safe else recover() if recover else None
                    if recovered is not None:
                        return recovered
                    self._wait_retry(errors, f"{error.message}")
                    errors += 1
                    continue
                raise error from None
            except ConfluenceError:
                raise  # our own auth (OAuth 2.0 token endpoint) explained the failure
            except Exception as exc:  # noqa: BLE001 - user auth objects and hooks run here
                raise ConfluenceConnectionError(
                    f"{method} {_path(url)}: the request could not be sent "
                    f"({exc.__class__.__name__}: {redact_text(str(exc))[:200]})",
                    hint="A custom auth handler or session hook failed before the request "
                    "left this machine.", options=("confluence_server_auth",
                                                    "confluence_request_session_override"),
                    url=url.split("?", 1)[0]) from None
            status = response.status_code
            retry_after = self.limiter.observe(status, response.headers)
            self._note_deprecation(method, response)
            if status in allow_status:
                return self._reply(response)
            if status == 429 or (status == 503 and retry_after is not None):
                if rate < s.rate_limit_retries and (status == 429 or safe or recover):
                    if status == 503 and not safe and recover is not None:
                        recovered = recover()
                        if recovered is not None:
                            return recovered
                    wait = retry_after if retry_after is not None else self._backoff(rate)
                    if retry_after is None:
                        self.limiter.block_for(wait)
                    if wait >= 60:
                        logger.warning("confluence: the server asked to wait %.0f s before "
                                       "the next request", wait, type="confluence",
                                       subtype="rate_limit")
                    logger.info("confluence: %s %s answered %s; waiting %.2f s",
                                method, _path(url), status, wait)
                    rate += 1
                    with self._lock:
                        self.retries += 1
                    continue
            elif status in RETRY_STATUSES and errors < s.retry_attempts and (safe or recover):
                recovered = None if safe else recover() if recover else None
                if recovered is not None:
                    return recovered
                self._wait_retry(errors, f"{method} {_path(url)} answered {status}")
                errors += 1
                continue
            if not refreshed and s.credential_provider is not None and (
                    status == 401 or is_login_redirect(response, s)):
                refreshed = True
                self._refresh(generation)
                continue
            failure = classify_response(response, s, subject=subject, allow_empty=allow_empty)
            if failure is not None:
                raise failure
            return self._reply(response)

    def _wait_retry(self, attempt: int, what: str) -> None:
        wait = self._backoff(attempt)
        logger.info("confluence: %s; retrying in %.2f s", redact_text(what), wait)
        with self._lock:
            self.retries += 1
        self.sleep(wait)

    def _refresh(self, generation: int) -> None:
        with self._lock:
            if generation != self._credential_generation:
                return  # another thread already refreshed
            refresh_credentials(self.session, self.settings)
            self._credential_generation += 1

    def _send(self, method: str, url: str, params: Any, json: Any, files: Any, data: Any,
              headers: Mapping[str, str] | None) -> requests.Response:
        self._count()
        s = self.settings
        response = bounded_request(
            self.session, method, url, params=params, json=json, files=files, data=data,
            headers=dict(headers) if headers else None, timeout=s.timeout,
            deadline=s.deadline, max_bytes=s.max_bytes, allow_redirects=False,
            proxies=self._proxies)
        if "headers" in self.settings.debug or "data" in self.settings.debug:
            self._dump(response)
        return response

    def _reply(self, response: requests.Response) -> Reply:
        data = None
        if response.content.strip():
            try:
                data = response.json()
            except ValueError:
                problem = classify_response(response, self.settings)
                raise problem or ConfluenceBadResponseError(
                    "the server answer is not valid JSON", url=response.url) from None
        return Reply(response.status_code, data, response.headers, response.url)

    # -- debugging ---------------------------------------------------------------------

    def _dump(self, response: requests.Response) -> None:
        request = response.request
        names = tuple(self.settings.headers)
        lines = [f"confluence: request {request.method} {redact_text(request.url or '')}"]
        for name, value in redact_headers(request.headers, names).items():
            lines.append(f"    {name}: {value}")
        if "data" in self.settings.debug and request.body:
            lines.append("    " + _body_text(request.body, request.headers))
        lines.append(f"confluence: response {response.status_code} {response.reason}")
        for name, value in redact_headers(response.headers, names).items():
            lines.append(f"    {name}: {value}")
        if "data" in self.settings.debug and response.content:
            lines.append("    " + _body_text(response.content, response.headers))
        logger.info("\n".join(lines))

    def _note_deprecation(self, method: str, response: requests.Response) -> None:
        deprecation = response.headers.get("Deprecation")
        sunset = response.headers.get("Sunset")
        if not deprecation and not sunset:
            return
        endpoint = f"{method} {_ID_SEGMENT.sub('/{id}', urlsplit(response.url).path)}"
        note = ", ".join(x for x in (f"deprecated {deprecation}" if deprecation else "",
                                     f"sunset {sunset}" if sunset else "") if x)
        with self._lock:
            new = endpoint not in self.deprecations
            self.deprecations[endpoint] = note
        if new and "deprecated" in self.settings.debug:
            logger.info("confluence: the server marks %s as %s", endpoint, note)

    def report_deprecations(self) -> None:
        """Warn once, listing every endpoint the server marked deprecated or sunset."""
        with self._lock:
            if self._deprecations_reported or not self.deprecations:
                return
            self._deprecations_reported = True
            items = sorted(self.deprecations.items())
        logger.warning("confluence: the server marked %d endpoint(s) used by this run as "
                       "deprecated: %s. A future Confluence may remove them; consider "
                       "confluence_api_mode = 'v2' on Cloud", len(items),
                       "; ".join(f"{k} ({v})" for k, v in items),
                       type="confluence", subtype="deprecated")


def _path(url: str) -> str:
    return urlsplit(url).path


def _body_text(body: Any, headers: Mapping[str, str]) -> str:
    ctype = headers.get("Content-Type", "")
    if isinstance(body, bytes):
        if "json" not in ctype and "text" not in ctype:
            return f"<{len(body)} bytes of {ctype.split(';')[0] or 'data'}>"
        body = body.decode("utf-8", "replace")
    text = str(body)
    try:
        text = jsonlib.dumps(jsonlib.loads(text), ensure_ascii=False)
    except ValueError:
        pass
    text = redact_text(text)
    return text[:4000] + ("..." if len(text) > 4000 else "")


__all__ = ["Reply", "Transport", "ConfluenceConnectionError", "parse_retry_after"]
