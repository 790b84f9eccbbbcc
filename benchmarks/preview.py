"""Benchmark: the emulator's page views and static export on the project's own doc/.

Usage: python benchmarks/preview.py [--rounds N] [--synthetic PAGES]

``doc/`` is built and published to a fresh emulator (as ``preview`` does), then every
page is fetched over HTTP ``N`` times, and the space is exported as static HTML; the
mean time per page view, the largest page's view time and the export time are printed.
With ``--synthetic PAGES`` the space also gets that many copies of doc/'s largest page
(ten children per parent) before the export, to see how the export grows with a space.
Nothing is asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

import requests

from sphinxcontrib.confluencebuilder.preview import build_and_publish
from sphinxcontrib.confluencebuilder.testing import ConfluenceEmulator
from sphinxcontrib.confluencebuilder.testing.export import export_space

DOC = Path(__file__).parent.parent / "doc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--synthetic", type=int, default=0, metavar="PAGES")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ConfluenceEmulator(mode="cloud") as server:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status = build_and_publish(server, str(DOC), str(Path(tmp) / "out"), "1")
        assert status == 0, "the build failed"
        pages = server.state.find_pages("DOCS")
        times: dict[str, list[float]] = {p.title: [] for p in pages}
        with requests.Session() as http:
            for _ in range(args.rounds):
                for page in pages:
                    started = time.perf_counter()
                    rsp = http.get(f"{server.url}pages/viewpage.action?pageId={page.id}",
                                   timeout=60)
                    times[page.title].append(time.perf_counter() - started)
                    rsp.raise_for_status()
        biggest = max(pages, key=lambda p: len(p.body))
        parents = [biggest.id]
        for n in range(args.synthetic):
            copy = server.state.create_page("DOCS", f"Copy {n}", biggest.body, parents[n // 10])
            parents.append(copy.id)
        started = time.perf_counter()
        export_space(server.state, "DOCS", Path(tmp) / "site")
        exported = time.perf_counter() - started
    every = [t for values in times.values() for t in values]
    slowest = max(times, key=lambda title: statistics.mean(times[title]))
    print(f"pages: {len(pages)}, rounds: {args.rounds}")
    print(f"page view, mean over all pages: {statistics.mean(every) * 1000:.1f} ms")
    print(f"slowest page ({slowest}): {statistics.mean(times[slowest]) * 1000:.1f} ms")
    print(f"static export of the space ({len(pages) + args.synthetic} pages): "
          f"{exported * 1000:.0f} ms")


if __name__ == "__main__":
    main()
