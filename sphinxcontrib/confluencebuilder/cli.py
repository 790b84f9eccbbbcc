"""``python -m sphinxcontrib.confluencebuilder <command>``: dispatch to the command modules.

Global options come before the command: ``-V``/``--verbose`` (repeatable) and
``--color``/``--no-color``. They are handed to the command that can use them (the build
passes them to Sphinx; the other commands set the console colour and log level).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from .cliutil import program

COMMANDS = {
    "build": "build (and publish) the project in --work-dir (the default command)",
    "singleconfluence": "the same with the whole toctree as one page",
    "connection-test": "check the connection a publish would use, and explain failures",
    "publish": "publish an existing `-b confluence` output (OUTDIR) without running Sphinx",
    "report": "print a redacted environment and configuration report for bug reports",
    "wipe": "delete the pages this project published (needs --danger)",
    "sandbox": "run the bundled Confluence emulator in the foreground",
    "demo": "build SRCDIR and publish it to a throwaway local emulator",
    "preview": "build SRCDIR, publish it to a local emulator and show the pages",
}


def usage() -> str:
    lines = [f"usage: {program()} [-V] [--color | --no-color] [command] [options]", "",
             "commands:"]
    lines += [f"  {name:17} {text}" for name, text in COMMANDS.items()]
    lines += ["", "global options:",
              "  -V, --verbose     more output (repeat for more; the build passes -v to "
              "Sphinx and shows tracebacks)",
              "  --color           colour the output even when it is not a terminal",
              "  --no-color        never colour the output",
              "  --version         print the version and exit",
              "  -h, --help        print this help and exit", "",
              f"Run `{program()} COMMAND --help` for the options of a command."]
    return "\n".join(lines) + "\n"


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
    if name == "report":
        from .bugreport import main as report

        return report
    if name == "wipe":
        from .wipe import main as wipe

        return wipe
    return None


def _globals(args: list[str]) -> tuple[int, bool | None, list[str]]:
    """Leading global options: (verbosity, colour or None, the rest)."""
    verbose, color = 0, None
    while args:
        head = args[0]
        if head in ("-V", "--verbose"):
            verbose += 1
        elif head.startswith("-V") and set(head[1:]) == {"V"}:
            verbose += len(head) - 1
        elif head == "--color":
            color = True
        elif head == "--no-color":
            color = False
        else:
            break
        args = args[1:]
    return verbose, color, args


def apply_console(verbose: int, color: bool | None) -> None:
    """Colour and log level for commands that log through sphinx.util.logging."""
    import logging

    from sphinx.util import console
    from sphinx.util import logging as sphinx_logging

    if color is False or (color is None and not sys.stdout.isatty()):
        console.nocolor()
    elif color:
        console.coloron()
    if verbose:
        logging.getLogger(sphinx_logging.NAMESPACE).setLevel(logging.DEBUG)


def main(argv: Sequence[str] | None = None) -> int:
    verbose, color, args = _globals(list(sys.argv[1:] if argv is None else argv))
    if args and args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    if args and args[0] == "--version":
        from . import __version__

        print(__version__)
        return 0
    if not args or args[0].startswith("-") or args[0] in ("build", "confluence"):
        from .buildcmd import main as build

        rest = args[1:] if args and not args[0].startswith("-") else args
        extra = ["-V"] * verbose + ([] if color is None else
                                    ["--color" if color else "--no-color"])
        return build(extra + rest)
    if args[0] == "singleconfluence":
        from .buildcmd import main as build

        extra = ["-V"] * verbose + ([] if color is None else
                                    ["--color" if color else "--no-color"])
        return build(extra + args[1:], builder="singleconfluence")
    command = _command(args[0])
    if command is None:
        print(f"unknown command: {args[0]!r}\n\n{usage()}", file=sys.stderr)
        return 2
    apply_console(verbose, color)
    return command(args[1:])
