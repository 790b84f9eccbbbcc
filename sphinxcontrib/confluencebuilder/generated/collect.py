"""What the documents point at among the generated pages (toctree entries and
references to ``genindex``, ``modindex``/``py-modindex`` and ``search``).

Kept in the environment (``env.confluence_generated_refs``: docname -> names) so that
``confluence_use_index`` / ``confluence_include_search`` left unset turn the page on
exactly when a document refers to it, also with parallel reads and incremental builds.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes

#: names a toctree or :ref: uses -> the generated page's docname
VIRTUAL = {"genindex": "genindex", "modindex": "py-modindex", "search": "search"}
ATTR = "confluence_generated_refs"


def referenced(env: Any) -> set[str]:
    """Docnames of generated pages some document refers to."""
    found: set[str] = set()
    for names in getattr(env, ATTR, {}).values():
        found |= set(names)
    return found


def _disabled(app: Any) -> bool:
    """confluence_adv_disable_init: nothing for builders other than ours."""
    return bool(getattr(app.config, "confluence_adv_disable_init", False)) and \
        getattr(app.builder, "format", "") != "confluence_storage"


def _doctree_read(app: Any, doctree: nodes.document) -> None:
    if _disabled(app):
        return
    env = app.env
    names: set[str] = set()
    for toctree in doctree.findall(addnodes.toctree):
        for _title, ref in toctree.get("entries", ()):
            if ref in VIRTUAL:
                names.add(VIRTUAL[ref])
            elif isinstance(ref, str) and ref.endswith("index") and "-" in ref:
                names.add(ref)  # a domain index named directly, e.g. py-modindex
    for xref in doctree.findall(addnodes.pending_xref):
        target = xref.get("reftarget", "")
        if xref.get("reftype") in ("ref", "doc") and target in VIRTUAL:
            names.add(VIRTUAL[target])
        elif xref.get("reftype") in ("ref", "doc") and target.endswith("-modindex"):
            names.add(target)
    store = getattr(env, ATTR, None)
    if store is None:
        store = {}
        setattr(env, ATTR, store)
    if names:
        store[env.docname] = sorted(names)
    else:
        store.pop(env.docname, None)


def _purge(app: Any, env: Any, docname: str) -> None:
    getattr(env, ATTR, {}).pop(docname, None)


def _merge(app: Any, env: Any, docnames: Any, other: Any) -> None:
    store = getattr(env, ATTR, None)
    if store is None:
        store = {}
        setattr(env, ATTR, store)
    for docname in docnames:
        if docname in getattr(other, ATTR, {}):
            store[docname] = other.confluence_generated_refs[docname]


def _missing_doc(app: Any, env: Any, node: Any, contnode: nodes.Node) -> Any:
    """``:doc:`genindex``` (and friends): a link to the generated page when there is one."""
    if node.get("reftype") != "doc" or _disabled(app):
        return None
    target = VIRTUAL.get(node.get("reftarget", ""), node.get("reftarget", ""))
    titles = getattr(app.builder, "titles", None) or {}
    if target not in getattr(app.builder, "generated", ()) or target not in titles:
        return None
    ref = nodes.reference("", "", internal=True, refuri=target)
    if node.get("refexplicit"):
        ref += contnode
    else:  # the page's title, as :doc: shows a document's title
        ref += contnode.__class__("", titles[target]) if isinstance(
            contnode, nodes.TextElement) else nodes.Text(titles[target])
    return ref


def register(app: Any) -> None:
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("missing-reference", _missing_doc)
