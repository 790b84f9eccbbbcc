"""The ``confluence_oauth2_*`` options read into one frozen value (OAuth 2.0 client
credentials, RFC 6749 section 4.4).

:func:`oauth2_from_config` validates them before any request is sent: the token URL
must be https (plain http only for a loopback address, where nothing crosses a
network), a client id needs a secret (from conf.py or ``CONFLUENCE_OAUTH2_CLIENT_SECRET``),
the header must be a valid header name. Each error names the option to fix. No Sphinx
import: ``settings.py`` calls it, the session and the doctor read the value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from .errors import ConfluenceConfigError
from .optiontable import default_of

ClientAuth = Literal["client_secret_basic", "client_secret_post"]
CLIENT_AUTH_METHODS: tuple[str, ...] = ("client_secret_basic", "client_secret_post")
#: header names that carry ``Bearer <token>``; any other header carries the bare token
SCHEME_HEADERS = frozenset({"authorization", "proxy-authorization"})
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_REDACTED = "<redacted>"


@dataclass(frozen=True, repr=False)
class OAuth2Settings:
    """Where and how to ask for an access token, and how to send it."""

    token_url: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...] = ()
    audience: str | None = None
    client_auth: ClientAuth = default_of("oauth2_client_auth")
    #: the request header carrying the access token
    header: str = default_of("oauth2_header")
    #: renew this many seconds before the token expires (at most half its lifetime)
    refresh_margin: float = float(default_of("oauth2_refresh_margin"))

    @property
    def bearer_scheme(self) -> bool:
        """``Bearer <token>`` in Authorization-like headers, the bare token elsewhere."""
        return self.header.lower() in SCHEME_HEADERS

    @property
    def cache_key(self) -> tuple[str, str, tuple[str, ...], str | None, str]:
        """Sessions with the same key share one cached token (never the secret itself)."""
        return (self.token_url, self.client_id, self.scopes, self.audience, self.client_auth)

    def __repr__(self) -> str:
        return (f"OAuth2Settings(token_url={self.token_url!r}, client_id={self.client_id!r}, "
                f"client_secret={_REDACTED!r}, scopes={self.scopes!r}, "
                f"audience={self.audience!r}, client_auth={self.client_auth!r}, "
                f"header={self.header!r}, refresh_margin={self.refresh_margin!r})")

    __str__ = __repr__


def _opt(config: Any, name: str) -> Any:
    """An option's value; unset (None or missing) reads as the table's default."""
    value = getattr(config, "confluence_oauth2_" + name, None)
    return default_of("oauth2_" + name) if value is None else value


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_token_url(value: Any) -> str:
    """``confluence_oauth2_token_url`` validated: an https URL, or http on loopback."""
    option = "confluence_oauth2_token_url"
    if not isinstance(value, str) or not value.strip():
        raise ConfluenceConfigError(option, "is required with confluence_oauth2_client_id",
                                    hint="Set it to your identity provider's token endpoint, "
                                    "e.g. https://auth.atlassian.com/oauth/token or "
                                    "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/"
                                    "token.")
    text = value.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        parts, host = urlsplit(""), ""
    if parts.scheme not in ("http", "https") or not host or \
            any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise ConfluenceConfigError(option, "is not a valid https URL",
                                    hint="Give the full address, e.g. "
                                    "https://idp.example.com/oauth2/token.")
    if parts.username is not None or parts.password is not None:
        raise ConfluenceConfigError(option, "must not contain a user name or password",
                                    hint="Use confluence_oauth2_client_id and "
                                    "confluence_oauth2_client_secret.")
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfluenceConfigError(option, f"uses plain http to {host}: the client secret "
                                    "and the access token would cross the network unencrypted",
                                    hint="Use the https:// address of the token endpoint "
                                    "(plain http is accepted only for a loopback address "
                                    "such as 127.0.0.1).")
    return text


def _scopes(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise ConfluenceConfigError("confluence_oauth2_scopes", "must be a list of scope "
                                    "strings or one space-separated string",
                                    hint="e.g. ['read:page:confluence', "
                                    "'write:page:confluence'].")
    return tuple(dict.fromkeys(i.strip() for i in items if i.strip()))


def _secret(value: Any) -> str:
    option = "confluence_oauth2_client_secret"
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ConfluenceConfigError(option, "is required with confluence_oauth2_client_id",
                                    hint="Set the environment variable "
                                    "CONFLUENCE_OAUTH2_CLIENT_SECRET (best for CI) or the "
                                    "option in conf.py.")
    if not isinstance(value, str):
        raise ConfluenceConfigError(option, "must be a string")
    if any(ch in value.strip() for ch in "\r\n\0"):
        raise ConfluenceConfigError(option, "contains a line break or NUL character")
    return value.strip()


def _header(value: Any) -> str:
    if value == "":
        return str(default_of("oauth2_header"))
    if not isinstance(value, str) or not _HEADER_NAME.fullmatch(value.strip()):
        raise ConfluenceConfigError("confluence_oauth2_header", "must be a header name such "
                                    "as 'Authorization' or 'X-Forwarded-Access-Token'")
    return value.strip()


def oauth2_from_config(config: Any) -> OAuth2Settings | None:
    """The OAuth 2.0 settings, or None when no ``confluence_oauth2_*`` option is set."""
    client_id, url = _opt(config, "client_id"), _opt(config, "token_url")
    if not client_id and not url:
        return None
    if not isinstance(client_id, str) or not client_id.strip():
        raise ConfluenceConfigError("confluence_oauth2_client_id", "is required with "
                                    "confluence_oauth2_token_url",
                                    hint="Set the client id of the service account or app "
                                    "registration.")
    method = _opt(config, "client_auth") or default_of("oauth2_client_auth")
    if method not in CLIENT_AUTH_METHODS:
        raise ConfluenceConfigError("confluence_oauth2_client_auth", f"got {method!r}; "
                                    "expected 'client_secret_basic' or 'client_secret_post'")
    audience = _opt(config, "audience")
    if audience is not None and not isinstance(audience, str):
        raise ConfluenceConfigError("confluence_oauth2_audience", "must be a string")
    margin = _opt(config, "refresh_margin")
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or margin < 0:
        raise ConfluenceConfigError("confluence_oauth2_refresh_margin", "must be a number of "
                                    "seconds, 0 or more")
    return OAuth2Settings(token_url=check_token_url(url), client_id=client_id.strip(),
                          client_secret=_secret(_opt(config, "client_secret")),
                          scopes=_scopes(_opt(config, "scopes")),
                          audience=audience.strip() or None if audience else None,
                          client_auth=cast(ClientAuth, method), header=_header(_opt(config, "header")),
                          refresh_margin=float(margin))


def reconcile(oauth: OAuth2Settings, creds: dict[str, Any],
              warn: Callable[[str], None]) -> dict[str, Any]:
    """Credentials of the other options next to OAuth 2.0 (``creds`` as settings.py
    resolved them): a personal access token may travel beside the access token only in
    another header; on Cloud the access token replaces user/API token auth."""
    header_taken = oauth.header.lower() == "authorization"
    if creds.get("bearer_token") and header_taken:
        raise ConfluenceConfigError(
            "confluence_oauth2_header", "is Authorization, which confluence_publish_token "
            "needs too", hint="When a front end wants the OAuth 2.0 access token and "
            "Confluence wants a personal access token, set confluence_oauth2_header to the "
            "header your front end reads (e.g. 'X-Forwarded-Access-Token'); the personal "
            "access token stays in Authorization.")
    if header_taken and (creds.get("password") or creds.get("auth")):
        warn("the OAuth 2.0 access token is sent in Authorization; "
                         "confluence_server_user/confluence_api_token (or "
                         "confluence_server_auth) are not sent")
        return {"user": creds.get("user")}
    return creds
