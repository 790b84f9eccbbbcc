"""Tables: ``table``, ``tgroup``, ``colspec``, ``thead``, ``tbody``, ``row``, ``entry``.

* Header rows (``thead``) and the cells of stub columns are ``<th>``; spans become
  ``colspan`` / ``rowspan``.
* The table title is a bold paragraph above the table (prefixed with "Table N" when
  ``numfig`` numbers it); the table's ids become anchors.
* Width: the table's ``:width:`` option, else ``confluence_default_table_width``.
  ``v1`` writes it as ``style="width: ..."``; ``v2`` writes ``data-table-width`` in px
  (``em`` x16, ``pt`` x4/3, ``%`` of the 760 px default, at most 1800) plus
  ``data-layout``.
* Explicit column widths (``:widths:``) become ``<colgroup>``: percentages on ``v1``,
  pixels of the table width (760 px unless configured) on ``v2``.
* Alignment (``:align:``, else ``confluence_default_alignment`` if set): ``v1`` margins
  in ``style``; ``v2`` ``data-layout`` ``align-start`` / ``center`` / ``align-end``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..storage import escape, start_tag

if TYPE_CHECKING:
    from .base import TranslatorBase as _Base
else:
    _Base = object

#: Cloud's default and largest table widths in px
V2_DEFAULT_WIDTH = 760
V2_MAX_WIDTH = 1800

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|em|pt|%)?\s*$")
_V1_ALIGN = {
    "left": "margin-right: auto;",
    "center": "margin-left: auto; margin-right: auto;",
    "right": "margin-left: auto;",
}
_V2_ALIGN = {"left": "align-start", "center": "center", "right": "align-end"}


def width_px(value: object) -> int | None:
    """A table width in px for the Cloud editor, or None when it cannot be read."""
    if value is None or value == "":
        return None
    match = _LENGTH.match(str(value))
    if match is None:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    factor = {"px": 1.0, "em": 16.0, "pt": 4 / 3, "%": V2_DEFAULT_WIDTH / 100}[unit]
    return max(1, min(V2_MAX_WIDTH, round(number * factor)))


def width_css(value: object) -> str | None:
    """A table width as a CSS length (plain numbers are px)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    return f"{text}px" if re.fullmatch(r"\d+(?:\.\d+)?", text) else text


class TableLayout:
    """Finds the column of each cell while earlier rows' ``rowspan`` cells occupy slots."""

    def __init__(self) -> None:
        self._busy: dict[int, int] = {}  # column -> rows it stays occupied (incl. current)
        self._col = 0

    def start_row(self) -> None:
        self._col = 0

    def end_row(self) -> None:
        self._busy = {col: left - 1 for col, left in self._busy.items() if left > 1}

    def place(self, morerows: int = 0, morecols: int = 0) -> int:
        """Column index of the next cell; reserves its span."""
        while self._col in self._busy:
            self._col += 1
        col = self._col
        if morerows:
            for c in range(col, col + morecols + 1):
                self._busy[c] = morerows + 1
        self._col += morecols + 1
        return col


@dataclass
class _TableState:
    layout: TableLayout = field(default_factory=TableLayout)
    stubs: set[int] = field(default_factory=set)
    in_head: bool = False


class TablesMixin(_Base):
    """Translator methods for tables (see the module docstring)."""

    def _table_stack(self) -> list[_TableState]:
        stack: list[_TableState] | None = getattr(self, "_confluence_tables", None)
        if stack is None:
            stack = []
            self._confluence_tables = stack
        return stack

    def visit_table(self, node: nodes.Element) -> None:
        out = [self.anchors_for(node)]
        for child in node.children:
            if isinstance(child, nodes.title):
                caption = self._table_number(node) + self.render_children(child)
                out.append(f"<p><strong>{caption}</strong></p>")
        out.append(start_tag("table", self._table_attrs(node)))
        self.body.append("".join(out))
        self._table_stack().append(_TableState())
        try:
            for child in node.children:
                if not isinstance(child, nodes.title):
                    child.walkabout(self)
        finally:
            self._table_stack().pop()
        self.body.append("</table>")
        raise nodes.SkipNode

    def _table_number(self, node: nodes.Element) -> str:
        if not getattr(self.config, "numfig", False) or not node.get("ids"):
            return ""
        numbers = getattr(self.builder.env, "toc_fignumbers", {}).get(self.docname, {})
        number = numbers.get("table", {}).get(node["ids"][0])
        fmt = (getattr(self.config, "numfig_format", None) or {}).get("table")
        if not number or not fmt:
            return ""
        return escape(fmt % ".".join(map(str, number))) + " "

    def _table_attrs(self, node: nodes.Element) -> dict[str, Any]:
        width = node.get("width") or getattr(self.config, "confluence_default_table_width", None)
        align = node.get("align") or getattr(self.config, "confluence_default_alignment", None)
        if self.editor == "v2":
            px = width_px(width)
            if px is None and "colwidths-given" in node.get("classes", ()):
                px = V2_DEFAULT_WIDTH  # fixed column widths need a table width to be kept
            return {
                "data-layout": _V2_ALIGN.get(str(align), "default"),
                "data-table-width": px,
            }
        style = " ".join(
            part
            for part in (
                f"width: {width_css(width)};" if width_css(width) else "",
                _V1_ALIGN.get(str(align), ""),
            )
            if part
        )
        return {"style": style or None}

    def visit_tgroup(self, node: nodes.Element) -> None:
        state = self._table_stack()[-1]
        specs = [c for c in node.children if isinstance(c, nodes.colspec)]
        state.stubs = {i for i, spec in enumerate(specs) if spec.get("stub")}
        table = node.parent
        given = "colwidths-given" in table.get("classes", ()) if table is not None else False
        widths = [float(spec.get("colwidth", 0) or 0) for spec in specs]
        if given and widths and sum(widths) > 0:
            self.body.append(self._colgroup(table, widths))

    def depart_tgroup(self, node: nodes.Element) -> None:
        pass

    def _colgroup(self, table: nodes.Element, widths: list[float]) -> str:
        total = sum(widths)
        if self.editor == "v2":
            configured = table.get("width") or getattr(
                self.config, "confluence_default_table_width", None
            )
            table_px = width_px(configured) or V2_DEFAULT_WIDTH
            cols = [f"width: {round(table_px * w / total, 1)}px;" for w in widths]
        else:
            cols = [f"width: {round(100 * w / total)}%;" for w in widths]
        return (
            "<colgroup>"
            + "".join(start_tag("col", {"style": c}, empty=True) for c in cols)
            + ("</colgroup>")
        )

    # sphinx.ext.autosummary wraps its table in a comment subclass; without these the
    # comment handler would drop the table
    def visit_autosummary_table(self, node: nodes.Element) -> None:
        pass

    def depart_autosummary_table(self, node: nodes.Element) -> None:
        pass

    def visit_colspec(self, node: nodes.Element) -> None:
        raise nodes.SkipNode

    def visit_thead(self, node: nodes.Element) -> None:
        self._table_stack()[-1].in_head = True
        self.body.append("<thead>")

    def depart_thead(self, node: nodes.Element) -> None:
        self._table_stack()[-1].in_head = False
        self.body.append("</thead>")

    def visit_tbody(self, node: nodes.Element) -> None:
        self.body.append("<tbody>")

    def depart_tbody(self, node: nodes.Element) -> None:
        self.body.append("</tbody>")

    def visit_row(self, node: nodes.Element) -> None:
        self._table_stack()[-1].layout.start_row()
        self.body.append("<tr>")

    def depart_row(self, node: nodes.Element) -> None:
        self._table_stack()[-1].layout.end_row()
        self.body.append("</tr>")

    def visit_entry(self, node: nodes.Element) -> None:
        state = self._table_stack()[-1]
        morerows, morecols = int(node.get("morerows", 0)), int(node.get("morecols", 0))
        col = state.layout.place(morerows, morecols)
        tag = "th" if state.in_head or col in state.stubs else "td"
        values = {
            "rowspan": morerows + 1 if morerows else None,
            "colspan": morecols + 1 if morecols else None,
        }
        self.body.append(start_tag(tag, values))
        self.push_end(f"</{tag}>")

    def depart_entry(self, node: nodes.Element) -> None:
        self.pop_end()
