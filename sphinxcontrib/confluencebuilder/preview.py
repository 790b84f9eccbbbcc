"""``preview [SRCDIR]``: build a project, publish it to a fresh emulator and show it.

The project is built with ``-b confluence`` and published through the real publisher
to a bundled emulator on 127.0.0.1 with ``demo``'s overrides: every connection option
is the emulator's and ``CONFLUENCE_*`` variables are ignored, so a ``conf.py`` that
names a real Confluence never receives this publish.
Then the emulator serves the pages until Ctrl-C (``--open`` starts a browser on the
space home), or, with ``--export DIR``, the rendered space is written as static HTML
for a pull-request review and the command exits.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from .serving import serve


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sphinxcontrib.confluencebuilder preview",
        description="Build a Sphinx project, publish it to a local Confluence emulator and "
                    "show the pages in a browser (or export them as static HTML).")
    p.add_argument("srcdir", nargs="?", default="doc", help="documentation source (doc)")
    p.add_argument("--mode", choices=("cloud", "dc"), default="cloud")
    p.add_argument("--out", help="build output directory (default: SRCDIR/_build/confluence)")
    p.add_argument("-j", "--jobs", default="1", help="parallel build jobs")
    p.add_argument("--port", type=int, default=0, help="TCP port (default: any free port)")
    p.add_argument("--export", metavar="DIR", help="write the rendered space as static HTML "
                   "to DIR and exit (unless --serve)")
    p.add_argument("--serve", action="store_true", help="keep serving after --export")
    p.add_argument("--open", action="store_true", help="open the space home in a browser")
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="stop serving by itself after this many seconds")
    return p


def build_and_publish(server: Any, srcdir: str, outdir: str, jobs: str) -> int:
    """Build ``srcdir`` and publish it to ``server`` and nowhere else (the demo's
    overrides: every connection option is the emulator's, the environment is ignored)."""
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from .demo import demo_overrides, job_count, no_proxy_for
    from .errors import ConfluenceError
    from .project import ProjectLoadError, load_project_config

    src, out = os.path.abspath(srcdir), os.path.abspath(outdir)
    try:  # first, so a broken conf.py is explained rather than shown as a traceback
        load_project_config(src)
    except ProjectLoadError as exc:
        hint = f"\n  {exc.hint}" if exc.hint else ""
        print(f"preview: {exc.message}{hint}", file=sys.stderr)
        return exc.exit_code
    try:
        with patch_docutils(src), docutils_namespace(), no_proxy_for(server.host):
            app = Sphinx(src, src, out, os.path.join(out, ".doctrees"), "confluence",
                         confoverrides=demo_overrides(server), parallel=job_count(jobs))
            app.build()
            return int(app.statuscode)
    except (SphinxError, ConfluenceError) as exc:
        print(f"preview: the build failed: {exc}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if not os.path.isfile(os.path.join(args.srcdir, "conf.py")):
        print(f"preview: {args.srcdir!r} has no conf.py; give the documentation source "
              "directory, e.g. `preview doc`", file=sys.stderr)
        return 2
    from .testing import ConfluenceEmulator
    from .testing.export import export_problem, export_space

    if export_problem(args.export):
        print(f"preview: {export_problem(args.export)}", file=sys.stderr)
        return 2

    try:
        server = ConfluenceEmulator(mode=args.mode, port=args.port).start()
    except (OSError, ValueError) as exc:
        print(f"preview: cannot start the emulator: {exc}", file=sys.stderr)
        return 1
    try:
        outdir = args.out or os.path.join(args.srcdir, "_build", "confluence")
        status = build_and_publish(server, args.srcdir, outdir, args.jobs)
        if status != 0:
            print("preview: the build or the publish failed (see above); nothing to show",
                  file=sys.stderr)
            return status
        if args.export:
            index = export_space(server.state, server.space_key, args.export)
            print(f"Static preview written: {index}")
        print(f"Space home: {server.home_url}", flush=True)
        if args.export and not (args.serve or args.open):
            return 0
        if args.open:
            import webbrowser

            webbrowser.open(server.home_url)
        serve(server, args.time_limit)
        return 0
    finally:
        server.stop()
