"""Progress of a publish phase that reads right where it is shown.

On a terminal (Sphinx colours on) one line per phase is redrawn in place with the real
count and percentage, as Sphinx's own "writing output..." line is; in CI (no terminal)
every step is a line of its own, so a log shows what happened in order. Only steps that
change something on the server are counted.
"""

from __future__ import annotations

import os
import sys

from sphinx.util import logging
from sphinx.util.console import colorize, term_width_line


def bold(text: str) -> str:
    """Bold when Sphinx colours are on (``sphinx.util.console`` builds ``bold`` at
    run time, so type checkers cannot see it)."""
    return colorize("bold", text)


logger = logging.getLogger(__name__)


def redraws() -> bool:
    """True when progress lines are redrawn in place: on a terminal that understands
    ANSI control sequences, as Sphinx decides for its own progress lines."""
    try:
        terminal = sys.stdout.isatty() and os.environ.get("TERM", "") not in ("", "dumb")
    except (AttributeError, ValueError):  # closed or replaced standard output
        terminal = False
    # term_width_line ends with '\r' only while Sphinx's colours are on
    return terminal and term_width_line("x").endswith("\r")


class Progress:
    """``phase... [ 40%] 2/5 text`` for each of ``total`` steps."""

    def __init__(self, phase: str, total: int) -> None:
        self.phase = phase
        self.total = total
        self.count = 0
        self.redraw = redraws()

    def step(self, text: str) -> None:
        self.count += 1
        total = max(self.total, self.count)
        line = bold(f"{self.phase}... ") + \
            f"[{100 * self.count // total:3d}%] {self.count}/{total} {text}"
        if self.redraw:
            # erase the line, write the step, return to the start of the line
            logger.info("\x1b[2K" + line, nonl=True)
            logger.info("\r", nonl=True)
        else:
            logger.info(line)

    def close(self) -> None:
        """End the redrawn line (nothing to do when every step had its own line)."""
        if self.redraw and self.count:
            logger.info("")
            self.count = 0
