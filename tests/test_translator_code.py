"""Code blocks and math in storage format, for both editor dialects."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from storage_helpers import NS
from tool_helpers import NO_LATEX, hide_matplotlib
from translator_helpers import build_index

from sphinxcontrib.confluencebuilder.translator.languages import resolve_language

AC = "{" + NS["ac"] + "}"
X = "{" + NS["x"] + "}"


def build(make_app, rootdir: Path, tmp_path: Path, editor: str, **conf) -> tuple[ET.Element, str]:
    return build_index(make_app, rootdir / "test-code", tmp_path, editor, **conf)


def macros(root: ET.Element, name: str) -> list[ET.Element]:
    return [m for m in root.iter(AC + "structured-macro") if m.get(AC + "name") == name]


def params(macro: ET.Element) -> dict[str, str]:
    return {p.get(AC + "name"): p.text or "" for p in macro.findall("ac:parameter", NS)}


def code_text(macro: ET.Element) -> str:
    body = macro.find("ac:plain-text-body", NS)
    assert body is not None
    return body.text or ""


def code_by_text(root: ET.Element, needle: str) -> ET.Element:
    found = [m for m in macros(root, "code") if needle in code_text(m)]
    assert len(found) == 1, f"expected one code macro with {needle!r}, got {len(found)}"
    return found[0]


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_code_macro_language_lines_and_cdata(make_app, rootdir, tmp_path, editor):
    root, _ = build(make_app, rootdir, tmp_path, editor)
    default = params(code_by_text(root, 'print("default")'))
    assert default == {"language": "python"}  # Sphinx's 'default' highlight -> python

    numbered = code_by_text(root, "a = 1")
    assert params(numbered) == {"language": "python", "linenumbers": "true", "firstline": "10"}
    # the ']]>' in the source survives the CDATA split intact
    assert code_text(numbered) == 'a = 1\nb = "]]>"'

    doctest = code_by_text(root, ">>> print(1 + 1)")
    assert params(doctest)["language"] == "python"
    assert code_text(code_by_text(root, "puts")).startswith('puts "included"\n# ]]> must survive')


def test_language_maps_differ_per_editor(make_app, rootdir, tmp_path):
    v1, warnings_v1 = build(make_app, rootdir, tmp_path / "a", "v1")
    v2, warnings_v2 = build(make_app, rootdir, tmp_path / "b", "v2")
    expected = {
        "package main": ("none", "go"),
        "int x;": ("cpp", "c"),
        '{"a": 1}': ("python", "json"),
        "var x = 1;": ("javascript", "js"),
        "In [1]": ("python", "python"),
        "++++[": ("none", "none"),
    }
    for needle, (lang_v1, lang_v2) in expected.items():
        assert params(code_by_text(v1, needle))["language"] == lang_v1, needle
        assert params(code_by_text(v2, needle))["language"] == lang_v2, needle
    # go is unknown on v1 only; json is a (warned) relative on v1 only
    assert "'go' is not supported" in warnings_v1
    assert "'go'" not in warnings_v2
    assert "'json'" in warnings_v1 and "'json'" not in warnings_v2
    # ipython is a close relative on both editors: highlighted, but reported
    assert "'ipython'" in warnings_v1 and "'ipython'" in warnings_v2


def test_unknown_language_warns_once_per_build(make_app, rootdir, tmp_path):
    root, warnings = build(make_app, rootdir, tmp_path, "v2")
    brainfuck = [m for m in macros(root, "code") if code_text(m).startswith("++")]
    assert [params(m)["language"] for m in brainfuck] == ["none", "none"]
    lines = [ln for ln in warnings.splitlines() if "'brainfuck'" in ln]
    assert len(lines) == 1
    assert "[confluence.unsupported_code_lang]" in lines[0]
    assert "index.rst:" in lines[0]  # the warning carries a location


def test_lang_overrides_win_dict_and_callable(make_app, rootdir, tmp_path):
    root, warnings = build(
        make_app, rootdir, tmp_path / "a", "v1", confluence_lang_overrides={"brainfuck": "bash"}
    )
    assert params(code_by_text(root, "++++["))["language"] == "bash"
    assert "'brainfuck'" not in warnings

    def chooser(lexer: str) -> str | None:
        return "sql" if lexer == "go" else None

    root, warnings = build(
        make_app, rootdir, tmp_path / "b", "v1", confluence_lang_overrides=chooser
    )
    assert params(code_by_text(root, "package main"))["language"] == "sql"
    assert params(code_by_text(root, "int x;"))["language"] == "cpp"  # built-in map still used
    assert "'go'" not in warnings


def test_caption_and_collapse_v1(make_app, rootdir, tmp_path):
    root, _ = build(make_app, rootdir, tmp_path, "v1")
    go = params(code_by_text(root, "package main"))
    assert go["title"] == "A Go program"
    yaml = params(code_by_text(root, "a: 1"))
    assert yaml == {
        "language": "yaml",
        "theme": "Midnight",
        "title": "Settings",
        "collapse": "true",
    }
    assert macros(root, "expand") == []
    # the :name: of the captioned block is an anchor
    anchors = [params(m)[""] for m in macros(root, "anchor")]
    assert "go-sample" in anchors


def test_caption_and_collapse_v2(make_app, rootdir, tmp_path):
    root, _ = build(make_app, rootdir, tmp_path, "v2")
    go = code_by_text(root, "package main")
    assert "title" not in params(go)
    # the caption is a bold paragraph right before the macro
    children = list(root)
    before = children[children.index(go) - 1]
    assert before.tag == X + "p" and before.findtext("x:strong", namespaces=NS) == "A Go program"

    (expand,) = macros(root, "expand")
    assert params(expand) == {"title": "Settings"}
    inner = expand.find("ac:rich-text-body/ac:structured-macro", NS)
    assert inner is not None and code_text(inner) == "a: 1"
    assert params(inner) == {"language": "yaml", "theme": "Midnight"}


def test_configured_theme(make_app, rootdir, tmp_path):
    root, _ = build(make_app, rootdir, tmp_path, "v1", confluence_code_block_theme="eclipse")
    assert params(code_by_text(root, "int x;"))["theme"] == "Eclipse"
    assert params(code_by_text(root, "a: 1"))["theme"] == "Midnight"  # the class wins


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_parsed_literal_keeps_markup(make_app, rootdir, tmp_path, editor):
    root, _ = build(make_app, rootdir, tmp_path, editor)
    (pre,) = root.findall("x:pre", NS)
    assert pre.text == "run "
    assert pre.findtext("x:em", namespaces=NS) == "this"


@pytest.mark.parametrize(("editor", "language"), [("v1", "none"), ("v2", "tex")])
def test_math_is_latex_source_with_one_warning(make_app, rootdir, tmp_path, editor, language,
                                              monkeypatch):
    """With neither LaTeX nor matplotlib the LaTeX source is shown and one warning names
    what to install."""
    hide_matplotlib(monkeypatch)
    root, warnings = build(make_app, rootdir, tmp_path, editor, **NO_LATEX)
    block = code_by_text(root, "a^2 + b^2 = c^2")
    assert params(block)["language"] == language
    assert "equation-pythagoras" in [params(m)[""] for m in macros(root, "anchor")]
    inline = [c.text for c in root.iter(X + "code")]
    assert "a^2 + b^2" in inline
    assert warnings.count("[confluence.math]") == 1
    assert "texlive-latex-base" in warnings and "[mathtext]" in warnings
    assert root.find(f".//{AC}image") is None


def test_resolve_language_table():
    assert resolve_language("Python3", "v1") == ("python", True)
    assert resolve_language("html", "v1") == ("html/xml", True)
    assert resolve_language("html", "v2") == ("html", True)
    assert resolve_language("csharp", "v2") == ("c#", True)
    assert resolve_language("cuda", "v1") == ("cpp", False)
    assert resolve_language("cuda", "v2") == ("cuda", True)
    assert resolve_language("nonsense", "v2") == ("none", False)
    assert resolve_language(None, "v2") == ("python", True)


def test_control_characters_are_stripped(make_app, rootdir, tmp_path):
    root, _ = build(make_app, rootdir, tmp_path, "v1")  # parse_storage rejects a raw BEL
    block = code_by_text(root, "ring")
    assert code_text(block) == "ringbell & <tag>\n"
    assert params(block) == {"language": "none"}


def test_latex_macro_by_name(make_app, rootdir, tmp_path):
    root, warnings = build(make_app, rootdir, tmp_path, "v2", confluence_latex_macro="orah-latex")
    bodies = [code_text(m) for m in macros(root, "orah-latex")]
    assert bodies == ["a^2 + b^2", "a^2 + b^2 = c^2"]  # inline, then the block
    assert "[confluence.math]" not in warnings
    assert not [m for m in macros(root, "code") if "c^2" in code_text(m)]


def test_latex_macro_with_inline_parameter(make_app, rootdir, tmp_path):
    choice = {
        "block-macro": "mathblock",
        "inline-macro": "mathinline",
        "inline-macro-param": "body",
    }
    root, _ = build(make_app, rootdir, tmp_path, "v1", confluence_latex_macro=choice)
    (inline,) = macros(root, "mathinline")
    assert params(inline) == {"body": "a^2 + b^2"}
    assert inline.find("ac:plain-text-body", NS) is None
    (block,) = macros(root, "mathblock")
    assert code_text(block) == "a^2 + b^2 = c^2"
    # the equation keeps its anchor and number
    children = list(root)
    assert children[children.index(block) - 1].text == "(1)"
    assert "equation-pythagoras" in [params(m)[""] for m in macros(root, "anchor")]


def test_mathjax_delimiters(make_app, rootdir, tmp_path):
    root, warnings = build(make_app, rootdir, tmp_path, "v1", confluence_mathjax=True)
    texts = ["".join(p.itertext()) for p in root.iter(X + "p")]
    assert "Inline math \\(a^2 + b^2\\) here." in texts
    assert "\\[a^2 + b^2 = c^2\\]" in texts
    assert "[confluence.math]" not in warnings


def test_unknown_theme_class_warns_and_is_dropped(make_app, rootdir, tmp_path):
    root, warnings = build(make_app, rootdir, tmp_path, "v1")
    assert params(code_by_text(root, "SELECT 1;")) == {"language": "sql"}
    assert "'neon'" in warnings and "[confluence.unsupported_code_block_theme]" in warnings
