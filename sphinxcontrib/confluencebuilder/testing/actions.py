"""Web actions outside the REST roots that REST clients still call.

Only ``[site]/pages/movepage.action`` (the page-tree move used by the Python ``atlassian``
client): ``POST ?pageId=&spaceKey=&targetId=|targetTitle=&position=append|above|below``.
A move re-parents the page without creating a new version.

Also :func:`copy_page`, what a person's "Copy page" in the web UI does (for tests).
"""

from __future__ import annotations

import copy
from typing import Any

from .protocol import ApiResponse
from .state import Content, EmulatorError, State

MOVE_ACTION = "/pages/movepage.action"
_POSITIONS = {"append": "append", "above": "before", "below": "after"}


def move_page(state: State, args: dict[str, str], user: str | None) -> ApiResponse:
    if user is None:
        return _error(403, "You are not permitted to move this page.")
    position = args.get("position", "append")
    if position not in ("append", "above", "below", "topLevel"):
        return _error(400, f"Unknown position: {position}")
    with state.lock:
        try:
            page = _page(state, args.get("pageId"))
            if position == "topLevel":
                state.move_page(page, None, "top")
            else:
                target = _target(state, page, args)
                state.move_page(page, target, _POSITIONS[position])
        except EmulatorError as err:
            return _error(err.status, err.message)
        body: dict[str, Any] = {"page": {"id": page.id, "title": page.title,
                                         "spaceKey": page.space_key,
                                         "parentId": page.parent_id}}
        return ApiResponse(200, body)


def copy_page(state: State, page: Content, title: str | None = None,
              parent_id: str | None = None, *, by: str | None = None) -> Content:
    """What Confluence's "Copy page" does: a new page (``Copy of <title>`` by default, under
    the same parent) with the body, the labels and every content property of ``page``
    (a publisher's identity property included), at version 1."""
    with state.lock:
        new = state.create_page(page.space_key, title or f"Copy of {page.title}", page.body,
                                parent_id or page.parent_id, by=by)
        for label in page.labels:
            state.add_label(new, label.name, label.prefix)
        for key, prop in page.properties.items():
            state.set_property(new, key, copy.deepcopy(prop.value), version=None, by=by)
        return new


def _page(state: State, page_id: str | None) -> Content:
    page = state.content.get(str(page_id)) if page_id else None
    if page is None or page.type != "page" or page.status != "current":
        raise EmulatorError(404, f"No page found with id {page_id}")
    return page


def _target(state: State, page: Content, args: dict[str, str]) -> Content:
    if args.get("targetId"):
        return _page(state, args["targetId"])
    title = args.get("targetTitle")
    found = state.find_pages(page.space_key, title) if title else []
    if not found:
        raise EmulatorError(404, f"No target page found with title {title}")
    return found[0]


def _error(status: int, message: str) -> ApiResponse:
    return ApiResponse(status, {"actionErrors": [message], "statusCode": status})
