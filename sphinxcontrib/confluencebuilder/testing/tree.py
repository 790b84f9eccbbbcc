"""Page-tree moves of the emulator: where a page goes among its siblings.

Children keep an order (``Content.position``, smaller first): a new page and a page
moved under a new parent go last; a move ``before`` / ``after`` a sibling renumbers the
siblings in their new order, as Confluence stores a child position per page. Used by
the REST move (``PUT /content/{id}/move/{position}/{targetId}``) and the
``movepage.action`` web action.
"""

from __future__ import annotations

from typing import Protocol

from .model import Content, EmulatorError


class State(Protocol):
    """What a move needs of :class:`.state.State` (a protocol, so this module does
    not import the state that calls it)."""

    def writable_space(self, key: str) -> object: ...

    def check_parent(self, space_key: str, parent_id: str | None, *,
                     moving: str | None = None) -> None: ...

    def siblings(self, parent_id: str | None, space_key: str) -> list[Content]: ...

    def next_id(self) -> str: ...

POSITIONS = ("append", "before", "after", "top")


def move_page(state: State, page: Content, target: Content | None, position: str) -> Content:
    """Move ``page``: ``append`` (last child of ``target``), ``before`` / ``after`` (a
    sibling of ``target`` just before / after it), ``top`` (last at the space root,
    ``target`` None). Refuses cycles, other spaces and pages that are not current."""
    if position not in POSITIONS:
        raise EmulatorError(400, f"Invalid position: {position}. Valid values are 'before', "
                            "'after' and 'append'.")
    if page.type != "page" or page.status != "current":
        raise EmulatorError(404, f"No content found with id: ContentId{{id={page.id}}}")
    state.writable_space(page.space_key)
    parent: str | None = None
    if position != "top":
        if target is None or target.type != "page" or target.status != "current":
            raise EmulatorError(404, "Cannot find the target page of the move.")
        if target.space_key != page.space_key:
            raise EmulatorError(400, "Cannot move a page to another space with this "
                                f"operation: page {page.id} is in space {page.space_key}, "
                                f"the target page {target.id} in {target.space_key}.")
        if target.id == page.id:
            raise EmulatorError(400, f"Cannot move page {page.id} relative to itself.")
        parent = target.id if position == "append" else target.parent_id
    state.check_parent(page.space_key, parent, moving=page.id)
    page.parent_id = parent
    if position in ("append", "top") or target is None:
        page.position = int(state.next_id())
        return page
    siblings = [c for c in state.siblings(parent, page.space_key) if c.id != page.id]
    at = siblings.index(target) + (position == "after")
    slots = sorted([c.position for c in siblings] + [int(state.next_id())])
    siblings.insert(at, page)
    for sibling, slot in zip(siblings, slots, strict=True):
        sibling.position = slot
    return page
