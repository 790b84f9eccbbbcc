"""Field, option and definition lists, footnotes and citations, and small Sphinx blocks.

* Field lists (the Parameters / Returns / Raises of API entries): ``v1`` a borderless
  two-column table, the name bold with a colon; ``v2`` the bold name as a paragraph,
  then the content (as the existing extension writes them). Bibliographic fields and
  option lists are two-column tables (``<th>`` names, ``<code>`` options).
* Definition lists (and glossaries): ``v1`` ``<dl>`` / ``<dt>`` / ``<dd>``, a classifier
  follows its term as " : <em>classifier</em>"; ``v2`` has no definition lists, so each
  term is a bold paragraph and its definition is indented in ``<blockquote>``. Term ids
  (glossary entries) become anchors.
* Footnotes and citations: a reference is ``<sup>`` holding a link to the note's anchor
  (and an anchor of its own); consecutive notes form one two-column table (``v1``) whose
  first cell holds the note's anchors and its label, linked back to the first
  reference; on ``v2`` (as the existing extension) they sit between two rules, each
  label a paragraph and its text indented below it.
* ``abbreviation`` / ``acronym``: ``<abbr title="explanation">``, as the existing
  extension writes it (readers see the explanation on hover).
* ``centered``: a centred bold paragraph; ``hlist``: a one-row table, one cell per
  column; ``acks``: one paragraph listing the names; ``manpage``: emphasis (Sphinx wraps
  it in a link when ``manpages_url`` is set).
* Bibliographic fields (``docinfo``) that Sphinx leaves in the document form a field
  table too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from ..storage import element, escape, start_tag
from .fragments import anchor_link

if TYPE_CHECKING:
    from .base import TranslatorBase as _Base
else:
    _Base = object

_BIBLIOGRAPHIC = (
    "author",
    "authors",
    "organization",
    "address",
    "contact",
    "version",
    "revision",
    "status",
    "date",
    "copyright",
)


_BORDERLESS = 'style="border: none"'


class ListsMiscMixin(_Base):
    """Translator methods for list-like and small blocks (see the module docstring)."""

    def _open(self, start: str, end: str) -> None:
        self.body.append(start)
        self.push_end(end)

    def _close(self, node: nodes.Element) -> None:
        self.pop_end()

    # -- field lists ----------------------------------------------------------------

    # As the existing extension writes them: on ``v1`` a borderless two-column table
    # whose first cell holds the bold name and a colon; on ``v2`` no table, the bold
    # name as a paragraph followed by the field's content.

    def visit_field_list(self, node: nodes.Element) -> None:
        if self.editor == "v2":
            self._open(self.anchors_for(node), "")
        else:
            self._open(self.anchors_for(node) + "<table><tbody>", "</tbody></table>")

    def visit_field(self, node: nodes.Element) -> None:
        self._open("" if self.editor == "v2" else "<tr>", "" if self.editor == "v2" else "</tr>")

    def visit_field_name(self, node: nodes.Element) -> None:
        if self.editor == "v2":
            self._open("<p><strong>", ":</strong></p>")
        else:
            self._open(f"<td {_BORDERLESS}><strong>", ":</strong></td>")

    def visit_field_body(self, node: nodes.Element) -> None:
        self._open("" if self.editor == "v2" else f"<td {_BORDERLESS}>",
                   "" if self.editor == "v2" else "</td>")

    depart_field_list = _close
    depart_field = _close
    depart_field_name = _close
    depart_field_body = _close

    # -- bibliographic fields -------------------------------------------------------------

    def visit_docinfo(self, node: nodes.Element) -> None:
        self._open(self.anchors_for(node) + "<table><tbody>", "</tbody></table>")

    depart_docinfo = _close

    def _bibliographic(self, node: nodes.Element) -> None:
        label = node.__class__.__name__.capitalize()
        if isinstance(node, nodes.authors):
            value = ", ".join(escape(child.astext()) for child in node.children)
        else:
            value = self.render_children(node)
        self.body.append(f"<tr><th>{escape(label)}</th><td>{value}</td></tr>")
        raise nodes.SkipNode

    # -- option lists ------------------------------------------------------------------

    def visit_option_list(self, node: nodes.Element) -> None:
        self._open(self.anchors_for(node) + "<table><tbody>", "</tbody></table>")

    def visit_option_list_item(self, node: nodes.Element) -> None:
        self._open("<tr>", "</tr>")

    def visit_option_group(self, node: nodes.Element) -> None:
        self._open("<td><code>", "</code></td>")

    def visit_option(self, node: nodes.Element) -> None:
        if node.parent is not None and node.parent.index(node) > 0:
            self.body.append(", ")

    def depart_option(self, node: nodes.Element) -> None:
        pass

    def visit_option_string(self, node: nodes.Element) -> None:
        self.body.append(escape(node.astext()))
        raise nodes.SkipNode

    def visit_option_argument(self, node: nodes.Element) -> None:
        delimiter = node.get("delimiter", " ")
        # docutils' option_argument.astext() already starts with the delimiter
        text = "".join(child.astext() for child in node.children)
        self.body.append(escape(delimiter) + "<em>" + escape(text) + "</em>")
        raise nodes.SkipNode

    def visit_description(self, node: nodes.Element) -> None:
        self._open("<td>", "</td>")

    depart_option_list = _close
    depart_option_list_item = _close
    depart_option_group = _close
    depart_description = _close

    # -- definition lists and glossaries ---------------------------------------------------

    def visit_glossary(self, node: nodes.Element) -> None:
        self.body.append(self.anchors_for(node))

    def depart_glossary(self, node: nodes.Element) -> None:
        pass

    def visit_definition_list(self, node: nodes.Element) -> None:
        start = "" if self.editor == "v2" else "<dl>"
        self._open(self.anchors_for(node) + start, "" if self.editor == "v2" else "</dl>")

    depart_definition_list = _close

    def visit_definition_list_item(self, node: nodes.Element) -> None:
        heads: list[str] = []
        definitions: list[str] = []
        for child in node.children:
            if isinstance(child, nodes.term):
                heads.append(self.anchors_for(child) + self._term_text(child))
            elif isinstance(child, nodes.classifier) and heads:
                heads[-1] += " : <em>" + self.render_children(child) + "</em>"
            elif isinstance(child, nodes.definition):
                definitions.append(self.anchors_for(child) + self.render_children(child))
            else:
                definitions.append(self.render_node(child))
        body = "".join(definitions)
        if self.editor == "v2":
            out = "".join(f"<p><strong>{head}</strong></p>" for head in heads)
            out += f"<blockquote>{body}</blockquote>" if body else ""
        else:
            out = "".join(f"<dt>{head}</dt>" for head in heads) + f"<dd>{body}</dd>"
        self.body.append(self.anchors_for(node) + out)
        raise nodes.SkipNode

    def _term_text(self, term: nodes.Element) -> str:
        return self.render_children(term)

    # reached only for a term / classifier / definition outside a definition list item
    def visit_term(self, node: nodes.Element) -> None:
        self._open(self.anchors_for(node) + "<p><strong>", "</strong></p>")

    def visit_classifier(self, node: nodes.Element) -> None:
        self._open("<p><em>", "</em></p>")

    def visit_definition(self, node: nodes.Element) -> None:
        self._open(self.anchors_for(node) + "<blockquote>", "</blockquote>")

    depart_term = _close
    depart_classifier = _close
    depart_definition = _close

    # -- footnotes and citations --------------------------------------------------------------

    def visit_footnote_reference(self, node: nodes.Element) -> None:
        label = "[" + node.astext() + "]"
        refid = node.get("refid")
        if refid:
            link = anchor_link(self.anchor_name(refid), label)
        else:
            link = escape(label)
        self.body.append(self.anchors_for(node) + "<sup>" + link + "</sup>")
        raise nodes.SkipNode

    visit_citation_reference = visit_footnote_reference

    def visit_footnote(self, node: nodes.Element) -> None:
        v2 = self.editor == "v2"
        out: list[str] = []
        if not _is_note(_sibling(node, -1)):
            out.append("<hr/>" if v2 else "<table><tbody>")
        label = ""
        content: list[str] = []
        for child in node.children:
            if isinstance(child, nodes.label):
                label = "[" + child.astext() + "]"
            else:
                content.append(self.render_node(child))
        backrefs = node.get("backrefs") or ()
        if backrefs and self.editor == "v2":  # as the existing extension: a plain link
            label_markup = element("a", label, {"href": "#" + self.anchor_name(backrefs[0])})
        elif backrefs:
            label_markup = anchor_link(self.anchor_name(backrefs[0]), label)
        else:
            label_markup = escape(label)
        if v2:  # as the existing extension: between rules, the text indented below its label
            out.append(f"<p>{self.anchors_for(node)}{label_markup}</p>"
                       f'<div style="margin-left: 30px;">{"".join(content)}</div>')
        else:
            out.append(f"<tr><td>{self.anchors_for(node)}{label_markup}</td>"
                       f"<td>{''.join(content)}</td></tr>")
        if not _is_note(_sibling(node, 1)):
            out.append("<hr/>" if v2 else "</tbody></table>")
        self.body.append("".join(out))
        raise nodes.SkipNode

    visit_citation = visit_footnote

    def visit_label(self, node: nodes.Element) -> None:
        # labels are written by visit_footnote; a stray one keeps its bracketed text
        self.body.append(escape("[" + node.astext() + "]"))
        raise nodes.SkipNode

    # -- small inline and block constructs -----------------------------------------------------

    def visit_abbreviation(self, node: nodes.Element) -> None:
        explanation = node.get("explanation")
        if explanation:
            self._open(start_tag("abbr", {"title": explanation}), "</abbr>")
        else:
            self._open("", "")

    visit_acronym = visit_abbreviation
    depart_abbreviation = _close
    depart_acronym = _close

    def visit_centered(self, node: nodes.Element) -> None:
        self._open('<p style="text-align: center;"><strong>', "</strong></p>")

    depart_centered = _close

    def visit_manpage(self, node: nodes.Element) -> None:
        self._open("<em>", "</em>")

    depart_manpage = _close

    def visit_hlist(self, node: nodes.Element) -> None:
        self._open(self.anchors_for(node) + "<table><tbody><tr>", "</tr></tbody></table>")

    def visit_hlistcol(self, node: nodes.Element) -> None:
        self._open('<td style="vertical-align: top;">', "</td>")

    depart_hlist = _close
    depart_hlistcol = _close

    def visit_acks(self, node: nodes.Element) -> None:
        names: list[str] = []
        for item in node.findall(nodes.list_item):
            paragraph = item.next_node(nodes.paragraph)
            names.append(self.render_children(paragraph or item))
        self.body.append("<p>" + ", ".join(names) + "</p>")
        raise nodes.SkipNode


for _name in _BIBLIOGRAPHIC:
    setattr(ListsMiscMixin, f"visit_{_name}", ListsMiscMixin._bibliographic)


def _sibling(node: nodes.Element, offset: int) -> nodes.Node | None:
    parent = node.parent
    if parent is None:
        return None
    index = parent.index(node) + offset
    if 0 <= index < len(parent.children):
        return parent.children[index]
    return None


def _is_note(node: nodes.Node | None) -> bool:
    return isinstance(node, (nodes.footnote, nodes.citation))
