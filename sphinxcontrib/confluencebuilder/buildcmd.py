"""``python -m sphinxcontrib.confluencebuilder [build]``: build the project in a directory.

The default action, as in the earlier sphinxcontrib-confluencebuilder: the work directory
holds ``conf.py`` and the sources; output goes to ``<work-dir>/_build/confluence`` with a
fresh environment, so CI scripts can run the module with no arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .cliutil import program_name


def _parser(builder: str = "confluence") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program_name("build" if builder == "confluence" else builder),
        description=f"Build the documentation in the work directory with the {builder} "
        "builder (and publish it when confluence_publish is set).",
    )
    parser.add_argument("--work-dir", default=".",
                        help="directory holding conf.py and the sources (default: .)")
    parser.add_argument("-o", "--output-dir", help="output directory "
                        "(default: <work-dir>/_build/confluence)")
    parser.add_argument("-D", dest="define", action="append", default=[],
                        metavar="name=value", help="override a configuration value")
    parser.add_argument("-j", "--jobs", default="1", help="parallel jobs (as sphinx-build -j)")
    parser.add_argument("-V", "--verbose", action="count", default=0,
                        help="more output; repeat for more (passed to Sphinx as -v, which "
                        "also shows the traceback of an error)")
    parser.add_argument("-T", "--show-traceback", action="store_true",
                        help="show the full traceback when the build stops on an error")
    colour = parser.add_mutually_exclusive_group()
    colour.add_argument("--color", dest="color", action="store_const", const=True,
                        help="colour the output even when it is not a terminal")
    colour.add_argument("--no-color", dest="color", action="store_const", const=False,
                        help="never colour the output")
    return parser


def main(argv: Sequence[str], builder: str = "confluence") -> int:
    args = _parser(builder).parse_args(list(argv))

    work_dir = os.path.abspath(args.work_dir)
    if not os.path.isfile(os.path.join(work_dir, "conf.py")):
        print(f"error: no conf.py in {work_dir}; run from the documentation directory or "
              "give --work-dir", file=sys.stderr)
        return 2
    out = os.path.abspath(args.output_dir or os.path.join(work_dir, "_build", builder))
    command = ["-b", builder, "-E", "-j", args.jobs, "-d", os.path.join(out, ".doctrees")]
    command += ["-v"] * args.verbose + (["-T"] if args.show_traceback else [])
    if args.color is not None:
        command.append("--color" if args.color else "--no-color")
    from .project import ProjectLoadError, parse_overrides

    try:
        parse_overrides(args.define)
    except ProjectLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for item in args.define:
        command += ["-D", item]

    from sphinx.cmd.build import build_main

    return int(build_main([*command, work_dir, out]))
