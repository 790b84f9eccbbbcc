"""An ``https`` URL on a plain-HTTP server, or an ``http`` URL on a TLS port.

Both look like something else from the client's side: the first fails the TLS handshake
("wrong version number"), which reads like a certificate problem; the second gets the
connection closed without an answer, which reads like a flaky proxy. This module tells
them apart. The check for TLS on a port is a bare handshake: no HTTP request, no
credential is sent.
"""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

from ..rest.classify import speaks_plain_http
from .advice import Diagnosis

_DROPPED = ("remotedisconnected", "connection reset", "connection aborted", "badstatusline",
            "remote end closed", "protocolerror", "connectionreseterror", "broken pipe")
_PLAIN_ON_TLS_PAGE = ("plain http request was sent to https port",
                      "client sent an http request to an https server")


def _swap(url: str, scheme: str) -> str:
    return urlsplit(url)._replace(scheme=scheme).geturl()


def https_on_http(url: str) -> Diagnosis:
    parts = urlsplit(url)
    return Diagnosis("https-on-http", f"{parts.netloc} speaks plain HTTP, not TLS: the URL "
                     "says https but the server answered the TLS handshake in plain text",
                     f"Set confluence_server_url = '{_swap(url, 'http')}' (or enable HTTPS "
                     "on the server). This is not a certificate problem.",
                     ("confluence_server_url",))


def http_on_https(url: str) -> Diagnosis:
    parts = urlsplit(url)
    return Diagnosis("http-on-https", f"{parts.netloc} expects TLS (HTTPS): the URL says "
                     "http, so the server closed the connection without an answer",
                     f"Set confluence_server_url = '{_swap(url, 'https')}'. This is not a "
                     "proxy problem.", ("confluence_server_url",))


def speaks_tls(host: str, port: int, timeout: float = 10.0) -> bool:
    """True when ``host:port`` completes a TLS handshake (certificate not checked)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=min(timeout, 10.0)) as raw, \
                context.wrap_socket(raw, server_hostname=host):
            return True
    except (OSError, ssl.SSLError):
        return False


def scheme_mismatch(exc: BaseException, url: str, timeout: float = 10.0) -> Diagnosis | None:
    """The scheme mix-up behind a failure below HTTP, or None."""
    parts = urlsplit(url)
    text = f"{type(exc).__name__}: {exc!r} {exc}".lower()
    if parts.scheme == "https" and speaks_plain_http(text):
        return https_on_http(url)
    if parts.scheme == "http" and parts.hostname and any(mark in text for mark in _DROPPED):
        if speaks_tls(parts.hostname, parts.port or 80, timeout):
            return http_on_https(url)
    return None


def from_plain_answer(status: int, body: str, url: str) -> Diagnosis | None:
    """A web server's "plain HTTP request sent to an HTTPS port" page (nginx, Apache)."""
    if status == 400 and urlsplit(url).scheme == "http" and \
            any(mark in body.lower() for mark in _PLAIN_ON_TLS_PAGE):
        return http_on_https(url)
    return None

