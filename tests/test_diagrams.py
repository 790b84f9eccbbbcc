"""Diagrams drawn by the real tools: Graphviz ``dot`` to PNG or SVG attachments, SVG
fixed up for Confluence, image maps dropped."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import imagesize
from storage_helpers import NS
from tool_helpers import needs_dot
from translator_helpers import ROOTS, page

from sphinxcontrib.confluencebuilder.translator.svg import XML_DECLARATION, fix_svg, svg_size

AC = "{" + NS["ac"] + "}"
RI = "{" + NS["ri"] + "}"


def build_graphviz(make_app: Any, tmp_path: Path, extra_rst: str = "", **conf: Any) -> Any:
    src = tmp_path / "graphviz"
    shutil.copytree(ROOTS / "test-graphviz", src)
    if extra_rst:
        with (src / "index.rst").open("a", encoding="utf-8") as handle:
            handle.write(extra_rst)
    app = make_app("confluence", srcdir=src, confoverrides=conf, freshenv=True)
    app.build()
    return app


def attached(app: Any) -> dict[str, Path]:
    meta = json.loads((Path(app.outdir) / "index.meta.json").read_text(encoding="utf-8"))
    return {a["name"]: Path(app.outdir) / a["path"] for a in meta["attachments"]}


def image_names(root: ET.Element) -> list[str]:
    return [i.find(RI + "attachment").get(RI + "filename") for i in root.iter(AC + "image")]


CLICKABLE = """

.. graphviz::

   digraph links { a [URL="https://example.com/a", tooltip="go"]; a -> b; }
"""


@needs_dot
def test_dot_draws_png_attachments(make_app, tmp_path):
    app = build_graphviz(make_app, tmp_path, CLICKABLE)
    body, root = page(app, "index")
    names = image_names(root)
    assert "usemap" not in body and "<map" not in body       # no image map
    assert len(names) == 4 and all(n.endswith(".png") for n in names)
    files = attached(app)
    assert set(files) == set(names)
    for path in files.values():
        assert path.read_bytes().startswith(b"\x89PNG")
        width, height = imagesize.get(path)
        assert width > 10 and height > 10
    assert "WARNING" not in app.warning.getvalue()




@needs_dot
def test_dot_draws_fixed_up_svg_without_image_maps(make_app, tmp_path):
    app = build_graphviz(make_app, tmp_path, CLICKABLE, graphviz_output_format="svg")
    body, root = page(app, "index")
    names = image_names(root)
    assert len(names) == 4 and all(n.endswith(".svg") for n in names)
    for path in attached(app).values():
        data = path.read_bytes()
        assert data.startswith(XML_DECLARATION.encode())
        root_tag = data[data.index(b"<svg"):].split(b">", 1)[0].decode()
        assert "pt" not in root_tag.split("viewBox")[0]   # pixel sizes, not points
        assert "viewBox=" in root_tag
        size = svg_size(data)
        assert size is not None and size[0] > 10 and size[1] > 10
        assert b"<a " not in data and b"xlink:href" not in data  # the links are gone
    assert "usemap" not in body and "<map" not in body
    assert "WARNING" not in app.warning.getvalue()


def test_fix_svg_sizes_from_points_viewbox_and_request():
    points = b'<svg width="72pt" height="36pt" viewBox="0 0 72 36"><g/></svg>'
    fixed = fix_svg(points)
    assert fixed.startswith(XML_DECLARATION.encode())
    assert b'width="96"' in fixed and b'height="48"' in fixed
    box_only = b'<?xml version="1.0"?>\n<?plantuml 1?><svg viewBox="0 0 200 100"></svg>'
    fixed = fix_svg(box_only, width=50)
    assert fixed.count(b"<?") == 1                    # one declaration, no other PI
    assert b'width="50"' in fixed and b'height="25"' in fixed
    unitless = fix_svg(b'<svg width="10" height="20"><a href="x"><g/></a></svg>')
    assert b'viewBox="0 0 10 20"' in unitless and b"<a " not in unitless
    assert b"<g/>" in unitless


def test_svg_image_is_fixed_up_with_its_size_baked_in(make_app, tmp_path):
    src = tmp_path / "svgimg"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinxcontrib.confluencebuilder"]\n',
                                 encoding="utf-8")
    (src / "shape.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="30pt" '
                                   'height="15pt"><rect width="30" height="15"/></svg>',
                                   encoding="utf-8")
    (src / "index.rst").write_text("Pictures\n========\n\n.. image:: shape.svg\n\n"
                                   ".. image:: shape.svg\n   :width: 80px\n", encoding="utf-8")
    app = make_app("confluence", srcdir=src, freshenv=True)
    app.build()
    _, root = page(app, "index")
    found = list(root.iter(AC + "image"))
    assert image_names(root) == ["shape.svg", "shape_2.svg"]
    assert all(i.get(AC + "width") is None and i.get(AC + "height") is None for i in found)
    files = attached(app)
    natural, wanted = files["shape.svg"].read_bytes(), files["shape_2.svg"].read_bytes()
    assert natural.startswith(XML_DECLARATION.encode()) and svg_size(natural) == (40, 20)
    assert svg_size(wanted) == (80, 40)                 # the requested width, same shape
    assert b'viewBox="0 0 30 15"' in wanted
