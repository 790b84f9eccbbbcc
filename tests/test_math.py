"""Math as images: LaTeX through imgmath's functions, matplotlib's mathtext without
LaTeX, the LaTeX source (with one warning) where neither can draw an equation."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import imagesize
import pytest
from storage_helpers import NS
from tool_helpers import (
    NO_LATEX,
    needs_dvisvgm,
    needs_latex,
    needs_matplotlib,
    needs_preview,
)
from translator_helpers import ROOTS, page

AC = "{" + NS["ac"] + "}"
RI = "{" + NS["ri"] + "}"
X = "{" + NS["x"] + "}"
#: the distinct equations of roots/test-math (one inline equation appears twice)
DISTINCT = ["a^2 + b^2", r"\frac{x}{y}", r"e^{i\pi} + 1 = 0",
            r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}"]


def build_math(make_app: Any, tmp_path: Path, rst: str | None = None, **conf: Any) -> Any:
    src = tmp_path / "math"
    shutil.copytree(ROOTS / "test-math", src)
    if rst is not None:
        (src / "index.rst").write_text(rst, encoding="utf-8")
    app = make_app("confluence", srcdir=src, confoverrides=conf, freshenv=True)
    app.build()
    return app


def images(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(AC + "image"))


def image_names(root: ET.Element) -> list[str]:
    return [i.find(RI + "attachment").get(RI + "filename") for i in images(root)]


def attachments(app: Any) -> dict[str, dict[str, Any]]:
    meta = json.loads((Path(app.outdir) / "index.meta.json").read_text(encoding="utf-8"))
    return {a["name"]: a for a in meta["attachments"]}


def code_macros(root: ET.Element) -> list[ET.Element]:
    return [m for m in root.iter(AC + "structured-macro") if m.get(AC + "name") == "code"]


def assert_equations_are_images(app: Any, suffix: str, media_type: str) -> ET.Element:
    """Every equation is an attached image; no LaTeX source is on the page."""
    body, root = page(app, "index")
    names = image_names(root)
    assert len(names) == 5                          # 3 inline (one repeated) + 2 blocks
    assert len(set(names)) == len(DISTINCT)         # one attachment per distinct equation
    assert names[0] == names[2]                     # the repeated equation shares its image
    assert all(n.startswith("math-") and n.endswith(suffix) for n in names)
    found = attachments(app)
    assert set(found) == set(names)
    assert {a["media_type"] for a in found.values()} == {media_type}
    assert [i.get(AC + "alt") for i in images(root)] == [
        DISTINCT[0], DISTINCT[1], DISTINCT[0], DISTINCT[2], DISTINCT[3]]
    text = "".join(root.itertext())                 # alt attributes are not text
    assert not code_macros(root)
    assert root.find(f".//{X}code") is None
    for latex in DISTINCT:
        assert latex not in text
    # the numbered equation keeps its anchor and number; :eq: links to that anchor
    anchors = [m.findtext("ac:parameter", namespaces=NS) for m in root.iter(AC + "structured-macro")
               if m.get(AC + "name") == "anchor"]
    assert "equation-gauss" in anchors
    assert "(1)" in [p.text for p in root.iter(X + "p")]
    # a same-page link: ac:link on v1, a plain link on v2 (as the existing extension)
    (link,) = [lk for lk in root.iter() if (lk.tag == AC + "link" and lk.get(AC + "anchor")
                                            == "equation-gauss")
               or (lk.tag == X + "a" and lk.get("href") == "#equation-gauss")]
    assert "(1)" in "".join(link.itertext())
    for name in set(names):
        width, height = imagesize.get(Path(app.outdir) / found[name]["path"])
        assert width > 0 and height > 0
    assert "unknown-node" not in app.warning.getvalue()
    return root


@needs_matplotlib
@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_mathtext_draws_every_equation_without_latex(make_app, tmp_path, editor):
    app = build_math(make_app, tmp_path, confluence_editor=editor, **NO_LATEX)
    root = assert_equations_are_images(app, ".png", "image/png")
    assert "[confluence.math]" not in app.warning.getvalue()
    assert "matplotlib's mathtext" in app.status.getvalue()    # said once what is used
    spans = [s for s in root.iter(X + "span") if s.find(AC + "image") is not None]
    if editor == "v1":  # the fraction reaches below the baseline: it is lowered
        assert any("vertical-align: -" in s.get("style", "") for s in spans)
    else:
        assert not spans


@needs_matplotlib
def test_mathtext_svg_is_fixed_up(make_app, tmp_path):
    app = build_math(make_app, tmp_path, imgmath_image_format="svg", **NO_LATEX)
    assert_equations_are_images(app, ".svg", "image/svg+xml")
    for info in attachments(app).values():
        data = (Path(app.outdir) / info["path"]).read_bytes()
        assert data.startswith(b"<?xml ")
        assert b"<dc:date>" not in data  # the same equation always gives the same bytes


@needs_matplotlib
def test_mathtext_cannot_draw_keeps_source_with_one_warning(make_app, tmp_path):
    rst = ("Title\n=====\n\nFine :math:`x^2`.\n\n.. math::\n\n"
           "   \\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n")
    app = build_math(make_app, tmp_path, rst, **NO_LATEX)
    _, root = page(app, "index")
    assert len(images(root)) == 1
    (code,) = code_macros(root)
    assert "\\begin{aligned}" in code.find("ac:plain-text-body", NS).text
    warnings = [w for w in app.warning.getvalue().splitlines() if "[confluence.math]" in w]
    assert len(warnings) == 1, warnings
    assert "index.rst:6:" in warnings[0] and "\\begin" in warnings[0]
    assert "texlive-latex-base" in warnings[0]


@needs_latex
def test_imgmath_png(make_app, tmp_path):
    app = build_math(make_app, tmp_path)
    assert_equations_are_images(app, ".png", "image/png")
    assert "[confluence.math]" not in app.warning.getvalue()
    assert "mathtext" not in app.status.getvalue()


@needs_preview
def test_imgmath_inline_images_sit_on_the_baseline(make_app, tmp_path):
    app = build_math(make_app, tmp_path, confluence_editor="v1")
    _, root = page(app, "index")
    styles = [s.get("style") for s in root.iter(X + "span") if s.find(AC + "image") is not None]
    assert any(s and s.startswith("vertical-align: -") for s in styles), styles


@needs_dvisvgm
def test_imgmath_svg(make_app, tmp_path):
    app = build_math(make_app, tmp_path, imgmath_image_format="svg")
    assert_equations_are_images(app, ".svg", "image/svg+xml")
    for info in attachments(app).values():
        data = (Path(app.outdir) / info["path"]).read_text()
        assert data.startswith("<?xml ")
        root_tag = data[data.index("<svg"):].split(">", 1)[0]
        assert 'width="' in root_tag and "pt" not in root_tag.split("viewBox")[0]


@needs_latex
def test_imgmath_latex_error_keeps_source_with_one_warning(make_app, tmp_path):
    rst = "Title\n=====\n\nBroken :math:`\\frac{a}{`.\n\nFine :math:`x^2`.\n"
    app = build_math(make_app, tmp_path, rst)
    _, root = page(app, "index")
    assert len(images(root)) == 1
    assert [c.text for c in root.iter(X + "code")] == ["\\frac{a}{"]
    warnings = [w for w in app.warning.getvalue().splitlines() if "[confluence.math]" in w]
    assert len(warnings) == 1 and "index.rst:4:" in warnings[0] and "LaTeX failed" in warnings[0]


@needs_matplotlib
def test_rebuild_draws_nothing_again(make_app, tmp_path):
    app = build_math(make_app, tmp_path, **NO_LATEX)
    cache = Path(app.doctreedir) / "confluence-math"
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(before) == len(DISTINCT)
    again = make_app("confluence", srcdir=app.srcdir, confoverrides=NO_LATEX, freshenv=True)
    again.build(force_all=True)
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before


def test_latex_macro_wins_over_drawing(make_app, tmp_path):
    app = build_math(make_app, tmp_path, confluence_latex_macro="mathblock")
    _, root = page(app, "index")
    assert not images(root)
    assert len([m for m in root.iter(AC + "structured-macro")
                if m.get(AC + "name") == "mathblock"]) == 5


# -- publishing: attachments once, nothing on an unchanged republish ---------------------


def _publish(make_app: Any, src: Path, server: Any, conf: dict[str, Any]) -> Any:
    creds = ({"confluence_server_user": server.user, "confluence_api_token": server.api_token}
             if server.mode == "cloud" else {"confluence_publish_token": server.pat})
    app = make_app("confluence", srcdir=src, freshenv=True, confoverrides={
        **conf, **creds, "confluence_editor": "v2" if server.mode == "cloud" else "v1",
        "confluence_publish": True, "confluence_server_url": server.url,
        "confluence_space_key": "DOCS",
        # only the equations' attachments are counted: no intersphinx inventory
        "confluence_publish_intersphinx": False})
    app.build(force_all=True)
    return app


def _uploads(server: Any, since: int) -> list[dict[str, Any]]:
    return [r for r in server.requests[since:]
            if r.get("method") in ("POST", "PUT") and "attachment" in r["path"]]


@needs_matplotlib
@pytest.mark.parametrize("mode", ["cloud", "dc"])  # v2 and v1 (baseline spans) storage
def test_published_equations_upload_once_and_a_change_replaces_only_its_image(
        make_app, tmp_path, confluence_emulator_factory, mode):
    server = confluence_emulator_factory(mode=mode)
    src = tmp_path / "math"
    shutil.copytree(ROOTS / "test-math", src)
    _publish(make_app, src, server, NO_LATEX)
    state = server.state
    (home,) = [c for c in state.find_pages("DOCS") if c.title == "Equations"]
    first = {a.title: a for a in state.children(home.id, "attachment")}
    assert len(first) == len(DISTINCT) and all(n.startswith("math-") for n in first)
    assert ("vertical-align" in home.body) == (mode == "dc")   # the stored page body

    before = len(server.requests)
    _publish(make_app, src, server, NO_LATEX)                  # unchanged: nothing uploaded
    assert _uploads(server, before) == []
    assert {a.title: a.id for a in state.children(home.id, "attachment")} == {
        n: a.id for n, a in first.items()}

    rst = (src / "index.rst").read_text(encoding="utf-8")
    (src / "index.rst").write_text(rst.replace(r"e^{i\pi} + 1 = 0", r"e^{i\tau} = 1"),
                                   encoding="utf-8")
    before = len(server.requests)
    _publish(make_app, src, server, NO_LATEX)
    assert len(_uploads(server, before)) == 1                  # only the changed equation
    now = {a.title: a for a in state.children(home.id, "attachment")}
    assert len(now) == len(DISTINCT)
    kept = set(first) & set(now)
    assert len(kept) == len(DISTINCT) - 1                      # the others stay as they were
    assert all(now[n].id == first[n].id and now[n].version.number == 1 for n in kept)


@needs_matplotlib
def test_parallel_workers_share_the_drawn_images(make_app, tmp_path):
    from sphinx.util.parallel import parallel_available

    if not parallel_available:
        pytest.skip("this platform cannot fork")
    src = tmp_path / "par"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinxcontrib.confluencebuilder"]\n'
                                 f"imgmath_latex = {NO_LATEX['imgmath_latex']!r}\n",
                                 encoding="utf-8")
    docs = [f"p{n}" for n in range(4)]
    toctree = "".join(f"   {d}\n" for d in docs)
    (src / "index.rst").write_text(f"Root\n====\n\n.. toctree::\n\n{toctree}", encoding="utf-8")
    for n, doc in enumerate(docs):
        (src / f"{doc}.rst").write_text(
            f"Page {n}\n======\n\nShared :math:`a^2 + b^2` and own :math:`x_{n}`.\n",
            encoding="utf-8")
    app = make_app("confluence", srcdir=src, parallel=4, freshenv=True)
    app.build()
    shared = set()
    for doc in docs:
        _, root = page(app, doc)
        names = image_names(root)
        assert len(names) == 2 and len(set(names)) == 2
        shared.add(names[0])
    assert len(shared) == 1                           # the same image on every page
    assert len(list((Path(app.doctreedir) / "confluence-math").glob("math-*.png"))) == 5
    assert app.status.getvalue().count("equations are drawn with matplotlib's mathtext") == 1


@needs_matplotlib
def test_confluence_latex_directive_and_role_are_drawn(make_app, tmp_path):
    rst = ("Title\n=====\n\nInline :confluence_latex:`$x^2$ wide`.\n\n"
           ".. confluence_latex::\n\n   $\\mathfrak{H}$ello\n")
    app = build_math(make_app, tmp_path, rst, **NO_LATEX)
    _, root = page(app, "index")
    assert [i.get(AC + "alt") for i in images(root)] == ["x^2\\text{ wide}",
                                                         "\\mathfrak{H}\\text{ello}"]
    assert len(attachments(app)) == 2
    assert not code_macros(root) and "[confluence.math]" not in app.warning.getvalue()
