"""Structure translation: headings, lists, inline markup, quotes, raw, targets, unknown nodes."""

from __future__ import annotations

import inspect
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from storage_helpers import NS
from translator_helpers import ROOTS, build_project, page

from sphinxcontrib.confluencebuilder.translator import StorageTranslator

X = "{" + NS["x"] + "}"
AC = "{" + NS["ac"] + "}"


def build(make_app: Any, tmp_path: Path, **conf: Any) -> Any:
    return build_project(make_app, tmp_path, "structure", **conf)


def visible(elem: ET.Element) -> str:
    """Text a reader sees: element text without macro parameters."""
    parts = [elem.text or ""]
    for child in elem:
        if child.tag != AC + "parameter":
            parts.append(visible(child))
        parts.append(child.tail or "")
    return "".join(parts)


def texts(root: ET.Element, tag: str) -> list[str]:
    return [visible(e) for e in root.iter(X + tag)]


def anchors(root: ET.Element) -> list[str]:
    found = []
    for macro in root.iter(AC + "structured-macro"):
        if macro.get(AC + "name") == "anchor":
            found.append(macro.find(AC + "parameter").text)
    return found


def test_headings_and_title_removal(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    body, root = page(app, "index")
    assert "Structure Title" not in visible(root)  # shown as the page title
    assert "structure-title" in anchors(root)  # references to the title still land
    assert texts(root, "h2") == ["Lists", "Quotes", "Targets"]
    assert list(root.iter(X + "h1")) == []

    _, kept = page(build(make_app, tmp_path / "k", confluence_remove_title=False), "index")
    assert texts(kept, "h1") == ["Structure Title"]


def test_section_numbers_in_headings(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    _, root = page(app, "numbered")
    assert texts(root, "h2") == ["1.1. First", "1.2. Second"]
    assert texts(root, "h3") == ["1.2.1. Third level"]
    _, plain = page(build(make_app, tmp_path / "n", confluence_add_secnumbers=False), "numbered")
    assert texts(plain, "h2") == ["First", "Second"]


def test_inline_markup_and_escaping(make_app: Any, tmp_path: Path) -> None:
    body, root = page(build(make_app, tmp_path), "index")
    para = next(root.iter(X + "p"))
    assert [e.tag.replace(X, "") for e in para][:6] == [
        "em",
        "strong",
        "code",
        "sub",
        "sup",
        "em",  # a title reference, as the existing extension writes it
    ]
    assert "".join(para.itertext()).count("5 < 6 & 7 > 3") == 1
    assert "5 &lt; 6 &amp; 7 &gt; 3" in body
    assert texts(para, "em")[-1] == "Cancel"  # a gui label, as the existing extension
    assert texts(para, "u") == ["C"]  # the accelerator key of the gui label


def test_lists_with_every_enumeration_style(make_app: Any, tmp_path: Path) -> None:
    _, root = page(build(make_app, tmp_path), "index")
    bullets = [ul for ul in root.iter(X + "ul") if "bullet one" in "".join(ul.itertext())]
    outer = bullets[0]
    assert len(outer.findall(X + "li")) == 2
    assert outer.find(f"{X}li/{X}ul/{X}li") is not None  # the nested bullet
    styles = {}
    for ol in root.iter(X + "ol"):
        first = "".join(ol.find(X + "li").itertext())
        styles[first] = (ol.get("style"), ol.get("start"))
    assert styles == {
        "arabic one": (None, None),
        "alpha one": ("list-style-type: lower-alpha;", None),
        "upper alpha": ("list-style-type: upper-alpha;", None),
        "roman one": ("list-style-type: lower-roman;", None),
        "upper roman": ("list-style-type: upper-roman;", None),
        "starts at three": (None, "3"),
    }


def test_quotes_line_blocks_transitions(make_app: Any, tmp_path: Path) -> None:
    body, root = page(build(make_app, tmp_path), "index")
    quotes = texts(root, "blockquote")
    assert quotes[0].startswith("Indented block quote.")
    assert "\u2014 Somebody Famous" in quotes[0]
    assert quotes[1:] == ["Epigraph text.", "Highlight text.", "Pull-quote text."]
    line_block = next(p for p in root.iter(X + "p") if "Line one" in "".join(p.itertext()))
    assert len(line_block.findall(X + "br")) == 2
    assert "\u00a0" * 4 + "Indented line" in "".join(line_block.itertext())
    assert len(list(root.iter(X + "hr"))) == 1


def test_comments_substitutions_only_compound_container(make_app: Any, tmp_path: Path) -> None:
    body, root = page(build(make_app, tmp_path), "index")
    text = visible(root)
    assert "comment" not in text
    assert "Using substituted text here." in text
    assert "Only for confluence." in text
    assert "Only for html." not in text
    assert "Compound paragraph." in texts(root, "p")
    assert "Container paragraph." in texts(root, "p")


def test_raw_formats(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    body, root = page(app, "index")
    toc = [m for m in root.iter(AC + "structured-macro") if m.get(AC + "name") == "toc"]
    assert len(toc) == 1
    assert toc[0].find(AC + "parameter").text == "2"
    assert "HTML ONLY" not in body
    assert "LaTeXonly" not in body
    warnings = app.warning.getvalue()
    assert "index.rst:71: WARNING: raw html is not published" in warnings
    assert "confluence.raw-html" in warnings
    assert "latex" not in warnings.lower()


def test_targets_become_anchors(make_app: Any, tmp_path: Path) -> None:
    _, root = page(build(make_app, tmp_path), "index")
    found = anchors(root)
    assert {"explicit-target", "targets", "inline-target", "lists"} <= set(found)
    heading = [h for h in root.iter(X + "h2") if visible(h) == "Targets"][0]
    assert heading.find(AC + "structured-macro") is not None  # anchor inside the heading


def test_cloud_editor_adds_title_prefixed_anchors(make_app: Any, tmp_path: Path) -> None:
    legacy = anchors(page(build(make_app, tmp_path / "v1", confluence_editor="v1"), "index")[1])
    # Data Center: ids are not prefixed; a section's title target is, as the heading's
    # own Confluence anchor is (``<PageTitle>-<HeadingText>``)
    assert "StructureTitle-targets" not in legacy
    assert {"targets", "Targets", "StructureTitle-Targets"} <= set(legacy)
    cloud = anchors(page(build(make_app, tmp_path / "v2", confluence_editor="v2"), "index")[1])
    # every plain anchor is followed by the form Cloud uses for links from other pages
    for name in ("explicit-target", "targets", "inline-target", "Targets"):
        assert name in cloud
        assert cloud[cloud.index(name) + 1] == f"StructureTitle-{name}"
    ids = {n for n in legacy if not n.startswith("StructureTitle-") and n[0].islower()}
    assert ids <= set(cloud)


def test_unknown_node_warns_once_and_keeps_text(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    _, root = page(app, "index")
    text = visible(root)
    assert "Mystery text one." in text and "Mystery text two." in text
    warnings = [w for w in app.warning.getvalue().splitlines() if "unknown-node" in w]
    assert len(warnings) == 1, warnings
    assert "index.rst:103" in warnings[0]
    assert "'mystery'" in warnings[0]
    assert "confluence.unknown-node" in warnings[0]


def test_ignored_nodes_are_dropped_silently(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path, confluence_adv_ignore_nodes=["mystery"])
    body, _ = page(app, "index")
    assert "Mystery text" not in body
    assert "unknown-node" not in app.warning.getvalue()


def test_page_generation_notice(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path, confluence_page_generation_notice="Do not edit here.")
    _, root = page(app, "numbered")
    first = next(iter(root))
    assert first.tag == X + "p"
    assert "".join(first.itertext()) == "Do not edit here."


def test_problematic_markup_keeps_text_and_valid_storage(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "structure"
    shutil.copytree(ROOTS / "test-structure", src)
    (src / "broken.rst").write_text(
        ":orphan:\n\nBroken\n======\n\nA :nosuchrole:`kept text` and *unclosed emphasis.\n",
        encoding="utf-8",
    )
    app = make_app("confluence", srcdir=src, freshenv=True)
    app.build()
    body, root = page(app, "broken")
    text = visible(root)
    assert "kept text" in text
    assert "*unclosed emphasis." in text
    spans = [s for s in root.iter(X + "span") if s.get("style") == "color: #bf2600;"]
    assert spans, "problematic markup is highlighted"
    assert "System Message" not in body  # reported as warnings, not rendered
    assert "broken.rst:6" in app.warning.getvalue()


def test_document_header_decoration_is_kept(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    _, root = page(app, "numbered")
    assert "Decoration header text." in visible(root)
    unknown = [w for w in app.warning.getvalue().splitlines() if "unknown-node" in w]
    assert all("'mystery'" in w for w in unknown), unknown


def test_index_entry_targets_add_no_anchors(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "structure"
    shutil.copytree(ROOTS / "test-structure", src)
    (src / "indexed.rst").write_text(
        ":orphan:\n\nIndexed\n=======\n\n.. index:: keyword\n\nSee :pep:`8`.\n",
        encoding="utf-8",
    )
    app = make_app("confluence", srcdir=src, freshenv=True)
    app.build()
    _, root = page(app, "indexed")
    assert all(not a.startswith("index-") for a in anchors(root)), anchors(root)
    assert "PEP 8" in visible(root)


def test_sectnum_generated_numbers_are_kept(make_app: Any, tmp_path: Path) -> None:
    """docutils' ``sectnum`` puts the numbers into ``generated`` nodes of the titles."""
    src = tmp_path / "structure"
    shutil.copytree(ROOTS / "test-structure", src)
    (src / "sectnum.rst").write_text(
        ":orphan:\n\nTop\n===\n\n.. sectnum::\n   :suffix: )\n\n"
        "Alpha\n-----\n\nText.\n\nBeta\n----\n\nMore.\n",
        encoding="utf-8",
    )
    app = make_app("confluence", srcdir=src, freshenv=True)
    app.build()
    _, root = page(app, "sectnum")
    headings = [h.replace("\u00a0", " ") for h in texts(root, "h2")]
    assert headings == ["1.1)   Alpha", "1.2)   Beta"]
    warnings = app.warning.getvalue()
    assert "sectnum.rst" not in warnings, warnings


#: abstract bases and mixins of docutils and Sphinx: never instantiated as such
ABSTRACT = {
    "Node", "Element", "TextElement", "FixedTextElement", "PureTextElement",
    "translatable", "not_smartquotable", "_desc_classes_injector",
}  # fmt: skip


def test_every_docutils_and_sphinx_node_has_a_handler() -> None:
    """Dispatch follows the MRO (as SphinxTranslator does): every concrete node class of
    docutils.nodes and sphinx.addnodes reaches a visit method before an abstract base."""
    unhandled = []
    for module in (nodes, addnodes):
        for name, cls in vars(module).items():
            if not (inspect.isclass(cls) and issubclass(cls, nodes.Node)) or name in ABSTRACT:
                continue
            if cls.__module__ != module.__name__:
                continue
            bases = [c.__name__ for c in cls.__mro__ if issubclass(c, nodes.Node)]
            handled = next((b for b in bases if hasattr(StorageTranslator, f"visit_{b}")), None)
            if handled is None or handled in ABSTRACT:
                unhandled.append(f"{module.__name__}.{name}")
    assert unhandled == []
