"""A directive that lists every registered confluence_* option from the option table."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib.confluencebuilder.config import OPTIONS

_KIND = {
    "bool": "bool",
    "int": "int",
    "number": "number",
    "str": "str",
    "list": "list",
    "dict": "dict",
    "path": "path",
    "callable": "callable",
    "any": "object",
}


class OptionTable(SphinxDirective):
    """``.. confluence-option-table::`` renders name, type, default and environment variable."""

    def run(self) -> list[nodes.Node]:
        table = nodes.table()
        group = nodes.tgroup(cols=4)
        table += group
        for width in (40, 14, 16, 30):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += self._row(["Option", "Type", "Default", "Environment variable"], literal=False)
        body = nodes.tbody()
        group += body
        for opt in OPTIONS:
            kinds = " or ".join(_KIND[k] for k in (opt.kind, *opt.alt))
            default = "(secret)" if opt.secret and opt.default else repr(opt.default)
            name = opt.name if opt.supported else opt.name + " (accepted, no effect yet)"
            body += self._row([name, kinds, default, opt.env_name], literal=True)
        return [table]

    @staticmethod
    def _row(cells: list[str], *, literal: bool) -> nodes.row:
        row = nodes.row()
        for index, text in enumerate(cells):
            entry = nodes.entry()
            para = nodes.paragraph()
            if literal and index in (0, 3):
                para += nodes.literal(text=text)
            else:
                para += nodes.Text(text)
            entry += para
            row += entry
        return row


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("confluence-option-table", OptionTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
