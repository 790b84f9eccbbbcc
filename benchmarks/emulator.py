"""Throughput and memory of the bundled Confluence emulator.

    python benchmarks/emulator.py [--clients 8] [--seconds 5] [--pages 10000] [--http-pages 200]
                                  [--tracemalloc]

1. Creates ``--pages`` pages through the state API and ``--http-pages`` through HTTP
   (``POST /wiki/rest/api/content``), and prints the memory held (RSS delta, measured
   first so freed memory of the other phase does not hide it; optionally tracemalloc).
2. ``--clients`` threads, each with its own ``requests.Session``, call a Cloud emulator for
   ``--seconds`` (a mix of space reads, title look-ups and page reads); prints requests/s.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import tracemalloc

import requests

from sphinxcontrib.confluencebuilder.testing import ConfluenceEmulator


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def throughput(clients: int, seconds: float) -> tuple[int, int, float]:
    with ConfluenceEmulator(mode="cloud") as server:
        page = server.state.create_page("DOCS", "Benchmark page", "<p>hello</p>")
        paths = ["rest/api/space/DOCS",
                 "rest/api/content?type=page&spaceKey=DOCS&title=Benchmark+page",
                 f"rest/api/content/{page.id}?expand=version",
                 f"api/v2/pages/{page.id}"]
        done, failures, lock = [0], [0], threading.Lock()
        deadline = time.monotonic() + seconds

        def client() -> None:
            session = requests.Session()
            session.auth = (server.user, server.api_token)
            count = bad = 0
            while time.monotonic() < deadline:
                rsp = session.get(server.url + paths[count % len(paths)], timeout=10)
                count += 1
                bad += rsp.status_code != 200
            with lock:
                done[0] += count
                failures[0] += bad

        threads = [threading.Thread(target=client) for _ in range(clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        assert not server.errors, server.errors
    return done[0], failures[0], elapsed


def memory(pages: int, http_pages: int, traced: bool) -> tuple[float, float, int, float]:
    rss_before = _rss_mb()
    if traced:
        tracemalloc.start()
    started = time.monotonic()
    with ConfluenceEmulator(mode="cloud") as server:
        body = "<p>" + "Some paragraph text of a typical page. " * 20 + "</p>"
        home = server.state.spaces["DOCS"].homepage_id
        for n in range(pages):
            server.state.create_page("DOCS", f"Page {n}", body, parent_id=home)
        session = requests.Session()
        session.auth = (server.user, server.api_token)
        for n in range(http_pages):
            rsp = session.post(server.url + "rest/api/content", timeout=10, json={
                "type": "page", "title": f"HTTP page {n}", "space": {"key": "DOCS"},
                "ancestors": [{"id": home}],
                "body": {"storage": {"value": body, "representation": "storage"}}})
            assert rsp.status_code == 200, rsp.text
        elapsed = time.monotonic() - started
        current = tracemalloc.get_traced_memory()[0] if traced else 0
        total = len(server.state.content)
        held_rss = _rss_mb() - rss_before
    tracemalloc.stop()
    return current / 2**20, held_rss, total, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--http-pages", type=int, default=200)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also count allocations with tracemalloc (several times slower)")
    args = parser.parse_args()
    traced, rss, total, elapsed = memory(args.pages, args.http_pages, args.tracemalloc)
    print(f"memory: {total} content objects ({args.pages} via state, {args.http_pages} via "
          f"HTTP) created in {elapsed:.1f} s: RSS delta {rss:.1f} MB"
          + (f", {traced:.1f} MB traced (tracemalloc)" if args.tracemalloc else ""))
    count, failures, elapsed = throughput(args.clients, args.seconds)
    print(f"throughput: {count} requests by {args.clients} clients in {elapsed:.2f} s = "
          f"{count / elapsed:.0f} requests/s ({failures} non-200)")


if __name__ == "__main__":
    main()
