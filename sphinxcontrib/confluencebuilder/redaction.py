"""Redaction: the one place that hides secrets in text we show or write.

Every message, log line, report and JSON document this project composes goes through
:func:`redact` after it is composed. It hides

* every secret value known to the process (registered with :func:`register` when the
  configuration is read and when a session is built, and any passed in), matched
  case-insensitively and also in its URL-encoded and JSON-escaped spellings, so a
  server that echoes a token in a header, a redirect ``Location`` or a page link, or
  lower-cases it, still cannot make it appear;
* credentials after an auth scheme (``Bearer …``, ``Basic …``), ``Cookie:`` and
  ``Authorization:`` header lines, and passwords inside URLs (``scheme://user:pw@``).

The module imports nothing from Sphinx, so ``session.py``, ``rest/`` and the CLI share
it. :func:`install_log_filter` puts the same redaction on every handler of Sphinx's
logger, so log lines of every module (and Sphinx's own ``-vv`` event trace) pass
through it too.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

REDACTED = "<redacted>"
#: secrets shorter than this are not searched for (they would hide ordinary words)
MIN_LENGTH = 3

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
#: the same rule as _HEADER_LINE, one literal-led pattern per keyword (lower-case text)
_HEADER_VALUES = tuple(re.compile(keyword + r"(\"?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\r\n]*)")
                       for keyword in ("authorization", "cookie"))
_URL_USERINFO = re.compile(r"(\w+://[^/\s:@]+):([^/\s@]+)@")


class _SecretRegistry:
    """Secret strings known to this process, so any text can be scrubbed of them."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._names: set[str] = set()
        self._frozen: frozenset[str] | None = None
        self._lock = threading.Lock()

    def add(self, values: Iterable[str | None] = (), names: Iterable[str] = ()) -> None:
        with self._lock:
            self._values.update(v for v in values if isinstance(v, str) and
                                len(v.strip()) >= MIN_LENGTH)
            self._frozen = None
            self._names.update(n.lower() for n in names)

    def values(self) -> list[str]:
        with self._lock:
            return sorted(self._values, key=len, reverse=True)

    def frozen(self) -> frozenset[str]:
        """The values as one frozenset, rebuilt only after a change (for caching)."""
        with self._lock:
            if self._frozen is None:
                self._frozen = frozenset(self._values)
            return self._frozen

    def names(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._names)

    def snapshot(self) -> tuple[frozenset[str], frozenset[str]]:
        """What is known now; :meth:`restore` goes back to it (tests run many projects
        in one process, and one project's secrets must not hide another's text)."""
        with self._lock:
            return frozenset(self._values), frozenset(self._names)

    def restore(self, snapshot: tuple[frozenset[str], frozenset[str]]) -> None:
        with self._lock:
            self._values, self._names = set(snapshot[0]), set(snapshot[1])
            self._frozen = None


SECRETS = _SecretRegistry()


def register(values: Iterable[str | None] = (), header_names: Iterable[str] = ()) -> None:
    """Remember secret values (and names of injected headers) for every later redaction."""
    SECRETS.add(values, header_names)


def _spellings(secret: str) -> set[str]:
    """The ways a secret can appear in text: as is, stripped, URL-encoded, JSON-escaped."""
    found = {secret, secret.strip()}
    for value in list(found):
        found.update({quote(value, safe=""), quote(value), quote_plus(value),
                      json.dumps(value)[1:-1]})
    return {s for s in found if len(s) >= MIN_LENGTH}


@lru_cache(maxsize=64)
def _pattern(secrets: frozenset[str]) -> tuple[tuple[str, ...], re.Pattern[str] | None]:
    """Lower-cased spellings (for a quick ``in`` test) and one case-insensitive pattern."""
    spellings: set[str] = set()
    for secret in secrets:
        spellings |= _spellings(secret)
    if not spellings:
        return (), None
    alternatives = sorted(spellings, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(s) for s in alternatives), re.IGNORECASE)
    return tuple({s.lower() for s in alternatives}), pattern


_SCHEMES = ("bearer", "basic", "negotiate", "ntlm", "digest")


def redact(text: str, secrets: Iterable[str | None] = (), *, marker: str = REDACTED) -> str:
    """``text`` with secrets, auth-scheme credentials, cookie headers and URL passwords
    replaced by ``marker``. ``secrets`` adds values to the registered ones.

    Each rule runs only when a quick substring test finds something it could match, so
    a line without secrets (nearly every line) costs a few substring searches.
    """
    if not text:
        return text
    extra = frozenset(s for s in secrets if isinstance(s, str) and len(s.strip()) >= MIN_LENGTH)
    lowered, pattern = _pattern(extra | SECRETS.frozen())
    low = text.lower()
    if pattern is not None and any(s in low for s in lowered):
        text = pattern.sub(marker, text)
        low = text.lower()
    if "authorization" in low or "cookie" in low:
        text = _hide_header_values(text, low, marker)
    if any(scheme in low for scheme in _SCHEMES):
        text = _SCHEME_VALUE.sub(lambda m: _scheme_value(m, marker), text)
    if "@" in text and "://" in text:
        text = _URL_USERINFO.sub(lambda m: m.group(0) if m.group(2) in (marker, REDACTED)
                                 else m.group(1) + ":" + marker + "@", text)
    return text


def _hide_header_values(text: str, low: str, marker: str) -> str:
    """``Authorization: …`` / ``Cookie = …`` values replaced by ``marker``. Searched in the
    lower-cased text with literal-led patterns (fast), replaced in the original."""
    if len(low) != len(text):  # lower() changed the length: positions would not match
        return _HEADER_LINE.sub(lambda m: m.group(1) + m.group(2) + marker, text)
    merged: list[list[int]] = []
    for start, end in sorted(m.span(2) for pattern in _HEADER_VALUES
                             for m in pattern.finditer(low)):
        if merged and start <= merged[-1][1]:  # one value inside another: hide both once
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + marker + text[end:]
    return text


def _scheme_value(match: re.Match[str], marker: str) -> str:
    """``Basic <credential>`` -> ``Basic <redacted>``; prose such as ``Basic
    authentication`` or ``Bearer personal access token`` stays (a credential is long or
    has digits, symbols or mixed case)."""
    value = match.group(2)
    looks_secret = (len(value) >= 16 or any(c.isdigit() for c in value)
                    or any(c in "+/=_-." for c in value)
                    or (value.lower() != value and value.upper() != value))
    if not looks_secret or value in (marker, REDACTED) or \
            value.lower().startswith(("realm=", "scope=")):
        return match.group(0)
    return f"{match.group(1)} {marker}"


def redact_url(url: str) -> str:
    """Replace the password of ``scheme://user:pass@host`` with ``<redacted>``."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return redact(url)
    if password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}:{REDACTED}@{netloc}").geturl()


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
    user injected, names that look like credentials, and any known secret value in the
    others (``X-Seraph-LoginReason: Bearer …`` included).
    """
    extra = tuple(extra_names)
    return {name: REDACTED if is_sensitive_header(name, extra) else redact(str(value))
            for name, value in headers.items()}


# -- logging ------------------------------------------------------------------------------


class RedactingFilter(logging.Filter):
    """Replaces a record's message by its redacted text (any logger, any handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not ours to fix
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


LOG_FILTER = RedactingFilter()


def install_log_filter(logger_name: str = "sphinx") -> None:
    """Put :data:`LOG_FILTER` first on every handler of ``logger_name`` (Sphinx's own
    namespace by default), so each line is redacted before any other filter sees it."""
    for handler in logging.getLogger(logger_name).handlers:
        if LOG_FILTER not in handler.filters:
            handler.filters.insert(0, LOG_FILTER)
