"""Confluence-native markup: nodes, directives, roles and third-party bridges.

``setup(app)`` registers everything for every builder: the Confluence translator
renders the nodes (``translator/macros.py``); for other builders a post-transform
replaces them with plain docutils (``transforms.py``), so a project using them still
builds with ``-b html -W``, ``-b text``, ``-b latex``, ``-b man`` and ``-b linkcheck``.
"""

from __future__ import annotations

from typing import Any

from . import bridges, excerpts, options
from .directives import DIRECTIVES
from .nodes import ALL_NODES
from .roles import ROLES
from .transforms import MarkupFallback, TableWidths


def setup(app: Any) -> None:
    for node in ALL_NODES:
        app.add_node(node)
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    for name, role in ROLES.items():
        app.add_role(name, role)
    app.add_post_transform(MarkupFallback)
    app.add_post_transform(TableWidths)
    # after the option table's own checks and environment fallback (priority 400)
    app.connect("config-inited", options.on_config_inited, priority=410)
    app.connect("env-purge-doc", excerpts.purge)
    app.connect("env-merge-info", excerpts.merge)
    app.connect("env-check-consistency", excerpts.check)
    bridges.setup(app)
