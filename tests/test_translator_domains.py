"""Domain descriptions, glossaries, footnotes, field/option/definition lists and small blocks."""

from __future__ import annotations

import inspect
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from docutils import nodes
from sphinx import addnodes
from storage_helpers import NS
from translator_helpers import build_index

from sphinxcontrib.confluencebuilder.translator import StorageTranslator

AC = "{" + NS["ac"] + "}"
X = "{" + NS["x"] + "}"


def build(make_app, rootdir: Path, tmp_path: Path, editor: str, **conf) -> tuple[ET.Element, str]:
    return build_index(make_app, rootdir / "test-domains", tmp_path, editor, **conf)


@pytest.fixture(params=["v1", "v2"])
def page(request, make_app, rootdir, tmp_path) -> tuple[str, ET.Element, str]:
    root, warnings = build(make_app, rootdir, tmp_path, request.param)
    return request.param, root, warnings


def text(element: ET.Element) -> str:
    """Visible text: anchor macros (and their parameters) are left out."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != AC + "structured-macro":
            parts.append(text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def anchors_in(element: ET.Element) -> list[str]:
    return [
        m.findtext("ac:parameter", namespaces=NS) or ""
        for m in element.iter(AC + "structured-macro")
        if m.get(AC + "name") == "anchor"
    ]


def signatures(root: ET.Element, editor: str) -> dict[str, ET.Element]:
    """Signature element (dt on v1, p on v2) by its first anchor."""
    found = {}
    for element in root.iter(X + ("dt" if editor == "v1" else "p")):
        code = element.find("x:code", NS)
        names = [
            m.findtext("ac:parameter", namespaces=NS)
            for m in element.findall("ac:structured-macro", NS)
        ]
        if code is not None and names:
            found[names[0]] = element
    return found


def test_no_unknown_nodes(page):
    _, _, warnings = page
    assert "unknown node" not in warnings


def test_python_signatures(page):
    editor, root, _ = page
    sigs = signatures(root, editor)
    combine = sigs["sample_module.combine"]
    code = combine.find("x:code", NS)
    assert text(code) == (
        "sample_module.combine(left: int, right: str = 'x', *rest: int, flag: bool = False)"
        " \N{RIGHTWARDS ARROW} list[str]"
    )
    assert code.findtext("x:strong", namespaces=NS) == "combine"
    assert [text(em) for em in code.findall("x:em", NS)][:2] == ["left: int", "right: str = 'x'"]
    assert text(sigs["sample_module.legacy"]) == "sample_module.legacy(a[, b[, c]])"
    assert text(sigs["sample_module.Widget"]) == "class sample_module.Widget"
    assert text(sigs["sample_module.Widget.spin"]) == "spin(turns: int) \N{RIGHTWARDS ARROW} None"


def test_other_domain_signatures(page):
    editor, root, _ = page
    sigs = signatures(root, editor)
    assert text(sigs["c.c_add"]) == "int c_add(int a, int b)"
    assert sigs["c.c_add"].find("x:code/x:em", NS) is None  # C parameters are noemph
    box = sigs["_CPPv4I0E3Box"]
    assert box.find("x:code/x:br", NS) is not None  # template line, then class line
    assert text(box) == "template<typename T>class Box"
    assert {"_CPPv3I0E3Box", "_CPPv2I0E3Box"} <= set(anchors_in(box))
    assert text(sigs["jsGreet"]) == "jsGreet(name)"
    assert text(sigs["directive-my-directive"]) == ".. my-directive:: arg"
    assert text(sigs["cmdoption-v"]) == "-v, --verbose"
    assert "cmdoption-verbose" in anchors_in(sigs["cmdoption-v"])
    assert text(sigs["envvar-SAMPLE_HOME"]) == "SAMPLE_HOME"


def test_description_layout_per_editor(make_app, rootdir, tmp_path):
    v1, _ = build(make_app, rootdir, tmp_path / "a", "v1")
    widget = [dl for dl in v1.findall("x:dl", NS) if "sample_module.Widget" in anchors_in(dl)]
    assert widget, "class description is a <dl>"
    dd = widget[0].find("x:dd", NS)
    assert dd.findtext("x:p", namespaces=NS) == "A widget with one method."
    nested = dd.findall("x:dl", NS)  # members are nested descriptions
    assert [anchors_in(dl)[0] for dl in nested] == [
        "sample_module.Widget.size",
        "sample_module.Widget.spin",
    ]

    v2, _ = build(make_app, rootdir, tmp_path / "b", "v2")
    assert v2.findall(".//x:dl", NS) == []
    # as the existing extension: a panel macro holding the signature, then the content
    # in a nested panel
    sig = signatures(v2, "v2")["sample_module.combine"]
    body = next(b for b in v2.iter(AC + "rich-text-body") if sig in list(b))
    panel = next(m for m in v2.iter(AC + "structured-macro") if body in list(m))
    assert panel.get(AC + "name") == "panel"
    children = list(body)
    content = children[children.index(sig) + 1]
    assert content.tag == AC + "structured-macro" and content.get(AC + "name") == "panel"
    inner = content.find("ac:rich-text-body", NS)
    assert inner.findtext("x:p", namespaces=NS) == "Combine values into a list."


def test_inline_description_and_manpage(page):
    _, root, _ = page
    para = [p for p in root.findall("x:p", NS) if text(p).startswith("Inline C++")][0]
    assert para.findtext("x:code", namespaces=NS) == "a + b"
    man = [p for p in root.findall("x:p", NS) if text(p).startswith("See ")][0]
    link = man.find("x:em/x:a", NS)
    assert link is not None and link.get("href") == "https://man.example.org/ls.1"
    assert link.text == "ls(1)"


def test_glossary_terms_are_anchored(page):
    editor, root, _ = page
    assert {"term-Widget-term", "term-Gadget-term"} <= set(anchors_in(root))
    if editor == "v1":
        (dl,) = [dl for dl in root.findall("x:dl", NS) if "term-Widget-term" in anchors_in(dl)]
        assert [text(dt) for dt in dl.findall("x:dt", NS)] == ["Widget term", "Gadget term"]
        assert text(dl.find("x:dd", NS)) == "A thing that does things."
    else:
        terms = [p for p in root.findall("x:p", NS) if text(p) in ("Widget term", "Gadget term")]
        assert len(terms) == 2 and all(p.find("x:strong", NS) is not None for p in terms)


def test_definition_list_classifier(page):
    editor, root, _ = page
    if editor == "v1":
        dt = [dt for dt in root.iter(X + "dt") if text(dt).startswith("Definition term")][0]
        head = dt
    else:
        head = [p for p in root.findall("x:p", NS) if text(p).startswith("Definition term")][0]
    assert text(head) == "Definition term : classifier one"
    assert [text(em) for em in head.iter(X + "em")] == ["classifier one"]


def same_page_anchors(editor: str, within: ET.Element) -> list[str | None]:
    """Anchors of same-page links: ``ac:link`` (v1), ``<a href="#...">`` (v2), as the
    existing extension writes them."""
    if editor == "v2":
        return [a.get("href", "")[1:] for a in within.iter(X + "a")]
    return [link.get(AC + "anchor") for link in within.iter(AC + "link")]


def test_productionlist(page):
    editor, root, _ = page
    (pre,) = root.findall("x:pre", NS)
    lines = text(pre).split("\n")
    assert lines == ['expr ::= term ("+" term)*', "term ::= NUMBER"]
    assert same_page_anchors(editor, pre) == ["grammar-token-term"] * 2
    assert {"grammar-token-expr", "grammar-token-term"} <= set(anchors_in(root))


def test_footnotes_link_both_ways(page):
    editor, root, _ = page
    para = [p for p in root.findall("x:p", NS) if text(p).startswith("A footnote reference")][0]
    sup_link = para.find("x:sup/ac:link", NS)
    assert sup_link is not None and sup_link.get(AC + "anchor") == "fn"
    assert sup_link.findtext("ac:plain-text-link-body", namespaces=NS) == "[1]"
    assert "id1" in anchors_in(para)  # the back-link target

    if editor == "v2":  # between rules, each text indented below its label
        children = list(root)
        label = next(p for p in root.findall("x:p", NS) if "fn" in anchors_in(p))
        start = children.index(label)
        assert children[start - 1].tag == X + "hr"
        assert same_page_anchors(editor, label) == ["id1"]
        body = children[start + 1]
        assert body.tag == X + "div" and text(body) == "The footnote text."
        citation = next(p for p in root.findall("x:p", NS) if "cit2002" in anchors_in(p))
        assert children[children.index(citation) + 2].tag == X + "hr"
        assert not [t for t in root.findall("x:table", NS) if "fn" in anchors_in(t)]
        return
    notes = [t for t in root.findall("x:table", NS) if "fn" in anchors_in(t)]
    assert len(notes) == 1
    rows = notes[0].findall("x:tbody/x:tr", NS)
    assert len(rows) == 2  # the footnote and the citation share one table
    label, body = rows[0].findall("x:td", NS)
    assert same_page_anchors(editor, label) == ["id1"]
    assert text(body) == "The footnote text."
    assert "cit2002" in anchors_in(rows[1]) and text(rows[1]).endswith("The citation text.")


def test_field_and_option_lists(page):
    editor, root, _ = page
    # as the existing extension writes them: v1 a borderless table, v2 no table
    if editor == "v1":
        fields = [t for t in root.findall("x:table", NS) if "Field one" in text(t)][0]
        rows = [(tr[0].tag, text(tr[0]), text(tr[1])) for tr in fields.iter(X + "tr")]
        assert rows == [(X + "td", "Field one:", "first value"),
                        (X + "td", "Field two:", "second value")]
        assert fields.find(".//x:td/x:strong", NS) is not None
        assert fields.find(".//x:td", NS).get("style") == "border: none"
    else:
        assert not [t for t in root.findall("x:table", NS) if "Field one" in text(t)]
        paragraphs = [text(p) for p in root.findall("x:p", NS)]
        start = paragraphs.index("Field one:")
        assert paragraphs[start:start + 4] == ["Field one:", "first value", "Field two:",
                                               "second value"]
    options = [t for t in root.findall("x:table", NS) if "Option a." in text(t)][0]
    cells = [[text(td) for td in tr] for tr in options.iter(X + "tr")]
    assert cells == [
        ["-a", "Option a."],
        ["--bee=VALUE", "Option bee."],
        ["-c FILE, --cee FILE", "Option c."],
    ]
    assert [text(em) for em in options.iter(X + "em")] == ["VALUE", "FILE", "FILE"]


def test_small_blocks(page):
    _, root, _ = page
    paragraphs = {text(p): p for p in root.findall("x:p", NS)}
    abbr = paragraphs["An LIFO stack."].find("x:abbr", NS)
    assert abbr is not None and abbr.text == "LIFO"
    assert abbr.get("title") == "last-in, first-out"
    centered = paragraphs["Centered text"]
    assert centered.get("style") == "text-align: center;"
    assert centered.find("x:strong", NS) is not None
    assert "Alice, Bob" in paragraphs
    hlist = [t for t in root.findall("x:table", NS) if "three" in text(t)][0]
    columns = hlist.findall("x:tbody/x:tr/x:td", NS)
    assert [[text(li) for li in td.iter(X + "li")] for td in columns] == [["one", "two"], ["three"]]


def test_autosummary_table_is_kept(page):
    editor, root, warnings = page
    (table,) = [t for t in root.findall("x:table", NS) if "Combine values" in text(t)]
    rows = [[text(td) for td in tr] for tr in table.iter(X + "tr")]
    assert rows[0][1] == "Combine values into a list."
    assert rows[0][0] == "combine(left[, right, flag])"
    assert rows[1] == ["Widget()", "A widget with one method."]
    assert same_page_anchors(editor, table)[0] == "sample_module.combine"
    assert "autosummary" not in warnings


FAMILY = {
    # sphinx.addnodes
    "desc", "desc_signature", "desc_signature_line", "desc_content", "desc_inline",
    "desc_name", "desc_addname", "desc_classname", "desc_type", "desc_returns",
    "desc_parameterlist", "desc_type_parameter_list", "desc_parameter",
    "desc_type_parameter", "desc_optional", "desc_annotation", "desc_sig_space",
    "desc_sig_name", "desc_sig_operator", "desc_sig_punctuation", "desc_sig_keyword",
    "desc_sig_keyword_type", "desc_sig_literal_number", "desc_sig_literal_string",
    "desc_sig_literal_char", "versionmodified", "seealso", "productionlist", "production",
    "centered", "acks", "hlist", "hlistcol", "glossary", "manpage",
    # docutils.nodes
    "literal_block", "doctest_block", "math", "math_block", "table", "tgroup", "colspec",
    "thead", "tbody", "row", "entry", "attention", "caution", "danger", "error", "important",
    "note", "tip", "hint", "warning", "admonition", "topic", "sidebar", "rubric",
    "footnote", "citation", "label", "footnote_reference", "citation_reference",
    "field_list", "field", "field_name", "field_body", "option_list", "option_list_item",
    "option_group", "option", "option_string", "option_argument", "description",
    "definition_list", "definition_list_item", "term", "classifier", "definition",
    "abbreviation", "acronym", "docinfo", "author", "authors", "organization", "address",
    "contact", "version", "revision", "status", "date", "copyright",
}  # fmt: skip


def test_every_node_of_these_families_has_a_handler():
    known = {
        name
        for module in (nodes, addnodes)
        for name, cls in vars(module).items()
        if inspect.isclass(cls) and issubclass(cls, nodes.Node)
    }
    assert FAMILY <= known  # the list names real node classes
    missing = sorted(n for n in FAMILY if not hasattr(StorageTranslator, f"visit_{n}"))
    assert missing == []


def test_multi_paragraph_parameter_is_not_nested_in_a_paragraph(page):
    _, root, _ = page
    for paragraph in root.iter(X + "p"):
        nested = [e.tag for e in paragraph.iter() if e is not paragraph]
        assert X + "p" not in nested and X + "ul" not in nested, text(paragraph)
    paragraphs = [text(p) for p in root.iter(X + "p")]
    start = next(i for i, t in enumerate(paragraphs) if t.startswith("mode"))
    assert "str" in paragraphs[start]
    assert paragraphs[start + 1] == "How to configure."
    items = [text(li) for li in root.iter(X + "li")]
    assert "'fast' skips checks" in items
    assert "'safe' checks everything" in items
