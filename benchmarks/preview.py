"""Benchmark: the emulator's page views and static export on the project's own doc/.

Usage: python benchmarks/preview.py [--rounds N]

``doc/`` is built and published to a fresh emulator (as ``preview`` does), then every
page is fetched over HTTP ``N`` times, and the space is exported as static HTML; the
mean time per page view, the largest page's view time and the export time are printed.
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
        started = time.perf_counter()
        export_space(server.state, "DOCS", Path(tmp) / "site")
        exported = time.perf_counter() - started
    every = [t for values in times.values() for t in values]
    slowest = max(times, key=lambda title: statistics.mean(times[title]))
    print(f"pages: {len(pages)}, rounds: {args.rounds}")
    print(f"page view, mean over all pages: {statistics.mean(every) * 1000:.1f} ms")
    print(f"slowest page ({slowest}): {statistics.mean(times[slowest]) * 1000:.1f} ms")
    print(f"static export of the space: {exported * 1000:.0f} ms")


if __name__ == "__main__":
    main()
