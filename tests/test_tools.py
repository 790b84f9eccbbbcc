"""External tools: detected once at build start; what is missing reported once, with
what it means for the pages."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

from tool_helpers import NO_LATEX, hide_matplotlib, needs_matplotlib
from translator_helpers import ROOTS

from sphinxcontrib.confluencebuilder.tools import IMGMATH_DEFAULTS, Toolbox, detect, math_plan


def test_detect_and_plan(tmp_path, monkeypatch):
    hide_matplotlib(monkeypatch)
    config = SimpleNamespace(**IMGMATH_DEFAULTS)
    config.imgmath_latex = str(tmp_path / "no-latex")
    config.graphviz_dot = str(tmp_path / "no-dot")
    config.mermaid_cmd = [str(tmp_path / "no-mmdc"), "--quiet"]
    found = detect(config)
    assert found.latex is None and found.dot is None and found.mmdc is None
    assert not found.mathtext and math_plan(config, found) == "source"
    assert math_plan(SimpleNamespace(confluence_latex_macro="m"), found) == "macro"
    assert math_plan(SimpleNamespace(confluence_mathjax=True), found) == "mathjax"
    assert math_plan(config, Toolbox(mathtext=True)) == "mathtext"
    latex = Toolbox(latex="/x/latex", dvipng="/x/dvipng", mathtext=True)
    assert math_plan(config, latex) == "imgmath"
    config.imgmath_image_format = "svg"  # SVG needs dvisvgm
    assert math_plan(config, latex) == "mathtext"


@needs_matplotlib
def test_found_tools_listed_once_at_start_and_fallback_named_once(make_app, tmp_path):
    src = tmp_path / "math"
    shutil.copytree(ROOTS / "test-math", src)
    (src / "index.rst").write_text(
        (src / "index.rst").read_text(encoding="utf-8") + "\n.. toctree::\n\n   more\n",
        encoding="utf-8")
    (src / "more.rst").write_text("More\n====\n\nAlso :math:`y^3`.\n", encoding="utf-8")
    app = make_app("confluence", srcdir=src, confoverrides=NO_LATEX, verbosity=1,
                   freshenv=True)
    app.build()
    status = app.status.getvalue()
    assert status.count("tools found:") == 1
    assert "math published as mathtext" in status
    assert status.count("equations are drawn with matplotlib's mathtext") == 1
    assert "texlive-latex-base" in status
