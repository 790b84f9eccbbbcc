"""A real browser on the page views: headless Chromium (the distribution's package; CI's
``.ci/run`` installs it) loads the space home and a content-rich page from a running
emulator, takes screenshots, and the test checks that the pages rendered: the title in
the DOM, a screenshot that is not blank, and the image drawn from its attachment."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from view_helpers import by_class, copy_root, parse_html, publish_project, text_of

from sphinxcontrib.confluencebuilder.rest.ratelimit import forget_limiter
from sphinxcontrib.confluencebuilder.testing import ConfluenceEmulator

ROOTS = Path(__file__).parent / "roots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--hide-scrollbars", "--window-size=1000,1900"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("headless Chromium is not installed (apt-get install chromium; .ci/run "
                "installs it in CI)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConfluenceEmulator]:
    tmp = tmp_path_factory.mktemp("browser")
    server = ConfluenceEmulator(mode="cloud", max_limit=250).start()
    origin = server.origin
    try:
        publish_project(copy_root(ROOTS, "views", tmp), tmp / "out", server)
        yield server
    finally:
        server.stop()
        forget_limiter(origin)
    assert not server.errors, server.errors


def _run(browser: str, profile: Path, *args: str) -> str:
    result = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args],
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced RGB(A) PNG (what Chromium writes) into rows."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,), kind = struct.unpack(">I", png[pos:pos + 4]), png[pos + 4:pos + 8]
        data = png[pos + 8:pos + 8 + length]
        header = data if kind == b"IHDR" else header
        idat += data if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6) and header[12] == 0
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line) if bpp == 3 else bytes(
            v for j in range(0, stride, 4) for v in line[j:j + 3]))
        prev = line
    return width, height, rows


def _colours(rows: list[bytes]) -> dict[bytes, int]:
    counts: dict[bytes, int] = {}
    for row in rows:
        for x in range(0, len(row), 3):
            px = row[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
    return counts


@pytest.mark.timeout(600)
def test_chromium_renders_space_home_and_a_rich_page(site, tmp_path):
    browser = _chromium()
    page = site.state.find_pages("DOCS", "Views Home")[0]
    url = f"{site.url}spaces/DOCS/pages/{page.id}/Views+Home"
    for target, title in ((site.home_url, "Documentation Home"), (url, "Views Home")):
        dom = parse_html(_run(browser, tmp_path / "p1", "--dump-dom", target))
        assert text_of(by_class(dom, "page-title")[0]) == title
        assert "Guide Page" in [text_of(a) for a in by_class(dom, "page-tree")[0].iter("a")]
    shot = tmp_path / "page.png"
    before = len(site.requests)
    _run(browser, tmp_path / "p2", f"--screenshot={shot}", url)
    fetched = [r for r in site.requests[before:] if "/download/attachments/" in r["path"]]
    assert [(r["path"].rsplit("/", 1)[-1], r["status"]) for r in fetched] == [("pic.png", 200)]
    width, height, rows = _pixels(shot.read_bytes())
    assert (width, height) == (1000, 1900)
    colours = _colours(rows)
    white = colours.get(b"\xff\xff\xff", 0)
    assert white < 0.95 * width * height and len(colours) > 50, "the screenshot is blank"
    # the 4x4 red picture, drawn 40 pixels wide: a 40x40 block of pure red
    assert colours.get(b"\xff\x00\x00", 0) >= 40 * 40 * 0.9, "the image was not drawn"
    home_shot = tmp_path / "home.png"
    _run(browser, tmp_path / "p3", f"--screenshot={home_shot}", site.home_url)
    assert len(_colours(_pixels(home_shot.read_bytes())[2])) > 20
