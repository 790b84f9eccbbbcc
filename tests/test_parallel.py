"""A parallel write (-j 2) produces byte-identical output to a serial one (-j 1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.util.parallel import parallel_available
from storage_helpers import parse_storage

from sphinxcontrib.confluencebuilder import pages

ROOTS = Path(__file__).parent / "roots"


def build(make_app: Any, tmp_path: Path, name: str, parallel: int) -> Path:
    src = tmp_path / name
    shutil.copytree(ROOTS / "test-parallel", src)
    app = make_app("confluence", srcdir=src, parallel=parallel, freshenv=True)
    app.build()
    # (a second app in one process repeats Sphinx's registration notices; ignore those)
    document_warnings = [w for w in app.warning.getvalue().splitlines() if ".rst" in w]
    assert document_warnings == []
    return Path(app.outdir)


def snapshot(outdir: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(outdir.rglob("*")):
        if path.is_file():
            files[path.relative_to(outdir).as_posix()] = path.read_bytes()
    return files


@pytest.mark.skipif(not parallel_available, reason="this platform cannot fork")
def test_parallel_output_is_identical(make_app: Any, tmp_path: Path) -> None:
    serial = build(make_app, tmp_path, "serial", parallel=1)
    parallel = build(make_app, tmp_path, "parallel", parallel=2)
    one, two = snapshot(serial), snapshot(parallel)
    assert sorted(one) == sorted(two)
    assert len([f for f in one if f.endswith(".conf")]) == 7

    manifest_one = json.loads(one.pop("scb-manifest.json"))
    manifest_two = json.loads(two.pop("scb-manifest.json"))
    manifest_one.pop("generated")
    manifest_two.pop("generated")
    assert manifest_one == manifest_two
    for name in one:
        assert one[name] == two[name], f"{name} differs between -j 1 and -j 2"

    bundle = pages.read_bundle(parallel)
    assert [p.docname for p in bundle.pages] == [
        "index",
        "part/a",
        "part/b",
        "part/c",
        "part/d",
        "part/e",
        "part/f",
    ]
    titles = {p.docname: p.title for p in bundle.pages}
    assert titles["part/b"] == "2. Part B"
    assert titles["part/d"] == "Part D"
    for page in bundle.pages:
        parse_storage(page.body)
        if page.docname in ("part/b", "part/c", "part/d", "part/e"):
            assert 'ri:content-title="1. Part A"' in page.body  # links agree across workers
