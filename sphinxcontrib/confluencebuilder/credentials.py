"""Credentials: the documented precedence of the authentication options, in one place.

:func:`resolve_credentials` reads the user, API token, password, personal access token
and custom ``requests`` auth (plus what was typed at the prompts), warns about every
conflict it resolves, and returns what the session sends. :mod:`.settings` calls it;
nothing here touches the network or shows a secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sphinx.util import logging

from .errors import ConfluenceConfigError
from .prompts import ASK_PASSWORD

__all__ = ["clean_secret", "resolve_credentials"]

logger = logging.getLogger(__name__)


def _warn(message: str, *args: Any, subtype: str = "connection") -> None:
    logger.warning(message, *args, type="confluence", subtype=subtype)


def _opt(config: Any, name: str, default: Any = None) -> Any:
    return getattr(config, "confluence_" + name, default)


def clean_secret(name: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfluenceConfigError(name, "must be a string")
    stripped = value.strip()
    if stripped != value:
        _warn("%s has leading or trailing whitespace (a newline from a file or CI variable?); "
              "it was removed", name, subtype="credentials")
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        _warn("%s is wrapped in quotes; the quotes are sent as part of the credential. "
              "Remove them if they came from CI variable quoting", name, subtype="credentials")
    if any(ch in stripped for ch in "\r\n\0"):
        raise ConfluenceConfigError(name, "contains a line break or NUL character")
    return stripped or None


def resolve_credentials(config: Any, cloud: bool,
                         asked: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Apply the documented precedence rules; warn about every conflict.

    ``asked`` holds the answers of :func:`ask_credentials`: a typed user replaces
    confluence_server_user, a typed secret is the Basic-auth password/API token and
    replaces confluence_api_token, confluence_server_pass and confluence_publish_token.
    """
    asked = asked or {}
    user = asked.get("user") or _opt(config, "server_user") or None
    token, password, pat = _secrets(config, asked)
    auth = _opt(config, "server_auth")
    if auth is not None:
        from requests.auth import AuthBase
        if not isinstance(auth, AuthBase):
            raise ConfluenceConfigError("confluence_server_auth", "must be an instance of a "
                                        "requests.auth.AuthBase subclass",
                                        hint="For example requests_kerberos.HTTPKerberosAuth().")
        if token or password or pat:
            _warn("confluence_server_auth is set; it takes precedence over the configured "
                  "token/password, which will not be sent", subtype="credentials")
        return {"user": user, "auth": auth}
    if token and password:
        _warn("both confluence_api_token and confluence_server_pass are set; the API token "
              "is used", subtype="credentials")
    secret, option = (token, "confluence_api_token") if token else \
        (password, ASK_PASSWORD if asked.get("secret") else "confluence_server_pass")
    if pat and secret:
        if cloud:
            _warn("both confluence_publish_token and %s are set; on Cloud the %s is used",
                  option, option, subtype="credentials")
            pat = None
        else:
            _warn("both confluence_publish_token and %s are set; on Data Center the personal "
                  "access token (Bearer) is used", option, subtype="credentials")
            secret = None
    if pat:
        if user:
            _warn("confluence_server_user is ignored: confluence_publish_token is sent as a "
                  "Bearer token, which identifies the user by itself", subtype="credentials")
        if cloud:
            _warn("confluence_publish_token is a Data Center personal access token, but the "
                  "server looks like Confluence Cloud, which expects confluence_server_user "
                  "(your e-mail) with confluence_api_token", subtype="credentials")
        return {"user": None, "bearer_token": pat}
    if secret:
        if not user:
            raise ConfluenceConfigError(
                "confluence_server_user", f"is required when {option} is set",
                hint="Cloud: set it to the e-mail of the account that owns the API token. "
                "Data Center: set your user name, or use confluence_publish_token (a personal "
                "access token) without a user.")
        return {"user": user, "password": secret, "password_option": option}
    return {"user": user}


def _secrets(config: Any, asked: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    """API token, password and personal access token; a secret typed at the prompt
    replaces all three (and says so)."""
    token = clean_secret("confluence_api_token", _opt(config, "api_token"))
    password = clean_secret("confluence_server_pass", _opt(config, "server_pass"))
    pat = clean_secret("confluence_publish_token", _opt(config, "publish_token"))
    if not asked.get("secret"):
        return token, password, pat
    dropped = [name for name, value in (("confluence_api_token", token),
                                        ("confluence_server_pass", password),
                                        ("confluence_publish_token", pat)) if value]
    if dropped:
        _warn("%s set as well; the secret typed at the confluence_ask_password prompt is "
              "used instead", " and ".join(dropped) + (" is" if len(dropped) == 1 else
                                                     " are"), subtype="credentials")
    return None, asked["secret"], None
