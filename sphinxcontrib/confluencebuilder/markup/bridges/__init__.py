"""Bridges from third-party extensions' nodes to Confluence-native markup.

Each bridge module handles one extension and is active only when that extension is
loaded (checked at ``builder-inited``, when every extension of ``conf.py`` is set up)
and only for Confluence builders: it rewrites the extension's nodes into ``..nodes``
(expand, panel, status, tabs) with a post-transform before the page is written.
"""

from __future__ import annotations

from typing import Any

from . import design, tabs, toolbox

BRIDGES = (toolbox, tabs, design)


def setup(app: Any) -> None:
    for bridge in BRIDGES:
        app.add_post_transform(bridge.Bridge)
