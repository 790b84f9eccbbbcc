"""Every answer bounded: one HTTP exchange within a total deadline and a size cap.

``requests`` bounds each socket read (``timeout``) but not the whole answer: a server
that trickles one byte per second never times out, and ``response.content`` holds an
answer of any size in memory. :func:`bounded_request` sends with ``stream=True`` and
reads the body itself, a bounded piece at a time, so that

* the whole exchange (send, headers, body) ends by ``deadline`` seconds after it began
  (a body still arriving then raises :class:`DeadlineExceeded`, a ``Timeout``);
* an answer larger than ``max_bytes`` (announced by ``Content-Length`` or counted while
  reading, after decompression) raises :class:`AnswerTooLarge` and is never held whole.

The response comes back with its body read (``response.content`` works as usual) and
its connection released. The headers themselves are bounded by ``timeout`` per read.
"""

from __future__ import annotations

import time
from typing import Any

import requests

_PIECE = 64 * 1024


class AnswerLimitExceeded(requests.RequestException):
    """An answer broke a bound of :func:`bounded_request`."""


class DeadlineExceeded(AnswerLimitExceeded, requests.exceptions.Timeout):
    """The answer was still arriving when the request's deadline passed."""


class AnswerTooLarge(AnswerLimitExceeded):
    """The answer is larger than the size cap."""


def bounded_request(session: requests.Session, method: str, url: str, *, timeout: float,
                    deadline: float, max_bytes: int, **kwargs: Any) -> requests.Response:
    """``session.request(method, url, **kwargs)`` within ``deadline`` and ``max_bytes``."""
    started = time.monotonic()
    response = session.request(method, url, timeout=timeout, stream=True, **kwargs)
    try:
        read_body(response, started + deadline, max_bytes)
    finally:
        response.close()
    return response


def read_body(response: requests.Response, ends: float, max_bytes: int) -> None:
    """Read the body of a streamed ``response`` into it, by ``ends`` (monotonic time)."""
    if getattr(response, "_content_consumed", False):
        return  # a hook or auth handler already read it
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise AnswerTooLarge(_too_large(response, max_bytes), response=response)
    raw = response.raw
    read = getattr(raw, "read1", None)
    pieces = iter(lambda: read(_PIECE, decode_content=True) or b"", b"") if read is not None \
        else response.iter_content(_PIECE)   # urllib3 1.x: iter_content's reads
    parts: list[bytes] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > max_bytes:
            raise AnswerTooLarge(_too_large(response, max_bytes), response=response)
        parts.append(piece)
        if time.monotonic() > ends:
            raise DeadlineExceeded(f"the answer of {_where(response)} was still arriving "
                                   f"when the request deadline passed ({size} bytes read)",
                                   response=response)
    response._content = b"".join(parts)
    response._content_consumed = True  # type: ignore[attr-defined]


def _where(response: requests.Response) -> str:
    return (response.url or "").split("?", 1)[0]


def _too_large(response: requests.Response, max_bytes: int) -> str:
    return f"the answer of {_where(response)} is larger than {max_bytes} bytes"
