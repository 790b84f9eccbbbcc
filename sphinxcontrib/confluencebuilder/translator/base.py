"""Shared state and helpers of the storage-format translator.

Contract for the node-family mixins (``structure``, ``references``, ``images``,
``code``, ``admonitions``, ``tables``, ``domains``):

``self.body: list[str]``
    The page body. Append complete storage-format strings; use the helpers of
    ``..storage`` (``escape``, ``start_tag``, ``macro_start`` ...) so the result is
    always well-formed. The builder joins the list into the page body.
``self.builder`` / ``self.config`` / ``self.docname``
    The ``confluence`` builder, the Sphinx config and the document being written.
``self.editor``
    ``'v1'`` (Data Center / legacy editor) or ``'v2'`` (Cloud fabric editor); the
    builder resolves it once (``builder.editor``).
``self.warn(message, node, subtype=...)``
    Log a warning with the node's source location, ``type='confluence'`` and the
    given subtype, so users can silence it with ``suppress_warnings``.
``self.add_attachment(path) -> str``
    Register a local file as an attachment of this page; returns the file name the
    attachment has on this page (unique per page; the same path always gets the
    same name). Reference it with ``<ri:attachment ri:filename="..."/>``.
``self.anchor_name(id) -> str`` / ``self.link_anchor(docname, id) -> str``
    The Confluence anchor name for a docutils id, and the anchor a link to that id of
    a document uses (a section's title target): naming lives in ``anchors.py``.
``self.anchors_for(node) -> str``
    Anchor macros for all names of a node, so references to it land there.
``self.title_of(docname) -> str | None``
    The Confluence page title of another document (None if it has no page).
``self.add_link(docname)``
    Record that this page links to another document (page metadata).
``self.labels``
    Set of page labels (page metadata).
``self.page_properties``
    Other page metadata (``guid``, ``full_width``) set by ``confluence_metadata``.
``self.context: list[str]``
    A stack for closing markup: push in ``visit_X``, pop and append in ``depart_X``
    (``self.push_end(text)`` / ``self.pop_end()``).

``self.render_children(node) -> str`` / ``self.render_node(node) -> str``
    Render a node's children (or the node itself) into a separate string (not into
    ``self.body``); for content that must be placed elsewhere, e.g. a caption inside
    ``ac:image``.

Cooperative overrides
    Several mixins may handle the same node class depending on context (``title``
    in a section vs an admonition or table, ``container`` of a code block,
    ``caption`` of a figure vs a code block). Override ``visit_X``/``depart_X``,
    handle your case and call ``super().visit_X(node)`` / ``super().depart_X(node)``
    for all others: ``StructureMixin`` and ``ImagesMixin`` provide the general
    fallbacks (``title`` outside a section becomes a bold paragraph).

Unknown nodes
    ``unknown_visit`` logs one warning per node class per document
    (``subtype='unknown-node'``) and keeps the node's text: element children are
    still visited, so content is never silently dropped.

Ignored nodes
    Node classes named in ``confluence_adv_ignore_nodes`` are dropped silently.

SkipNode convention
    A handler that writes a node's whole output in ``visit_X`` raises
    ``docutils.nodes.SkipNode`` at the end; no ``depart_X`` is needed then.
    ``self.skip(node)`` is a handler that drops a node without output.

Beware: Sphinx dispatches along the node class's MRO, so never define handlers for
abstract docutils classes (``visit_Element``, ``visit_TextElement``, ``visit_Inline``,
``visit_Body``, ``visit_General`` ...): they would swallow every unknown node.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.utils import get_source_line
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxTranslator

from ..storage import element, escape, macro_end, macro_start
from .anchors import anchor_names, id_anchor, link_anchor, section_targets

if TYPE_CHECKING:
    from sphinx.builders import Builder

logger = logging.getLogger(__name__)

#: elements whose ids come from labels and index entries in front of them
_ID_CARRIERS = (nodes.paragraph, addnodes.desc)

_INDEX_ID = re.compile(r"^index-\d+$")


#: Confluence anchor name for a docutils id (naming lives in ``anchors.py``)
anchor_name = id_anchor


class TranslatorBase(SphinxTranslator):
    """State shared by every mixin; see the module docstring for the contract."""

    def __init__(self, document: nodes.document, builder: Builder) -> None:
        super().__init__(document, builder)
        self.body: list[str] = []
        self.context: list[str] = []
        self.docname: str = getattr(builder, "current_docname", None) or document.get("docname", "")
        self.editor: str = getattr(builder, "editor", "v1")
        self.labels: set[str] = set()
        self.links: set[str] = set()
        #: per-page publish metadata from ``confluence_metadata`` (guid, full_width)
        self.page_properties: dict[str, Any] = {}
        #: attachment file name on this page -> absolute path of the local file
        self.attachments: dict[str, str] = {}
        self._attachment_names: dict[str, str] = {}
        self._unknown_warned: set[str] = set()
        self._missing_images: set[int] = set()  # image nodes reported missing (images.py)
        self._ignored: frozenset[str] = frozenset(self.option("confluence_adv_ignore_nodes") or ())
        #: confluence_adv_node_handler: node class (or its name) -> handler(translator, node)
        self._handlers: dict[str, Any] = {
            key if isinstance(key, str) else key.__name__: value
            for key, value in (self.option("confluence_adv_node_handler") or {}).items()}

    # -- configuration -----------------------------------------------------------

    def option(self, name: str, default: Any = None) -> Any:
        """A config value, or ``default`` when the option is not registered."""
        return getattr(self.config, name, default)

    # -- output helpers ------------------------------------------------------------

    def push_end(self, text: str) -> None:
        self.context.append(text)

    def pop_end(self) -> None:
        self.body.append(self.context.pop())

    def astext(self) -> str:
        return "".join(self.body)

    def render_children(self, node: nodes.Element) -> str:
        """Render ``node``'s children into a string without touching ``self.body``."""
        saved, saved_context = self.body, self.context
        self.body, self.context = [], []
        try:
            for child in node.children:
                child.walkabout(self)
            return "".join(self.body)
        finally:
            self.body, self.context = saved, saved_context

    def render_node(self, node: nodes.Node) -> str:
        """Render one node (with its children) into a string without touching ``self.body``."""
        saved, saved_context = self.body, self.context
        self.body, self.context = [], []
        try:
            node.walkabout(self)
            return "".join(self.body)
        finally:
            self.body, self.context = saved, saved_context

    # -- shared services -------------------------------------------------------------

    def warn(self, message: str, node: nodes.Node | None, subtype: str = "translate") -> None:
        """Log a confluence warning at the node's source location (the nearest enclosing
        node's line in the same file when the node has none, e.g. ``graphviz``)."""
        warn_at(message, node, subtype)

    def add_attachment(self, path: str | os.PathLike[str]) -> str:
        """Register a local file as an attachment of this page; return its name here."""
        full = os.path.normpath(os.path.abspath(os.fspath(path)))
        known = self._attachment_names.get(full)
        if known is not None:
            return known
        base = os.path.basename(full) or "attachment"
        stem, ext = os.path.splitext(base)
        name, n = base, 1
        while name in self.attachments:
            n += 1
            name = f"{stem}_{n}{ext}"
        self.attachments[name] = full
        self._attachment_names[full] = name
        return name

    def anchor_name(self, ident: str) -> str:
        """Confluence anchor name for a docutils id (stable, attribute-safe)."""
        return id_anchor(ident)

    def anchors_for(self, node: nodes.Element) -> str:
        """Anchor macros for every name the node carries (empty when it has no ids):
        see ``anchors.py`` (ids, their Cloud page-prefixed form, and a section's title
        target as the existing extension and Confluence name it).
        ``confluence_adv_disable_anchor_fix`` drops the page-prefixed forms."""
        with_index = self.title_of("genindex") is not None
        # only the general index links to index entries; without one they need no anchor
        ids = [i for i in node.get("ids", ()) if with_index or not _INDEX_ID.match(i)]
        if not ids:
            return ""
        target = None
        if isinstance(node, nodes.section):
            target = self.section_targets(self.docname).get(ids[0])
        prefixed = not (self.editor == "v2" and self.option("confluence_adv_disable_anchor_fix"))
        names = anchor_names(ids, self.editor, self.title_of(self.docname), target,
                             prefixed=prefixed)
        return "".join(
            macro_start("anchor") + element("ac:parameter", name, {"ac:name": ""}) + macro_end()
            for name in names
        )

    def section_targets(self, docname: str) -> dict[str, str]:
        """Title targets of a document's sections by id (``anchors.section_targets``),
        computed once per document and process."""
        cache: dict[str, dict[str, str]] = self.builder.__dict__.setdefault(
            "_section_targets_cache", {}
        )
        if docname not in cache:
            if docname == self.docname:
                doctree: nodes.Node = self.document
            else:
                try:
                    doctree = self.builder.env.get_doctree(docname)
                except Exception:  # noqa: BLE001 - no doctree: links use plain ids
                    return {}
            cache[docname] = section_targets(doctree)
        return cache[docname]

    def link_anchor(self, docname: str, ident: str) -> str:
        """The anchor name a link to id ``ident`` of ``docname`` uses."""
        return link_anchor(ident, self.section_targets(docname), self.editor)

    def title_of(self, docname: str) -> str | None:
        """Page title of another document, or None when it has no page."""
        titles: dict[str, str] | None = getattr(self.builder, "titles", None)
        if titles is None:
            return None
        return titles.get(docname)

    def add_link(self, docname: str) -> None:
        if docname and docname != self.docname:
            self.links.add(docname)

    def relative_source_path(self, uri: str) -> str:
        """Absolute path of a file named relative to the source directory."""
        return os.path.normpath(os.path.join(self.builder.srcdir, posixpath.normpath(uri)))

    # -- text and unknown nodes ----------------------------------------------------------

    def visit_Text(self, node: nodes.Text) -> None:
        text = node.astext()
        if "\n" in text and not keeps_newlines(node):
            # a soft line break of the source: Confluence 7+ and Cloud would show it as a
            # line break, HTML readers see a space
            text = text.replace("\r\n", "\n").replace("\n", " ")
        self.body.append(escape(text))

    def depart_Text(self, node: nodes.Text) -> None:
        pass

    def skip(self, node: nodes.Node) -> None:
        """Handler that drops a node and its children without output."""
        raise nodes.SkipNode

    def dispatch_visit(self, node: nodes.Node) -> None:
        if self._ignored and node.__class__.__name__ in self._ignored:
            raise nodes.SkipNode
        handler = self._handlers.get(node.__class__.__name__)
        if handler is not None:
            handler(self, node)  # confluence_adv_node_handler writes the node itself
            raise nodes.SkipNode
        if isinstance(node, _ID_CARRIERS) and node.get("ids"):
            # a label or index entry in front of a paragraph or an object description
            # moves its id onto it (docutils' PropagateTargets): anchor it here
            self.body.append(self.anchors_for(node))
        super().dispatch_visit(node)

    def unknown_visit(self, node: nodes.Node) -> None:
        name = node.__class__.__name__
        if name not in self._unknown_warned:
            self._unknown_warned.add(name)
            self.warn(
                f"unknown node {name!r}: its text is kept without formatting "
                "(register a confluence handler with app.add_node(..., "
                "confluence=(visit, depart)) or list it in confluence_adv_ignore_nodes)",
                node,
                subtype="unknown-node",
            )

    def unknown_departure(self, node: nodes.Node) -> None:
        pass


#: elements whose text keeps its newlines (docutils means them as line breaks)
_NEWLINE_KEEPERS = (nodes.FixedTextElement, nodes.raw, addnodes.productionlist)


def keeps_newlines(node: nodes.Node) -> bool:
    """Whether a text node sits in literal text (literal or doctest blocks, parsed
    literals, math blocks, raw content, grammar productions)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _NEWLINE_KEEPERS):
            return True
        parent = parent.parent
    return False


def warn_at(message: str, node: nodes.Node | None, subtype: str) -> None:
    """Log a confluence warning at a node (see ``TranslatorBase.warn``)."""
    logger.warning(message, location=_located(node), type="confluence", subtype=subtype)


def _located(node: nodes.Node | None) -> nodes.Node | None:
    """``node``, or its nearest ancestor with a line number in the same source file."""
    if node is None or node.line is not None:
        return node
    source = get_source_line(node)[0]
    parent = node.parent
    while parent is not None:
        if parent.line is not None:
            return parent if get_source_line(parent)[0] == source else node
        parent = parent.parent
    return node
