"""``demo [SRCDIR]``: build a project and publish it to a throwaway local emulator.

A newcomer sees the whole flow with no Confluence account: the emulator starts on
127.0.0.1, the project is built with ``-b confluence`` and published through the same
code path a real publish uses (the connection options arrive as ``CONFLUENCE_*``
environment variables, as they would in CI), then the page tree the emulator now
holds is printed.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any


def _print_tree(node: Any, depth: int = 0) -> None:
    if isinstance(node, list):
        for child in node:
            _print_tree(child, depth)
        return
    if not isinstance(node, dict):
        return
    title = node.get("title")
    if title is not None:
        print("  " * depth + f"- {title}  (id {node.get('id', '?')})")
        depth += 1
    for key in ("children", "pages"):
        if key in node:
            _print_tree(node[key], depth)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sphinxcontrib.confluencebuilder demo",
        description="Build a Sphinx project and publish it to a local Confluence emulator.",
    )
    parser.add_argument("srcdir", nargs="?", default="doc", help="documentation source (doc)")
    parser.add_argument("--mode", choices=("cloud", "dc"), default="cloud")
    parser.add_argument("--out", help="output directory (default: SRCDIR/_build/confluence)")
    parser.add_argument("-j", "--jobs", default="1", help="parallel build jobs")
    parser.add_argument("--serve", action="store_true",
                        help="keep the emulator serving the pages until Ctrl-C")
    args = parser.parse_args(list(argv))

    if not os.path.isfile(os.path.join(args.srcdir, "conf.py")):
        print(f"error: {args.srcdir!r} has no conf.py; give the documentation source "
              "directory, e.g. `demo doc`")
        return 2

    from sphinx.cmd.build import build_main

    from .testing import ConfluenceEmulator

    with ConfluenceEmulator(mode=args.mode) as server:
        outdir = args.out or os.path.join(args.srcdir, "_build", "confluence")
        env = {
            "CONFLUENCE_PUBLISH": "true",
            "CONFLUENCE_SERVER_URL": server.url,
            "CONFLUENCE_SPACE_KEY": server.space_key,
        }
        if args.mode == "cloud":
            # a Cloud site on 127.0.0.1 cannot be recognised by its host name
            env.update(CONFLUENCE_CLOUD="true", CONFLUENCE_SERVER_USER=server.user,
                       CONFLUENCE_API_TOKEN=server.api_token)
        else:
            env.update(CONFLUENCE_PUBLISH_TOKEN=server.pat)
        print(f"Confluence emulator ({args.mode}) running at {server.url}, space {server.space_key}")
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        try:
            status = build_main(["-b", "confluence", "-j", args.jobs, args.srcdir, outdir])
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        print()
        print(f"Pages in space {server.space_key} of the emulator:")
        _print_tree(server.tree())
        print(f"\nSpace home: {server.home_url}", flush=True)
        if args.serve:
            from .preview import serve

            print("Serving the pages; press Ctrl-C to stop.", flush=True)
            serve(server)
        return int(status)
