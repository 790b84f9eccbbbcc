"""OAuth 2.0 client credentials (RFC 6749 section 4.4) as a ``requests`` auth.

:class:`OAuth2ClientCredentials` asks the token endpoint for an access token the
first time a request needs one and sends it (``Authorization: Bearer …`` or the bare
token in ``confluence_oauth2_header``). The token lives in a :class:`TokenCache` shared
by every session with the same endpoint, client, scopes and audience, so the workers
of a concurrent publish use one token and one refresh at a time:

* it is renewed shortly before it expires (``confluence_oauth2_refresh_margin``, at
  most half its lifetime), from ``expires_in`` or, failing that, the JWT's ``exp``;
* a 401 answer renews it once, unless another worker already did
  (:meth:`OAuth2ClientCredentials.renew_refused`, called by the transport's retry
  policy, which sends the request again), so a long publish survives tokens revoked or
  expired early.

Failures of the token endpoint raise :class:`OAuth2TokenError` with a ``cause`` the
connection doctor prints (unreachable, invalid client, invalid scope or audience, not
JSON) and the option to fix. The client secret and every access token are handed to
``on_secret`` (the redaction registry) before anything could print them.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests
from requests.auth import AuthBase

from .errors import ConfluenceAuthError
from .oauth2_settings import OAuth2Settings
from .redaction import redact

#: assumed lifetime when the answer says nothing about expiry (a 401 still renews)
DEFAULT_LIFETIME = 3600.0
_URL_OPTION = "confluence_oauth2_token_url"
_CLIENT_OPTIONS = ("confluence_oauth2_client_id", "confluence_oauth2_client_secret",
                   "confluence_oauth2_client_auth")
_AUDIENCE_WORDS = ("audience", "resource", "aadsts500011", "service not found")


class OAuth2TokenError(ConfluenceAuthError):
    """The token endpoint did not hand out an access token; ``cause`` says why."""

    def __init__(self, cause: str, message: str, *, hint: str, options: tuple[str, ...],
                 status: int | None = None, url: str = "") -> None:
        super().__init__(message, hint=hint, options=options, status=status, url=url)
        self.cause = cause


class TokenCache:
    """One access token and its expiry; every method is safe between threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.token: str | None = None
        self.expires_at = 0.0
        self.margin = 0.0
        #: token requests sent, and why: 'first', 'expiry', '401'
        self.reasons: list[str] = []

    @property
    def requests(self) -> int:
        return len(self.reasons)

    def fresh(self) -> bool:
        return self.token is not None and self.clock() < self.expires_at - self.margin

    def store(self, token: str, lifetime: float, started: float, margin: float) -> None:
        self.token = token
        self.expires_at = started + lifetime
        self.margin = min(margin, lifetime / 2)


_CACHES: dict[Any, TokenCache] = {}
_CACHES_LOCK = threading.Lock()


def shared_cache(settings: OAuth2Settings) -> TokenCache:
    """The process-wide cache for ``settings`` (one per endpoint, client, scopes, audience)."""
    with _CACHES_LOCK:
        return _CACHES.setdefault(settings.cache_key, TokenCache())


def forget_caches() -> None:
    """Drop every cached token (tests; a long-lived process changing its configuration)."""
    with _CACHES_LOCK:
        _CACHES.clear()


class OAuth2ClientCredentials(AuthBase):
    """Sends an access token obtained with the client-credentials grant."""

    def __init__(self, settings: OAuth2Settings, fetcher: requests.Session, *,
                 timeout: float | None = None, cache: TokenCache | None = None,
                 on_secret: Callable[[list[str]], None] = lambda _values: None,
                 inner: AuthBase | None = None) -> None:
        self.settings = settings
        #: the credential Confluence itself wants (a PAT) when the token goes elsewhere
        self.inner = inner
        self.fetcher = fetcher
        self.timeout = timeout or 30.0
        self.cache = cache if cache is not None else shared_cache(settings)
        self.on_secret = on_secret
        on_secret([settings.client_secret, _basic_value(settings)])

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials({self.settings.token_url!r}, <redacted>)"

    # -- the token ---------------------------------------------------------------------
    def token(self) -> str:
        """A token that is not about to expire (fetched when needed, once for all)."""
        cache = self.cache
        with cache.lock:
            if not cache.fresh():
                self._fetch("first" if cache.token is None else "expiry")
            assert cache.token is not None
            return cache.token

    def renew(self, stale: str | None) -> str:
        """Fetch a new token because ``stale`` was refused, unless it was already replaced."""
        cache = self.cache
        with cache.lock:
            if cache.token is None or cache.token == stale:
                self._fetch("401")
            assert cache.token is not None
            return cache.token

    def _fetch(self, reason: str) -> None:
        cache = self.cache
        cache.reasons.append(reason)
        started = cache.clock()
        data = request_token(self.settings, self.fetcher, self.timeout)
        token = data["access_token"]
        self.on_secret([token])
        cache.store(token, token_lifetime(data), started, self.settings.refresh_margin)

    # -- the auth hook ------------------------------------------------------------------
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.inner is not None:
            request = self.inner(request)
        self._apply(request, self.token())
        return request

    def _apply(self, request: requests.PreparedRequest, token: str) -> None:
        value = f"Bearer {token}" if self.settings.bearer_scheme else token
        request.headers[self.settings.header] = value

    def sent_token(self, request: requests.PreparedRequest) -> str | None:
        value = request.headers.get(self.settings.header)
        if value is None:
            return None
        text = value if isinstance(value, str) else value.decode("latin-1")
        return text.split(" ", 1)[1] if self.settings.bearer_scheme and " " in text else text

    def renew_refused(self, request: requests.PreparedRequest) -> None:
        """The server refused ``request`` (401): renew the token it carried, unless
        another worker already did. The transport's retry policy sends it again."""
        self.renew(self.sent_token(request))


# -- the token request -------------------------------------------------------------------


def _basic_value(settings: OAuth2Settings) -> str:
    """RFC 6749 2.3.1: id and secret are form-encoded, then joined for HTTP Basic."""
    pair = f"{quote(settings.client_id, safe='')}:{quote(settings.client_secret, safe='')}"
    return base64.b64encode(pair.encode()).decode()


def token_form(settings: OAuth2Settings) -> tuple[dict[str, str], dict[str, str]]:
    """The form fields and headers of a client-credentials token request."""
    form = {"grant_type": "client_credentials"}
    if settings.scopes:
        form["scope"] = " ".join(settings.scopes)
    if settings.audience:
        form["audience"] = settings.audience
    headers = {"Accept": "application/json"}
    if settings.client_auth == "client_secret_post":
        form.update(client_id=settings.client_id, client_secret=settings.client_secret)
    else:
        headers["Authorization"] = "Basic " + _basic_value(settings)
    return form, headers


def request_token(settings: OAuth2Settings, fetcher: requests.Session,
                  timeout: float) -> dict[str, Any]:
    """POST the token request; the parsed answer (with ``access_token``) or OAuth2TokenError."""
    return read_token_answer(post_token(settings, fetcher, timeout), settings)


def post_token(settings: OAuth2Settings, fetcher: requests.Session,
               timeout: float) -> requests.Response:
    """The token endpoint's raw answer; OAuth2TokenError when it cannot be reached."""
    form, headers = token_form(settings)
    url = settings.token_url
    try:
        response = fetcher.post(url, data=form, headers=headers, timeout=timeout,
                                allow_redirects=False)
    except requests.RequestException as exc:
        raise OAuth2TokenError(
            "oauth2-unreachable", f"cannot reach the OAuth 2.0 token endpoint {url} "
            f"({type(exc).__name__})", hint="Check the address, the network route and any "
            "proxy (confluence_proxy, HTTPS_PROXY) to the identity provider.",
            options=(_URL_OPTION, "confluence_proxy"), url=url) from None
    return response


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def read_token_answer(response: requests.Response, settings: OAuth2Settings
                      ) -> dict[str, Any]:
    url, status = settings.token_url, response.status_code
    ctype = response.headers.get("Content-Type", "").split(";")[0].strip() or "no type"
    data = _json(response)
    if not isinstance(data, dict):
        raise OAuth2TokenError(
            "oauth2-not-json", f"the OAuth 2.0 token endpoint {url} answered HTTP {status} "
            f"with {ctype}, not a JSON token", hint="confluence_oauth2_token_url must be the "
            "token endpoint itself (it answers POST with JSON), not a login page or the "
            "identity provider's home page.", options=(_URL_OPTION,), status=status, url=url)
    if 200 <= status < 300:
        token = data.get("access_token")
        if isinstance(token, str) and token.strip():
            return data
        raise OAuth2TokenError(
            "oauth2-not-json", f"the OAuth 2.0 token endpoint {url} answered without an "
            "access_token", hint="Is confluence_oauth2_token_url the token endpoint of "
            "the client-credentials grant?", options=(_URL_OPTION,), status=status, url=url)
    raise token_error(data, status, settings)


def token_error(data: dict[str, Any], status: int, settings: OAuth2Settings
                ) -> OAuth2TokenError:
    """An RFC 6749 section 5.2 error answer explained."""
    code = str(data.get("error") or "")
    # the provider's words, without anything secret it may have echoed
    said = redact(str(data.get("error_description") or data.get("message") or ""),
                  [settings.client_secret])[:200]
    detail = f"the token endpoint refused the request (HTTP {status}, {code or 'no error code'}"
    detail += f": {said})" if said else ")"
    low = f"{code} {said}".lower()
    url = settings.token_url
    if code in ("invalid_client", "unauthorized_client") or (status == 401 and not code):
        return OAuth2TokenError(
            "oauth2-invalid-client", detail, hint="The client id or secret is wrong, or the "
            "identity provider expects the other client authentication (client_secret_basic "
            "or client_secret_post). Check the service account's credentials.",
            options=_CLIENT_OPTIONS, status=status, url=url)
    if code == "invalid_scope":
        return OAuth2TokenError(
            "oauth2-invalid-scope", detail, hint="Ask only for scopes the client was granted "
            f"(asked: {' '.join(settings.scopes) or 'none'}).",
            options=("confluence_oauth2_scopes",), status=status, url=url)
    if code in ("invalid_target", "invalid_resource") or any(w in low for w in _AUDIENCE_WORDS):
        return OAuth2TokenError(
            "oauth2-invalid-audience", detail, hint="The audience (resource) is not one this "
            f"client may ask a token for (asked: {settings.audience or 'none'}).",
            options=("confluence_oauth2_audience",), status=status, url=url)
    if code in ("unsupported_grant_type", "invalid_grant"):
        return OAuth2TokenError(
            "oauth2-grant-refused", detail, hint="The client is not allowed the "
            "client-credentials grant; enable it for the app registration or service account.",
            options=("confluence_oauth2_client_id",), status=status, url=url)
    return OAuth2TokenError("oauth2-error", detail, hint="See the identity provider's "
                            "message above.", options=(_URL_OPTION,), status=status, url=url)


def jwt_claims(token: str) -> dict[str, Any]:
    """The (unverified) claims of a JWT access token; empty for opaque tokens."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(raw)
    except (ValueError, TypeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def token_lifetime(data: dict[str, Any]) -> float:
    """Seconds the token lives: ``expires_in``, else the JWT's ``exp - iat`` (which does
    not depend on this machine's clock), else :data:`DEFAULT_LIFETIME`."""
    value = data.get("expires_in")
    try:
        if value is not None and float(value) > 0:
            return float(value)
    except (TypeError, ValueError):
        pass
    claims = jwt_claims(str(data.get("access_token", "")))
    exp, iat = claims.get("exp"), claims.get("iat")
    if isinstance(exp, (int, float)) and isinstance(iat, (int, float)) and exp > iat:
        return float(exp - iat)
    return DEFAULT_LIFETIME
