"""Connection settings: the one place connection options are read (seam S1).

``from_config(config)`` turns a Sphinx config (or ``config.defaults(...)``) into a frozen
:class:`ConnectionSettings`. It normalises the server URL, detects Cloud, resolves the
API mode and applies the documented rules for conflicting credentials, warning about
each conflict it resolves. It never touches the network; with confluence_ask_user /
confluence_ask_password it asks on the terminal (once, before the session exists).
Secrets are held but never shown: ``repr`` prints ``<redacted>`` for them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal
from urllib.parse import urlsplit

from sphinx.util import logging

from .credentials import Credentials, PasswordOption, clean_secret, resolve
from .errors import ConfluenceConfigError
from .oauth2_settings import OAuth2Settings
from .optiontable import default_of
from .prompts import ASK_PASSWORD, ASK_USER, ask_credentials
from .redaction import REDACTED, redact_url
from .urls import check_url, normalize_server_url

logger = logging.getLogger(__name__)

#: the REST API generation a client speaks: 'v1' (Data Center, and Cloud's older API) or
#: 'v2' (Cloud only)
ApiMode = Literal["v1", "v2"]
API_MODES: tuple[ApiMode, ...] = ("v1", "v2")
#: how v1 looks pages up by title: the content listing then CQL, or CQL only
PageSearchMode = Literal["content", "search"]
DEFAULT_API_PREFIXES: Mapping[str, str] = {"v1": "rest/api/", "v2": "api/v2/"}
#: where scoped Cloud tokens must be sent (``<root><cloudId>/wiki/``)
GATEWAY_ROOT = "https://api.atlassian.com/ex/confluence/"
#: bounds of every request (confluence_timeout, confluence_request_deadline,
#: confluence_response_size_limit): seconds per socket read, seconds per request, bytes;
#: their values live in the option table
DEFAULT_TIMEOUT: float = default_of("timeout")
DEFAULT_DEADLINE: float = default_of("request_deadline")
DEFAULT_MAX_BYTES: int = default_of("response_size_limit")
#: Cloud: seconds before a refused property write on a new page is tried again (none with
#: confluence_adv_disable_cloud_prop_delay)
CLOUD_PROP_DELAY = 0.5
#: what confluence_publish_debug logs: request headers, request data, urllib3's
#: connection log, the server's deprecation notices
DebugFlag = Literal["headers", "data", "urllib3", "deprecated"]
DEBUG_FLAGS: tuple[DebugFlag, ...] = ("headers", "data", "urllib3", "deprecated")
_DEBUG_VALUES: Mapping[str, frozenset[DebugFlag]] = {
    "none": frozenset(),
    "headers": frozenset({"headers"}),
    "headers-and-data": frozenset({"headers", "data"}),
    "urllib3": frozenset({"urllib3"}),
    "deprecated": frozenset({"deprecated"}),
    "all": frozenset(DEBUG_FLAGS),
}
_SECRET_FIELDS = frozenset({"password", "bearer_token", "client_cert_pass", "headers",
                            "cookies"})


def _warn(message: str, *args: Any, subtype: str = "connection") -> None:
    logger.warning(message, *args, type="confluence", subtype=subtype)


@dataclass(frozen=True, repr=False)
class ConnectionSettings:
    """Everything needed to talk to one Confluence instance (values only, no I/O)."""

    #: normalised site base URL ending in ``/``, e.g. ``https://x.atlassian.net/wiki/``
    server_url: str
    space_key: str | None = None
    cloud: bool = False
    api_mode: ApiMode = "v1"
    api_mode_explicit: bool = False
    #: the server URL already points at the ``api.atlassian.com`` gateway
    gateway: bool = False
    scoped_token: bool = False
    user: str | None = None
    #: Basic-auth secret (API token or password) and the option it came from
    password: str | None = None
    password_option: PasswordOption = ""
    #: sent as ``Authorization: Bearer``
    bearer_token: str | None = None
    #: a ``requests.auth.AuthBase`` given through confluence_server_auth
    auth: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    cookies_file: str | None = None
    session_override: Callable[[Any], Any] | None = None
    #: callable returning a token/dict, or a command printing one (see doc/connection.rst)
    credential_provider: Callable[[], Any] | str | None = None
    #: OAuth 2.0 client credentials (confluence_oauth2_*), see oauth2_settings.py
    oauth2: OAuth2Settings | None = None
    ca_cert: str | None = None
    client_cert: tuple[str, str | None] | None = None
    client_cert_pass: str | None = None
    verify_ssl: bool = not default_of("disable_ssl_validation")
    proxy: str | None = None
    #: seconds one socket read may wait; the whole request, answer included, must end
    #: within ``deadline`` seconds and its answer stay below ``max_bytes`` (rest/bounded.py)
    timeout: float = DEFAULT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    max_bytes: int = DEFAULT_MAX_BYTES
    publish_delay: float = default_of("publish_delay")
    retry_attempts: int = default_of("publish_retry_attempts")
    retry_duration: float = float(default_of("publish_retry_duration"))
    #: longest wait honoured for a Retry-After header (longer values are clamped)
    retry_after_cap: float = 60.0
    #: longest wait of the exponential backoff
    backoff_cap: float = 30.0
    #: retries spent on 429 (and 503 with Retry-After) answers before giving up: a
    #: request stuck there is sent 4 times, like one stuck on a 5xx or a 409 at most
    rate_limit_retries: int = 3
    debug: frozenset[DebugFlag] = frozenset()
    api_prefixes: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_API_PREFIXES))
    gateway_root: str = GATEWAY_ROOT
    #: options answered on the terminal (confluence_ask_user, confluence_ask_password)
    asked: tuple[str, ...] = ()
    #: v1 title look-ups: 'content' (content listing, then CQL) or 'search' (CQL only)
    page_search_mode: PageSearchMode = default_of("page_search_mode")
    #: confluence_adv_embedded_certs: trust only the certificates bundled with requests
    embedded_certs: bool = default_of("adv_embedded_certs")
    #: Cloud: pause before trying again a refused property write on a new page
    cloud_prop_delay: float = CLOUD_PROP_DELAY

    # -- derived values -------------------------------------------------------------

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` of the server URL: credentials only ever go here."""
        parts = urlsplit(self.server_url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    def api_root(self, mode: str | None = None, base_url: str | None = None) -> str:
        """Absolute URL of the REST root of ``mode`` (default: the resolved mode)."""
        prefix = self.api_prefixes.get(mode or self.api_mode, "")
        return (base_url or self.server_url) + prefix

    @property
    def credential_kind(self) -> str:
        """What kind of credential is sent (never its value), for messages."""
        if self.oauth2 is not None:
            return (f"an OAuth 2.0 access token (client credentials) in {self.oauth2.header}"
                    + (" and a personal access token" if self.bearer_token else ""))
        if any(k.lower() == "authorization" for k in self.headers):
            return "an Authorization header from confluence_publish_headers"
        if self.auth is not None:
            return f"a custom requests auth ({type(self.auth).__name__}, confluence_server_auth)"
        if self.bearer_token:
            return "a Bearer personal access token (confluence_publish_token)"
        if self.password:
            what = "API token" if self.password_option == "confluence_api_token" or (
                self.password_option == ASK_PASSWORD and self.cloud) else "password"
            scoped = " (scoped)" if self.scoped_token else ""
            return f"Basic auth with user and {what}{scoped} ({self.password_option})"
        if self.credential_provider is not None:
            return "a credential from confluence_publish_credential_provider"
        if self.cookies or self.cookies_file:
            return "session cookies only (confluence_server_cookies)"
        return "no credentials"

    @property
    def credential_options(self) -> tuple[str, ...]:
        """The options a user would change to fix the credential that was sent."""
        if self.oauth2 is not None:
            return ("confluence_oauth2_client_id", "confluence_oauth2_client_secret",
                    "confluence_oauth2_scopes")
        if any(k.lower() == "authorization" for k in self.headers):
            return ("confluence_publish_headers",)
        if self.auth is not None:
            return ("confluence_server_auth",)
        if self.bearer_token:
            return ("confluence_publish_token",)
        if self.password:
            return ("confluence_server_user", self.password_option)
        if self.credential_provider is not None:
            return ("confluence_publish_credential_provider",)
        if self.cloud:
            return ("confluence_server_user", "confluence_api_token")
        return ("confluence_publish_token", "confluence_server_user", "confluence_server_pass")

    def secret_values(self) -> list[str]:
        """Every secret string held, for redaction."""
        values = [self.password, self.bearer_token, self.client_cert_pass,
                  self.oauth2.client_secret if self.oauth2 else None]
        values += list(self.headers.values()) + list(self.cookies.values())
        if self.proxy:
            userinfo = urlsplit(self.proxy).password
            values.append(userinfo)
        return [v for v in values if isinstance(v, str) and v]

    def __repr__(self) -> str:
        shown = []
        for item in fields(self):
            value = getattr(self, item.name)
            if value and (item.name in _SECRET_FIELDS
                          or (item.name == "user" and ASK_USER in self.asked)):
                if isinstance(value, Mapping):
                    value = {k: REDACTED for k in value}
                else:
                    value = REDACTED
            elif item.name == "proxy" and value:
                value = redact_url(value)
            shown.append(f"{item.name}={value!r}")
        return f"ConnectionSettings({', '.join(shown)})"

    __str__ = __repr__


# -- building --------------------------------------------------------------------------


def _opt(config: Any, name: str) -> Any:
    """An option's value; a config-like object without it gets the table's default."""
    return getattr(config, "confluence_" + name, default_of(name))


def _detect_cloud(config: Any, url: str) -> bool:
    explicit = _opt(config, "cloud")
    if explicit is not None:
        return bool(explicit)
    host = (urlsplit(url).hostname or "").lower()
    return host.endswith("atlassian.net") or host.endswith("atlassian.com")


def _is_gateway(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.hostname or "").lower() == "api.atlassian.com" and \
        parts.path.startswith("/ex/confluence/")


def _headers(config: Any) -> dict[str, str]:
    raw = _opt(config, "publish_headers") or {}
    option = "confluence_publish_headers"
    if not isinstance(raw, Mapping):
        raise ConfluenceConfigError(option, "must be a dictionary of header names to values")
    headers: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
            # "Name: value" given as a name would print the value: show the name part only
            shown = repr(name.split(":")[0].strip()[:40]) if isinstance(name, str) else \
                f"a {type(name).__name__}"
            raise ConfluenceConfigError(option, f"{shown}... is not a valid header name",
                                        hint="Give {'Header-Name': 'value'}.")
        if not isinstance(value, str):
            raise ConfluenceConfigError(option, f"the value of {name!r} must be a string")
        if any(ch in value for ch in "\r\n\0"):
            raise ConfluenceConfigError(option, f"the value of {name!r} contains a line break",
                                        hint="Remove the trailing newline (a value read from a "
                                        "file usually ends with one).")
        headers[name] = value.strip()
    return headers


def _path(config: Any, name: str, value: Any, base_dir: str, *, isdir_ok: bool = False) -> str:
    path = os.path.join(base_dir, os.fspath(value))
    if not (os.path.isfile(path) or (isdir_ok and os.path.isdir(path))):
        raise ConfluenceConfigError(name, f"file not found: {path}")
    if not os.access(path, os.R_OK):
        raise ConfluenceConfigError(name, f"file is not readable: {path}")
    return path


def _cookies(config: Any, base_dir: str) -> tuple[dict[str, str], str | None]:
    raw = _opt(config, "server_cookies")
    option = "confluence_server_cookies"
    if raw is None:
        return {}, None
    if isinstance(raw, Mapping):
        for name, value in raw.items():
            if not isinstance(name, str) or not isinstance(value, str) or \
                    any(ch in name + value for ch in "\r\n;\0"):
                raise ConfluenceConfigError(option, f"cookie {name!r} must be a string without "
                                            "line breaks or ';'")
        return dict(raw), None
    if isinstance(raw, (str, os.PathLike)):
        return {}, _path(config, option, raw, base_dir)
    raise ConfluenceConfigError(option, "must be a dictionary or the path of a cookies.txt file")


def _client_cert(config: Any, base_dir: str) -> tuple[str, str | None] | None:
    raw = _opt(config, "client_cert")
    option = "confluence_client_cert"
    if raw is None:
        return None
    if isinstance(raw, (list, tuple)):
        if len(raw) != 2:
            raise ConfluenceConfigError(option, "a tuple must be (certificate, key)")
        return _path(config, option, raw[0], base_dir), _path(config, option, raw[1], base_dir)
    return _path(config, option, raw, base_dir), None


def _debug(config: Any) -> frozenset[DebugFlag]:
    value = _opt(config, "publish_debug")
    if value is None or value is False:
        return frozenset()
    if value is True:
        return _DEBUG_VALUES["headers"]
    if value not in _DEBUG_VALUES:
        raise ConfluenceConfigError("confluence_publish_debug", f"unknown value {value!r}")
    return _DEBUG_VALUES[value]


def _api_mode(config: Any, cloud: bool, gateway: bool, scoped: bool) -> tuple[ApiMode, bool]:
    explicit = _opt(config, "api_mode")
    if explicit:
        if explicit not in API_MODES:
            raise ConfluenceConfigError("confluence_api_mode", f"unknown value {explicit!r}",
                                        hint="Use 'v1' or 'v2'.")
        if explicit == "v2" and not cloud:
            _warn("confluence_api_mode is 'v2' but the server does not look like Cloud; Data "
                  "Center has no v2 API (set confluence_cloud = True for Cloud on a custom "
                  "domain)")
        if explicit == "v1" and scoped:
            _warn("confluence_api_mode is 'v1' with a scoped API token; scoped tokens are "
                  "meant for v2 and most v1 calls will be refused")
        return explicit, True
    if scoped or gateway or cloud:
        return "v2", False
    return "v1", False


def _number(config: Any, name: str) -> float:
    """A number option, or the table's value for it when it is not set."""
    value = _opt(config, name)
    return float(default_of(name) if value is None else value)


def _site_kind(config: Any, url: str) -> tuple[bool, bool]:
    """(the scoped-token gateway, Confluence Cloud) for ``url``."""
    gateway = _is_gateway(url)
    cloud = gateway or _detect_cloud(config, url)
    if cloud and not gateway and urlsplit(url).path == "/" and \
            (urlsplit(url).hostname or "").endswith(".atlassian.net"):
        _warn("confluence_server_url %r has no /wiki path; Confluence Cloud sites live under "
              "https://<site>.atlassian.net/wiki/", url)
    return gateway, cloud


def _limits(config: Any) -> dict[str, Any]:
    """Time, size and retry bounds of every request."""
    timeout = _opt(config, "timeout")
    return {
        "timeout": float(timeout) if timeout else DEFAULT_TIMEOUT,
        "deadline": _number(config, "request_deadline"),
        "max_bytes": int(_number(config, "response_size_limit")),
        "publish_delay": _number(config, "publish_delay"),
        "retry_attempts": int(_number(config, "publish_retry_attempts")),
        "retry_duration": _number(config, "publish_retry_duration"),
    }


def _api_prefixes(config: Any) -> dict[str, str]:
    prefixes = dict(DEFAULT_API_PREFIXES)
    for mode, prefix in (_opt(config, "publish_override_api_prefix") or {}).items():
        if mode not in DEFAULT_API_PREFIXES or not isinstance(prefix, str):
            raise ConfluenceConfigError("confluence_publish_override_api_prefix",
                                        f"unknown API mode {mode!r} or non-string prefix",
                                        hint="Example: {'v1': 'rest/api/', 'v2': 'api/v2/'}.")
        prefixes[mode] = prefix.lstrip("/") if not prefix or prefix.endswith("/") \
            else prefix.lstrip("/") + "/"
    return prefixes


def _hooks(config: Any) -> tuple[Any, Any]:
    """The credential provider (function or command) and the session override."""
    provider = _opt(config, "publish_credential_provider")
    if provider is not None and not (callable(provider) or
                                     (isinstance(provider, str) and provider.strip())):
        raise ConfluenceConfigError("confluence_publish_credential_provider",
                                    "must be a function or a command string")
    override = _opt(config, "request_session_override")
    if override is not None and not callable(override):
        raise ConfluenceConfigError("confluence_request_session_override",
                                    "must be a function taking the requests.Session")
    return provider, override


def _tls(config: Any, base: str) -> tuple[str | None, bool]:
    """The CA bundle (a path) and whether the certificate is checked."""
    ca_cert = _opt(config, "ca_cert")
    if ca_cert is not None:
        ca_cert = _path(config, "confluence_ca_cert", ca_cert, base, isdir_ok=True)
    verify = not _opt(config, "disable_ssl_validation")
    if not verify:
        _warn("confluence_disable_ssl_validation is set: the server certificate is not "
              "checked. Prefer confluence_ca_cert with your organisation's CA", subtype="tls")
    return ca_cert, verify


def _credentials(config: Any, cloud: bool, asked: Mapping[str, str], *, scoped: bool,
                 headers: Mapping[str, str]) -> Credentials:
    """The credential the session sends (credentials.py decides); a build warns about
    every conflict the resolver met."""
    creds = resolve(config, cloud, asked, headers=headers, scoped=scoped)
    for finding in creds.findings:
        if finding.warning:
            _warn("%s", finding.warning, subtype="credentials")
    return creds


def _secret(name: str, value: Any) -> str | None:
    cleaned, findings = clean_secret(name, value)
    for finding in findings:
        _warn("%s", finding.warning, subtype="credentials")
    return cleaned


def from_config(config: Any, base_dir: str | os.PathLike[str] | None = None
                ) -> ConnectionSettings:
    """Build :class:`ConnectionSettings` from a Sphinx config or ``config.defaults()``.

    ``base_dir`` resolves relative file options (default: the current directory;
    the builder passes the configuration directory).
    """
    return read_settings(config, base_dir)[0]


def read_settings(config: Any, base_dir: str | os.PathLike[str] | None = None
                  ) -> tuple[ConnectionSettings, Credentials]:
    """:func:`from_config`, plus the resolved credentials with their findings (what
    ``connection-test`` reports on)."""
    base = os.fspath(base_dir) if base_dir is not None else os.getcwd()
    url = normalize_server_url(_opt(config, "server_url"))
    gateway, cloud = _site_kind(config, url)
    scoped = bool(_opt(config, "api_token_scoped"))
    api_mode, explicit = _api_mode(config, cloud, gateway, scoped)
    headers = _headers(config)
    cookies, cookies_file = _cookies(config, base)
    prefixes = _api_prefixes(config)
    provider, override = _hooks(config)
    ca_cert, verify = _tls(config, base)
    proxy = _opt(config, "proxy")
    if proxy is not None:
        check_url("confluence_proxy", proxy)
    client_cert = _client_cert(config, base)
    client_cert_pass = _secret("confluence_client_cert_pass", _opt(config, "client_cert_pass"))
    debug = _debug(config)
    # last, so that nobody types a password only to hit a configuration error
    asked = ask_credentials(config, url, cloud)
    creds = _credentials(config, cloud, asked, scoped=scoped, headers=headers)
    return ConnectionSettings(
        server_url=url,
        space_key=_opt(config, "space_key"),
        cloud=cloud,
        api_mode=api_mode,
        api_mode_explicit=explicit,
        gateway=gateway,
        scoped_token=scoped,
        headers=headers,
        cookies=cookies,
        cookies_file=cookies_file,
        session_override=override,
        credential_provider=provider,
        oauth2=creds.oauth2,
        ca_cert=ca_cert,
        client_cert=client_cert,
        client_cert_pass=client_cert_pass,
        verify_ssl=verify,
        proxy=proxy,
        **_limits(config),
        debug=debug,
        api_prefixes=prefixes,
        asked=tuple(name for key, name in (("user", ASK_USER), ("secret", ASK_PASSWORD))
                    if key in asked),
        page_search_mode="search" if _opt(config, "page_search_mode") == "search"
        else "content",  # 'default' is 'content'
        embedded_certs=bool(_opt(config, "adv_embedded_certs")),
        cloud_prop_delay=0.0 if _opt(config, "adv_disable_cloud_prop_delay") else CLOUD_PROP_DELAY,
        user=creds.user,
        password=creds.password,
        password_option=creds.password_option,
        bearer_token=creds.bearer_token,
        auth=creds.auth,
    ), creds
