"""sphinx-tabs: a ``tabs`` set becomes one tab macro (``confluence_tab_macro``) or one
``expand`` per tab, titled with the tab's name.

For builders it does not know, sphinx-tabs writes plain containers: the set is a
container with class ``sphinx-tabs``; each tab a container holding a container with the
tab's name and a container with its content.
"""

from __future__ import annotations

from docutils import nodes

from ..nodes import confluence_tab, confluence_tabs
from .base import BridgeTransform, located


def _is_tab_set(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and "sphinx-tabs" in node.get("classes", ())


class Bridge(BridgeTransform):
    extensions = ("sphinx_tabs",)

    def bridge(self) -> None:
        for node in reversed(list(self.document.findall(_is_tab_set))):
            tabs = located(confluence_tabs(), node)
            for item in node.children:
                parts = [c for c in item.children if isinstance(c, nodes.container)]
                if len(parts) != 2:
                    continue  # not a tab (a tab list of an HTML-like builder)
                tab = confluence_tab(title=parts[0].astext().strip())
                tab.extend(parts[1].children)
                tabs += tab
            node.replace_self(tabs)
