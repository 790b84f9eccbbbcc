"""The documentation builds with -W and its option reference covers the option table."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from sphinxcontrib.confluencebuilder.config import OPTIONS
from sphinxcontrib.confluencebuilder.optiondocs import OPTION_DOCS

DOC = Path(__file__).parent.parent / "doc"


def test_every_option_is_documented_and_no_stale_entry() -> None:
    names = [opt.name for opt in OPTIONS]
    assert sorted(set(names) - set(OPTION_DOCS)) == []
    assert sorted(set(OPTION_DOCS) - set(names)) == []
    for name, (text, example) in OPTION_DOCS.items():
        assert text.strip() and example.strip(), name


def test_doc_builds_with_w_and_lists_every_option(tmp_path: Path) -> None:
    with docutils_namespace():
        app = Sphinx(str(DOC), str(DOC), str(tmp_path / "html"), str(tmp_path / "doctrees"),
                     "html", status=io.StringIO(), warning=io.StringIO(),
                     warningiserror=True, freshenv=True)
        app.build()
    html = (tmp_path / "html" / "configuration.html").read_text(encoding="utf-8")
    page = unescape(re.sub(r"<[^>]+>", "", html))
    for opt in OPTIONS:
        assert opt.env_name in page, opt.name
        assert f"{opt.name} = {OPTION_DOCS[opt.name][1]}" in page, opt.name
    assert re.search(r"Allowed values:\s*'top', 'bottom', 'both'", page)
