"""Admonitions, version notes, todos, topics, sidebars and rubrics in storage format."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from storage_helpers import NS
from translator_helpers import build_index

AC = "{" + NS["ac"] + "}"
X = "{" + NS["x"] + "}"


def build(make_app, rootdir: Path, tmp_path: Path, editor: str, **conf) -> tuple[ET.Element, str]:
    return build_index(make_app, rootdir / "test-admonitions", tmp_path, editor, **conf)


def params(macro: ET.Element) -> dict[str, str]:
    return {p.get(AC + "name"): p.text or "" for p in macro.findall("ac:parameter", NS)}


def paragraphs(box: ET.Element) -> list[str]:
    return ["".join(p.itertext()) for p in box.iter(X + "p")]


def box_for(root: ET.Element, text: str) -> ET.Element:
    """The top-level macro whose body holds a paragraph with ``text``."""
    found = [
        child
        for child in root
        if child.tag == AC + "structured-macro"
        and any(text in p for p in paragraphs(child))
    ]
    assert len(found) == 1, f"expected one box holding {text!r}, found {len(found)}"
    return found[0]


def macro_name(box: ET.Element) -> str:
    assert box.tag == AC + "structured-macro", box.tag
    return box.get(AC + "name") or ""


EXPECTED = [
    # body text, macro (both editors, as the existing extension)
    ("A note body.", "info"),
    ("A tip body.", "tip"),
    ("A hint body.", "tip"),
    ("A warning body.", "note"),
    ("A caution body.", "note"),
    ("An attention body.", "note"),
    ("A danger body.", "warning"),
    ("An error body.", "warning"),
    ("An important body.", "warning"),
    ("Added the thing.", "info"),
    ("Changed in version 1.6", "info"),
    ("Use the other thing.", "note"),
    ("Removed in version 1.8", "note"),
]


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_typed_admonitions_macros(make_app, rootdir, tmp_path, editor):
    root, warnings = build(make_app, rootdir, tmp_path, editor)
    for text, macro in EXPECTED:
        box = box_for(root, text)
        assert macro_name(box) == macro, text
        assert box.find("ac:rich-text-body/x:p", NS) is not None
    assert "unknown node" not in warnings


def test_version_notes_keep_label_text(make_app, rootdir, tmp_path):
    root, _ = build(make_app, rootdir, tmp_path, "v1")
    assert paragraphs(box_for(root, "Added the thing.")) == [
        "Added in version 1.5: Added the thing."
    ]
    assert "Deprecated since version 1.7" in paragraphs(box_for(root, "Use the other thing."))[0]


def test_generic_admonition_and_seealso_titles(make_app, rootdir, tmp_path):
    v1, _ = build(make_app, rootdir, tmp_path / "a", "v1")
    generic = box_for(v1, "A generic body")
    assert macro_name(generic) == "info"
    assert params(generic) == {"title": "Custom <Title> & more"}
    assert generic.find(".//x:strong", NS).text == "bold"
    assert paragraphs(generic) == ["A generic body with bold text."]  # title not repeated
    assert params(box_for(v1, "Another page.")) == {"title": "See also"}

    v2, _ = build(make_app, rootdir, tmp_path / "b", "v2")  # the same macros on Cloud
    generic = box_for(v2, "A generic body")
    assert macro_name(generic) == "info"
    assert params(generic) == {"title": "Custom <Title> & more"}
    assert params(box_for(v2, "Another page.")) == {"title": "See also"}


def test_todo_hidden_by_default(make_app, rootdir, tmp_path):
    root, _ = build(make_app, rootdir, tmp_path, "v1")
    assert not any("Write the todo text." in "".join(e.itertext()) for e in root)


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_todo_and_todolist_when_included(make_app, rootdir, tmp_path, editor):
    root, _ = build(make_app, rootdir, tmp_path, editor, todo_include_todos=True)
    boxes = [child for child in root if any("Write the todo text." in p for p in paragraphs(child))]
    assert len(boxes) == 2  # the todo itself and its copy in the todolist
    for box in boxes:
        assert macro_name(box) == "note" and params(box) == {"title": "Todo"}


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_topic_sidebar_rubric(make_app, rootdir, tmp_path, editor):
    root, _ = build(make_app, rootdir, tmp_path, editor)
    topic, sidebar = box_for(root, "A topic body."), box_for(root, "A sidebar body.")
    assert macro_name(topic) == "panel" and params(topic) == {"title": "Topic Title"}
    assert params(sidebar) == {"title": "Side Title \N{EM DASH} Side Sub"}
    rubric = [p for p in root.findall("x:p", NS) if "".join(p.itertext()) == "A Rubric"]
    assert len(rubric) == 1 and rubric[0].find("x:strong", NS) is not None


def test_admonition_overrides_use_the_named_macro(make_app, rootdir, tmp_path):
    overrides = {"note": "panel", "admonition": "expand"}
    for editor in ("v1", "v2"):
        root, _ = build(
            make_app,
            rootdir,
            tmp_path / editor,
            editor,
            confluence_adv_admonition_overrides=overrides,
        )
        assert macro_name(box_for(root, "A note body.")) == "panel"
        generic = box_for(root, "A generic body")
        assert macro_name(generic) == "expand"
        assert params(generic) == {"title": "Custom <Title> & more"}
        # classes without an override keep the default rendering
        tip = box_for(root, "A tip body.")
        assert macro_name(tip) == "tip"


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_collapsible_admonitions_are_wrapped_in_expand(make_app, rootdir, tmp_path, editor):
    root, _ = build(make_app, rootdir, tmp_path, editor)
    for text, title, macro in [
        ("A collapsed hint.", "Hint", "tip"),
        ("An open generic body.", "Folded", "info"),
    ]:
        expand = box_for(root, text)
        assert macro_name(expand) == "expand"
        assert params(expand) == {"title": title}
        (inner,) = list(expand.find("ac:rich-text-body", NS))
        assert macro_name(inner) == macro
    # an admonition without the option is not wrapped
    tip = box_for(root, "A tip body.")
    assert tip.get(AC + "name") != "expand"
