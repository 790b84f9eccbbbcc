"""Image translation: attachments, remote images, sizes, alignment, figures (v1 and v2)."""

from __future__ import annotations

import json
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from docutils import nodes
from storage_helpers import NS, parse_storage
from translator_helpers import ROOTS, build_project

from sphinxcontrib.confluencebuilder.translator.images import length_to_px

X = "{" + NS["x"] + "}"
AC = "{" + NS["ac"] + "}"
RI = "{" + NS["ri"] + "}"


def build(make_app: Any, tmp_path: Path, **conf: Any) -> Any:
    return build_project(make_app, tmp_path, "images", **conf)


def images(app: Any) -> tuple[ET.Element, list[dict[str, Any]]]:
    body = (Path(app.outdir) / "index.conf").read_text(encoding="utf-8")
    root = parse_storage(body)
    found = []
    for image in root.iter(AC + "image"):
        info: dict[str, Any] = {k.replace(AC, ""): v for k, v in image.attrib.items()}
        attachment = image.find(RI + "attachment")
        url = image.find(RI + "url")
        info["file"] = None if attachment is None else attachment.get(RI + "filename")
        info["url"] = None if url is None else url.get(RI + "value")
        caption = image.find(AC + "caption")
        info["caption"] = None if caption is None else "".join(caption.itertext())
        found.append(info)
    return root, found


def test_local_and_remote_images(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    _, found = images(app)
    first = found[0]
    assert first["file"] == "pic.png"
    assert (first["align"], first["alt"], first["width"], first["height"]) == (
        "right",
        "A red box",
        "200",
        "42",  # 3em at 14 px
    )
    assert first["style"] == "float: right;"
    assert (found[1]["width"], found[1].get("height")) == ("20", None)  # 50% of 40 wide
    assert found[2]["file"] == "pic_2.png"  # same base name, other file
    assert found[3]["url"] == "https://example.com/remote.png"
    assert found[3]["alt"] == 'remote & "quoted"'
    assert found[4]["file"] == "shape.svg"

    meta = json.loads((Path(app.outdir) / "index.meta.json").read_text())
    attached = {a["name"]: a["media_type"] for a in meta["attachments"]}
    assert attached == {
        "pic.png": "image/png",
        "pic_2.png": "image/png",
        "shape.svg": "image/svg+xml",
    }


def test_missing_image_warns_and_keeps_alt_text(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    root, found = images(app)
    assert "[image: nothing here]" in "".join(root.itertext())
    assert all(i["file"] != "missing.png" for i in found)
    warnings = app.warning.getvalue().splitlines()
    # Sphinx reports the missing file while reading; the page does not repeat it
    missing = [w for w in warnings if "missing.png" in w]
    assert len(missing) == 1, missing
    assert "index.rst:21: WARNING: image file not readable: img/missing.png" in missing[0]


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_missing_image_is_reported_once(make_app: Any, tmp_path: Path, editor: str) -> None:
    app = build(make_app, tmp_path, confluence_editor=editor)
    root, found = images(app)
    text = "".join(root.itertext())
    assert "[image: gone figure]" in text
    assert "Missing figure caption." in text
    assert "[image: no candidates]" in text
    warnings = app.warning.getvalue().splitlines()
    # a v2 figure tries its image for the caption before the image is visited
    gone = [w for w in warnings if "gone.png" in w]
    assert len(gone) == 1, gone
    # no file matches the glob: Sphinx reports it when picking the file
    absent = [w for w in warnings if "absent" in w]
    assert len(absent) == 1, absent
    assert "a suitable image for confluence builder not found: img/absent.*" in absent[0]


def test_image_added_after_reading(make_app: Any, tmp_path: Path) -> None:
    """An extension's image node without candidates: used as is, reported when missing."""
    src = tmp_path / "images"
    shutil.copytree(ROOTS / "test-images", src)
    app = make_app("confluence", srcdir=src, freshenv=True)

    def add_images(_app: Any, doctree: Any, docname: str) -> None:
        for uri, alt in (("img/pic.png", "late and found"), ("img/late.png", "late and gone")):
            doctree.append(nodes.image(uri=uri, alt=alt))

    app.connect("doctree-resolved", add_images)
    app.build()
    root, found = images(app)
    late = [i for i in found if i.get("alt") == "late and found"]
    assert late and late[0]["file"] == "pic.png"
    assert "[image: late and gone]" in "".join(root.itertext())
    gone = [w for w in app.warning.getvalue().splitlines() if "late.png" in w]
    assert len(gone) == 1, gone
    assert "image file not found: 'img/late.png'" in gone[0]
    assert "confluence.missing-image" in gone[0]


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_glob_image_uses_the_file_sphinx_found(
    make_app: Any, tmp_path: Path, editor: str
) -> None:
    app = build(make_app, tmp_path, confluence_editor=editor)
    _, found = images(app)
    globbed = [i for i in found if i.get("alt") == "picked by glob"]
    assert len(globbed) == 1
    assert globbed[0]["file"] == "shape.svg"
    assert "img/shape" not in app.warning.getvalue()


def test_inline_and_linked_images(make_app: Any, tmp_path: Path) -> None:
    root, _ = images(build(make_app, tmp_path))
    inline = [p for p in root.iter(X + "p") if (p.text or "").startswith("Inline")][0]
    assert inline.find(AC + "image") is not None
    linked = [a for a in root.iter(X + "a") if a.get("href") == "https://example.com/target"]
    assert linked[0].find(AC + "image") is not None


def test_figure_v1_caption_and_legend(make_app: Any, tmp_path: Path) -> None:
    root, found = images(build(make_app, tmp_path, confluence_editor="v1"))
    figure = [i for i in found if i.get("align") == "left"][0]
    assert figure["caption"] is None
    style = "clear: both;text-align: left;"  # as the existing extension writes it
    captions = [p for p in root.iter(X + "p") if p.get("style") == style]
    assert "".join(captions[0].itertext()) == "The caption text."
    assert captions[0].find(f"{X}em") is not None  # markup in the caption is kept
    legend = [d for d in root.iter(X + "div") if d.find(AC + "image") is None]
    assert "".join(legend[0].itertext()) == "The legend paragraph."
    assert legend[0].get("style") == "text-align: left;"  # the figure's alignment
    anchors = {
        m.find(AC + "parameter").text
        for m in root.iter(AC + "structured-macro")
        if m.get(AC + "name") == "anchor"
    }
    assert "the-figure" in anchors


def test_figure_v2_caption_inside_image(make_app: Any, tmp_path: Path) -> None:
    root, found = images(build(make_app, tmp_path, confluence_editor="v2"))
    figure = [i for i in found if i.get("align") == "left"][0]
    assert figure["caption"] == "The caption text."
    assert "layout" not in figure and "style" not in figure
    text = "".join(root.itertext())
    legend = [d for d in root.iter(X + "div") if "The legend" in "".join(d.itertext())]
    assert legend[0].get("style") == "text-align: left;"
    assert text.count("The caption text.") == 1
    clears = [d for d in root.iter(X + "div") if d.get("style") == "clear: both"]
    assert len(clears) == 3  # one after each figure  # not repeated below the image
    assert "The legend paragraph." in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("200", 200),
        ("200px", 200),
        ("1in", 96),
        ("2.54cm", 96),
        ("12pt", 16),
        ("10%", 76),
        ("", None),
        ("wide", None),
        ("3furlongs", None),
    ],
)
def test_length_to_px(value: str, expected: int | None) -> None:
    assert length_to_px(value) == expected


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_image_attributes_as_the_existing_extension_writes_them(
    make_app: Any, tmp_path: Path, editor: str
) -> None:
    root, found = images(build(make_app, tmp_path, confluence_editor=editor))
    right = found[0]
    assert (right["align"], right["height"], right["style"]) == ("right", "42", "float: right;")
    assert "layout" not in right  # no v2 layout attribute either
    assert (found[1]["width"], found[1].get("height")) == ("20", None)  # :scale: 50%
    # a width in percent: an inline-block div of that CSS width, no ac:width
    percent = found[2]
    assert percent["file"] == "pic_2.png" and "width" not in percent
    divs = [d for d in root.iter(X + "div") if d.find(AC + "image") is not None]
    assert [d.get("style") for d in divs] == ["display: inline-block;width: 50%;"]
    left = [i for i in found if i.get("align") == "left"][0]
    assert "style" not in left  # only a right alignment floats
    assert all(i.get("align") is None for i in found[3:5])  # plain images stay unaligned


def test_figure_without_alignment_is_centred(make_app: Any, tmp_path: Path) -> None:
    for editor in ("v1", "v2"):
        sub = tmp_path / editor
        sub.mkdir()
        _, found = images(build(make_app, sub, confluence_editor=editor))
        figure = [i for i in found if i.get("alt") == "centred figure"][0]
        assert figure["align"] == "center", editor


def test_default_alignment_applies_to_block_images_only(make_app: Any, tmp_path: Path) -> None:
    root, found = images(build(make_app, tmp_path, confluence_default_alignment="center"))
    assert found[0]["align"] == "right"  # explicit alignment wins
    assert found[1]["align"] == "center"
    inline = [p for p in root.iter(X + "p") if (p.text or "").startswith("Inline")][0]
    assert inline.find(AC + "image").get(AC + "align") is None


# -- graphviz and inheritance diagrams ---------------------------------------------------

FAKE_DOT = """#!{python}
import shutil
import sys
import sys

with open({log!r}, "a", encoding="utf-8") as log:
    log.write(sys.stdin.read() + "\\n----\\n")
if {fail!r}:
    sys.stderr.write("syntax error in line 1")
    sys.exit(1)
out = [arg[2:] for arg in sys.argv[1:] if arg.startswith("-o")][0]
assert "-Tpng" in sys.argv
shutil.copyfile({png!r}, out)
"""


def fake_dot(tmp_path: Path, *, fail: bool = False) -> tuple[Path, Path]:
    """An executable standing in for Graphviz' dot: logs its input, writes a PNG."""
    log = tmp_path / "dot-input.log"
    script = tmp_path / "fake-dot"
    script.write_text(
        FAKE_DOT.format(
            python=sys.executable,
            log=str(log),
            fail=fail,
            png=str(ROOTS / "test-images" / "img" / "pic.png"),
        ),
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script, log


def build_graphviz(make_app: Any, tmp_path: Path, dot: Path) -> tuple[Any, ET.Element]:
    src = tmp_path / "graphviz"
    shutil.copytree(ROOTS / "test-graphviz", src)
    app = make_app("confluence", srcdir=src, confoverrides={"graphviz_dot": str(dot)})
    app.build()
    body = (Path(app.outdir) / "index.conf").read_text(encoding="utf-8")
    return app, parse_storage(body)


def code_macros(root: ET.Element) -> list[str]:
    return [
        "".join(m.find(AC + "plain-text-body").itertext())
        for m in root.iter(AC + "structured-macro")
        if m.get(AC + "name") == "code"
    ]


def test_graphviz_rendered_by_dot_is_attached(make_app: Any, tmp_path: Path) -> None:
    dot, log = fake_dot(tmp_path)
    app, root = build_graphviz(make_app, tmp_path, dot)
    diagrams = [i for i in root.iter(AC + "image")]
    assert len(diagrams) == 3  # two graphviz diagrams and the inheritance diagram
    names = [i.find(RI + "attachment").get(RI + "filename") for i in diagrams]
    assert all(n.startswith("graphviz-") and n.endswith(".png") for n in names)
    assert len(set(names)) == 3
    assert diagrams[0].get(AC + "alt") == "two nodes & an edge"
    assert diagrams[0].get(AC + "align") == "center"
    meta = json.loads((Path(app.outdir) / "index.meta.json").read_text())
    assert sorted(a["name"] for a in meta["attachments"]) == sorted(names)
    assert {a["media_type"] for a in meta["attachments"]} == {"image/png"}
    fed = log.read_text(encoding="utf-8")
    assert "digraph first { a -> b; }" in fed
    assert '"x<y>" -> z' in fed
    assert '"diagram_classes.Base" -> "diagram_classes.Child"' in fed
    assert code_macros(root) == []
    warnings = app.warning.getvalue()
    assert "unknown-node" not in warnings
    assert "graphviz" not in warnings


def test_graphviz_without_dot_keeps_source_and_warns_once(
    make_app: Any, tmp_path: Path
) -> None:
    app, root = build_graphviz(make_app, tmp_path, tmp_path / "no-such-dot")
    assert root.find(f".//{AC}image") is None
    sources = code_macros(root)
    assert sources[0] == "digraph first { a -> b; }"
    assert '"x<y>" -> z' in sources[1]
    text = "".join(root.itertext())
    assert "two nodes & an edge" in text
    # the inheritance diagram becomes a list of its classes
    items = ["".join(li.itertext()) for li in root.iter(X + "li")]
    assert any("diagram_classes.Base" in i for i in items)
    assert any("diagram_classes.Child" in i for i in items)
    warnings = app.warning.getvalue().splitlines()
    graphviz = [w for w in warnings if "confluence.graphviz" in w]
    assert len(graphviz) == 1, graphviz
    # the directive gives its node no line: the enclosing section (line 2) is named
    assert "index.rst:2: WARNING: graphviz diagrams are published as text" in graphviz[0]
    assert not [w for w in warnings if "unknown-node" in w]


def test_graphviz_dot_failure_is_reported_per_diagram(make_app: Any, tmp_path: Path) -> None:
    dot, _ = fake_dot(tmp_path, fail=True)
    app, root = build_graphviz(make_app, tmp_path, dot)
    assert root.find(f".//{AC}image") is None
    assert code_macros(root)[0] == "digraph first { a -> b; }"
    failures = [
        w for w in app.warning.getvalue().splitlines() if "dot could not render" in w
    ]
    assert len(failures) == 3, failures
    assert all("syntax error in line 1" in w for w in failures)
