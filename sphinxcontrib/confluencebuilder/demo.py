"""``demo [SRCDIR]``: build a project and publish it to a throwaway local emulator.

A newcomer sees the whole flow with no Confluence account: the emulator starts on
127.0.0.1, the project is built with ``-b confluence`` and published through the same
code path a real publish uses, then the page tree the emulator now holds is printed.
Every connection option is replaced by the emulator's (configuration overrides beat
``conf.py``, and the environment fallback is off), so a ``conf.py`` naming a real server
never publishes there by surprise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from .cliutil import program_name


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


#: options that decide where a publish goes, how it logs in and what it may touch; the
#: demo replaces every one of them, so conf.py and the environment cannot send it elsewhere
ISOLATED = (
    "server_url", "space_key", "cloud", "adv_cloud", "api_mode", "server_user", "api_token",
    "api_token_scoped", "server_pass", "publish_token", "publish_credential_provider",
    "server_auth", "server_cookies", "publish_headers", "request_session_override", "proxy",
    "ca_cert", "client_cert", "client_cert_pass", "disable_ssl_validation",
    "publish_override_api_prefix", "ask_user", "ask_password", "parent_page", "publish_root",
    "publish_orphan_container", "publish_dryrun",
)


def demo_overrides(server: Any) -> dict[str, Any]:
    """Configuration overrides that publish to ``server`` and nowhere else.

    Overrides beat conf.py; ``confluence_disable_env_conf`` keeps ``CONFLUENCE_*``
    variables out, so a real server named anywhere is never contacted.
    """
    from .config import BY_NAME

    values: dict[str, Any] = {f"confluence_{name}": BY_NAME[f"confluence_{name}"].default
                              for name in ISOLATED}
    values.update(confluence_publish=True, confluence_disable_env_conf=True,
                  confluence_server_url=server.url, confluence_space_key=server.space_key)
    if server.mode == "cloud":
        # a Cloud site on 127.0.0.1 cannot be recognised by its host name
        values.update(confluence_cloud=True, confluence_server_user=server.user,
                      confluence_api_token=server.api_token)
    else:
        values.update(confluence_publish_token=server.pat)
    return values


def _announce(app: Any, server: Any) -> None:
    from .redaction import redact_url

    named = (getattr(app.config, "_raw_config", None) or {}).get("confluence_server_url")
    print(f"demo: publishing to the throwaway emulator at {server.url}, space "
          f"{server.space_key}; nothing is sent anywhere else.")
    if isinstance(named, str) and named.strip():
        print(f"demo: conf.py names {redact_url(named.strip())}; the demo ignores it (and "
              "every other connection option and CONFLUENCE_* variable).")


@contextlib.contextmanager
def no_proxy_for(host: str) -> Iterator[None]:
    """Keep proxies from the environment away from the local emulator (a proxy is
    another server too)."""
    saved = {name: os.environ.get(name) for name in ("NO_PROXY", "no_proxy")}
    for name, value in saved.items():
        os.environ[name] = ",".join(filter(None, [value, host, "localhost"]))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def job_count(value: str) -> int:
    if value == "auto":
        return os.cpu_count() or 1
    return max(1, int(value))


def _build(args: argparse.Namespace, server: Any) -> int:
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from .errors import ConfluenceError

    srcdir = os.path.abspath(args.srcdir)
    outdir = os.path.abspath(args.out or os.path.join(srcdir, "_build", "confluence"))
    try:
        with patch_docutils(srcdir), docutils_namespace(), no_proxy_for(server.host):
            app = Sphinx(srcdir, srcdir, outdir, os.path.join(outdir, ".doctrees"),
                         "confluence", confoverrides=demo_overrides(server),
                         parallel=job_count(args.jobs))
            _announce(app, server)
            app.build()
            return int(app.statuscode)
    except (SphinxError, ConfluenceError) as exc:
        print(f"demo: the build failed: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program_name("demo"),
        description="Build a Sphinx project and publish it to a throwaway local Confluence "
        "emulator. Whatever conf.py or CONFLUENCE_* variables say, nothing is sent to any "
        "other server.",
    )
    parser.add_argument("srcdir", nargs="?", default="doc", help="documentation source (doc)")
    parser.add_argument("--mode", choices=("cloud", "dc"), default="cloud",
                        help="emulate Confluence Cloud (default) or Data Center")
    parser.add_argument("--out", help="output directory (default: SRCDIR/_build/confluence)")
    parser.add_argument("-j", "--jobs", default="1", help="parallel build jobs (a number or "
                        "'auto')")
    parser.add_argument("--serve", action="store_true",
                        help="keep the emulator serving the pages until Ctrl-C")
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))

    if not os.path.isfile(os.path.join(args.srcdir, "conf.py")):
        print(f"error: {args.srcdir!r} has no conf.py; give the documentation source "
              "directory, e.g. `demo doc`", file=sys.stderr)
        return 2

    from .testing import ConfluenceEmulator

    with ConfluenceEmulator(mode=args.mode) as server:
        print(f"Confluence emulator ({args.mode}) running at {server.url}, space "
              f"{server.space_key}")
        status = _build(args, server)
        print()
        print(f"Pages in space {server.space_key} of the emulator:")
        _print_tree(server.tree())
        print(f"\nSpace home: {server.home_url}", flush=True)
        if args.serve:
            from .serving import serve

            serve(server)
        return status
