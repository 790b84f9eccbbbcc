"""Output compatible with the existing extension (sphinxcontrib-confluencebuilder 3.2):
paragraphs, anchor names, link targets and kinds, inline markup.

Each expectation below is what the existing extension writes for ``roots/test-compat``
(measured with ``benchmarks/compare_upstream.py``); links a team already has to those
anchors must keep working after we publish.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from storage_helpers import NS
from translator_helpers import build_project, page

from sphinxcontrib.confluencebuilder.translator.anchors import (
    anchor_names,
    link_anchor,
    section_targets,
    title_anchor,
)

AC, RI, X = (f"{{{NS[k]}}}" for k in ("ac", "ri", "x"))


def anchors(root: ET.Element) -> list[str]:
    return [m.findtext("ac:parameter", namespaces=NS) or "" for m in root.iter(AC + "structured-macro")
            if m.get(AC + "name") == "anchor"]


def visible(elem: ET.Element) -> str:
    """Text as a reader sees it (anchor macros left out)."""
    parts = [elem.text or ""]
    for child in elem:
        if not (child.tag == AC + "structured-macro" and child.get(AC + "name") == "anchor"):
            parts.append(visible(child))
        parts.append(child.tail or "")
    return "".join(parts)


def links(root: ET.Element) -> list[tuple[str, str | None, str | None]]:
    """(kind, page title, anchor) of every link: ``ac:link`` or ``a``."""
    out: list[tuple[str, str | None, str | None]] = []
    for elem in root.iter():
        if elem.tag == AC + "link":
            target = elem.find(RI + "page")
            title = target.get(RI + "content-title") if target is not None else None
            out.append(("ac:link", title, elem.get(AC + "anchor")))
        elif elem.tag == X + "a":
            out.append(("a", None, elem.get("href")))
    return out


@pytest.fixture(params=["v1", "v2"])
def built(request: Any, make_app: Any, tmp_path: Path) -> tuple[str, Any]:
    app = build_project(make_app, tmp_path, "compat", confluence_editor=request.param)
    return request.param, app


def test_multi_line_paragraph_is_one_paragraph_without_newlines(built: Any) -> None:
    editor, app = built
    body, root = page(app, "index")
    paragraphs = [visible(p) for p in root.iter(X + "p")]
    assert ("A first paragraph that is wrapped across several lines in the source and "
            "reads as one.") in paragraphs
    for text in paragraphs:
        if "line one" not in text:  # the line block: its breaks are <br/>
            assert "\n" not in text, text
    assert "line one<br/>line two" in body
    # literal text keeps its line breaks
    assert "literal line one\nliteral line two" in body
    (pre,) = root.iter(X + "pre")
    assert "".join(pre.itertext()) == "parsed one\nparsed two"


def test_section_anchors_as_the_existing_extension_names_them(built: Any) -> None:
    editor, app = built
    _, root = page(app, "index")
    heading = next(h for h in root.iter(X + "h2") if visible(h) == "Section Two")
    names = set(anchors(heading))
    if editor == "v1":
        assert {"my-label", "SectionTwo", "UserGuide-SectionTwo"} <= names
    else:
        assert {"my-label", "UserGuide-my-label", "Section-Two",
                "UserGuide-Section-Two"} <= names
    assert "section-two" in names  # the reST id, as we wrote it before
    repeated = [h for h in root.iter(X + "h2") if visible(h) == "Section Two"][1]
    assert ("SectionTwo.1" if editor == "v1" else "Section-Two.1") in anchors(repeated)


def test_object_term_and_note_anchors(built: Any) -> None:
    editor, app = built
    _, root = page(app, "index")
    names = set(anchors(root))
    # glossary terms, Python objects, generic std objects (pytest's hooks), footnotes
    # and citations with their back-link targets
    assert {"term-Widget", "mod.func", "hook-pytest_foo", "f1", "id1", "cit2002",
            "id2"} <= names
    if editor == "v2":
        assert {"UserGuide-term-Widget", "UserGuide-hook-pytest_foo"} <= names


def test_links_use_the_existing_extensions_targets_and_kinds(built: Any) -> None:
    editor, app = built
    _, root = page(app, "index")
    found = links(root)
    other_section = "OtherSection" if editor == "v1" else "Other-Section"
    here = "SectionTwo" if editor == "v1" else "Section-Two"
    assert ("ac:link", "Other Page", other_section) in found  # :ref: to another page
    assert ("ac:link", "Other Page", None) in found  # :doc:
    assert ("a", None, "https://example.com") in found  # external
    same_page = [("ac:link", None, a) if editor == "v1" else ("a", None, "#" + a)
                 for a in (here, "term-Widget", "mod.func", "hook-pytest_foo")]
    for link in same_page:  # same page: ac:link on v1, a plain link on v2
        assert link in found, (link, found)
    sup = [s for s in root.iter(X + "sup") if "CIT2002" in visible(s)]
    assert sup, "a citation reference is a superscript"

    _, other = page(app, "other")
    assert ("ac:link", "User Guide", here) in links(other)
    assert ("ac:link", "User Guide", "hook-pytest_foo") in links(other)


def test_inline_markup_tags(built: Any) -> None:
    _, app = built
    _, root = page(app, "index")
    para = next(p for p in root.iter(X + "p") if "LIFO" in visible(p))
    abbr = para.find(X + "abbr")
    assert abbr is not None and abbr.text == "LIFO"
    assert abbr.get("title") == "last-in, first-out"
    assert "first-out)" not in visible(para)  # no visible expansion
    assert [visible(e) for e in para.iter(X + "em")] == ["Cancel", "a title"]
    assert "File \u2023 Open" in visible(para)
    assert not [e for e in para.iter(X + "strong")]  # a menu selection is plain text


def test_anchor_naming_functions() -> None:
    assert title_anchor("Section  Two", "v1") == "SectionTwo"
    assert title_anchor("Section  Two", "v2") == "Section-Two"
    assert anchor_names(["a-b"], "v1", "My Page", "A B") == ["a-b", "AB", "MyPage-AB"]
    assert anchor_names(["a-b"], "v2", "My Page") == ["a-b", "MyPage-a-b"]
    from docutils.core import publish_doctree

    doctree = publish_doctree("X\n-\n\nx\n\nY\n-\n\ny\n\nX\n-\n\nx\n")
    targets = section_targets(doctree)
    assert sorted(targets.values()) == ["X", "X.1", "Y"]
    xid = next(i for i, t in targets.items() if t == "X.1")
    assert link_anchor(xid, targets, "v1") == "X.1"
    assert link_anchor("unknown id", targets, "v1") == "unknown-id"
