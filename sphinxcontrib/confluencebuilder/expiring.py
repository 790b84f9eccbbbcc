"""Short-lived credentials from confluence_publish_credential_provider, renewed in time.

A provider (a function, or a command such as a corporate SSO CLI) may say how long
its credential lives: ``expires_in`` (seconds) or ``expires_at`` (a Unix time). The
session then carries an :class:`ExpiringCredential`: the first request after the
renewal point asks the provider again (one thread at a time; the others wait and use
the new credential) and sends the fresh token, headers and cookies. A 401 still renews
through the transport, as before, for providers that report no lifetime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from requests.auth import AuthBase

#: renew this long before the reported expiry (at most half the lifetime)
MARGIN = 30.0
_LOCK = threading.Lock()


def credential_lifetime(creds: Mapping[str, Any]) -> float | None:
    """Seconds the provider's credential lives, or None when it did not say."""
    if creds.get("expires_in") is not None:
        return max(0.0, float(creds["expires_in"]))
    if creds.get("expires_at") is not None:
        return max(0.0, float(creds["expires_at"]) - time.time())
    return None


def check_lifetime(creds: Mapping[str, Any]) -> str | None:
    """A problem with ``expires_in`` / ``expires_at``, or None when they are fine."""
    for key in ("expires_in", "expires_at"):
        value = creds.get(key)
        if value is not None and (isinstance(value, bool) or
                                  not isinstance(value, (int, float, str))):
            return f"{key} must be a number of seconds"
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return f"{key} must be a number of seconds"
    return None


class ExpiringCredential(AuthBase):
    """The provider's auth (or none) plus the time to ask the provider again."""

    def __init__(self, inner: AuthBase | None, lifetime: float, session: requests.Session,
                 renew: Callable[[], Any], header_names: tuple[str, ...] = (),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.session = session
        self.renew = renew
        self.header_names = header_names
        self.clock = clock
        self.renew_at = clock() + lifetime - min(MARGIN, lifetime / 2)

    def __repr__(self) -> str:
        return f"ExpiringCredential({type(self.inner).__name__})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.clock() < self.renew_at:
            return self.inner(request) if self.inner is not None else request
        with _LOCK:
            if self.session.auth is self:  # nobody renewed it yet
                self.renew()
        fresh = self.session.auth
        # the request was prepared with the old headers and cookies: bring it up to date
        for name in self.header_names:
            if name in self.session.headers:
                request.headers[name] = str(self.session.headers[name])
        request.headers.pop("Cookie", None)
        request.prepare_cookies(self.session.cookies)
        if isinstance(fresh, ExpiringCredential):
            fresh = fresh.inner if fresh is not self else None
        return fresh(request) if isinstance(fresh, AuthBase) else request
