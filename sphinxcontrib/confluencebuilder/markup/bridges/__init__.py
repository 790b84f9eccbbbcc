"""Bridges from third-party extensions' nodes to Confluence-native markup.

One module per extension (``toolbox``, ``tabs``, ``design`` ...). Each bridge is active
only when its extension is in ``conf.py``'s ``extensions`` and only for Confluence
builders: it rewrites the extension's nodes into ``..nodes`` (expand, panel, status,
tabs) with a post-transform before the page is written.

Adding a bridge is adding a module here: ``setup(app)`` finds every module of this
package and calls its ``setup(app)`` if it has one, else registers its ``Bridge``
post-transform (a ``base.BridgeTransform``).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def setup(app: Any) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "setup"):
            module.setup(app)
        elif hasattr(module, "Bridge"):
            app.add_post_transform(module.Bridge)
