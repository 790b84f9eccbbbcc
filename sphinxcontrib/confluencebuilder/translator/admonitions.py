"""Admonitions and other boxed blocks.

Editor ``v1`` uses Confluence's ``info`` / ``note`` / ``tip`` / ``warning`` macros;
editor ``v2`` uses ADF panels (``ac:adf-extension`` with a ``panel-type``):

============================================  ==========  ===========
reST                                          v1 macro    v2 panel
============================================  ==========  ===========
note                                          info        info
tip, hint                                     tip         success
warning, caution, attention                   note        warning
danger, error, important                      warning     error
admonition (generic, title param / bold p)    info        note
seealso ("See also" title)                    info        note
todo (only when ``todo_include_todos``)       note        note
versionadded / versionchanged                 info        info
deprecated / versionremoved                   note        warning
============================================  ==========  ===========

On ``v1`` a title goes in the macro's ``title`` parameter; ADF panels have no title,
so on ``v2`` it is the first, bold paragraph of the panel. An admonition with
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

from .fragments import (
    adf_panel_end,
    adf_panel_start,
    rich_macro_end,
    rich_macro_start,
    strong_paragraph,
)

if TYPE_CHECKING:
    from .base import TranslatorBase as _Base
else:
    _Base = object

#: node class name -> (v1 macro, v2 panel type)
KINDS: dict[str, tuple[str, str]] = {
    "note": ("info", "info"),
    "tip": ("tip", "success"),
    "hint": ("tip", "success"),
    "warning": ("note", "warning"),
    "caution": ("note", "warning"),
    "attention": ("note", "warning"),
    "danger": ("warning", "error"),
    "error": ("warning", "error"),
    "important": ("warning", "error"),
    "admonition": ("info", "note"),
    "seealso": ("info", "note"),
    "todo_node": ("note", "note"),
}
#: versionmodified type -> (v1 macro, v2 panel type)
VERSION_KINDS: dict[str, tuple[str, str]] = {
    "versionadded": ("info", "info"),
    "versionchanged": ("info", "info"),
    "deprecated": ("note", "warning"),
    "versionremoved": ("note", "warning"),
}


class AdmonitionsMixin(_Base):
    """Translator methods for admonitions, topics, sidebars and rubrics."""

    def _boxed(self, node: nodes.Element, kind: tuple[str, str], title: str = "") -> None:
        """Write ``node`` (minus its title) in a macro or an ADF panel and skip it."""
        overrides = getattr(self.config, "confluence_adv_admonition_overrides", None) or {}
        override = overrides.get(node.__class__.__name__)
        anchors = self.anchors_for(node)
        content = self._render_untitled(node)
        if override or self.editor != "v2":
            macro = str(override or kind[0])
            box = rich_macro_start(macro, {"title": title or None}) + content + rich_macro_end()
        else:
            heading = strong_paragraph(title) if title else ""
            box = adf_panel_start(kind[1]) + heading + content + adf_panel_end()
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
                return child.astext()
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
        self._boxed(node, ("panel", "note"), self._title_of(node))

    def visit_sidebar(self, node: nodes.Element) -> None:
        title = self._title_of(node)
        for child in node.children:
            if isinstance(child, nodes.subtitle):
                title = f"{title} \N{EM DASH} {child.astext()}" if title else child.astext()
        self._boxed(node, ("panel", "note"), title)

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
