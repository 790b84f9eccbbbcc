"""``-b singleconfluence``: the whole toctree as one page, in-page anchors, all assets."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import current_pages
from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util.docutils import docutils_namespace
from storage_helpers import NS, parse_storage

from sphinxcontrib.confluencebuilder.cli import main as cli_main

ROOT = Path(__file__).parent / "roots" / "test-single"
AC = "{" + NS["ac"] + "}"
RI = "{" + NS["ri"] + "}"


def _copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    return src


def build_single(src: Path, out: Path, **conf: Any) -> tuple[Sphinx, str]:
    warning = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "singleconfluence",
                     confoverrides=conf, status=io.StringIO(), warning=warning,
                     freshenv=True, warningiserror=True)
        app.build()
    return app, warning.getvalue()


def _anchors(body: str) -> list[str]:
    root = parse_storage(body)
    return [p.text or "" for m in root.iter(f"{AC}structured-macro")
            if m.get(f"{AC}name") == "anchor" for p in m.iter(f"{AC}parameter")]


def _links(body: str) -> list[str]:
    root = parse_storage(body)
    return [link.get(f"{AC}anchor") or "" for link in root.iter(f"{AC}link")
            if link.find(f"{RI}page") is None and link.find(f"{RI}attachment") is None]


def test_one_page_holds_every_document_with_unique_anchors(tmp_path: Path) -> None:
    _app, warnings = build_single(_copy(tmp_path), tmp_path / "out")
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.conf")) == ["index.conf"]
    body = (out / "index.conf").read_text(encoding="utf-8")
    for text in ("Intro text", "First overview", "Second overview"):
        assert text in body
    anchors = _anchors(body)
    assert len(anchors) == len(set(anchors)), anchors  # unique across documents
    # every in-page link lands on an anchor of the page
    links = _links(body)
    assert links and all(link in anchors for link in links), (links, anchors)
    # :doc: -> start of the document; :ref: into another document's section -> the
    # section's title anchor, numbered on the page as headings repeat (anchors.py)
    assert "document-second" in links
    assert "Overview.1" in links  # first.rst's 'Overview' follows index's
    assert "Overview" in links and "Overview.2" in links  # :ref:`intro`, `shared-label`
    assert {"first-overview", "intro"} <= set(anchors)  # the ids are kept as well
    assert not warnings


def test_assets_of_every_document_are_attachments_of_the_page(tmp_path: Path) -> None:
    build_single(_copy(tmp_path), tmp_path / "out")
    out = tmp_path / "out"
    meta = (out / "index.meta.json").read_text(encoding="utf-8")
    assert '"one.png"' in meta and '"data.txt"' in meta
    body = (out / "index.conf").read_text(encoding="utf-8")
    assert 'ri:filename="one.png"' in body and 'ri:filename="data.txt"' in body


def test_toctree_kept_as_in_page_links(tmp_path: Path) -> None:
    build_single(_copy(tmp_path), tmp_path / "out", singleconfluence_toctree=True)
    body = (tmp_path / "out" / "index.conf").read_text(encoding="utf-8")
    links = _links(body)
    assert links.count("document-first") == 1 and links.count("document-second") == 2
    build_single(_copy(tmp_path / "b"), tmp_path / "out2")
    assert "document-first" not in _links((tmp_path / "out2" / "index.conf").read_text())


def test_root_without_title_is_a_clear_error(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    text = (src / "index.rst").read_text(encoding="utf-8")
    (src / "index.rst").write_text(text.split("\n", 3)[3], encoding="utf-8")
    (src / "index.rst").write_text("No heading here.\n\n.. toctree::\n\n   first\n   second\n")
    with pytest.raises(SphinxError, match="root document 'index' has no title"):
        build_single(src, tmp_path / "out")


def test_publishes_one_page_with_all_attachments(tmp_path: Path,
                                                confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    build_single(_copy(tmp_path), tmp_path / "out", confluence_publish=True,
                 confluence_space_key="DOCS", confluence_server_url=server.url,
                 confluence_server_user=server.user, confluence_api_token=server.api_token)
    pages = current_pages(server.state)
    assert "Manual" in pages and "First" not in pages and "Second" not in pages
    names = sorted(a.title for a in server.state.children(pages["Manual"].id, "attachment"))
    assert names == ["data.txt", "objects.inv", "one.png"]  # objects.inv: intersphinx
    assert "Second overview" in pages["Manual"].body


def test_cli_selects_the_single_builder(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    assert cli_main(["singleconfluence", "--work-dir", str(src)]) == 0
    out = src / "_build" / "singleconfluence"
    assert sorted(p.name for p in out.glob("*.conf")) == ["index.conf"]
    assert "Second overview" in (out / "index.conf").read_text(encoding="utf-8")


def test_section_and_figure_numbers_of_every_document(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    (src / "index.rst").write_text((src / "index.rst").read_text().replace(
        ".. toctree::\n", ".. toctree::\n   :numbered:\n"))
    (src / "second.rst").write_text((src / "second.rst").read_text()
                                    + "\n.. figure:: img/one.png\n\n   The figure.\n")
    build_single(src, tmp_path / "out", numfig=True)
    body = (tmp_path / "out" / "index.conf").read_text(encoding="utf-8")
    assert "1.1. Overview" in body and "2.1. Overview" in body  # numbered per document
    assert "Fig. 2.1 The figure." in body  # numbered within its document


def test_inventory_of_the_single_page_uses_its_anchors(tmp_path: Path) -> None:
    import json

    build_single(_copy(tmp_path), tmp_path / "out")
    out = tmp_path / "out"
    entries = json.loads((out / "scb-inventory.json").read_text())["entries"]
    where = {e["name"]: (e["docname"], e["anchor"]) for e in entries}
    assert where["second"] == ("index", "document-second")
    assert where["overview"] == ("index", "first-overview")
    assert "genindex" not in where  # no such page in a single-page build
    anchors = _anchors((out / "index.conf").read_text(encoding="utf-8"))
    assert all(a in anchors for _d, a in where.values() if a)
