"""Benchmark: what OAuth 2.0 client credentials cost a publish. Publishes N pages to a
Cloud emulator once with an API token and once with a service account (through the
gateway), and once more with tokens living ``--lifetime`` seconds; prints wall time,
API requests and token requests for each. Asserts nothing.

Usage: python benchmarks/oauth2.py [--pages N] [--lifetime S] [--latency S]

Aim: one token request per publish while the token lives; with short tokens, about one
token request per lifetime and no failed page.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from publish_helpers import publish, tree_docs, write_bundle  # noqa: E402

from sphinxcontrib.confluencebuilder import config  # noqa: E402
from sphinxcontrib.confluencebuilder.oauth2 import forget_caches  # noqa: E402
from sphinxcontrib.confluencebuilder.rest import make_client  # noqa: E402
from sphinxcontrib.confluencebuilder.settings import from_config  # noqa: E402
from sphinxcontrib.confluencebuilder.testing.server import ConfluenceEmulator  # noqa: E402


def run(kind: str, pages: int, lifetime: float, latency: float) -> None:
    forget_caches()
    with ConfluenceEmulator("cloud", max_limit=250) as server, \
            tempfile.TemporaryDirectory() as tmp:
        server.configure(oauth_lifetime=lifetime, latency=latency)
        opts = {"server_url": server.url, "space_key": "DOCS", "cloud": True}
        if kind == "api token":
            opts.update(server_user=server.user, api_token=server.api_token)
        else:
            opts.update(oauth2_token_url=server.token_url,
                        oauth2_client_id=server.oauth.client_id,
                        oauth2_client_secret=server.oauth.client_secret)
        settings = replace(from_config(config.defaults(**opts)),
                           gateway_root=server.origin + "/ex/confluence/")
        out = write_bundle(Path(tmp) / "out", tree_docs(pages))
        started = time.perf_counter()
        report = publish(make_client(settings), out)
        elapsed = time.perf_counter() - started
        api = sum(1 for r in server.requests if r["api"])
        tokens = sum(1 for r in server.requests if r["path"] == "/oauth/token")
        print(f"{kind:<22} lifetime {lifetime:>6.0f} s: {len(report.created)} pages in "
              f"{elapsed:6.2f} s, {api} API requests, {tokens} token request(s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--lifetime", type=float, default=2.0)
    parser.add_argument("--latency", type=float, default=0.02)
    args = parser.parse_args()
    run("api token", args.pages, 3600, args.latency)
    run("service account", args.pages, 3600, args.latency)
    run("service account short", args.pages, args.lifetime, args.latency)


if __name__ == "__main__":
    main()
