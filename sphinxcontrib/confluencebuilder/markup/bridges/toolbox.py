"""sphinx-toolbox: ``.. collapse::`` becomes an ``expand`` macro titled with its label."""

from __future__ import annotations

from docutils import nodes

from ..nodes import confluence_expand
from .base import BridgeTransform, located, of_class


class Bridge(BridgeTransform):
    extensions = ("sphinx_toolbox",)

    def bridge(self) -> None:
        found = [n for n in self.document.findall(nodes.Element)
                 if of_class(n, "sphinx_toolbox", "CollapseNode")]
        for node in reversed(found):  # innermost first
            summary = [c for c in node.children
                       if of_class(c, "sphinx_toolbox", "CollapseSummaryNode")]
            title = summary[0].astext() if summary else str(node.get("label") or "")
            expand = located(confluence_expand(title=title), node)
            expand.extend(c for c in node.children if c not in summary)
            node.replace_self(expand)
