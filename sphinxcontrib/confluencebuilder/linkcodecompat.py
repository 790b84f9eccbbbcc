"""``sphinx.ext.linkcode`` [source] links on every supported Sphinx release.

Sphinx 8.1 and later wrap each link in ``only(expr=<builder.supported_linkcode>)``;
Sphinx 8.0 always wraps it in ``only(expr='html')``, which the Confluence builders drop.
After linkcode has run, its links get the builder's expression, so they are kept there
as on the later releases. Other ``only`` nodes are left alone.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes


def _is_source_link(only: addnodes.only) -> bool:
    """linkcode's node: in a signature, one external reference holding ``[source]``."""
    if not isinstance(only.parent, addnodes.desc_signature) or len(only.children) != 1:
        return False
    ref = only.children[0]
    return (isinstance(ref, nodes.reference) and not ref.get("internal")
            and any("viewcode-link" in n.get("classes", ()) for n in ref.findall(nodes.inline)))


def _retarget(app: Any, doctree: nodes.document) -> None:
    expr = getattr(app.builder, "supported_linkcode", None)
    if not expr or expr == "html" or "sphinx.ext.linkcode" not in app.extensions:
        return
    for only in list(doctree.findall(addnodes.only)):
        if only.get("expr") == "html" and _is_source_link(only):
            only["expr"] = expr


def register(app: Any) -> None:
    app.connect("doctree-read", _retarget, priority=600)  # after linkcode's (500)
