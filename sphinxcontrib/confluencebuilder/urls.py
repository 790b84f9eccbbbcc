"""The URL options: the server URL normalised, and any URL option checked, with a
configuration error that names the option (never showing a password in the URL)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult, urlsplit

from sphinx.util import logging

from .errors import ConfluenceConfigError
from .redaction import redact_url

__all__ = ["check_url", "normalize_server_url"]

logger = logging.getLogger(__name__)

_API_SUFFIX = re.compile(r"(?:rest/api|api/v2)/?$")


def _warn(message: str, *args: Any) -> None:
    logger.warning(message, *args, type="confluence", subtype="connection")


def normalize_server_url(url: Any) -> str:
    """Validate and normalise confluence_server_url (see module docstring)."""
    option = "confluence_server_url"
    if not isinstance(url, str) or not url.strip():
        raise ConfluenceConfigError(option, "is required to publish",
                                    hint="Set it to the address of your Confluence, e.g. "
                                    "https://example.atlassian.net/wiki/ or "
                                    "https://confluence.example.com/.")
    text = url.strip()
    parts = check_url(option, text, ("http", "https"))
    if parts.password is not None or parts.username is not None:
        raise ConfluenceConfigError(option, "must not contain a user name or password",
                                    hint="Use confluence_server_user with confluence_api_token "
                                    "or confluence_publish_token instead.")
    if parts.query or parts.fragment:
        raise ConfluenceConfigError(option, "must not contain a query string or fragment")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    match = _API_SUFFIX.search(path)
    if match:
        _warn("confluence_server_url ends with the REST path %r; using the site URL without it",
              match.group(0))
        path = path[: match.start()] or "/"
    return parts._replace(path=path).geturl()


def check_url(option: str, url: str, schemes: tuple[str, ...] | None = None
              ) -> SplitResult:
    """``url`` split, or ConfluenceConfigError naming ``option``: it must parse (a
    bracket left open, ``http://[::1/``, does not), have a scheme (one of ``schemes``)
    and a host, a port in 1-65535 if any, and no spaces or control characters."""
    text = url.strip()
    example = "https://confluence.example.com/" if schemes else "http://proxy.example:3128"
    problem = ""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        problem, parts, port = f" ({exc})", urlsplit(""), None
    if problem or not parts.scheme or (schemes and parts.scheme not in schemes) or \
            not parts.hostname or any(ch.isspace() or ord(ch) < 32 for ch in text):
        what = "a valid http(s) URL" if schemes else "a valid URL"
        raise ConfluenceConfigError(option, f"{redact_url(text)!r} is not {what}{problem}",
                                    hint=f"Give the full address with scheme and host and no "
                                    f"spaces, e.g. {example}.")
    if port == 0:
        raise ConfluenceConfigError(option, f"{redact_url(text)!r} has port 0; expected a "
                                    "port from 1 to 65535", hint=f"For example {example}.")
    return parts
