"""What the v1 and v2 clients share beyond their API calls: the property-write retry,
the check of a paged answer, and the page fields both APIs spell the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import (
    ConfluenceBadRequestError,
    ConfluenceBadResponseError,
    ConfluenceConflictError,
    ConfluenceNotFoundError,
)

PAGE_LIMIT = 250
CONFLICT_RETRIES = 3


def results_of(data: dict[str, Any], url: str, product: str,
               options: tuple[str, ...]) -> list[Any]:
    """The ``results`` list of one page of a paged answer."""
    results = data.get("results")
    if not isinstance(results, list):
        raise ConfluenceBadResponseError(f"GET {url.split('?')[0]}: the answer has no "
                                         f"'results' list; is this {product}?",
                                         options=options, url=url)
    return results


def page_fields(data: Any) -> dict[str, Any]:
    """The RemotePage fields v1 and v2 answers spell alike (id, title, version, status,
    body); an answer without a page id is refused."""
    if not isinstance(data, dict) or "id" not in data:
        raise ConfluenceBadResponseError("the server answered without a page id",
                                         options=("confluence_server_url",))
    return {"id": str(data["id"]), "title": data.get("title", ""),
            "version": int((data.get("version") or {}).get("number") or 0),
            "status": data.get("status", "current"),
            "body": ((data.get("body") or {}).get("storage") or {}).get("value")}


def write_property(read: Callable[[], dict[str, Any] | None],
                   write: Callable[[int, dict[str, Any] | None], Any], *,
                   guess: int | None, version: int | None) -> int:
    """Write a content property at the version after the current one; returns the
    version written.

    ``guess`` (the current version as the caller believes it) is used for the first
    attempt; otherwise, and on every retry, ``read()`` fetches the property (None when
    absent). ``write(number, current)`` creates the property when ``number`` is 0, else
    writes version ``number + 1``; ``current`` is what ``read()`` returned this attempt
    (None when the guess was used). A 409 (stale version, or the property exists
    already) is retried, at most CONFLICT_RETRIES times; so is a 400/404 when the
    caller passed a ``version`` (a wrong guess, e.g. a PUT of a property that does not
    exist)."""
    for attempt in range(CONFLICT_RETRIES + 1):
        current: dict[str, Any] | None = None
        if guess is None:
            current = read()
            number = 0 if current is None else \
                int((current.get("version") or {}).get("number") or 0)
        else:
            number, guess = guess, None     # a guess is used once; then read
        try:
            return written_version(write(number, current), number + 1)
        except (ConfluenceConflictError, ConfluenceBadRequestError,
                ConfluenceNotFoundError) as exc:
            if attempt == CONFLICT_RETRIES or (
                    not isinstance(exc, ConfluenceConflictError) and version is None):
                raise
            version = None
    raise AssertionError("unreachable")  # pragma: no cover


def written_version(data: Any, expected: int) -> int:
    """The version number a property write answered with (``expected`` when absent)."""
    number = ((data or {}).get("version") or {}).get("number") if isinstance(data, dict) \
        else None
    return number if isinstance(number, int) else expected
