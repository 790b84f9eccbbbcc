"""Small helpers every command module shares: the program name as the user ran it."""

from __future__ import annotations

import argparse
import os
import sys

MODULE = "sphinxcontrib.confluencebuilder"
#: the console scripts that start this command line (pyproject.toml [project.scripts])
SCRIPTS = ("sphinx-build-confluence",)


def program() -> str:
    """How the tool was started: ``python -m sphinxcontrib.confluencebuilder`` or the
    name of the installed script (``sphinx-build-confluence``)."""
    argv0 = sys.argv[0] if sys.argv else ""
    base = os.path.basename(argv0)
    stem = base[:-4] if base.lower().endswith(".exe") else base
    return stem if stem in SCRIPTS else f"python -m {MODULE}"


def program_name(command: str = "") -> str:
    """The ``prog`` of a subcommand's parser: ``<program> <command>``."""
    return f"{program()} {command}".rstrip()


def add_project_arguments(parser: argparse.ArgumentParser) -> None:
    """``--work-dir`` and ``-D``: where conf.py is and overrides of its settings, as the
    commands that load a project (connection-test, publish, report, wipe) take them."""
    parser.add_argument("--work-dir", default=os.curdir, metavar="DIR",
                        help="the documentation directory holding conf.py (default: .)")
    parser.add_argument("-D", dest="define", action="append", default=[],
                        metavar="name=value", help="override a conf.py setting, as "
                        "sphinx-build -D does (repeatable)")
