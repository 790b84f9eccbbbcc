"""Sibling order as the REST answers tell it, and the positions of the REST page move."""

from __future__ import annotations

from typing import Any

from .base import RemotePage

#: positions of ``PUT content/{id}/move/{position}/{targetId}``
MOVE_POSITIONS = ("before", "after", "append")


def position_of(value: Any) -> int | None:
    """A child position from an answer (Confluence says ``"none"`` when it has none)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def in_position_order(pages: list[RemotePage]) -> list[RemotePage]:
    """Children sorted by their position when the server told every one (a stable sort:
    the listing order decides ties); else the listing order as it came."""
    if all(p.position is not None for p in pages):
        return sorted(pages, key=lambda p: p.position or 0)
    return pages
