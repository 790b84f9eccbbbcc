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
    """The top-level macro / ADF extension whose body holds a paragraph with ``text``."""
    found = [
        child
        for child in root
        if child.tag in (AC + "structured-macro", AC + "adf-extension")
        and any(text in p for p in paragraphs(child))
    ]
    assert len(found) == 1, f"expected one box holding {text!r}, found {len(found)}"
    return found[0]


def macro_name(box: ET.Element) -> str:
    assert box.tag == AC + "structured-macro", box.tag
    return box.get(AC + "name") or ""


def panel_type(box: ET.Element) -> str:
    assert box.tag == AC + "adf-extension", box.tag
    node = box.find("ac:adf-node", NS)
    assert node is not None and node.get("type") == "panel"
    attr = node.find("ac:adf-attribute", NS)
    assert attr is not None and attr.get("key") == "panel-type"
    assert node.find("ac:adf-content", NS) is not None
    return attr.text or ""


EXPECTED = [
    # body text, v1 macro, v2 panel type
    ("A note body.", "info", "info"),
    ("A tip body.", "tip", "success"),
    ("A hint body.", "tip", "success"),
    ("A warning body.", "note", "warning"),
    ("A caution body.", "note", "warning"),
    ("An attention body.", "note", "warning"),
    ("A danger body.", "warning", "error"),
    ("An error body.", "warning", "error"),
    ("An important body.", "warning", "error"),
    ("Added the thing.", "info", "info"),
    ("Changed in version 1.6", "info", "info"),
    ("Use the other thing.", "note", "warning"),
    ("Removed in version 1.8", "note", "warning"),
]


def test_typed_admonitions_v1_macros(make_app, rootdir, tmp_path):
    root, warnings = build(make_app, rootdir, tmp_path, "v1")
    for text, macro, _ in EXPECTED:
        box = box_for(root, text)
        assert macro_name(box) == macro, text
        assert box.find("ac:rich-text-body/x:p", NS) is not None
    assert "unknown node" not in warnings


def test_typed_admonitions_v2_panels(make_app, rootdir, tmp_path):
    root, warnings = build(make_app, rootdir, tmp_path, "v2")
    for text, _, panel in EXPECTED:
        assert panel_type(box_for(root, text)) == panel, text
    assert not [m for m in root if m.get(AC + "name") in ("info", "note", "tip", "warning")]
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

    v2, _ = build(make_app, rootdir, tmp_path / "b", "v2")
    generic = box_for(v2, "A generic body")
    assert panel_type(generic) == "note"
    assert paragraphs(generic) == ["Custom <Title> & more", "A generic body with bold text."]
    first = generic.find("ac:adf-node/ac:adf-content/x:p/x:strong", NS)
    assert first is not None and first.text == "Custom <Title> & more"
    assert paragraphs(box_for(v2, "Another page."))[0] == "See also"


def test_todo_hidden_by_default(make_app, rootdir, tmp_path):
    root, _ = build(make_app, rootdir, tmp_path, "v1")
    assert not any("Write the todo text." in "".join(e.itertext()) for e in root)


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_todo_and_todolist_when_included(make_app, rootdir, tmp_path, editor):
    root, _ = build(make_app, rootdir, tmp_path, editor, todo_include_todos=True)
    boxes = [child for child in root if any("Write the todo text." in p for p in paragraphs(child))]
    assert len(boxes) == 2  # the todo itself and its copy in the todolist
    for box in boxes:
        if editor == "v1":
            assert macro_name(box) == "note" and params(box) == {"title": "Todo"}
        else:
            assert panel_type(box) == "note" and paragraphs(box)[0] == "Todo"


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_topic_sidebar_rubric(make_app, rootdir, tmp_path, editor):
    root, _ = build(make_app, rootdir, tmp_path, editor)
    topic, sidebar = box_for(root, "A topic body."), box_for(root, "A sidebar body.")
    if editor == "v1":
        assert macro_name(topic) == "panel" and params(topic) == {"title": "Topic Title"}
        assert params(sidebar) == {"title": "Side Title \N{EM DASH} Side Sub"}
    else:
        assert panel_type(topic) == "note"
        assert paragraphs(topic) == ["Topic Title", "A topic body."]
        assert paragraphs(sidebar)[0] == "Side Title \N{EM DASH} Side Sub"
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
        assert (macro_name(tip) if editor == "v1" else panel_type(tip)) in ("tip", "success")


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_collapsible_admonitions_are_wrapped_in_expand(make_app, rootdir, tmp_path, editor):
    root, _ = build(make_app, rootdir, tmp_path, editor)
    for text, title, macro, panel in [
        ("A collapsed hint.", "Hint", "tip", "success"),
        ("An open generic body.", "Folded", "info", "note"),
    ]:
        expand = box_for(root, text)
        assert macro_name(expand) == "expand"
        assert params(expand) == {"title": title}
        (inner,) = list(expand.find("ac:rich-text-body", NS))
        if editor == "v1":
            assert macro_name(inner) == macro
        else:
            assert panel_type(inner) == panel
    # an admonition without the option is not wrapped
    tip = box_for(root, "A tip body.")
    assert tip.get(AC + "name") != "expand"
