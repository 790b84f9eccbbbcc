"""``wipe``: delete every page this project published to its space.

A page is this project's when it carries our identity property naming the project
(``conf.py``'s ``project``); nothing else is touched, not the space homepage, not a page
someone else created, not a page of another project. Three guards: ``--danger`` must be
given, the pages are counted and listed first, and the count must be typed back at the
prompt (``--yes`` skips the prompt for scripts that already passed ``--danger``).
Pages go to the space's trash (children before parents), so an administrator can
restore them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .cliutil import add_project_arguments, program_name
from .errors import ConfluenceError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SHOWN = 25


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program_name("wipe"),
        description="Delete the pages this project published (pages carrying its identity "
        "property) from the configured space. Nothing else is deleted.")
    add_project_arguments(parser)
    parser.add_argument("--danger", action="store_true",
                        help="required: confirms that you mean to delete pages")
    parser.add_argument("-y", "--yes", action="store_true",
                        help="do not ask for the count at the prompt (still needs --danger)")
    return parser


def _our_pages(client: Any, space: Any, project: str) -> list[Any]:
    """Our pages in the space, deepest first (children are deleted before parents)."""
    from .publisher.identity import RemoteIndex
    from .publisher.settings import IDENTITY_KEY

    index = RemoteIndex(client.list_pages(space, properties=(IDENTITY_KEY,)), project)
    ours = [p for p in index.by_id.values()
            if index.is_ours(p) and p.id != space.homepage_id]
    return sorted(ours, key=lambda p: (-len(index.ancestors(p.id)), p.title))


def _confirmed(count: int, space_key: str) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        print("wipe: no terminal to confirm on; add --yes (with --danger) to run without a "
              "prompt", file=sys.stderr)
        return False
    sys.stderr.write(f"Type {count} to delete {count} page(s) from space {space_key}: ")
    sys.stderr.flush()
    return sys.stdin.readline().strip() == str(count)


def _wipe(args: argparse.Namespace) -> int:
    from .project import load_project_config, parse_overrides
    from .rest import make_client
    from .settings import from_config

    work_dir = Path(args.work_dir).resolve()
    config = load_project_config(work_dir, parse_overrides(args.define)).config
    project = str(getattr(config, "project", "") or "")
    with make_client(from_config(config, base_dir=work_dir)) as client:
        key = str(getattr(config, "confluence_space_key", "") or "")
        space = client.get_space(key)
        pages = _our_pages(client, space, project)
        if not pages:
            print(f"No page of project {project!r} in space {key}; nothing to delete.")
            return EXIT_OK
        print(f"{len(pages)} page(s) of project {project!r} in space {key} will be deleted:")
        for page in pages[:SHOWN]:
            print(f"  - {page.title}  (id {page.id})")
        if len(pages) > SHOWN:
            print(f"  ... and {len(pages) - SHOWN} more")
        if not args.yes and not _confirmed(len(pages), key):
            print("Nothing was deleted.")
            return EXIT_FAILED
        for number, page in enumerate(pages, 1):
            client.delete_page(page.id)
            print(f"  [{number}/{len(pages)}] deleted {page.title}")
        print(f"Deleted {len(pages)} page(s) from space {key} (they are in the space's trash).")
        return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if not args.danger:
        print("wipe: refusing to delete pages without --danger. It deletes every page this "
              "project published to the configured space.", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _wipe(args)
    except ConfluenceError as exc:
        print(f"wipe: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_FAILED)
    except KeyboardInterrupt:
        print("\nwipe: interrupted", file=sys.stderr)
        return EXIT_FAILED
