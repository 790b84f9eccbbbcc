"""Object descriptions of Sphinx domains (``desc`` and friends) and grammar listings.

A description (autodoc, py/c/cpp/js/rst/std directives) is written as:

* ``v1``: ``<dl>``; each signature a ``<dt>`` holding the anchors of its ids and the
  signature in ``<code>``; the content a ``<dd>``.
* ``v2`` (the Cloud editor has no definition lists): the description a ``panel`` macro
  (``bgColor`` unset), each signature a ``<p>`` with the anchors and ``<code>``, the
  content in a nested ``panel`` so it stays set apart (as the existing extension).

Inside a signature the name is ``<strong>``, annotations and parameters ``<em>``
(unless ``noemph``), parameters are joined with ", ", optional groups are bracketed
(``f(a[, b])``), the return annotation follows " \N{RIGHTWARDS ARROW} ", and multi-line
signatures (C/C++ templates) are split by ``<br/>``. Multi-line parameter lists are
written on one line.

``productionlist`` is a ``<pre>`` block, one production per line, preceded by the
anchors of its tokens.

Field, option and definition lists, footnotes and small Sphinx blocks live in
``lists_misc.py``; ``DomainsMixin`` includes them.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

from ..storage import escape
from .fragments import rich_macro_end, rich_macro_start
from .lists_misc import ListsMiscMixin

_ARROW = " \N{RIGHTWARDS ARROW} "
#: on ``v2`` a description and its content are each a borderless ``panel`` macro, as the
#: existing extension writes them
_PANEL_START = rich_macro_start("panel", {"bgColor": "unset"})


class DomainsMixin(ListsMiscMixin):
    """Translator methods for domain object descriptions (see the module docstring)."""

    # -- description blocks --------------------------------------------------------

    def visit_desc(self, node: nodes.Element) -> None:
        self.body.append(_PANEL_START if self.editor == "v2" else "<dl>")

    def depart_desc(self, node: nodes.Element) -> None:
        self.body.append(rich_macro_end() if self.editor == "v2" else "</dl>")

    def visit_desc_signature(self, node: nodes.Element) -> None:
        tag = "p" if self.editor == "v2" else "dt"
        self.body.append(f"<{tag}>{self.anchors_for(node)}<code>")
        self.push_end(f"</code></{tag}>")

    def depart_desc_signature(self, node: nodes.Element) -> None:
        self.pop_end()

    def visit_desc_signature_line(self, node: nodes.Element) -> None:
        if node.parent is not None and node.parent.index(node) > 0:
            self.body.append("<br/>")

    def depart_desc_signature_line(self, node: nodes.Element) -> None:
        pass

    def visit_desc_content(self, node: nodes.Element) -> None:
        if self.editor == "v2":
            self.push_end(rich_macro_end() if node.children else "")
            self.body.append(_PANEL_START if node.children else "")
        else:
            self.push_end("</dd>")
            self.body.append("<dd>")

    def depart_desc_content(self, node: nodes.Element) -> None:
        self.pop_end()

    def visit_desc_inline(self, node: nodes.Element) -> None:
        self.body.append("<code>")

    def depart_desc_inline(self, node: nodes.Element) -> None:
        self.body.append("</code>")

    # -- signature parts ---------------------------------------------------------------

    def _wrap(self, start: str, end: str) -> None:
        self.body.append(start)
        self.push_end(end)

    def _unwrap(self, node: nodes.Element) -> None:
        self.pop_end()

    def visit_desc_name(self, node: nodes.Element) -> None:
        self._wrap("<strong>", "</strong>")

    def visit_desc_annotation(self, node: nodes.Element) -> None:
        self._wrap("<em>", "</em>")

    def visit_desc_returns(self, node: nodes.Element) -> None:
        self._wrap(_ARROW, "")

    def _plain(self, node: nodes.Element) -> None:
        self._wrap("", "")

    depart_desc_name = _unwrap
    depart_desc_annotation = _unwrap
    depart_desc_returns = _unwrap

    visit_desc_addname = _plain
    visit_desc_classname = _plain
    visit_desc_type = _plain
    visit_desc_sig_space = _plain
    visit_desc_sig_name = _plain
    visit_desc_sig_operator = _plain
    visit_desc_sig_punctuation = _plain
    visit_desc_sig_keyword = _plain
    visit_desc_sig_keyword_type = _plain
    visit_desc_sig_literal_number = _plain
    visit_desc_sig_literal_string = _plain
    visit_desc_sig_literal_char = _plain
    depart_desc_addname = _unwrap
    depart_desc_classname = _unwrap
    depart_desc_type = _unwrap
    depart_desc_sig_space = _unwrap
    depart_desc_sig_name = _unwrap
    depart_desc_sig_operator = _unwrap
    depart_desc_sig_punctuation = _unwrap
    depart_desc_sig_keyword = _unwrap
    depart_desc_sig_keyword_type = _unwrap
    depart_desc_sig_literal_number = _unwrap
    depart_desc_sig_literal_string = _unwrap
    depart_desc_sig_literal_char = _unwrap

    def visit_desc_parameterlist(self, node: nodes.Element) -> None:
        self.body.append("(" + self._parameters(node, first=True) + ")")
        raise nodes.SkipNode

    def visit_desc_type_parameter_list(self, node: nodes.Element) -> None:
        self.body.append("[" + self._parameters(node, first=True) + "]")
        raise nodes.SkipNode

    def _parameters(self, node: nodes.Element, *, first: bool) -> str:
        """Parameters joined by ", "; an optional group is ``[, a, b]`` (no comma first)."""
        parts: list[str] = []
        for child in node.children:
            separator = "" if first else ", "
            if isinstance(child, addnodes.desc_optional):
                parts.append("[" + separator + self._parameters(child, first=True) + "]")
            else:
                parts.append(separator + self.render_node(child))
            first = False
        return "".join(parts)

    def visit_desc_parameter(self, node: nodes.Element) -> None:
        if node.get("noemph"):
            self._plain(node)
        else:
            self._wrap("<em>", "</em>")

    depart_desc_parameter = _unwrap
    visit_desc_type_parameter = visit_desc_parameter
    depart_desc_type_parameter = _unwrap

    # normally written by ``_parameters``; a stray one is bracketed as is
    visit_desc_optional = visit_desc_type_parameter_list

    # -- grammar listings -------------------------------------------------------------------

    def visit_productionlist(self, node: nodes.Element) -> None:
        anchors = "".join(
            self.anchors_for(child)
            for child in node.findall(nodes.Element)
            if child is not node and child.get("ids")
        )
        productions = [c for c in node.children if isinstance(c, nodes.Element)]
        width = max((len(p.get("tokenname", "")) for p in productions), default=0)
        # Sphinx before 8.2 keeps the name in an attribute and leaves out "::=": lay the
        # rules out as later releases do, continuation lines indented
        bare = not any("::=" in p.astext() for p in productions if p.get("tokenname"))
        lines = []
        for production in productions:
            rendered = self.render_children(production).rstrip("\n")
            if bare:
                name = production.get("tokenname", "")
                lead = f"{name.ljust(width)} ::= " if name else " " * (width + 5)
                rendered = escape(lead) + rendered.lstrip()
            lines.append(rendered)
        self.body.append(anchors + "<pre>" + "\n".join(lines) + "</pre>")
        raise nodes.SkipNode

    def visit_production(self, node: nodes.Element) -> None:
        pass  # only reached outside a productionlist

    def depart_production(self, node: nodes.Element) -> None:
        self.body.append("\n")
