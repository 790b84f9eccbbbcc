"""HTML tables (a notebook's ``text/html`` output, e.g. a pandas DataFrame) as docutils
tables, so the translator publishes them as Confluence tables.

Only the table structure and the text of its cells are kept: ``<thead>`` rows (or a
leading row of ``<th>`` cells) become the header, ``colspan``/``rowspan`` become
``morecols``/``morerows``, a ``<th>`` in the body (an index column) is bold. Styles,
classes and scripts are dropped. HTML that holds no table gives an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from docutils import nodes


@dataclass
class Cell:
    text: str = ""
    header: bool = False
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Table:
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)


def _span(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


class _Parser(HTMLParser):
    """Collects every top-level ``<table>`` (nested tables become cell text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._depth = 0
        self._in_head = False
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None
        self._skip = 0  # inside <script> / <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append(Table())
        elif self._depth != 1:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            values = dict(attrs)
            self._cell = Cell("", tag == "th", _span(values.get("colspan")),
                              _span(values.get("rowspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.text += " "

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(self._skip - 1, 0)
        elif tag == "table":
            self._depth -= 1
        elif self._depth != 1:
            return
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            (table.head if self._in_head else table.body).append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.text += data


def parse_tables(html: str) -> list[Table]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    tables = [t for t in parser.tables if t.head or t.body]
    for table in tables:  # a first row of <th> only is the header
        if not table.head and len(table.body) > 1 and all(c.header for c in table.body[0]):
            table.head.append(table.body.pop(0))
    return tables


def _width(rows: list[list[Cell]]) -> int:
    """Columns of the grid, counting cells that reach down from rows above."""
    busy: dict[int, int] = {}
    width = 0
    for row in rows:
        col = 0
        for cell in row:
            while busy.get(col, 0) > 0:
                col += 1
            for c in range(col, col + cell.colspan):
                busy[c] = cell.rowspan
            col += cell.colspan
        width = max(width, col, *(c + 1 for c, left in busy.items() if left > 0))
        busy = {c: left - 1 for c, left in busy.items() if left > 1}
    return width


def _row(cells: list[Cell], in_head: bool) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        if cell.colspan > 1:
            entry["morecols"] = cell.colspan - 1
        if cell.rowspan > 1:
            entry["morerows"] = cell.rowspan - 1
        if cell.text:
            text: nodes.Node = nodes.Text(cell.text)
            if cell.header and not in_head:
                text = nodes.strong(cell.text, cell.text)
            entry += nodes.paragraph("", "", text)
        row += entry
    return row


def table_node(table: Table) -> nodes.table:
    """A docutils table for a parsed HTML table."""
    width = max(_width(table.head + table.body), 1)
    group = nodes.tgroup(cols=width)
    for _ in range(width):
        group += nodes.colspec(colwidth=1)
    if table.head:
        group += nodes.thead("", *(_row(r, True) for r in table.head))
    group += nodes.tbody("", *(_row(r, False) for r in table.body))
    return nodes.table("", group)


__all__ = ["Cell", "Table", "parse_tables", "table_node"]
