"""Admonitions and other boxed blocks.

Both editors use Confluence's ``info`` / ``note`` / ``tip`` / ``warning`` macros, as the
existing extension does (the Cloud editor shows them as its panels):

============================================  ==========
reST                                          macro
============================================  ==========
note                                          info
tip, hint                                     tip
warning, caution, attention                   note
danger, error, important                      warning
admonition (generic, title param)             info
seealso ("See also" title)                    info
todo (only when ``todo_include_todos``)       note
versionadded / versionchanged                 info
deprecated / versionremoved                   note
============================================  ==========

A title goes in the macro's ``title`` parameter. An admonition with
``:collapsible:`` (``open`` or ``closed``) is wrapped in an ``expand`` macro titled with
its title or label; Confluence has no initially-open expand, so both start closed.
``confluence_adv_admonition_overrides`` (node class name -> macro name) replaces the
macro for a class; an overridden admonition is a macro on both editors.

``topic`` and ``sidebar`` become a ``panel`` macro titled with their title (and
subtitle); ``rubric`` is a bold paragraph (or a heading with ``:heading-level:``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.locale import admonitionlabels

from .fragments import rich_macro_end, rich_macro_start

if TYPE_CHECKING:
    from .base import TranslatorBase as _Base
else:
    _Base = object

#: node class name -> macro
KINDS: dict[str, str] = {
    "note": "info",
    "tip": "tip",
    "hint": "tip",
    "warning": "note",
    "caution": "note",
    "attention": "note",
    "danger": "warning",
    "error": "warning",
    "important": "warning",
    "admonition": "info",
    "seealso": "info",
    "todo_node": "note",
}
#: versionmodified type -> macro
VERSION_KINDS: dict[str, str] = {
    "versionadded": "info",
    "versionchanged": "info",
    "deprecated": "note",
    "versionremoved": "note",
}


class AdmonitionsMixin(_Base):
    """Translator methods for admonitions, topics, sidebars and rubrics."""

    def _boxed(self, node: nodes.Element, kind: str, title: str = "") -> None:
        """Write ``node`` (minus its title) in its macro and skip it."""
        overrides = getattr(self.config, "confluence_adv_admonition_overrides", None) or {}
        override = overrides.get(node.__class__.__name__)
        anchors = self.anchors_for(node)
        content = self._render_untitled(node)
        macro = str(override or kind)
        box = rich_macro_start(macro, {"title": title or None}) + content + rich_macro_end()
        if node.get("collapsible"):
            name = node.__class__.__name__
            label = title or str(admonitionlabels.get(name, name.capitalize()))
            box = rich_macro_start("expand", {"title": label}) + box + rich_macro_end()
        self.body.append(anchors + box)
        raise nodes.SkipNode

    def _render_untitled(self, node: nodes.Element) -> str:
        saved, saved_context = self.body, self.context
        self.body, self.context = [], []
        try:
            for child in node.children:
                if not isinstance(child, (nodes.title, nodes.subtitle)):
                    child.walkabout(self)
            return "".join(self.body)
        finally:
            self.body, self.context = saved, saved_context

    @staticmethod
    def _title_of(node: nodes.Element) -> str:
        for child in node.children:
            if isinstance(child, nodes.title):
                return str(child.astext())
        return ""

    def _typed_admonition(self, node: nodes.Element) -> None:
        self._boxed(node, KINDS[node.__class__.__name__])

    visit_note = _typed_admonition
    visit_tip = _typed_admonition
    visit_hint = _typed_admonition
    visit_warning = _typed_admonition
    visit_caution = _typed_admonition
    visit_attention = _typed_admonition
    visit_danger = _typed_admonition
    visit_error = _typed_admonition
    visit_important = _typed_admonition

    def visit_admonition(self, node: nodes.Element) -> None:
        self._boxed(node, KINDS["admonition"], self._title_of(node))

    def visit_seealso(self, node: nodes.Element) -> None:
        self._boxed(
            node, KINDS["seealso"], self._title_of(node) or str(admonitionlabels["seealso"])
        )

    def visit_todo_node(self, node: nodes.Element) -> None:
        if not getattr(self.config, "todo_include_todos", False):
            raise nodes.SkipNode
        self._boxed(node, KINDS["todo_node"], self._title_of(node) or str(admonitionlabels["todo"]))

    def visit_todolist(self, node: nodes.Element) -> None:
        # sphinx.ext.todo replaces todolist nodes before writing; an unprocessed one is empty
        raise nodes.SkipNode

    def visit_versionmodified(self, node: nodes.Element) -> None:
        kind = VERSION_KINDS.get(node.get("type", ""), VERSION_KINDS["versionchanged"])
        self._boxed(node, kind)

    # -- topic, sidebar, rubric --------------------------------------------------------

    def visit_topic(self, node: nodes.Element) -> None:
        self._boxed(node, "panel", self._title_of(node))

    def visit_sidebar(self, node: nodes.Element) -> None:
        title = self._title_of(node)
        for child in node.children:
            if isinstance(child, nodes.subtitle):
                title = f"{title} \N{EM DASH} {child.astext()}" if title else child.astext()
        self._boxed(node, "panel", title)

    def visit_rubric(self, node: nodes.Element) -> None:
        anchors = self.anchors_for(node)
        level = node.get("heading_level")
        if level:
            level = min(max(int(level), 1), 6)
            tag = f"h{level}"
            self.body.append(f"{anchors}<{tag}>{self.render_children(node)}</{tag}>")
        else:
            self.body.append(f"{anchors}<p><strong>{self.render_children(node)}</strong></p>")
        raise nodes.SkipNode
