"""``python -m sphinxcontrib.confluencebuilder [build]``: build the project in a directory.

The default action, as in the earlier sphinxcontrib-confluencebuilder: the work directory
holds ``conf.py`` and the sources; output goes to ``<work-dir>/_build/confluence`` with a
fresh environment, so CI scripts can run the module with no arguments.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence


def main(argv: Sequence[str], builder: str = "confluence") -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sphinxcontrib.confluencebuilder "
        + ("[build]" if builder == "confluence" else builder),
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
    args = parser.parse_args(list(argv))

    work_dir = os.path.abspath(args.work_dir)
    if not os.path.isfile(os.path.join(work_dir, "conf.py")):
        print(f"error: no conf.py in {work_dir}; run from the documentation directory or "
              "give --work-dir")
        return 2
    out = os.path.abspath(args.output_dir or os.path.join(work_dir, "_build", builder))
    command = ["-b", builder, "-E", "-j", args.jobs, "-d", os.path.join(out, ".doctrees")]
    from .project import ProjectLoadError, parse_overrides

    try:
        parse_overrides(args.define)
    except ProjectLoadError as exc:
        print(f"error: {exc}")
        return 2
    for item in args.define:
        command += ["-D", item]

    from sphinx.cmd.build import build_main

    return int(build_main([*command, work_dir, out]))
