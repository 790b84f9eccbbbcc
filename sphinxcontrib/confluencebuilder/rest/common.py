"""What the v1 and v2 dialects share beyond their API calls: the check of a paged
answer, the page fields both APIs spell the same way, and small value helpers (CQL
quoting, attachment sizes, page copies)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import requests

from ..errors import ConfluenceBadResponseError
from ..session import redact_text
from . import shape
from .base import RemotePage

PAGE_LIMIT = 250
#: most pages of one paged listing (250 results each): beyond this the listing is endless
MAX_PAGES = 20000
#: pages in a row that bring no new result before a listing counts as stuck (Cloud may
#: send an empty page with a next link now and then, when it filters by permission)
MAX_STALLED = 50


class Pager:
    """Guards one paged listing: each ``next`` link must lead to a request of the same
    endpoint that this listing has not made yet, and the pages must keep bringing new
    results, so a server whose links repeat, wander off or make no progress ends in a
    bad-response error naming the URL instead of looping."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.origin, self.path = parts.netloc.lower(), parts.path
        self.seen: set[str] = set()
        self.items: set[str] = set()
        self.stalled = 0

    def visit(self, url: str, params: Mapping[str, Any] | None) -> None:
        """Call before requesting ``url`` with ``params``."""
        request = requests.models.PreparedRequest()
        try:
            request.prepare_url(url, dict(params) if params else None)
        except (requests.RequestException, ValueError):
            raise _bad_next(url, "is not a valid URL") from None
        full = request.url or url
        parts = urlsplit(full)
        # another server: the transport refuses it (credentials go to one origin only)
        if parts.netloc.lower() == self.origin and parts.path != self.path:
            raise _bad_next(full, f"leaves the listing {self.path}")
        if full in self.seen:
            raise _bad_next(full, "repeats a request this listing already made (a loop)")
        if len(self.seen) >= MAX_PAGES:
            raise _bad_next(full, f"still goes on after {MAX_PAGES} pages")
        if self.stalled > MAX_STALLED:
            raise _bad_next(full, f"makes no progress: the last {self.stalled} pages of the "
                            "listing brought nothing new")
        self.seen.add(full)

    def progress(self, results: list[dict[str, Any]]) -> None:
        """Call with each page's results: pages that bring no result not seen before
        (empty, or the same items again) count towards MAX_STALLED."""
        fresh = 0
        for item in results:
            key = repr(item.get("id", item))[:200]
            if key not in self.items:
                self.items.add(key)
                fresh += 1
        self.stalled = 0 if fresh else self.stalled + 1


def next_link(data: dict[str, Any]) -> str | None:
    """The ``_links.next`` of a paged answer (None when absent; junk is refused)."""
    links = data.get("_links")
    nxt = links.get("next") if isinstance(links, dict) else None
    if nxt is None or nxt == "":
        return None
    if not isinstance(nxt, str):
        raise _bad_next(repr(nxt)[:100], "is not a link")
    return nxt


def _bad_next(url: str, problem: str) -> ConfluenceBadResponseError:
    where = redact_text(url)[:300]
    return ConfluenceBadResponseError(
        f"the server's 'next' link {where} {problem}; the listing is abandoned",
        hint="The server (or a proxy in front of it) answers paged listings wrongly. "
             "Check confluence_server_url and any proxy or gateway in between.",
        options=("confluence_server_url",), url=url.split("?", 1)[0][:300])


def results_of(data: dict[str, Any], url: str, product: str,
               options: tuple[str, ...]) -> list[Any]:
    """The ``results`` list of one page of a paged answer (each result an object)."""
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise ConfluenceBadResponseError(f"GET {url.split('?')[0]}: the answer has no "
                                         f"'results' list of objects; is this {product}?",
                                         options=options, url=url)
    return results


def page_fields(data: Any) -> dict[str, Any]:
    """The RemotePage fields v1 and v2 answers spell alike (id, title, version, status,
    body), each checked for its type; an answer without a page id is refused."""
    if not isinstance(data, dict) or "id" not in data:
        raise ConfluenceBadResponseError("the server answered without a page id",
                                         options=("confluence_server_url",))
    body = shape.obj(shape.obj(data.get("body"), "body").get("storage"), "body.storage")
    return {"id": shape.content_id(data["id"]),
            "title": shape.text(data.get("title"), "title"),
            "version": shape.number(shape.obj(data.get("version"), "version").get("number"),
                                    "version.number"),
            "status": shape.text(data.get("status"), "status", "current"),
            "body": shape.opt_text(body.get("value"), "body.storage.value")}


def cql_quote(text: str) -> str:
    """A CQL string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def expand_properties(keys: tuple[str, ...]) -> list[str]:
    return [f"metadata.properties.{key.replace('-', '_')}" for key in keys]


def attachment_size(value: Any) -> int:
    """An attachment's size in bytes (any whole number; None: unknown, 0)."""
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise shape.bad_shape("fileSize", value, "a whole number of bytes")
    return value


def with_changes(page: RemotePage, **changes: Any) -> RemotePage:
    """A copy of ``page`` with ``changes`` (the dataclass is frozen)."""
    return replace(page, **changes)
