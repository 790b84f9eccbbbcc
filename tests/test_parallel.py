"""A parallel write (-j 2) produces byte-identical output to a serial one (-j 1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.util.parallel import parallel_available
from storage_helpers import parse_storage
from tool_helpers import NO_LATEX, hide_matplotlib

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


@pytest.mark.skipif(not parallel_available, reason="this platform cannot fork")
def test_once_per_build_warnings_are_not_repeated_by_workers(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Math without a macro and diagrams without dot are noticed once per build, also
    when every document is written by its own worker process."""
    hide_matplotlib(monkeypatch)  # and no LaTeX (below): math stays source
    src = tmp_path / "notices"
    shutil.copytree(ROOTS / "test-parallel", src)
    (src / "conf.py").write_text(
        'extensions = ["sphinx.ext.graphviz", "sphinxcontrib.confluencebuilder"]\n'
        'exclude_patterns = ["_build"]\n'
        f"graphviz_dot = {str(tmp_path / 'no-such-dot')!r}\n"
        f"imgmath_latex = {NO_LATEX['imgmath_latex']!r}\n",
        encoding="utf-8",
    )
    for part in "abcdef":
        doc = src / "part" / f"{part}.rst"
        doc.write_text(
            doc.read_text(encoding="utf-8")
            + f"\n\nMath :math:`x_{part}` here.\n\n.. digraph:: g{part}\n\n   a -> b\n",
            encoding="utf-8",
        )
    app = make_app("confluence", srcdir=src, parallel=4, freshenv=True)
    app.build()
    warnings = app.warning.getvalue()
    assert warnings.count("[confluence.math]") == 1, warnings
    assert warnings.count("[confluence.graphviz]") == 1, warnings
    for part in "abcdef":  # every page still shows the LaTeX and DOT sources
        body = (Path(app.outdir) / "part" / f"{part}.conf").read_text(encoding="utf-8")
        root = parse_storage(body)
        text = "".join(root.itertext())
        assert f"x_{part}" in text
        assert "a -> b" in text
