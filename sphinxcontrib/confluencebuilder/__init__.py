"""Sphinx extension: build Confluence storage-format pages and publish them."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def setup(app: Any) -> dict[str, Any]:
    from . import config, configguard, linkcodecompat, markup, spelling, tools
    from .builder import ConfluenceBuilder, register_builder_hooks
    from .generated import register as register_generated
    from .publishglue import register as register_publish_events
    from .singlebuilder import SingleConfluenceBuilder
    from .userstop import install as install_clean_errors

    install_clean_errors()
    config.register(app)
    spelling.register(app)
    configguard.register(app)
    app.add_builder(ConfluenceBuilder)
    app.add_builder(SingleConfluenceBuilder)
    register_builder_hooks(app)
    register_generated(app)
    register_publish_events(app)
    markup.setup(app)
    linkcodecompat.register(app)  # Sphinx 8.0's linkcode links
    tools.register(app)  # external drawing tools (LaTeX, dot, mermaid CLI), found once
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
