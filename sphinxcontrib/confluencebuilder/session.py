"""The HTTP session (seam S6).

``build_session(settings)`` returns a ``requests.Session`` carrying authentication, SSO
headers and cookies, TLS (OS trust store + certifi + confluence_ca_cert, client
certificates), proxies and the short-lived credential from
confluence_publish_credential_provider. Every bad input raises ConfluenceConfigError
naming the option before a single request is sent. Redaction lives in
``redaction.py``; its helpers are re-exported here for the modules that used them.
"""

from __future__ import annotations

import http.cookiejar
import json
import logging as std_logging
import os
import shlex
import ssl
import subprocess
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth
from sphinx.util import logging

from . import __version__
from .errors import ConfluenceConfigError
from .expiring import ExpiringCredential, check_lifetime, credential_lifetime
from .oauth2 import OAuth2ClientCredentials
from .redaction import REDACTED, RedactingFilter, redact, redact_url

# re-exported for the modules that import them from here
from .redaction import SECRETS as SECRETS
from .redaction import redact_headers as redact_headers
from .redaction import register as register_secrets
from .settings import ConnectionSettings

logger = logging.getLogger(__name__)

PROVIDER_OPTION = "confluence_publish_credential_provider"
#: the urllib3 debug log goes through the same redaction as every other line
_URLLIB3_FILTER = RedactingFilter()


def redact_text(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with known secrets, auth schemes, cookie headers and URL passwords hidden
    (see :func:`redaction.redact`)."""
    return redact(text, secrets)


def enable_urllib3_debug() -> None:
    """Log urllib3's connection events at DEBUG, through a redacting filter."""
    log = std_logging.getLogger("urllib3")
    if _URLLIB3_FILTER not in log.filters:
        log.addFilter(_URLLIB3_FILTER)
    log.setLevel(std_logging.DEBUG)


# -- authentication ---------------------------------------------------------------------


class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>`` (Data Center personal access tokens, OAuth)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request

    def __repr__(self) -> str:
        return f"BearerAuth({REDACTED})"


def _basic(user: str, secret: str) -> HTTPBasicAuth:
    auth = HTTPBasicAuth(user, secret)
    register_secrets([secret, requests.auth._basic_auth_str(user, secret).split(" ", 1)[1]])
    return auth


def _token_auth(user: str | None, token: str) -> AuthBase:
    register_secrets([token])
    return _basic(user, token) if user else BearerAuth(token)


# -- TLS ------------------------------------------------------------------------------


def make_ssl_context(settings: ConnectionSettings) -> ssl.SSLContext:
    """OS trust store + certifi + confluence_ca_cert; client certificate if configured.
    With confluence_adv_embedded_certs only certifi's bundle (and confluence_ca_cert)."""
    import certifi  # shipped with requests

    if settings.embedded_certs:
        ctx = ssl.create_default_context(cafile=certifi.where())  # no OS trust store
    else:
        ctx = ssl.create_default_context()
        ctx.load_verify_locations(cafile=certifi.where())
    if settings.ca_cert:
        _load_ca(ctx, settings.ca_cert)
    if settings.client_cert:
        cert, key = settings.client_cert
        password = settings.client_cert_pass or ""
        try:
            ctx.load_cert_chain(cert, key, password=lambda: password)
        except (ssl.SSLError, OSError) as exc:
            option = "confluence_client_cert_pass" if "decrypt" in str(exc).lower() or \
                "password" in str(exc).lower() else "confluence_client_cert"
            raise ConfluenceConfigError(option, f"cannot load the client certificate/key "
                                        f"({exc.__class__.__name__}: {exc})",
                                        hint="Give PEM files; an encrypted key needs "
                                        "confluence_client_cert_pass.") from None
    if not settings.verify_ssl:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _load_ca(ctx: ssl.SSLContext, path: str) -> None:
    try:
        if os.path.isdir(path):
            ctx.load_verify_locations(capath=path)
            for name in sorted(os.listdir(path)):
                if name.endswith((".pem", ".crt", ".cer")):
                    ctx.load_verify_locations(cafile=os.path.join(path, name))
        else:
            ctx.load_verify_locations(cafile=path)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise ConfluenceConfigError("confluence_ca_cert", f"cannot load CA certificates from "
                                    f"{path} ({exc})", hint="Give a PEM file (or a directory "
                                    "of PEM files) with your organisation's CA.") from None


class TlsAdapter(HTTPAdapter):
    """An HTTPAdapter whose HTTPS connections use our SSLContext."""

    def __init__(self, context: ssl.SSLContext, **kwargs: Any) -> None:
        self.ssl_context = context
        super().__init__(**kwargs)

    def build_connection_pool_key_attributes(self, request: requests.PreparedRequest,
                                             verify: Any, cert: Any = None) -> Any:
        host, pool = super().build_connection_pool_key_attributes(request, verify, cert)
        if (request.url or "").lower().startswith("https") and verify is not False:
            pool["ssl_context"] = self.ssl_context
        return host, pool


# -- cookies -------------------------------------------------------------------------


def cookie_domain(settings: ConnectionSettings) -> str:
    """The cookie domain that limits injected cookies to the configured host.

    ``http.cookiejar`` treats a host without a dot (``localhost``, ``confluence``) as
    ``<host>.local``, so such hosts need that suffix for the cookie to be sent at all.
    """
    host = urlsplit(settings.server_url).hostname or ""
    return host if "." in host or ":" in host else host + ".local"


def _load_cookies(session: requests.Session, settings: ConnectionSettings) -> None:
    host = cookie_domain(settings)
    for name, value in settings.cookies.items():
        session.cookies.set(name, value, domain=host, path="/")
    if settings.cookies_file:
        for cookie in read_cookies_file(settings.cookies_file, settings):
            session.cookies.set_cookie(cookie)
            register_secrets([cookie.value])


def read_cookies_file(path: str, settings: ConnectionSettings) -> list[http.cookiejar.Cookie]:
    """The cookies of a Netscape ``cookies.txt`` as ``curl -c`` and browser exports write
    it, ready to be sent: a session cookie (expiry ``0``) stays a session cookie instead
    of counting as expired in 1970, ``#HttpOnly_`` lines are cookies, and a cookie for a
    host without a dot (``localhost``) gets the ``.local`` suffix the jar compares with."""
    jar = http.cookiejar.MozillaCookieJar(path)
    try:
        jar.load(ignore_discard=True, ignore_expires=True)
    except (OSError, http.cookiejar.LoadError) as exc:
        raise ConfluenceConfigError("confluence_server_cookies", f"cannot read the cookies "
                                    f"file {path} ({exc.__class__.__name__})",
                                    hint="Export cookies in Netscape cookies.txt format, or "
                                    "give a dictionary of cookie names to values.") from None
    host, now = cookie_domain(settings), time.time()
    cookies = []
    for cookie in jar:
        if not cookie.expires:  # 0 or empty: "until the browser closes"
            cookie.expires, cookie.discard = None, True
        elif cookie.expires <= now:
            _warn_cookie(cookie.name, path)
        if cookie.domain.lstrip(".") + ".local" == host:
            cookie.domain = host
        cookies.append(cookie)
    return cookies


def _warn_cookie(name: str, path: str) -> None:
    logger.warning("confluence_server_cookies: cookie %r in %s has expired; it is not sent. "
                   "Log in again and export a fresh cookies file", name, path,
                   type="confluence", subtype="credentials")


# -- short-lived credentials ---------------------------------------------------------


def fetch_credentials(settings: ConnectionSettings) -> dict[str, Any]:
    """Run confluence_publish_credential_provider; returns a normalised dict with
    ``token``, ``user``, ``headers`` and ``cookies`` (any may be missing)."""
    provider = settings.credential_provider
    if provider is None:
        return {}
    if callable(provider):
        try:
            result = provider()
        except Exception as exc:  # noqa: BLE001 - user code; report, never leak
            raise ConfluenceConfigError(PROVIDER_OPTION, f"the provider raised "
                                        f"{exc.__class__.__name__}: {redact_text(str(exc))}"
                                        ) from None
    else:
        result = _run_command(provider)
    if isinstance(result, str):
        result = {"token": result}
    if not isinstance(result, Mapping) or set(result) - {"token", "user", "headers", "cookies",
                                                         "expires_in", "expires_at"}:
        raise ConfluenceConfigError(PROVIDER_OPTION, "must return a token string or a dict "
                                    "with keys token, user, headers, cookies, expires_in "
                                    "or expires_at")
    lifetime_problem = check_lifetime(result)
    if lifetime_problem:
        raise ConfluenceConfigError(PROVIDER_OPTION, lifetime_problem)
    creds = dict(result)
    token = creds.get("token")
    if token is not None:
        if not isinstance(token, str) or not token.strip() or any(c in token.strip()
                                                                  for c in "\r\n"):
            raise ConfluenceConfigError(PROVIDER_OPTION, "returned an empty or malformed token")
        creds["token"] = token.strip()
    for key in ("headers", "cookies"):
        value = creds.get(key) or {}
        if not isinstance(value, Mapping) or any(
                not isinstance(v, str) or any(c in v for c in "\r\n") for v in value.values()):
            raise ConfluenceConfigError(PROVIDER_OPTION, f"{key} must map names to single-line "
                                        "strings")
        creds[key] = dict(value)
    register_secrets([creds.get("token"), *creds["headers"].values(),
                      *creds["cookies"].values()], creds["headers"].keys())
    return creds


def _run_command(command: str) -> Any:
    try:
        done = subprocess.run(shlex.split(command), capture_output=True, text=True,
                              timeout=120, check=False)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise ConfluenceConfigError(PROVIDER_OPTION, f"cannot run the command "
                                    f"({exc.__class__.__name__})") from None
    if done.returncode != 0:
        detail = redact_text(done.stderr.strip())[:200]
        raise ConfluenceConfigError(PROVIDER_OPTION, f"the command exited with status "
                                    f"{done.returncode}" + (f": {detail}" if detail else ""))
    out = done.stdout.strip()
    if out.startswith("{"):
        try:
            return json.loads(out)
        except ValueError:
            raise ConfluenceConfigError(PROVIDER_OPTION, "the command printed malformed JSON"
                                        ) from None
    return out


def apply_credentials(session: requests.Session, settings: ConnectionSettings,
                      creds: Mapping[str, Any]) -> None:
    """Install credentials from the provider on ``session`` (replacing earlier ones);
    a credential with a reported lifetime is renewed before it ends (expiring.py)."""
    if isinstance(session.auth, ExpiringCredential):
        session.auth = session.auth.inner
    if creds.get("token"):
        session.auth = _token_auth(creds.get("user") or settings.user, creds["token"])
    session.headers.update(creds.get("headers") or {})
    host = cookie_domain(settings)
    for name, value in (creds.get("cookies") or {}).items():
        session.cookies.set(name, value, domain=host, path="/")
    lifetime = credential_lifetime(creds)
    if lifetime is not None:
        session.auth = ExpiringCredential(_as_auth(session.auth), lifetime, session,
                                          lambda: refresh_credentials(session, settings),
                                          tuple(creds.get("headers") or ()))


def refresh_credentials(session: requests.Session, settings: ConnectionSettings) -> bool:
    """Ask the provider for a fresh credential; False when there is no provider."""
    if settings.credential_provider is None:
        return False
    apply_credentials(session, settings, fetch_credentials(settings))
    logger.info("confluence: credentials refreshed from %s", PROVIDER_OPTION)
    return True


# -- the session ---------------------------------------------------------------------


def _as_auth(auth: Any) -> AuthBase | None:
    """``session.auth`` as an AuthBase (a ``(user, password)`` tuple becomes Basic)."""
    if isinstance(auth, tuple):
        return HTTPBasicAuth(*auth)
    return auth if auth is None or isinstance(auth, AuthBase) else _Callable(auth)


class _Callable(AuthBase):
    def __init__(self, function: Any) -> None:
        self.function = function

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return self.function(request)  # type: ignore[no-any-return]


def oauth2_auth(settings: ConnectionSettings, context: ssl.SSLContext,
                inner: AuthBase | None) -> OAuth2ClientCredentials:
    """The client-credentials auth; the token endpoint is reached with the same TLS
    trust, client certificate and proxy as Confluence, but never with its cookies."""
    assert settings.oauth2 is not None
    fetcher = requests.Session()
    fetcher.mount("https://", TlsAdapter(context))
    fetcher.verify = settings.ca_cert or settings.verify_ssl
    if settings.proxy:
        fetcher.proxies = {"http": settings.proxy, "https": settings.proxy}
    fetcher.headers["User-Agent"] = default_headers()["User-Agent"]
    keep = inner if settings.oauth2.header.lower() != "authorization" else None
    return OAuth2ClientCredentials(settings.oauth2, fetcher, timeout=settings.timeout,
                                   on_secret=register_secrets, inner=keep)


def default_headers() -> dict[str, str]:
    nocheck = "nocheck" if os.environ.get("CONFLUENCEBUILDER_LEGACY_NOCHECK") else "no-check"
    return {
        "Accept": "application/json",
        "User-Agent": f"sphinxcontrib-confluencebuilder/{__version__} "
                      f"python-requests/{requests.__version__}",
        "X-Atlassian-Token": nocheck,
    }


class ConfluenceSession(requests.Session):
    """The ``requests.Session`` :func:`build_session` returns: closable and usable with
    ``with`` like any session, and closing it also closes the sessions it owns (the
    OAuth 2.0 token fetcher), whose connections would otherwise stay open."""

    def __init__(self) -> None:
        super().__init__()
        self.owned: list[requests.Session] = []

    def close(self) -> None:
        for owned in self.owned:
            owned.close()
        super().close()


def build_session(settings: ConnectionSettings) -> requests.Session:
    """A ``requests.Session`` configured from ``settings`` (no request is sent); close it
    (or use it in a ``with`` block) when done."""
    register_secrets(settings.secret_values(), settings.headers.keys())
    session = ConfluenceSession()
    session.headers.update(default_headers())
    if settings.auth is not None:
        session.auth = settings.auth
    elif settings.bearer_token:
        session.auth = _token_auth(None, settings.bearer_token)
    elif settings.password and settings.user:
        session.auth = _basic(settings.user, settings.password)
    session.headers.update(settings.headers)
    _load_cookies(session, settings)
    context = make_ssl_context(settings)
    if settings.oauth2 is not None:
        oauth = oauth2_auth(settings, context, _as_auth(session.auth))
        session.owned.append(oauth.fetcher)
        session.auth = oauth
    session.mount("https://", TlsAdapter(context))
    if settings.ca_cert:
        session.verify = settings.ca_cert
    if not settings.verify_ssl:
        session.verify = False
    if settings.proxy:
        session.proxies = {"http": settings.proxy, "https": settings.proxy}
        register_secrets([urlsplit(settings.proxy).password])
    if "urllib3" in settings.debug:
        enable_urllib3_debug()
    apply_credentials(session, settings, fetch_credentials(settings))
    logger.debug("confluence: session for %s (proxy %s)", settings.server_url,
                 redact_url(settings.proxy) if settings.proxy else "from environment")
    if settings.session_override is not None:
        replaced = settings.session_override(session)
        if isinstance(replaced, requests.Session):
            return replaced
    return session
