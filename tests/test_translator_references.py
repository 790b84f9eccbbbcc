"""Reference translation: external links, anchors, other pages by title, downloads, toctrees."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from storage_helpers import NS
from translator_helpers import build_project, page

X = "{" + NS["x"] + "}"
AC = "{" + NS["ac"] + "}"
RI = "{" + NS["ri"] + "}"


def build(make_app: Any, tmp_path: Path, **conf: Any) -> Any:
    return build_project(make_app, tmp_path, "references", **conf)


def links(root: ET.Element) -> list[tuple[str | None, str | None, str | None, str]]:
    """(page title, attachment, anchor, text) of every ac:link."""
    found = []
    for link in root.iter(AC + "link"):
        target = link.find(RI + "page")
        attachment = link.find(RI + "attachment")
        body = link.find(AC + "plain-text-link-body")
        if body is None:
            body = link.find(AC + "link-body")
        found.append(
            (
                None if target is None else target.get(RI + "content-title"),
                None if attachment is None else attachment.get(RI + "filename"),
                link.get(AC + "anchor"),
                "".join(body.itertext()),
            )
        )
    return found


def test_external_links(make_app: Any, tmp_path: Path) -> None:
    body, root = page(build(make_app, tmp_path), "index")
    hrefs = {a.get("href"): "".join(a.itertext()) for a in root.iter(X + "a")}
    assert hrefs["https://example.com/a?x=1&y=2"] == "Example"
    assert hrefs["https://bare.example.org/path"] == "https://bare.example.org/path"
    assert hrefs["mailto:someone@example.com"] == "someone@example.com"
    assert 'href="https://example.com/a?x=1&amp;y=2"' in body


def test_same_page_anchors(make_app: Any, tmp_path: Path) -> None:
    _, root = page(build(make_app, tmp_path), "index")
    local = [(a, t) for title, _, a, t in links(root) if title is None and a]
    # a link to a section uses its title target, as the existing extension's links do,
    # whether it names the section's own id or a label on it
    assert local.count(("LocalSection", "Local Section")) == 2
    assert ("ReferencesHome", "References Home") in local


def test_link_to_the_page_itself_names_the_page(make_app: Any, tmp_path: Path) -> None:
    # an ac:link with neither a page nor an anchor points nowhere in Confluence
    _, root = page(build(make_app, tmp_path), "index")
    found = links(root)
    assert all(title or attachment or anchor for title, attachment, anchor, _ in found), found
    assert ("References Home", None, None, "this very page") in found


def test_cross_page_links_by_title(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    _, root = page(app, "index")
    found = links(root)
    assert ("Target Page", None, None, "Target Page") in found
    assert ("Target Page", None, None, "custom text") in found
    assert ("Target Page", None, "TargetSection", "Target Section") in found
    assert ("Target Page", None, "TargetSection", "styled") in found
    assert ("Target Page", None, "TargetPage", "Target Page") in found
    assert ("Target Page", None, "target-figure", "Fig. 1") in found  # numref
    # the anchors the links point at exist on the target page
    _, target = page(app, "sub/target")
    names = {
        m.find(AC + "parameter").text
        for m in target.iter(AC + "structured-macro")
        if m.get(AC + "name") == "anchor"
    }
    assert {"TargetSection", "TargetPage", "target-figure"} <= names
    # the names written before (reST ids) stay, so earlier links keep working
    assert {"target-section", "target-top", "TargetPage-TargetSection"} <= names
    meta = json.loads((Path(app.outdir) / "index.meta.json").read_text())
    assert meta["links"] == ["sub/target", "sub/untitled"]


def test_download_becomes_attachment_link(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    _, root = page(app, "index")
    downloads = [(att, text) for _, att, _, text in links(root) if att]
    assert downloads == [("report.csv", "the file")]
    meta = json.loads((Path(app.outdir) / "index.meta.json").read_text())
    assert [a["name"] for a in meta["attachments"]] == ["report.csv"]
    assert meta["attachments"][0]["media_type"] == "text/csv"
    hrefs = [a.get("href") for a in root.iter(X + "a")]
    assert "https://example.com/remote.pdf" in hrefs  # a remote download stays a URL


def test_toctree_is_a_link_list_and_hidden_is_omitted(make_app: Any, tmp_path: Path) -> None:
    body, root = page(build(make_app, tmp_path), "index")
    caption = [p for p in root.iter(X + "p") if "".join(p.itertext()) == "Contents"]
    assert caption, "the toctree caption is shown"
    toc = [ul for ul in root.iter(X + "ul") if ul.find(f".//{AC}link") is not None][0]
    entries = links(toc)
    assert ("Target Page", None, None, "Target Page") in entries
    assert ("Target Page", None, "TargetSection", "Target Section") in entries
    assert "Hidden Page" not in body


def test_broken_references_warn_and_keep_valid_storage(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    _, root = page(app, "index")
    text = "".join(root.itertext())
    assert "Broken: no-such-label and missing-doc." in text
    warnings = app.warning.getvalue()
    assert "index.rst:17: WARNING: undefined label: 'no-such-label'" in warnings
    assert "index.rst:17: WARNING: unknown document: 'missing-doc'" in warnings


def test_reference_to_document_without_page(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path, confluence_disable_autogen_title=True)
    _, root = page(app, "index")
    assert "Untitled: the untitled one." in "".join(root.itertext())
    assert all("untitled" not in str(link) for link in links(root))
    warnings = app.warning.getvalue()
    assert "index.rst:19: WARNING: reference to 'sub/untitled', which has no" in warnings
    assert "confluence.missing-reference" in warnings
    meta = json.loads((Path(app.outdir) / "index.meta.json").read_text())
    assert meta["links"] == ["sub/target"]
