"""The project's own documentation: builds without warnings with the markup reference
page in its toctree, which uses the directives and roles it documents, and README's
main job (``demo doc``) publishes that page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from markup_helpers import build, macros

from sphinxcontrib.confluencebuilder.demo import main as demo_main

DOC = Path(__file__).parent.parent / "doc"


@pytest.fixture
def doc_copy(tmp_path: Path) -> Path:
    src = tmp_path / "doc"
    shutil.copytree(DOC, src, ignore=shutil.ignore_patterns("_build"))
    return src


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_doc_builds_without_warnings_and_uses_the_markup(doc_copy, tmp_path, editor):
    result = build(doc_copy, tmp_path / "out", confluence_editor=editor)
    assert result.warnings == ""
    tree = result.tree("markup")
    for name in ("expand", "panel", "excerpt", "toc", "status"):
        assert macros(tree, name), name
    assert "markup" in result.app.env.toctree_includes["index"]
    assert 'ri:content-title="Directives and roles"' in result.body("index")


def test_doc_builds_as_html_without_warnings(doc_copy, tmp_path):
    result = build(doc_copy, tmp_path / "html", "html")
    assert result.warnings == ""
    assert "Show the details" in (result.outdir / "markup.html").read_text("utf-8")


def test_demo_publishes_the_markup_page(doc_copy, tmp_path, capsys):
    assert demo_main([str(doc_copy), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "- Directives and roles" in out
