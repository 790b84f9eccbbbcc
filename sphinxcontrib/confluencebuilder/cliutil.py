"""Small helpers every command module shares: the program name as the user ran it."""

from __future__ import annotations

import os
import sys

MODULE = "sphinxcontrib.confluencebuilder"


def program() -> str:
    """How the tool was started: ``python -m sphinxcontrib.confluencebuilder`` or the
    name of the installed script (``sphinx-build-confluence``)."""
    argv0 = sys.argv[0] if sys.argv else ""
    base = os.path.basename(argv0)
    if not base or base in ("__main__.py", "-m", "-c") or base.startswith(("python", "pytest")) \
            or base.endswith(".py"):
        return f"python -m {MODULE}"
    return base


def program_name(command: str = "") -> str:
    """The ``prog`` of a subcommand's parser: ``<program> <command>``."""
    return f"{program()} {command}".rstrip()
