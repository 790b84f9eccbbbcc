"""Post-transforms of Confluence-native markup, run when a document is written.

* Other builders (html, text, latex, man, linkcheck ...): every markup node is
  replaced by its ``fallback()`` (ordinary docutils nodes), so no builder ever meets
  a node it has no visitor for.
* Confluence builders: ``confluence_table_width`` markers give their width to the
  tables that follow them in the document (a table's own ``:width:`` wins), then go.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from .nodes import ConfluenceNode, confluence_table_width

CONFLUENCE_BUILDERS = ("confluence", "singleconfluence")


def is_confluence(env: Any) -> bool:
    """The document is being written by a Confluence builder."""
    builder = getattr(env, "_builder_cls", None)  # Sphinx 9
    if builder is None:  # Sphinx 8 (no deprecation there)
        builder = env.app.builder
    return getattr(builder, "name", "") in CONFLUENCE_BUILDERS


class MarkupFallback(SphinxPostTransform):
    """Replace markup nodes with plain docutils for builders other than Confluence."""

    default_priority = 20  # after references are resolved (cards hold references)

    def run(self, **kwargs: Any) -> None:
        if is_confluence(self.env):
            return
        # innermost first, so a replaced node's children are already plain
        for node in reversed(list(self.document.findall(ConfluenceNode))):
            replacement = node.fallback()
            if replacement:
                node.replace_self(replacement)
            else:
                node.parent.remove(node)


class TableWidths(SphinxPostTransform):
    """Apply ``confluence_table_width`` to the following tables (Confluence builders)."""

    default_priority = 21

    def run(self, **kwargs: Any) -> None:
        if not is_confluence(self.env):
            return
        width: str | None = None
        markers: list[nodes.Element] = []
        for node in list(self.document.findall(_width_or_table)):
            if isinstance(node, confluence_table_width):
                width = node.get("width")
                markers.append(node)
            elif width is not None and not node.get("width"):
                node["width"] = width
        for marker in markers:
            marker.parent.remove(marker)


def _width_or_table(node: nodes.Node) -> bool:
    return isinstance(node, (confluence_table_width, nodes.table))
