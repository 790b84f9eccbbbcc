"""The HTTP session (seam S6) and redaction of secrets in anything we print.

``build_session(settings)`` returns a ``requests.Session`` carrying authentication, SSO
headers and cookies, TLS (OS trust store + certifi + confluence_ca_cert, client
certificates), proxies and the short-lived credential from
confluence_publish_credential_provider. Every bad input raises ConfluenceConfigError
naming the option before a single request is sent. ``redact_headers`` and
``redact_text`` hide secrets in debug dumps and in the connection doctor's output.
"""

from __future__ import annotations

import http.cookiejar
import json
import logging as std_logging
import os
import re
import shlex
import ssl
import subprocess
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth
from sphinx.util import logging

from . import __version__
from .errors import ConfluenceConfigError
from .oauth2 import OAuth2ClientCredentials
from .settings import REDACTED, ConnectionSettings, redact_url

logger = logging.getLogger(__name__)

PROVIDER_OPTION = "confluence_publish_credential_provider"
#: header names whose values are always hidden
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie",
                               "www-authenticate-token", "x-auth-token", "x-api-key"})
#: header names that look like credentials are hidden too (e.g. CF-Access-Client-Secret)
_SECRETISH_NAME = re.compile(r"token|secret|password|passwd|auth|session|cookie|key|"
                             r"signature|jwt|assertion|credential", re.I)
_HARMLESS = frozenset({"x-atlassian-token", "www-authenticate", "x-seraph-loginreason",
                       "x-authentication-denied-reason", "proxy-authenticate"})
_SCHEME_VALUE = re.compile(r"\b(Bearer|Basic|Negotiate|NTLM|Digest)\s+([^\s\"',;]+)", re.I)
_HEADER_LINE = re.compile(r"((?:proxy-)?authorization|(?:set-)?cookie)(\"?\s*[:=]\s*)"
                          r"(\"[^\"]*\"|'[^']*'|[^\r\n]*)", re.I)
_URL_USERINFO = re.compile(r"(\w+://[^/\s:@]+):[^/\s@]+@")


class _SecretRegistry:
    """Secret strings known to this process, so any text can be scrubbed of them."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def add(self, values: Iterable[str | None] = (), names: Iterable[str] = ()) -> None:
        with self._lock:
            self._values.update(v for v in values if v and len(v) >= 3)
            self._names.update(n.lower() for n in names)

    def values(self) -> list[str]:
        with self._lock:
            return sorted(self._values, key=len, reverse=True)

    def names(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._names)


SECRETS = _SecretRegistry()


def register_secrets(values: Iterable[str | None] = (), header_names: Iterable[str] = ()) -> None:
    """Remember secret values and header names so the redaction helpers hide them."""
    SECRETS.add(values, header_names)


def is_sensitive_header(name: str, extra: Iterable[str] = ()) -> bool:
    low = name.lower()
    if low in _HARMLESS:
        return False
    return (low in SENSITIVE_HEADERS or low in SECRETS.names()
            or low in {e.lower() for e in extra} or bool(_SECRETISH_NAME.search(low)))


def redact_headers(headers: Mapping[str, Any], extra_names: Iterable[str] = ()
                   ) -> dict[str, str]:
    """A copy of ``headers`` with credential values replaced by ``<redacted>``.

    Hidden: Authorization, Proxy-Authorization, Cookie, Set-Cookie, every header the
    user injected, names that look like credentials, and any known secret value.
    """
    extra = tuple(extra_names)
    out: dict[str, str] = {}
    for name, value in headers.items():
        if is_sensitive_header(name, extra):
            out[name] = REDACTED
        else:
            out[name] = redact_text(str(value))
    return out


def redact_text(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with known secrets, auth schemes, cookie headers and URL passwords hidden."""
    if not text:
        return text
    for value in sorted({s for s in secrets if s and len(s) >= 3} | set(SECRETS.values()),
                        key=len, reverse=True):
        text = text.replace(value, REDACTED)
    text = _HEADER_LINE.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    text = _SCHEME_VALUE.sub(_scheme_value, text)
    return _URL_USERINFO.sub(lambda m: m.group(1) + ":" + REDACTED + "@", text)


def _scheme_value(match: re.Match[str]) -> str:
    """``Basic <credential>`` -> ``Basic <redacted>``; prose such as ``Basic
    authentication`` stays (a credential has digits, symbols or mixed case)."""
    value = match.group(2)
    looks_secret = (match.group(1).lower() == "bearer" or any(c.isdigit() for c in value)
                    or any(c in "+/=_-." for c in value)
                    or (value.lower() != value and value.upper() != value))
    if not looks_secret or value == REDACTED or value.lower().startswith(("realm=", "scope=")):
        return match.group(0)
    return f"{match.group(1)} {REDACTED}"


class _RedactingFilter(std_logging.Filter):
    """Scrubs secrets from records of third-party loggers (urllib3)."""

    def filter(self, record: std_logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not ours to fix
            return True
        record.msg, record.args = redact_text(message), None
        return True


_URLLIB3_FILTER = _RedactingFilter()


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
    """OS trust store + certifi + confluence_ca_cert; client certificate if configured."""
    ctx = ssl.create_default_context()
    try:
        import certifi  # shipped with requests
        ctx.load_verify_locations(cafile=certifi.where())
    except (ImportError, OSError, ssl.SSLError):  # pragma: no cover - certifi is a dependency
        pass
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
        jar = http.cookiejar.MozillaCookieJar(settings.cookies_file)
        try:
            jar.load(ignore_discard=True, ignore_expires=True)
        except (OSError, http.cookiejar.LoadError) as exc:
            raise ConfluenceConfigError("confluence_server_cookies", f"cannot read the cookies "
                                        f"file {settings.cookies_file} ({exc.__class__.__name__})",
                                        hint="Export cookies in Netscape cookies.txt format, or "
                                        "give a dictionary of cookie names to values.") from None
        for cookie in jar:
            session.cookies.set_cookie(cookie)
            register_secrets([cookie.value])


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
    if not isinstance(result, Mapping) or set(result) - {"token", "user", "headers", "cookies"}:
        raise ConfluenceConfigError(PROVIDER_OPTION, "must return a token string or a dict "
                                    "with keys token, user, headers, cookies")
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
    """Install credentials from the provider on ``session`` (replacing earlier ones)."""
    if creds.get("token"):
        session.auth = _token_auth(creds.get("user") or settings.user, creds["token"])
    session.headers.update(creds.get("headers") or {})
    host = cookie_domain(settings)
    for name, value in (creds.get("cookies") or {}).items():
        session.cookies.set(name, value, domain=host, path="/")


def refresh_credentials(session: requests.Session, settings: ConnectionSettings) -> bool:
    """Ask the provider for a fresh credential; False when there is no provider."""
    if settings.credential_provider is None:
        return False
    apply_credentials(session, settings, fetch_credentials(settings))
    logger.info("confluence: credentials refreshed from %s", PROVIDER_OPTION)
    return True


# -- the session ---------------------------------------------------------------------


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


def build_session(settings: ConnectionSettings) -> requests.Session:
    """A ``requests.Session`` configured from ``settings`` (no request is sent)."""
    register_secrets(settings.secret_values(), settings.headers.keys())
    session = requests.Session()
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
        session.auth = oauth2_auth(settings, context, session.auth)
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
    if settings.session_override is not None:
        replaced = settings.session_override(session)
        if isinstance(replaced, requests.Session):
            session = replaced
    logger.debug("confluence: session for %s (proxy %s)", settings.server_url,
                 redact_url(settings.proxy) if settings.proxy else "from environment")
    return session
