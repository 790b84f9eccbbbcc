"""Sibling order: our pages under a parent follow the toctree order.

Confluence lists children in the order they were added (unless someone reordered
them), and the applier creates the new pages of one parent one after the other in
toctree order, so new pages land in order after the existing ones. The plan marks the
parents whose children need putting in order (:func:`plan_reorders`): where a new page
goes before an existing page of ours, where this run moves one of our pages there, or
where the listing's child positions show our pages out of order. After the
pages exist, the applier reads each marked parent's children once and moves pages of ours
among themselves with the fewest moves (:func:`plan_moves`): the longest run already in
order stays, every other page goes ``after`` (or, when first, ``before``) one of our
pages. A page that is not ours is never moved nor used as a target; it keeps its place.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..errors import ConfluenceConnectionError

if TYPE_CHECKING:
    from ..rest.base import ConfluenceClient


class PageChange(Protocol):
    """What ordering reads of a :class:`.plantypes.PageChange` (a protocol, so the plan's
    values and the ordering do not import each other)."""

    @property
    def docname(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def parent_doc(self) -> str | None: ...
    @property
    def parent_id(self) -> str | None: ...
    @property
    def keep_parent(self) -> bool: ...
    @property
    def recorded(self) -> object | None: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...
    @property
    def position(self) -> int | None: ...

#: (docname, position, target docname): move ``docname`` ``position`` the target
Move = tuple[str, str, str]


@dataclass(frozen=True)
class Reorder:
    """Put the children of one parent in toctree order (after the pages exist)."""

    #: parent document, when the parent is one of the published pages
    parent_doc: str | None
    #: fixed parent page id when ``parent_doc`` is None
    parent_id: str | None
    #: our pages under this parent, in toctree order
    children: tuple[str, ...]
    #: the pages this run may move (only-new: just the new ones)
    movable: tuple[str, ...]
    #: why: 'new pages', 'moved pages' or 'order changed'
    reason: str

    def where(self) -> str:
        return repr(self.parent_doc) if self.parent_doc is not None else (
            f"page id {self.parent_id}")


def _key(change: PageChange) -> tuple[str, str | None]:
    return ("doc", change.parent_doc) if change.parent_doc is not None else (
        "id", change.parent_id)


def plan_reorders(changes: Iterable[PageChange], *, onlynew: bool) -> tuple[Reorder, ...]:
    """The parents whose children a publish puts in order (plan order is toctree order).

    A parent qualifies when it holds two or more of our pages (the configured publish
    root, which stays where it is, does not count, nor does a page only-new leaves
    alone that does not carry our identity) and this run creates one of them before
    an existing one (creates are appended in toctree order) or moves one there, or, on a run that may touch existing pages, when the listing told every
    existing child's position and they are out of order. A parent at the space root is
    left as it is (its children are not a page's children)."""
    groups: dict[tuple[str, str | None], list[PageChange]] = {}
    for change in changes:
        if change.keep_parent or (change.action == "skip" and change.recorded is None):
            continue    # the publish root stays put; a page left alone and not ours
        groups.setdefault(_key(change), []).append(change)
    out: list[Reorder] = []
    for (kind, parent), members in groups.items():
        if len(members) < 2 or (kind == "id" and parent is None):
            continue
        movable = tuple(c.docname for c in members if c.action != "skip")
        if not movable:
            continue
        reason = ""
        if _creates_land_out_of_order(members):
            reason = "new pages"
        elif not onlynew and any("moved" in c.reasons for c in members):
            reason = "moved pages"
        elif not onlynew and _out_of_order(members):
            reason = "order changed"
        if reason:
            out.append(Reorder(parent if kind == "doc" else None,
                               parent if kind == "id" else None,
                               tuple(c.docname for c in members), movable, reason))
    return tuple(out)


def _creates_land_out_of_order(members: Sequence[PageChange]) -> bool:
    """New pages are created in toctree order, each after its siblings: they land in
    place unless a page that exists already comes after one of them in the toctree."""
    first = next((i for i, c in enumerate(members) if c.action == "create"), None)
    return first is not None and any(c.action != "create" for c in members[first:])


def _out_of_order(members: Sequence[PageChange]) -> bool:
    positions = [c.position for c in members]
    if any(p is None for p in positions):
        return False            # the listing did not tell: leave it (no extra request)
    known = [p or 0 for p in positions]
    return known != sorted(known)


def plan_moves(current: Sequence[str], desired: Sequence[str],
               movable: Collection[str]) -> list[Move]:
    """The fewest moves that put the pages of ``desired`` in that order.

    ``current``: our pages as the parent lists them (other pages left out); ``desired``:
    the same pages in toctree order. Pages not in ``movable`` stay where they are (kept
    whenever the order allows). Keeps the longest subsequence already in order (pages
    that may not move count for more than all the others together) and moves each other
    page just after its predecessor in ``desired`` (the first one: just before the first
    kept page)."""
    rank = {doc: i for i, doc in enumerate(desired)}
    seq = [doc for doc in current if doc in rank]
    heavy = len(seq) + 1
    best: list[int] = []
    back: list[int] = []
    for i, doc in enumerate(seq):
        weight = 1 if doc in movable else heavy
        best.append(weight)
        back.append(-1)
        for j in range(i):
            if rank[seq[j]] < rank[doc] and best[j] + weight > best[i]:
                best[i], back[i] = best[j] + weight, j
    keep: set[str] = set()
    at = max(range(len(seq)), key=lambda i: best[i], default=-1)
    while at >= 0:
        keep.add(seq[at])
        at = back[at]
    order = [doc for doc in desired if doc in set(seq)]
    moves: list[Move] = []
    for i, doc in enumerate(order):
        if doc in keep or doc not in movable:
            continue
        if i > 0:
            moves.append((doc, "after", order[i - 1]))
        else:
            first = next((d for d in order if d in keep), None)
            if first is not None:
                moves.append((doc, "before", first))
    return moves


class MoveRefused(Exception):
    """The server answered the REST page move with 404 or 405: it does not have it."""

    def __init__(self, failure: ConfluenceConnectionError) -> None:
        super().__init__(failure.message)
        self.failure = failure


def put_in_order(client: ConfluenceClient, parent_id: str, desired: Sequence[str],
                 ids: Mapping[str, str], movable: Collection[str],
                 refused: threading.Event | None = None) -> list[str]:
    """Read the children of ``parent_id`` once and move our pages (``desired``, in
    toctree order; ``ids``: docname -> page id) into that order. Returns the docnames
    moved. Only pages of ``desired`` are moved or used as targets. A move the server
    refuses as unknown raises :class:`MoveRefused` and sets ``refused``; once it is
    set, no further move is sent."""
    by_id = {ids[doc]: doc for doc in desired if doc in ids}
    current = [by_id[child.id] for child in client.list_children(parent_id)
               if child.id in by_id]
    listed = set(current)
    moves = plan_moves(current, [d for d in desired if d in listed], movable)
    done: list[str] = []
    for doc, position, target in moves:
        if refused is not None and refused.is_set():
            break
        try:
            client.move_page(ids[doc], position, ids[target])
        except ConfluenceConnectionError as exc:
            if exc.status not in (404, 405):
                raise
            if refused is not None:
                refused.set()
            raise MoveRefused(exc) from None
        done.append(doc)
    return done
