"""Confluence-native markup (nodes of ``..markup``) as storage format: block macros.

==============================  ====================================================
node                            storage
==============================  ====================================================
confluence_expand               ``expand`` (``title``), rich body
confluence_panel                ``panel`` (``bgColor``, ``borderColor``, ``borderStyle``,
                                ``borderWidth``, ``title``, ``titleBGColor``, ``titleColor``)
confluence_excerpt              ``excerpt`` (``name``, ``hidden``,
                                ``atlassian-macro-output-type``), rich body
confluence_excerpt_include      ``excerpt-include`` (``name``, ``nopanel``); the default
                                parameter links the page (``ri:page``, ``ri:space-key``)
confluence_html                 the ``confluence_html_macro`` macro (``html``), plain body
confluence_toc                  ``toc`` with the directive's parameters
confluence_viewpdf              ``viewpdf`` naming the PDF attached to the page
jira                            ``jira`` (``jqlQuery``/``key``, ``columns``, ``count``,
                                ``maximumIssues``, ``server``, ``serverId``)
confluence_newline              ``<br/>``
confluence_metadata             no output: labels, GUID and full width go to the page
                                metadata
container.collapse              ``expand`` around the container's content
tabs (bridges)                  ``confluence_tab_macro`` per tab, else ``expand`` per tab
==============================  ====================================================

The same on both editors. Inline markup, cards and raw HTML live in ``macros_inline.py``
(``MacrosMixin`` includes it).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from ..storage import end_tag, escape_attr, macro_end, macro_start, plain_text_body, start_tag
from .fragments import rich_macro_end, rich_macro_start
from .macros_inline import InlineMacrosMixin


class MacrosMixin(InlineMacrosMixin):
    """Translator methods for the block nodes of ``..markup`` (see the module docstring)."""

    def _rich(self, node: nodes.Element, name: str, params: dict[str, Any]) -> None:
        self.body.append(self.anchors_for(node) + rich_macro_start(name, params))
        self.push_end(rich_macro_end())

    def _close(self, node: nodes.Element) -> None:
        self.pop_end()

    def visit_confluence_expand(self, node: nodes.Element) -> None:
        self._rich(node, "expand", {"title": node.get("title") or None})

    def visit_confluence_panel(self, node: nodes.Element) -> None:
        self._rich(node, "panel", dict(node.get("params", {})))

    def visit_confluence_excerpt(self, node: nodes.Element) -> None:
        self._rich(node, "excerpt", dict(node.get("params", {})))

    depart_confluence_expand = depart_confluence_panel = depart_confluence_excerpt = _close

    def visit_confluence_excerpt_include(self, node: nodes.Element) -> None:
        target: str = node["target"]
        space = None
        if target.startswith("!"):
            docname = node.get("docname", target[1:])
            title = self.title_of(docname)
            if title is None and docname not in self.builder.env.found_docs:
                raise nodes.SkipNode  # reported once, when the environment was checked
            if title is None:
                self.warn(f"confluence_excerpt_include: document {target[1:]!r} has no "
                          "Confluence page; the include is left out", node, subtype="markup")
                raise nodes.SkipNode
            self.add_link(node.get("docname", ""))
        elif ":" in target:
            space, title = target.split(":", 1)
        else:
            title = target
        page = start_tag("ri:page", {"ri:content-title": title, "ri:space-key": space},
                         empty=True)
        self.body.append(
            macro_start("excerpt-include", node.get("params", {}))
            + '<ac:parameter ac:name=""><ac:link>' + page + "</ac:link></ac:parameter>"
            + macro_end())
        raise nodes.SkipNode

    def visit_confluence_html(self, node: nodes.Element) -> None:
        macro = self.option("confluence_html_macro") or "html"
        self.body.append(macro_start(macro) + plain_text_body(node["html"]) + macro_end())
        raise nodes.SkipNode

    def visit_confluence_toc(self, node: nodes.Element) -> None:
        self.body.append(macro_start("toc", node.get("params", {})) + macro_end())
        raise nodes.SkipNode

    def visit_confluence_viewpdf(self, node: nodes.Element) -> None:
        name = self.add_attachment(self.relative_source_path(node["path"]))
        self.body.append(
            macro_start("viewpdf") + '<ac:parameter ac:name="name">'
            + f'<ri:attachment ri:filename="{escape_attr(name)}"/></ac:parameter>'
            + macro_end())
        raise nodes.SkipNode

    def visit_jira(self, node: nodes.Element) -> None:
        self.body.append(macro_start("jira", node.get("params", {})) + macro_end())
        raise nodes.SkipNode

    def visit_confluence_newline(self, node: nodes.Element) -> None:
        self.body.append("<br/>")
        raise nodes.SkipNode

    def visit_confluence_metadata(self, node: nodes.Element) -> None:
        self.labels.update(node.get("labels", ()))
        props = self.page_properties
        if node.get("guid"):
            props["guid"] = node["guid"]
        if node.get("full_width") is not None:
            props["full_width"] = bool(node["full_width"])
        editor = node.get("editor")
        if editor and editor != self.editor:
            self.warn(f"confluence_metadata: a per-page editor ({editor}) is deprecated and "
                      f"not supported; the page is written for confluence_editor "
                      f"{self.editor!r}", node, subtype="deprecated")
        raise nodes.SkipNode

    def visit_confluence_table_width(self, node: nodes.Element) -> None:
        raise nodes.SkipNode  # applied to the tables by markup.transforms.TableWidths

    # -- class hints and bridged containers ----------------------------------------

    def visit_container(self, node: nodes.Element) -> None:
        if "collapse" in node.get("classes", ()) and not node.get("literal_block"):
            self._rich(node, "expand", {})
            return
        super().visit_container(node)

    def depart_container(self, node: nodes.Element) -> None:
        if "collapse" in node.get("classes", ()) and not node.get("literal_block"):
            self.pop_end()
            return
        super().depart_container(node)

    def visit_confluence_tabs(self, node: nodes.Element) -> None:
        self.body.append(self.anchors_for(node))

    def depart_confluence_tabs(self, node: nodes.Element) -> None:
        pass

    def visit_confluence_tab(self, node: nodes.Element) -> None:
        config = self.option("confluence_tab_macro")
        title = node.get("title") or None
        if not config:
            self._rich(node, "expand", {"title": title})
            return
        params: dict[str, Any] = {}
        if config.get("title-id"):
            params[config["title-id"]] = title
        first = node.parent is not None and node.parent.index(node) == 0
        if first and config.get("primary-id"):
            params[config["primary-id"]] = config.get("primary-value", "true")
        self._rich(node, config["macro-name"], params)

    depart_confluence_tab = _close

    def visit_math_block(self, node: nodes.Element) -> None:
        """``confluence_latex :align:``: the math, however it is drawn, aligned."""
        align = node.get("confluence_align")
        if not align:
            super().visit_math_block(node)
            return
        start = len(self.body)
        try:
            super().visit_math_block(node)
        except nodes.SkipNode:
            pass
        else:  # the renderer visits children: finish them before wrapping
            for child in node.children:
                child.walkabout(self)
            super().depart_math_block(node)
        drawn = "".join(self.body[start:])
        del self.body[start:]
        self.body.append(f'<div style="text-align: {align};">' + drawn + end_tag("div"))
        raise nodes.SkipNode
