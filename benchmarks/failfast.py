"""Benchmark: how long a publishing build with a wrong token takes to fail.

Usage: python benchmarks/failfast.py [--pages N]

Generates an N-page project (default 300) whose conf.py publishes to a local emulator
with a wrong API token, runs ``python -m sphinx -b confluence`` on it and prints the
wall-clock time to the failure and whether any page was written first. For comparison
it also times the same project built without publishing (``-D confluence_publish=0``),
which is what a failure found only after the build would have cost at least. Nothing is
asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sphinxcontrib.confluencebuilder.testing import ConfluenceEmulator


def _project(root: Path, server: ConfluenceEmulator, pages: int) -> Path:
    src = root / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['sphinxcontrib.confluencebuilder']\nproject = 'Fail fast'\n"
        f"confluence_publish = True\nconfluence_server_url = {server.url!r}\n"
        f"confluence_space_key = {server.space_key!r}\nconfluence_cloud = True\n"
        f"confluence_server_user = {server.user!r}\n"
        "confluence_api_token = 'ATATT3xWRONG-TOKEN'\n", encoding="utf-8")
    toc = "".join(f"   page{n}\n" for n in range(pages))
    (src / "index.rst").write_text(f"Home\n====\n\n.. toctree::\n\n{toc}", encoding="utf-8")
    for n in range(pages):
        body = "\n\n".join(f"Paragraph {i} of page {n} with *some* ``markup``." for i in range(20))
        (src / f"page{n}.rst").write_text(f"Page {n}\n=======\n\n{body}\n", encoding="utf-8")
    return src


def _time(args: list[str]) -> tuple[float, int]:
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "sphinx", *args], capture_output=True,
                          text=True, check=False)
    return time.monotonic() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ConfluenceEmulator(mode="cloud") as server:
        root = Path(tmp)
        src = _project(root, server, args.pages)
        failed, code = _time(["-b", "confluence", str(src), str(root / "out")])
        written = len(list((root / "out").rglob("*.conf")))
        built, _ = _time(["-b", "confluence", "-D", "confluence_publish=0", str(src),
                          str(root / "built")])
    print(f"pages: {args.pages}")
    print(f"wrong token: exit {code} after {failed:.2f} s, {written} page(s) written first")
    print(f"the build alone (no publish): {built:.2f} s")


if __name__ == "__main__":
    main()
