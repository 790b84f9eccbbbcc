"""Classify a request that got no usable answer: a ``requests`` exception (TLS, refused,
dropped, timed out) or an answer over the size or time limit, into a typed error that
says what to set. :mod:`.classify` re-exports these names.

No function here sends a request or reads a secret.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from .. import errors as E
from ..session import redact_text
from ..settings import ConnectionSettings
from .bounded import AnswerLimitExceeded, AnswerTooLarge

__all__ = ["classify_exception", "error_body", "is_dropped_connection", "shorten",
           "speaks_plain_http"]


_PLAIN_TEXT_TLS = ("wrong version number", "wrong_version_number", "record layer failure",
                   "unknown protocol", "http request", "packet length too long")


def speaks_plain_http(ssl_error_text: str) -> bool:
    """True when an SSL error says the other end answered a ClientHello in plain text
    (an https URL pointing at an http server)."""
    low = ssl_error_text.lower()
    return any(mark in low for mark in _PLAIN_TEXT_TLS)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, marked with '...'."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:(")
    return cut + " ..."


def is_dropped_connection(exc: BaseException) -> bool:
    """True for a connection closed without an answer (worth a retry when idempotent)."""
    text = repr(exc)
    return isinstance(exc, requests.exceptions.ChunkedEncodingError) or any(
        mark in text for mark in ("RemoteDisconnected", "ConnectionResetError",
                                  "ProtocolError", "Connection aborted", "BrokenPipe",
                                  "IncompleteRead"))


_Make = Callable[[type[E.ConfluenceConnectionError], str, str, tuple[str, ...]],
                 E.ConfluenceConnectionError]


def _tls_error(low: str, make: _Make) -> E.ConfluenceConnectionError:
    """A failed TLS handshake, by what OpenSSL said (lower case)."""
    if speaks_plain_http(low):
        return make(E.ConfluenceTlsError, "the server answered the TLS handshake in plain "
                    "text: it speaks http, not https (not a certificate problem)",
                    "Use http:// in confluence_server_url (or enable HTTPS on the "
                    "server).", ("confluence_server_url",))
    if "hostname" in low or "doesn't match" in low or "ip address mismatch" in low:
        return make(E.ConfluenceTlsError, "the certificate does not match the host name",
                    "Use the host name the certificate was issued for in "
                    "confluence_server_url.", ("confluence_server_url",))
    if "certificate_verify_failed" in low or "verify failed" in low:
        return make(E.ConfluenceTlsError, "the server certificate is signed by an unknown "
                    "certificate authority",
                    "Behind a TLS-inspecting proxy or with an internal CA, set "
                    "confluence_ca_cert to your organisation's CA bundle (or export "
                    "REQUESTS_CA_BUNDLE).", ("confluence_ca_cert",))
    return make(E.ConfluenceTlsError, "the TLS handshake failed",
                "Check confluence_client_cert (mutual TLS) and confluence_ca_cert.",
                ("confluence_ca_cert", "confluence_client_cert"))


def _dropped_error(scheme: str, make: _Make) -> E.ConfluenceConnectionError:
    """A connection closed without an answer; on http:// most often a TLS port."""
    if scheme == "http":
        return make(E.ConfluenceNetworkError, "the server closed the connection without "
                    "an answer", "With an http:// URL this is most often a server that "
                    "expects https://: check the scheme of confluence_server_url "
                    "(connection-test tells for sure). Otherwise a proxy or load balancer "
                    "may be dropping requests.",
                    ("confluence_server_url", "confluence_publish_retry_attempts",
                     "confluence_proxy"))
    return make(E.ConfluenceNetworkError, "the server closed the connection without an "
                "answer", "Retry later; a proxy or load balancer may be dropping requests.",
                ("confluence_publish_retry_attempts", "confluence_proxy"))


def classify_exception(exc: BaseException, settings: ConnectionSettings, *, method: str = "",
                       url: str = "") -> E.ConfluenceConnectionError:
    """A transport failure (no HTTP answer) as a typed error."""
    where = f"{method} {url.split('?', 1)[0]}".strip()
    full = redact_text(str(exc))
    detail = shorten(full, 300)  # shown; the whole text is what is classified
    host = urlsplit(url or settings.server_url).hostname or ""

    def make(cls: type[E.ConfluenceConnectionError], text: str, hint: str,
             options: tuple[str, ...]) -> E.ConfluenceConnectionError:
        return cls(f"{where}: {text} ({detail})", hint=hint, options=options,
                   url=url.split("?", 1)[0])

    if isinstance(exc, requests.exceptions.SSLError):
        return _tls_error(full.lower(), make)
    if isinstance(exc, requests.exceptions.ProxyError):
        return make(E.ConfluenceProxyError, "the proxy refused or failed the connection",
                    "Check confluence_proxy (or HTTPS_PROXY/NO_PROXY); credentials go into the "
                    "proxy URL.", ("confluence_proxy",))
    if isinstance(exc, AnswerLimitExceeded):
        return _limit_error(exc, make)
    if isinstance(exc, requests.exceptions.Timeout):
        return make(E.ConfluenceTimeoutError, "no answer within the timeout",
                    "Raise confluence_timeout, or check the network path to the server.",
                    ("confluence_timeout",))
    low = full.lower()
    if any(m in low for m in ("name or service not known", "nameresolutionerror",
                              "failed to resolve", "nodename nor servname",
                              "getaddrinfo failed", "name resolution", "no address associated",
                              "temporary failure in name")):
        return make(E.ConfluenceNetworkError, f"the host name {host!r} cannot be resolved",
                    "Check confluence_server_url; inside a corporate network you may need "
                    "confluence_proxy (or HTTPS_PROXY).", ("confluence_server_url",
                                                           "confluence_proxy"))
    if "refused" in low:
        return make(E.ConfluenceNetworkError, "the connection was refused",
                    "Check the host and port of confluence_server_url, or set "
                    "confluence_proxy.", ("confluence_server_url", "confluence_proxy"))
    if is_dropped_connection(exc):
        return _dropped_error(urlsplit(url or settings.server_url).scheme, make)
    return make(E.ConfluenceNetworkError, "the request failed before an answer arrived",
                "Check confluence_server_url and confluence_proxy.",
                ("confluence_server_url", "confluence_proxy"))


def _limit_error(exc: AnswerLimitExceeded, make: Callable[..., E.ConfluenceConnectionError]
                 ) -> E.ConfluenceConnectionError:
    """An answer that broke the request deadline or the size cap (rest/bounded.py)."""
    if isinstance(exc, AnswerTooLarge):
        return make(E.ConfluenceBadResponseError, "the answer is too large",
                    "Confluence does not send answers this large; check "
                    "confluence_server_url, or raise confluence_response_size_limit.",
                    ("confluence_response_size_limit", "confluence_server_url"))
    return make(E.ConfluenceTimeoutError, "the answer did not complete within the request "
                "deadline", "The server sends its answer too slowly. Check the network path, "
                "or raise confluence_request_deadline.",
                ("confluence_request_deadline", "confluence_timeout"))


def error_body(data: Any) -> str:
    """Short text of a parsed error body, for logs."""
    return redact_text(json.dumps(data)[:300]) if data is not None else ""
