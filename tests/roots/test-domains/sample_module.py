"""A small module for autodoc."""

from __future__ import annotations


def combine(left: int, right: str = "x", *rest: int, flag: bool = False) -> list[str]:
    """Combine values into a list."""
    return [str(left), right]


class Widget:
    """A widget with one method."""

    #: the widget size
    size: int = 3

    def spin(self, turns: int) -> None:
        """Spin the widget."""
