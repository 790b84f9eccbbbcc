"""``.. confluence-option-table::``: the option reference, generated from the option table
(``config.OPTIONS``: name, type, default, allowed values, environment variable) and the
texts of ``optiondocs.OPTION_DOCS`` (what it does, an example), so it never drifts."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib.confluencebuilder.config import OPTIONS, Option
from sphinxcontrib.confluencebuilder.optiondocs import OPTION_DOCS

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


def _field(name: str, body: nodes.Node) -> nodes.field:
    para = nodes.paragraph()
    para += body
    return nodes.field("", nodes.field_name(text=name), nodes.field_body("", para))


def _literal(text: str) -> nodes.literal:
    return nodes.literal(text=text)


def _entry(opt: Option) -> nodes.definition_list_item:
    text, example = OPTION_DOCS[opt.name]
    fields = nodes.field_list()
    fields += _field("Type", nodes.Text(" or ".join(_KIND[k] for k in (opt.kind, *opt.alt))))
    default = "(secret)" if opt.secret and opt.default else repr(opt.default)
    fields += _field("Default", _literal(default))
    if opt.unset is not None:
        fields += _field("When not set", _literal(repr(opt.unset)))
    if opt.choices:
        fields += _field("Allowed values", _literal(", ".join(repr(c) for c in opt.choices)))
    fields += _field("Environment variable", _literal(opt.env_name))
    if opt.rebuild:
        fields += _field("Rebuild", nodes.Text("changing it rewrites every page"))
    body = nodes.definition()
    description = nodes.paragraph(text=text)
    if not opt.supported:
        description += nodes.Text(" (Accepted; its effect is not available yet.)")
    body += description
    body += fields
    body += nodes.literal_block(text=f"{opt.name} = {example}", language="python")
    term = nodes.term()
    term += _literal(opt.name)
    return nodes.definition_list_item("", term, body)


class OptionTable(SphinxDirective):
    """Every option with type, default, allowed values, environment variable, what it
    does and an example."""

    def run(self) -> list[nodes.Node]:
        missing = [opt.name for opt in OPTIONS if opt.name not in OPTION_DOCS]
        if missing:
            raise self.error("options without an entry in optiondocs.OPTION_DOCS: "
                             + ", ".join(missing))
        items = nodes.definition_list()
        for opt in OPTIONS:
            items += _entry(opt)
        return [items]


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("confluence-option-table", OptionTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
