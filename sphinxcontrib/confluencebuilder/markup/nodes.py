"""Docutils nodes for Confluence-native markup.

Each node carries plain values (strings, ints, bools) so doctrees pickle and travel
to parallel workers. The ``confluence`` translator renders them through
``translator/macros.py``; every other builder sees them replaced by ordinary docutils
nodes (``fallback()``) in ``transforms.py``, so the same sources build with
``-b html -W``, ``-b text``, ``-b latex``, ``-b man`` and ``-b linkcheck``.

``params`` holds the macro parameters already in Confluence's spelling
(``bgColor``, ``maxLevel`` ...), in the order the directive received them.
"""

from __future__ import annotations

from docutils import nodes

# docutils ships no type information, so its node classes are ``Any`` to mypy: the
# ``type: ignore[misc]`` below allow subclassing them under ``--strict``
# (disallow_subclassing_any)


class ConfluenceNode(nodes.Element):  # type: ignore[misc]
    """Base: ``fallback()`` gives what other builders show instead of this node."""

    def fallback(self) -> list[nodes.Node]:
        return list(self.children)


class _Block(ConfluenceNode, nodes.General):  # type: ignore[misc]
    pass


class _Inline(ConfluenceNode, nodes.Inline, nodes.TextElement):  # type: ignore[misc]
    pass


def _titled(title: str, children: list[nodes.Node], cls: str) -> list[nodes.Node]:
    box = nodes.container(classes=[cls])
    if title:
        box += nodes.paragraph("", "", nodes.strong(title, title))
    box.extend(children)
    return [box]


class confluence_expand(_Block):
    """``expand`` macro: ``title`` plus a rich body (the children)."""

    def fallback(self) -> list[nodes.Node]:
        return _titled(self.get("title", ""), list(self.children), "confluence-expand")


class confluence_panel(_Block):
    """``panel`` macro: ``params`` plus a rich body."""

    def fallback(self) -> list[nodes.Node]:
        title = self.get("params", {}).get("title", "")
        return _titled(title, list(self.children), "confluence-panel")


class confluence_excerpt(_Block):
    """``excerpt`` macro: ``params`` plus a rich body; ``hidden`` bodies show nowhere else."""

    def fallback(self) -> list[nodes.Node]:
        if self.get("params", {}).get("hidden") == "true":
            return []
        return list(self.children)


class confluence_excerpt_include(_Block):
    """``excerpt-include`` macro: ``target`` (``!docname``, ``Title`` or ``SPACE:Title``)."""

    def fallback(self) -> list[nodes.Node]:
        return []


class confluence_html(_Block):
    """The HTML macro; ``html`` is the raw HTML."""

    def fallback(self) -> list[nodes.Node]:
        return [nodes.raw("", self["html"], format="html")]


class confluence_metadata(ConfluenceNode, nodes.Invisible, nodes.Element):  # type: ignore[misc]
    """Page metadata: ``labels``, ``full_width``, ``guid``, ``editor``. No output."""

    def fallback(self) -> list[nodes.Node]:
        return []


class confluence_newline(_Block):
    """A line break between inline elements."""

    def fallback(self) -> list[nodes.Node]:
        return [nodes.raw("", "<br />", format="html")]


class confluence_table_width(ConfluenceNode, nodes.Invisible, nodes.Element):  # type: ignore[misc]
    """Width (``width``; None = unset) for the tables that follow in the document."""

    def fallback(self) -> list[nodes.Node]:
        return []


class confluence_toc(_Block):
    """``toc`` macro with ``params``."""

    def fallback(self) -> list[nodes.Node]:
        return []


class confluence_viewpdf(_Block):
    """``viewpdf`` macro; ``path`` is the PDF relative to the source directory."""

    def fallback(self) -> list[nodes.Node]:
        name = self["path"].rsplit("/", 1)[-1]
        return [nodes.paragraph("", "", nodes.literal(name, name))]


class confluence_card(_Block):
    """A smart-link card: the child is a (resolved) reference; ``card``, ``layout``,
    ``width`` as given."""

    def fallback(self) -> list[nodes.Node]:
        return [nodes.paragraph("", "", *self.children)]


class confluence_card_inline(_Inline):
    """An inline smart link around a (resolved) reference child."""


class jira(_Block):
    """A ``jira`` macro with ``params`` (``jqlQuery`` or ``key``, server, columns ...)."""

    def fallback(self) -> list[nodes.Node]:
        params = self.get("params", {})
        text = params.get("key") or params.get("jqlQuery", "")
        return [nodes.paragraph("", "", nodes.literal(text, text))]


class jira_inline(_Inline):
    """The ``jira`` role: a single issue, inline."""

    def fallback(self) -> list[nodes.Node]:
        text = self.get("params", {}).get("key", "")
        return [nodes.literal(text, text)]


class confluence_emoticon(_Inline):
    """``ac:emoticon`` by ``name``."""

    def fallback(self) -> list[nodes.Node]:
        return [nodes.Text(f":{self['name']}:")]


class confluence_mention(_Inline):
    """A user mention; ``user`` as written (an alias of ``confluence_mentions`` or an id)."""

    def fallback(self) -> list[nodes.Node]:
        return [nodes.Text("@" + self["user"])]


class confluence_status(_Inline):
    """``status`` macro: ``title``, ``colour`` (or None), ``subtle``."""

    def fallback(self) -> list[nodes.Node]:
        return [nodes.inline(self["title"], self["title"], classes=["confluence-status"])]


class confluence_tabs(_Block):
    """A set of tabs (from sphinx-tabs / sphinx-design); children are ``confluence_tab``."""

    def fallback(self) -> list[nodes.Node]:
        return list(self.children)


class confluence_tab(_Block):
    """One tab: ``title`` plus a rich body."""

    def fallback(self) -> list[nodes.Node]:
        return _titled(self.get("title", ""), list(self.children), "confluence-tab")


ALL_NODES: tuple[type[ConfluenceNode], ...] = (
    confluence_expand, confluence_panel, confluence_excerpt, confluence_excerpt_include,
    confluence_html, confluence_metadata, confluence_newline, confluence_table_width,
    confluence_toc, confluence_viewpdf, confluence_card, confluence_card_inline, jira,
    jira_inline, confluence_emoticon, confluence_mention, confluence_status, confluence_tabs,
    confluence_tab,
)
