"""What a dialect sends its requests through: one call, a paged listing of either API,
a DELETE for which "already gone" is success too, and the two versioned writes (a page
update, a content property) whose stale version the transport's retry policy meets by
asking :class:`Wire` to re-read and rebuild (no retry loop here).

A :class:`Wire` is shared by the dialects of one client (a v2 dialect and the v1 one
it hands Cloud's v1-only calls to send through the same wire), so the request count,
the rate limiter and the site base URL are one per client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..errors import ConfluenceNotFoundError
from ..settings import ConnectionSettings
from . import shape
from .common import PAGE_LIMIT, Pager, next_link, results_of
from .retrypolicy import Rebase, Resend
from .transport import Reply, Transport

#: what says a property write's guessed version was wrong: 409 (made meanwhile, or a
#: newer version), 404 (an update of a property that is not there), 400 (Data Center's
#: answer to creating a property that exists)
GUESS_STALE = frozenset({400, 404, 409})


class Wire:
    """Sends the requests a dialect builds and hands back the parsed JSON answers."""

    def __init__(self, transport: Transport, base_url: str) -> None:
        self.transport = transport
        self.settings: ConnectionSettings = transport.settings
        #: site base URL, e.g. https://x.atlassian.net/wiki/ (or the gateway's)
        self.base_url = base_url

    def call(self, method: str, url: str, **kwargs: Any) -> Any:
        """One API call; its parsed JSON answer (None when empty)."""
        return self.transport.request(method, url, **kwargs).data

    def reply(self, method: str, url: str, **kwargs: Any) -> Reply:
        """One API call; the whole :class:`Reply` (status, answer, headers)."""
        return self.transport.request(method, url, **kwargs)

    def delete(self, url: str, subject: str, **kwargs: Any) -> None:
        """A DELETE where an answer of 404 (already gone) is success too."""
        try:
            self.call("DELETE", url, allow_empty=True, subject=subject, **kwargs)
        except ConfluenceNotFoundError:
            pass

    def send(self, request: Resend, rebase: Rebase | None = None, **kwargs: Any) -> Any:
        """Send a built request; its parsed JSON answer."""
        return self.call(request.method, request.url, json=request.json, rebase=rebase,
                         **kwargs)

    def write_versioned(self, build: Callable[[int], Resend], number: int,
                        current: Callable[[], int], **kwargs: Any) -> tuple[Any, int]:
        """Send ``build(number)``, a write of version ``number``; when the server says
        that version is stale, the transport has ``current()`` re-read the version and
        sends ``build(current() + 1)``. Returns the answer and the version written."""
        numbers = [number]

        def rebuild() -> Resend:
            numbers.append(current() + 1)
            return build(numbers[-1])

        data = self.send(build(number), Rebase(rebuild), **kwargs)
        return data, numbers[-1]

    def write_property(self, read: Callable[[], dict[str, Any] | None],
                       build: Callable[[int, dict[str, Any] | None], Resend], *,
                       guess: int | None, settle: Mapping[int, float] | None = None,
                       **kwargs: Any) -> tuple[int, Any]:
        """Write a content property at the version after the current one; returns the
        version written and the server's answer.

        ``guess`` (the current version as the caller believes it, 0: absent) builds the
        first request without a read; otherwise ``read()`` fetches the property (None
        when absent). ``build(number, current)`` makes the create (``number`` 0) or the
        update to ``number + 1``; ``current`` is what ``read()`` returned (None for the
        guess). A stale version (409; for a guess also 400/404) is met by the transport's
        retry policy, which has ``read()`` and ``build`` make the next request;
        ``settle`` is its wait before that, by status."""
        numbers: list[int] = []
        waits = dict(settle or {})

        def rebuild() -> Resend:
            found = read()
            numbers.append(0 if found is None else shape.number(
                shape.obj(found.get("version"), "property version").get("number"),
                "property version.number"))
            # a status the caller waits for (a page not yet visible) stays a stale one
            return replace(build(numbers[-1], found), stale=frozenset({409, *waits}))

        if guess is None:
            first, stale = rebuild(), frozenset({409})
        else:
            numbers.append(guess)
            first, stale = build(guess, None), GUESS_STALE
        data = self.send(first, Rebase(rebuild, stale=stale, settle=waits),
                         idempotent=True, **kwargs)
        return written_version(data, numbers[-1] + 1), data

    def sleep(self, seconds: float) -> None:
        self.transport.sleep(seconds)

    def paged_v1(self, url: str, params: dict[str, Any], subject: str = ""
                 ) -> Iterator[dict[str, Any]]:
        """Every result of a v1 listing: ``_links.next`` (relative to ``_links.base``)
        when the server gives it, else ``start`` while ``totalSize`` says more."""
        next_url: str | None = url
        query: dict[str, Any] | None = {"limit": PAGE_LIMIT, **params}
        seen = 0
        pager = Pager(url)
        while next_url:
            pager.visit(next_url, query)
            data = self.call("GET", next_url, params=query, subject=subject) or {}
            results = results_of(data, next_url, "Confluence", ("confluence_server_url",))
            pager.progress(results)
            yield from results
            seen += len(results)
            nxt = next_link(data)
            if nxt:
                base = data["_links"].get("base")
                base = (base if isinstance(base, str) and base else self.base_url).rstrip("/")
                next_url, query = (nxt if urlsplit(nxt).scheme else base + nxt), None
            elif results and isinstance(data.get("totalSize"), int) and \
                    data["totalSize"] > seen and query is not None:
                query = {**query, "start": seen}
            else:
                next_url = None

    def paged_v2(self, url: str, params: dict[str, Any], subject: str = ""
                 ) -> Iterator[dict[str, Any]]:
        """Every result of a cursor-paged v2 listing (``_links.next`` from the origin)."""
        next_url: str | None = url
        query: dict[str, Any] | None = {"limit": PAGE_LIMIT, **params}
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}/"
        pager = Pager(url)
        while next_url:
            pager.visit(next_url, query)
            data = self.call("GET", next_url, params=query, subject=subject) or {}
            results = results_of(data, next_url, "Confluence Cloud",
                                 ("confluence_server_url", "confluence_api_mode"))
            pager.progress(results)
            yield from results
            nxt = next_link(data)
            next_url, query = (urljoin(origin, nxt), None) if nxt else (None, None)


def written_version(data: Any, expected: int) -> int:
    """The version number a property write answered with (``expected`` when absent)."""
    number = ((data or {}).get("version") or {}).get("number") if isinstance(data, dict) \
        else None
    return number if isinstance(number, int) else expected


__all__ = ["GUESS_STALE", "Wire", "written_version"]
