"""Benchmark: publish a generated 200-page project (an image on every page) to the
bundled emulator with per-request latency, then republish it unchanged, then with one
page changed. Prints wall time and request counts; asserts nothing.

Usage: python benchmarks/publish.py [--pages N] [--latency SECONDS] [--concurrency C]
                                   [--api-mode v1|v2] [--server cloud|dc] [--flat]
                                   [--endpoints]

Aims: first publish < 10 s and at most 3.1 requests a page on v1 (create, upload,
unwatch) and 4.2 on v2, with no warning; unchanged republish <= 5 requests and < 1 s;
one page changed <= 10 requests. ``--server dc`` publishes to a Data Center emulator
(v1 only).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sphinxcontrib.confluencebuilder import pages
from sphinxcontrib.confluencebuilder.config import defaults
from sphinxcontrib.confluencebuilder.publisher import Publisher
from sphinxcontrib.confluencebuilder.publisher.settings import (
    DEFAULT_CONCURRENCY,
    PublishSettings,
)
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.settings import from_config
from sphinxcontrib.confluencebuilder.testing import ConfluenceEmulator


def write_project(outdir: Path, count: int, changed: int | None = None,
                  flat: bool = False) -> None:
    """The builder's on-disk output for ``count`` pages: index plus children in groups
    (``flat``: every page a child of index)."""
    src = outdir.parent / "src"
    src.mkdir(parents=True, exist_ok=True)
    metas: dict[str, pages.PageMeta] = {}
    order = []
    for n in range(count):
        doc = "index" if n == 0 else f"page{n:04d}"
        parent = None if n == 0 else ("index" if n <= 20 or flat else
                                      f"page{(n % 20) + 1:04d}")
        image = src / f"fig{n}.png"
        image.write_bytes(hashlib.sha256(str(n).encode()).digest() * 64)
        att = pages.store_attachment(outdir, f"fig{n}.png", image)
        text = "changed" if changed == n else "original"
        body = (f"<h2>Section</h2><p>Page {n}, {text} text.</p>"
                f'<ac:image><ri:attachment ri:filename="fig{n}.png" /></ac:image>')
        meta = pages.PageMeta(docname=doc, title=f"Page {n}", parent=parent,
                              attachments=(att,))
        pages.write_page(outdir, ".conf", body, meta)
        metas[doc] = meta
        order.append(doc)
    # parents first: index, the 20 group heads, then the rest
    order = order[:21] + order[21:]
    info = {"project": "Benchmark", "version": "1", "release": "1", "editor": "v2",
            "generated": "2026-01-01T00:00:00Z", "root": "index"}
    pages.write_manifest(outdir, info=info, order=order, metas=metas, suffix=".conf")


def run(server: ConfluenceEmulator, outdir: Path, concurrency: int,
        api_mode: str | None = None) -> tuple[float, Any, int]:
    if server.mode == "cloud":
        creds: dict[str, Any] = {"server_user": server.user, "api_token": server.api_token,
                                 "cloud": True}
    else:
        creds = {"publish_token": server.pat}
    config = defaults(server_url=server.url, space_key=server.space_key, api_mode=api_mode,
                      **creds)
    client = make_client(from_config(config))
    settings = PublishSettings(space_key=server.space_key, project="Benchmark",
                               concurrency=concurrency)
    before = len(server.requests)
    start = time.perf_counter()
    report = Publisher(client, settings).publish(pages.read_bundle(outdir))
    elapsed = time.perf_counter() - start
    return elapsed, report, len(server.requests) - before


def in_order(nodes: list[dict[str, Any]]) -> bool:
    """Whether every page's children are listed in manifest order (Page n by n)."""
    for node in nodes:
        numbers = [int(c["title"].split()[-1]) for c in node["children"]]
        if numbers != sorted(numbers) or not in_order(node["children"]):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY,
                        help="threads (default: confluence_publish_concurrency's default, "
                        f"{DEFAULT_CONCURRENCY})")
    parser.add_argument("--api-mode", choices=("v1", "v2"), default=None,
                        help="REST API generation (default: the client's choice for Cloud)")
    parser.add_argument("--server", choices=("cloud", "dc"), default="cloud",
                        help="the emulated product (dc: Data Center, REST v1)")
    parser.add_argument("--flat", action="store_true",
                        help="every page a child of the root page (one wide parent)")
    parser.add_argument("--endpoints", action="store_true",
                        help="also print the first publish's requests per endpoint")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, \
            ConfluenceEmulator(mode=args.server, max_limit=250) as server:
        server.configure(latency=args.latency)
        out = Path(tmp) / "out"
        write_project(out, args.pages, flat=args.flat)
        print(f"{args.pages} pages, one image each; emulator latency "
              f"{args.latency * 1000:.0f} ms; concurrency {args.concurrency}; "
              f"{args.server} server, API {args.api_mode or 'auto'}")
        rows = []
        for label, changed in (("first publish", None), ("unchanged republish", None),
                               ("one page changed", 7)):
            if changed is not None:
                write_project(out, args.pages, changed=changed, flat=args.flat)
            before = server.counts()["endpoints"]
            elapsed, report, requests = run(server, out, args.concurrency, args.api_mode)
            rows.append((label, elapsed, requests, report))
            print(f"{label:22s} {elapsed:7.2f} s  {requests:5d} requests "
                  f"({requests / args.pages:.2f} a page; created {len(report.created)}, "
                  f"updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
                  f"uploaded {len(report.uploaded)}; warnings {len(report.warnings)})")
            if args.endpoints and len(rows) == 1:
                after = server.counts()["endpoints"]
                for name, n in sorted(after.items(), key=lambda kv: (-kv[1], kv[0])):
                    n -= before.get(name, 0)
                    print(f"    {name:60s} {n:5d}  ({n / args.pages:.2f} per page)")
            sys.stdout.flush()
        tree = server.tree()
        top = [p for p in tree["pages"] if p["title"] == "Page 0"]
        print(f"pages under the root: {len(top[0]['children']) if top else 0}; children in "
              f"toctree order: {'yes' if in_order(top) else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
