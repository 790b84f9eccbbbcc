"""Tables in storage format: headers, stubs, spans, widths, captions, alignment."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from storage_helpers import NS
from translator_helpers import build_index

from sphinxcontrib.confluencebuilder.translator.tables import TableLayout, width_css, width_px

X = "{" + NS["x"] + "}"
AC = "{" + NS["ac"] + "}"


def build(make_app, rootdir: Path, tmp_path: Path, editor: str, **conf) -> tuple[ET.Element, str]:
    return build_index(make_app, rootdir / "test-tables", tmp_path, editor, **conf)


def tables(root: ET.Element) -> list[ET.Element]:
    found = root.findall("x:table", NS)
    assert len(found) == 5
    return found


def grid(table: ET.Element) -> list[list[tuple[str, str, dict[str, str]]]]:
    """Rows of (tag, text, span attributes) as written."""
    rows = []
    for tr in table.iter(X + "tr"):
        rows.append(
            [(cell.tag[len(X) :], "".join(cell.itertext()), dict(cell.attrib)) for cell in tr]
        )
    return rows


def caption_before(root: ET.Element, table: ET.Element) -> str:
    children = list(root)
    before = children[children.index(table) - 1]
    assert before.tag == X + "p" and before.find("x:strong", NS) is not None
    return "".join(before.itertext())


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_simple_table_header_and_caption(make_app, rootdir, tmp_path, editor):
    root, warnings = build(make_app, rootdir, tmp_path, editor)
    simple = tables(root)[0]
    assert grid(simple) == [
        [("th", "A", {}), ("th", "B", {})],
        [("td", "a1", {}), ("td", "b1", {})],
        [("td", "a2", {}), ("td", "b2", {})],
    ]
    assert simple.find("x:thead/x:tr/x:th", NS) is not None
    assert simple.find("x:tbody/x:tr/x:td", NS) is not None
    assert caption_before(root, simple) == "Table 1 Simple title"  # numfig is on
    assert "unknown node" not in warnings


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_grid_table_spans(make_app, rootdir, tmp_path, editor):
    root, _ = build(make_app, rootdir, tmp_path, editor)
    assert grid(tables(root)[1]) == [
        [("th", "Header 1", {}), ("th", "Header 2", {}), ("th", "Header 3", {})],
        [("td", "wide cell spanning two", {"colspan": "2"}), ("td", "c1", {})],
        [("td", "tall cell", {"rowspan": "2"}), ("td", "r2c2", {}), ("td", "r2c3", {})],
        [("td", "r3c2", {}), ("td", "r3c3", {})],
    ]


def test_list_table_stub_column_widths_and_anchor_v1(make_app, rootdir, tmp_path):
    root, _ = build(make_app, rootdir, tmp_path, "v1")
    listed = tables(root)[2]
    assert grid(listed)[1] == [("th", "alpha", {}), ("td", "one", {}), ("td", "first", {})]
    assert grid(listed)[0][0] == ("th", "Name", {})
    cols = [c.get("style") for c in listed.findall("x:colgroup/x:col", NS)]
    assert cols == ["width: 20%;", "width: 30%;", "width: 50%;"]
    assert caption_before(root, listed) == "Table 2 Listed"
    anchors = [
        m.findtext("ac:parameter", namespaces=NS)
        for m in root.iter(AC + "structured-macro")
        if m.get(AC + "name") == "anchor"
    ]
    assert "listed-table" in anchors
    # tables without :widths: get no colgroup
    assert tables(root)[0].find("x:colgroup", NS) is None


def test_list_table_widths_v2_in_pixels(make_app, rootdir, tmp_path):
    root, _ = build(make_app, rootdir, tmp_path, "v2")
    listed = tables(root)[2]
    assert listed.get("data-table-width") == "760"
    assert listed.get("data-layout") == "default"
    cols = [c.get("style") for c in listed.findall("x:colgroup/x:col", NS)]
    assert cols == ["width: 152.0px;", "width: 228.0px;", "width: 380.0px;"]


def test_csv_table_alignment_and_width(make_app, rootdir, tmp_path):
    v1, _ = build(make_app, rootdir, tmp_path / "a", "v1")
    csv, sized = tables(v1)[3], tables(v1)[4]
    assert grid(csv)[2] == [("td", "Lima & Co", {}), ("td", "4", {})]
    assert caption_before(v1, csv) == "Table 3 From CSV"
    assert csv.get("style") == "margin-left: auto;"
    assert sized.get("style") == "width: 500px; margin-left: auto; margin-right: auto;"
    assert tables(v1)[0].get("style") is None

    v2, _ = build(make_app, rootdir, tmp_path / "b", "v2")
    csv, sized = tables(v2)[3], tables(v2)[4]
    assert csv.get("data-layout") == "align-end"
    assert sized.get("data-layout") == "center" and sized.get("data-table-width") == "500"
    assert tables(v2)[0].get("data-table-width") is None


def test_default_table_width_and_alignment_options(make_app, rootdir, tmp_path):
    conf = {"confluence_default_table_width": "50em", "confluence_default_alignment": "left"}
    v1, _ = build(make_app, rootdir, tmp_path / "a", "v1", **conf)
    assert tables(v1)[0].get("style") == "width: 50em; margin-right: auto;"
    assert tables(v1)[4].get("style").startswith("width: 500px;")  # :width: wins

    v2, _ = build(make_app, rootdir, tmp_path / "b", "v2", **conf)
    first = tables(v2)[0]
    assert first.get("data-table-width") == "800" and first.get("data-layout") == "align-start"
    listed = tables(v2)[2]
    cols = [c.get("style") for c in listed.findall("x:colgroup/x:col", NS)]
    assert cols == ["width: 160.0px;", "width: 240.0px;", "width: 400.0px;"]


def test_width_conversions():
    assert width_px(900) == 900
    assert width_px("900px") == 900
    assert width_px("10em") == 160
    assert width_px("50%") == 380
    assert width_px("99999") == 1800
    assert width_px("wide") is None
    assert width_css(640) == "640px"
    assert width_css("80%") == "80%"


def test_layout_places_cells_around_row_spans():
    layout = TableLayout()
    layout.start_row()
    assert [layout.place(morerows=2), layout.place(morecols=1), layout.place()] == [0, 1, 3]
    layout.end_row()
    layout.start_row()
    assert [layout.place(), layout.place(morerows=1), layout.place()] == [1, 2, 3]
    layout.end_row()
    layout.start_row()
    assert [layout.place(), layout.place()] == [1, 3]
    layout.end_row()
    layout.start_row()
    assert layout.place() == 0
