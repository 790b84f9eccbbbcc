"""The one place HTTP requests are sent: bounds, no redirects, retries, pacing, dumps.

Every request is bounded (``bounded.bounded_request``): ``confluence_timeout`` per socket
read, ``confluence_request_deadline`` for the whole exchange, and
``confluence_response_size_limit`` bytes of answer, read a piece at a time.

:class:`Transport.request` sends through ``Session.request`` (so proxy and CA
environment variables keep working) with ``allow_redirects=False``, and either returns a
:class:`Reply` or raises a typed ``ConfluenceConnectionError`` from ``classify``.

What is sent again after a failure, after what wait and how often is decided here and
nowhere else, by the table in :mod:`.retrypolicy`: rate limits (429, 503 with
``Retry-After``) wait as the server asks, shared by all threads through the server's
limiter; 5xx, 408 and dropped connections back off, for calls that can be repeated
(idempotent, or a create whose caller gives ``recover`` to find an attempt that
landed); a 409 on a versioned write calls the caller's :class:`~.retrypolicy.Rebase`
to re-read the version and rebuild the request; a 401 or a login redirect refreshes a
short-lived credential once (confluence_publish_credential_provider).
"""

from __future__ import annotations

import json as jsonlib
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
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
from .retrypolicy import POLICY, Budget, Rebase, RetryClass, budget_of, classify_status

logger = logging.getLogger(__name__)

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
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
        #: whether the session is this transport's own (built here, closed by close())
        self.owns_session = session is None
        self.session = session if session is not None else build_session(settings)
        self.sleep = sleep
        self.rng = rng
        self.limiter = limiter or limiter_for(settings.origin, delay=settings.publish_delay)
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

    def close(self) -> None:
        """Close the session this transport built (one handed in is its owner's)."""
        if self.owns_session:
            self.session.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

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
                recover: Callable[[], Reply | None] | None = None,
                rebase: Rebase | None = None) -> Reply:
        """Send one API call; a failure is sent again only as ``retrypolicy`` says."""
        method = method.upper()
        self._check_origin(url)
        tries = _Tries(method, url, json,
                       method in IDEMPOTENT if idempotent is None else idempotent,
                       recover, rebase, stale=rebase.stale if rebase else frozenset())
        while True:
            self.limiter.acquire(self.sleep)
            generation = self._credential_generation
            try:
                response = self._send(tries.method, tries.url, params, tries.json, files,
                                      data, headers)
            except requests.RequestException as exc:
                error = classify_exception(exc, self.settings, method=tries.method,
                                           url=tries.url)
                outcome = self._follow_policy(
                    "dropped" if is_dropped_connection(exc) else None, tries,
                    error.message, None, generation)
                if outcome is None:
                    raise error from None
                if isinstance(outcome, Reply):
                    return outcome
                continue
            except ConfluenceError:
                raise  # our own auth (OAuth 2.0 token endpoint) explained the failure
            except Exception as exc:  # noqa: BLE001 - user auth objects and hooks run here
                raise _unsent(tries.method, tries.url, exc) from None
            status = response.status_code
            retry_after = self.limiter.observe(status, response.headers,
                                               cap=self.settings.retry_after_cap)
            self._note_deprecation(tries.method, response)
            if status in allow_status:
                return self._reply(response)
            kind = classify_status(status, retry_after=retry_after, stale=tries.stale,
                                   credential_failed=self._credential_failed(response))
            tries.refused = response.request
            outcome = self._follow_policy(
                kind, tries, f"{tries.method} {_path(tries.url)} answered {status}",
                retry_after, generation, status)
            if isinstance(outcome, Reply):
                return outcome
            if outcome is SEND_AGAIN:
                continue
            failure = classify_response(response, self.settings, subject=subject,
                                        allow_empty=allow_empty)
            if failure is not None:
                raise failure
            return self._reply(response)

    def _follow_policy(self, kind: RetryClass | None, tries: _Tries, what: str,
                       retry_after: float | None, generation: int,
                       status: int = 0) -> Reply | _SendAgain | None:
        """Carry out the policy table's row for ``kind``: SEND_AGAIN after its wait and
        action, a Reply that ``recover`` found (the earlier attempt had landed), or None
        (not retryable, the call cannot be repeated, or the budget is spent)."""
        rule = POLICY[kind] if kind is not None else None
        s = self.settings
        if rule is None or tries.spent[rule.budget] >= budget_of(
                rule, retry_attempts=s.retry_attempts, rate_limit_retries=s.rate_limit_retries):
            return None
        if (rule.needs == "repeatable" and not (tries.safe or tries.recover)) or (
                rule.needs == "rebase" and tries.rebase is None):
            return None
        if rule.needs == "repeatable":
            recovered = tries.recovered()
            if recovered is not None:
                return recovered
        attempt = tries.spent[rule.budget]
        tries.spent[rule.budget] += 1
        if rule.budget != "credential":
            with self._lock:
                self.retries += 1
        if rule.wait == "retry-after":
            self._wait_rate(attempt, retry_after, what)
        elif rule.wait == "backoff":
            self._wait_retry(attempt, what)
        if kind == "conflict":
            self._rebuild(tries, status, what)
        elif kind == "credential":
            self._refresh(generation, tries.refused)
        return SEND_AGAIN

    def _wait_rate(self, attempt: int, retry_after: float | None, what: str) -> None:
        """Wait as the server asked (the limiter holds every thread back), or back off."""
        wait = retry_after if retry_after is not None else self._backoff(attempt)
        if retry_after is None:
            self.limiter.block_for(wait, cap=self.settings.retry_after_cap)
        if wait >= 60:
            logger.warning("confluence: the server asked to wait %.0f s before "
                           "the next request", wait, type="confluence",
                           subtype="rate_limit")
        logger.info("confluence: %s; waiting %.2f s", what, wait)

    def _wait_retry(self, attempt: int, what: str) -> None:
        wait = self._backoff(attempt)
        logger.info("confluence: %s; retrying in %.2f s", redact_text(what), wait)
        self.sleep(wait)

    def _rebuild(self, tries: _Tries, status: int, what: str) -> None:
        """A stale version: wait as the caller asked for this status, re-read, rebuild."""
        assert tries.rebase is not None
        settle = tries.rebase.settle.get(status, 0.0)
        if settle > 0:
            self.sleep(settle)
        logger.info("confluence: %s (changed meanwhile); re-reading its version",
                    redact_text(what))
        resend = tries.rebase.build()
        self._check_origin(resend.url)
        tries.method, tries.url, tries.json = resend.method.upper(), resend.url, resend.json
        if resend.stale is not None:
            tries.stale = resend.stale

    def _credential_failed(self, response: requests.Response) -> bool:
        """A refused short-lived credential that can be renewed: a provider's (a 401 or
        a login redirect), or an OAuth 2.0 token (a 401)."""
        if self.settings.credential_provider is not None:
            return response.status_code == 401 or is_login_redirect(response, self.settings)
        return response.status_code == 401 and self._renewer() is not None

    def _renewer(self) -> Callable[[requests.PreparedRequest], None] | None:
        renew = getattr(self.session.auth, "renew_refused", None)
        return renew if callable(renew) else None

    def _refresh(self, generation: int, refused: requests.PreparedRequest | None) -> None:
        renew = self._renewer()
        if self.settings.credential_provider is None and renew is not None:
            if refused is not None:
                renew(refused)     # renews once for all threads (the token cache's lock)
            return
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


class _SendAgain:
    """The policy's answer "send the request again" (its wait already taken)."""


SEND_AGAIN = _SendAgain()


@dataclass
class _Tries:
    """One request as it is sent now, and the retry budgets it has spent."""

    method: str
    url: str
    json: Any
    #: the call may be repeated blindly (idempotent)
    safe: bool
    #: a non-idempotent call's check whether an earlier attempt already happened
    recover: Callable[[], Reply | None] | None
    #: how a versioned write is rebuilt on a stale version (None: not versioned)
    rebase: Rebase | None
    #: the last request the server answered (its credential, when refused, is renewed)
    refused: requests.PreparedRequest | None = None
    spent: dict[Budget, int] = field(default_factory=lambda: {
        "rate": 0, "errors": 0, "conflicts": 0, "credential": 0})
    #: the statuses that mean "the version this write was built on is stale"
    stale: frozenset[int] = frozenset()

    def recovered(self) -> Reply | None:
        """Before repeating a non-idempotent call: its result if it already happened."""
        return None if self.safe or self.recover is None else self.recover()


def _unsent(method: str, url: str, exc: Exception) -> ConfluenceConnectionError:
    return ConfluenceConnectionError(
        f"{method} {_path(url)}: the request could not be sent "
        f"({exc.__class__.__name__}: {redact_text(str(exc))[:200]})",
        hint="A custom auth handler or session hook failed before the request "
        "left this machine.", options=("confluence_server_auth",
                                        "confluence_request_session_override"),
        url=url.split("?", 1)[0])
