"""Document structure: sections, paragraphs, lists, inline markup, quotes, raw, targets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from ..storage import element, end_tag, escape, start_tag

if TYPE_CHECKING:
    from .base import TranslatorBase

    _Base = TranslatorBase
else:
    _Base = object

#: docutils enumtype -> CSS list-style-type
LIST_STYLES = {
    "arabic": None,
    "loweralpha": "lower-alpha",
    "upperalpha": "upper-alpha",
    "lowerroman": "lower-roman",
    "upperroman": "upper-roman",
}

#: raw formats whose content is written to the page verbatim
RAW_STORAGE_FORMATS = ("confluence_storage", "confluence", "storage")

#: inline classes rendered with a tag of their own
INLINE_CLASS_TAGS = {
    "guilabel": "em",
    "accelerator": "u",
    "strike": "s",
    "del": "s",
    "kbd": "code",
    "file": "code",
    "samp": "code",
    "command": "strong",
    "program": "strong",
}


class StructureMixin(_Base):
    """Block structure and inline markup."""

    section_level = 0
    _line_block_depth = 0
    _title_removed = False
    _last_line: nodes.line | None = None

    # -- document --------------------------------------------------------------------

    def visit_document(self, node: nodes.document) -> None:
        self.body.append(generation_notice(self.config))

    def depart_document(self, node: nodes.document) -> None:
        pass

    # -- sections and titles -------------------------------------------------------------

    def visit_section(self, node: nodes.section) -> None:
        self.section_level += 1

    def depart_section(self, node: nodes.section) -> None:
        self.section_level -= 1

    def _is_page_title(self, node: nodes.title) -> bool:
        parent = node.parent
        return (
            self.section_level == 1
            and not self._title_removed
            and isinstance(parent, nodes.section)
            and isinstance(parent.parent, nodes.document)
            and parent.parent.index(parent) == _first_section_index(parent.parent)
        )

    def _secnumber(self, section: nodes.Element) -> str:
        if not self.option("confluence_add_secnumbers", True):
            return ""
        numbers = None
        secnumbers = self.builder.env.toc_secnumbers.get(self.docname, {})
        for ident in section.get("ids", ()):
            numbers = secnumbers.get("#" + ident)
            if numbers:
                break
        if not numbers:
            return ""
        suffix: str = self.option("confluence_secnumber_suffix", ". ")
        return ".".join(str(n) for n in numbers) + suffix

    def visit_title(self, node: nodes.title) -> None:
        parent = node.parent
        if isinstance(parent, nodes.section):
            anchors = self.anchors_for(parent)
            if self._is_page_title(node) and self.option("confluence_remove_title", True):
                self._title_removed = True
                self.body.append(anchors)
                raise nodes.SkipNode
            level = min(self.section_level, 6)
            self.body.append(start_tag(f"h{level}") + anchors + escape(self._secnumber(parent)))
            self.push_end(end_tag(f"h{level}"))
        elif isinstance(parent, nodes.document):
            self.body.append(start_tag("h1"))
            self.push_end(end_tag("h1"))
        else:
            self.body.append(start_tag("p") + start_tag("strong"))
            self.push_end(end_tag("strong") + end_tag("p"))

    def depart_title(self, node: nodes.title) -> None:
        self.pop_end()

    def visit_subtitle(self, node: nodes.subtitle) -> None:
        self.body.append(start_tag("p") + start_tag("em"))
        self.push_end(end_tag("em") + end_tag("p"))

    def depart_subtitle(self, node: nodes.subtitle) -> None:
        self.pop_end()

    # -- paragraphs and simple blocks --------------------------------------------------------

    def visit_paragraph(self, node: nodes.paragraph) -> None:
        values = None
        align = _text_align(node)
        if align:
            values = {"style": f"text-align: {align};"}
        if any(_is_block(child) for child in node.children):
            self._split_paragraph(node, values)
            raise nodes.SkipNode
        self.body.append(start_tag("p", values))

    def _split_paragraph(self, node: nodes.Element, values: dict[str, str] | None) -> None:
        """A paragraph holding blocks (Sphinx's field lists put a parameter's paragraphs
        and lists after its name): ``<p>`` cannot nest them, so each run of inline
        content becomes a paragraph of its own and the blocks follow as siblings."""
        run: list[str] = []

        def flush() -> None:
            text = "".join(run)
            if text.strip():
                self.body.append(start_tag("p", values) + text + end_tag("p"))
            run.clear()

        for child in node.children:
            if _is_block(child):
                flush()
                child.walkabout(self)
            else:
                run.append(self.render_node(child))
        flush()

    def depart_paragraph(self, node: nodes.paragraph) -> None:
        self.body.append(end_tag("p"))

    def visit_transition(self, node: nodes.transition) -> None:
        self.body.append("<hr/>")
        raise nodes.SkipNode

    def visit_compound(self, node: nodes.compound) -> None:
        pass

    def depart_compound(self, node: nodes.compound) -> None:
        pass

    def visit_container(self, node: nodes.container) -> None:
        pass

    def depart_container(self, node: nodes.container) -> None:
        pass

    # -- lists -------------------------------------------------------------------------

    def visit_bullet_list(self, node: nodes.bullet_list) -> None:
        self.body.append(start_tag("ul"))

    def depart_bullet_list(self, node: nodes.bullet_list) -> None:
        self.body.append(end_tag("ul"))

    def visit_enumerated_list(self, node: nodes.enumerated_list) -> None:
        style = LIST_STYLES.get(node.get("enumtype", "arabic"))
        values: dict[str, object] = {}
        if style:
            values["style"] = f"list-style-type: {style};"
        start = node.get("start", 1)
        if start != 1:
            values["start"] = start
        self.body.append(start_tag("ol", values))

    def depart_enumerated_list(self, node: nodes.enumerated_list) -> None:
        self.body.append(end_tag("ol"))

    def visit_list_item(self, node: nodes.list_item) -> None:
        self.body.append(start_tag("li"))

    def depart_list_item(self, node: nodes.list_item) -> None:
        self.body.append(end_tag("li"))

    # -- inline markup -------------------------------------------------------------------

    def _inline(self, tag: str) -> None:
        self.body.append(start_tag(tag))
        self.push_end(end_tag(tag))

    def visit_emphasis(self, node: nodes.emphasis) -> None:
        self._inline("em")

    def visit_strong(self, node: nodes.strong) -> None:
        self._inline("strong")

    def visit_literal(self, node: nodes.literal) -> None:
        self._inline("code")

    def visit_subscript(self, node: nodes.subscript) -> None:
        self._inline("sub")

    def visit_superscript(self, node: nodes.superscript) -> None:
        self._inline("sup")

    def visit_title_reference(self, node: nodes.title_reference) -> None:
        self._inline("em")

    def depart_emphasis(self, node: nodes.Element) -> None:
        self.pop_end()

    depart_strong = depart_literal = depart_subscript = depart_emphasis
    depart_superscript = depart_title_reference = depart_emphasis

    def visit_inline(self, node: nodes.inline) -> None:
        tags = [INLINE_CLASS_TAGS[c] for c in node.get("classes", ()) if c in INLINE_CLASS_TAGS]
        tags = list(dict.fromkeys(tags))
        self.body.append("".join(start_tag(t) for t in tags))
        self.push_end("".join(end_tag(t) for t in reversed(tags)))

    def depart_inline(self, node: nodes.inline) -> None:
        self.pop_end()

    def visit_problematic(self, node: nodes.problematic) -> None:
        self.body.append(start_tag("span", {"style": "color: #bf2600;"}))
        self.push_end(end_tag("span"))

    depart_problematic = depart_inline

    def visit_substitution_reference(self, node: nodes.substitution_reference) -> None:
        pass  # unresolved substitution: its text is kept

    def depart_substitution_reference(self, node: nodes.substitution_reference) -> None:
        pass

    # -- quotes and line blocks ------------------------------------------------------------

    def visit_block_quote(self, node: nodes.block_quote) -> None:
        self.body.append(start_tag("blockquote"))

    def depart_block_quote(self, node: nodes.block_quote) -> None:
        self.body.append(end_tag("blockquote"))

    def visit_attribution(self, node: nodes.attribution) -> None:
        self.body.append(start_tag("p") + "\u2014 ")

    def depart_attribution(self, node: nodes.attribution) -> None:
        self.body.append(end_tag("p"))

    def visit_line_block(self, node: nodes.line_block) -> None:
        if self._line_block_depth == 0:
            self.body.append(start_tag("p"))
            lines = list(node.findall(nodes.line))
            self._last_line = lines[-1] if lines else None
        self._line_block_depth += 1

    def depart_line_block(self, node: nodes.line_block) -> None:
        self._line_block_depth -= 1
        if self._line_block_depth == 0:
            self.body.append(end_tag("p"))

    def visit_line(self, node: nodes.line) -> None:
        self.body.append("\u00a0" * 4 * (self._line_block_depth - 1))

    def depart_line(self, node: nodes.line) -> None:
        if node is not self._last_line:
            self.body.append("<br/>")

    # -- raw, targets, and nodes without output --------------------------------------------

    def visit_raw(self, node: nodes.raw) -> None:
        formats = node.get("format", "").split()
        if any(f in RAW_STORAGE_FORMATS for f in formats):
            self.body.append(node.astext())
        elif "html" in formats:
            self.warn(
                "raw html is not published to Confluence and was dropped; use "
                "'.. raw:: confluence_storage' for storage-format markup, or allow it "
                "with confluence_permit_raw_html (True or an HTML macro name)",
                node,
                subtype="raw-html",
            )
        raise nodes.SkipNode

    def visit_target(self, node: nodes.target) -> None:
        if node.get("refuri") and not node.children:
            raise nodes.SkipNode  # an external hyperlink target: used by references only
        self.body.append(self.anchors_for(node))

    def depart_target(self, node: nodes.target) -> None:
        pass

    def visit_only(self, node: addnodes.only) -> None:
        pass  # Sphinx already dropped the non-matching ones

    def depart_only(self, node: addnodes.only) -> None:
        pass

    def visit_compact_paragraph(self, node: addnodes.compact_paragraph) -> None:
        if node.get("toctree") or any(
            not isinstance(c, (nodes.Text, nodes.Inline)) for c in node.children
        ):
            self.push_end("")  # a toctree wrapper around lists: no paragraph
        else:
            self.visit_paragraph(node)
            self.push_end(end_tag("p"))

    def depart_compact_paragraph(self, node: addnodes.compact_paragraph) -> None:
        self.pop_end()


def generation_notice(config: object) -> str:
    """The confluence_page_generation_notice paragraph ('' when off)."""
    notice = getattr(config, "confluence_page_generation_notice", False)
    if not notice:
        return ""
    text = notice if isinstance(notice, str) else \
        "This page has been automatically generated; edit its source instead."
    return (start_tag("p", {"style": "font-size: small; color: #707070;"})
            + element("em", text) + end_tag("p"))


def _pass(self: object, node: nodes.Node) -> None:
    pass


# wrappers whose content is rendered as is
for _name in ("decoration", "header", "footer", "generated", "start_of_file"):
    setattr(StructureMixin, f"visit_{_name}", _pass)
    setattr(StructureMixin, f"depart_{_name}", _pass)


def _is_block(node: nodes.Node) -> bool:
    """A body element that cannot sit inside ``<p>`` (inline and invisible ones can)."""
    return isinstance(node, (nodes.Body, nodes.Structural)) and not isinstance(
        node, (nodes.Inline, nodes.Invisible)
    )


def _first_section_index(document: nodes.Element) -> int:
    for index, child in enumerate(document.children):
        if isinstance(child, nodes.section):
            return index
    return -1


def _text_align(node: nodes.Element) -> str | None:
    cls: str
    for cls in node.get("classes", ()):
        if cls.startswith("text-") and cls[5:] in ("left", "center", "right", "justify"):
            return cls[5:]
    return None


def _skip(self: object, node: nodes.Node) -> None:
    raise nodes.SkipNode


# nodes with no output: comments, definitions, messages already reported, index entries
for _name in (
    "comment",
    "substitution_definition",
    "system_message",
    "index",
    "meta",
    "pending",
    "toctree",
    "highlightlang",
    "tabular_col_spec",
    "pending_xref_condition",
):
    setattr(StructureMixin, f"visit_{_name}", _skip)
