"""What a dialect sends its requests through: one call, a paged listing of either API,
and a DELETE for which "already gone" is success too.

A :class:`Wire` is shared by the dialects of one client (a v2 dialect and the v1 one
it hands Cloud's v1-only calls to send through the same wire), so the request count,
the rate limiter and the site base URL are one per client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..errors import ConfluenceNotFoundError
from ..settings import ConnectionSettings
from .common import PAGE_LIMIT, Pager, next_link, results_of
from .transport import Reply, Transport


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


__all__ = ["Wire"]
