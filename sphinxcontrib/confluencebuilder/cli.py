"""``python -m sphinxcontrib.confluencebuilder <command>``: dispatch to the command modules."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

USAGE = """usage: python -m sphinxcontrib.confluencebuilder [command] [options]

commands:
  build             build (and publish) the project in --work-dir (the default command)
  connection-test   check the connection a publish would use, and explain failures
  publish OUTDIR    publish an existing `-b confluence` output without running Sphinx
  sandbox           run the bundled Confluence emulator in the foreground
  demo [SRCDIR]     build SRCDIR and publish it to a throwaway local emulator
  preview [SRCDIR]  build SRCDIR, publish it to a local emulator and show the pages

Run a command with --help for its options.
"""


def _command(name: str) -> Callable[[Sequence[str]], int] | None:
    if name == "connection-test":
        from .doctor.command import main as conntest

        return conntest
    if name == "publish":
        from .publisher.command import main as publish

        return publish
    if name == "sandbox":
        from .testing.sandbox import main as sandbox

        return sandbox
    if name == "demo":
        from .demo import main as demo

        return demo
    if name == "preview":
        from .preview import main as preview

        return preview
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    if args and args[0] == "--version":
        from . import __version__

        print(__version__)
        return 0
    if not args or args[0].startswith("-") or args[0] in ("build", "confluence"):
        from .buildcmd import main as build

        return build(args[1:] if args and not args[0].startswith("-") else args)
    command = _command(args[0])
    if command is None:
        print(f"unknown command: {args[0]!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    return command(args[1:])
