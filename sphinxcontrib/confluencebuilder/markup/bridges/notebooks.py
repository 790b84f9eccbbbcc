"""Notebook and gallery output for Confluence: ``nbsphinx``, ``jupyter-sphinx`` and
``sphinx-gallery``.

Their output reaches the HTML builder as raw HTML, ``only:: html`` branches and nodes
of their own, which a Confluence page would lose. A post-transform, run for the
Confluence builders only and before Sphinx drops the ``only`` branches, rewrites the
doctree into nodes the translator publishes:

* images stay images (attachments); text, stream and error output becomes a literal
  block (a ``code`` macro); LaTeX output is math (drawn like any equation);
* an HTML table (a pandas DataFrame's ``_repr_html_``) becomes a table
  (``html_table``); other HTML output is dropped silently where a plain-text
  representation exists next to it;
* ``nbsphinx``: ``CodeAreaNode``/``FancyOutputNode`` are unwrapped; an output given as
  ``only:: html`` (rich) and ``only:: latex`` (plain) keeps the rich one when its table
  can be converted, else the plain one;
* ``jupyter-sphinx``: a ``MimeBundleNode`` becomes its best representation (image,
  table, math, then plain text);
* ``sphinx-gallery``: its ``image-sg`` node becomes an image, the gallery's thumbnails
  (inside ``only:: html``) are kept as images with their links, and in its pages
  (raw HTML naming ``sphx-glr`` or ``sg-datatable``) layout HTML and scripts without a table is dropped silently.

Raw HTML outside these extensions' output is left to the translator (dropped with its
usual warning).
"""

from __future__ import annotations

from docutils import nodes

from ..html_table import parse_tables, table_node
from .base import BridgeTransform

NBSPHINX_WRAPPERS = ("CodeAreaNode", "FancyOutputNode")
OUTPUT_PARENTS = frozenset({*NBSPHINX_WRAPPERS, "MimeBundleNode", "CellOutputNode"})
#: class names sphinx-gallery puts in its raw HTML (pages, thumbnails, timing tables)
GALLERY_MARKS = ("sphx-glr", "sg-datatable")


def _name(node: nodes.Node) -> str:
    return type(node).__name__


def _is_raw(node: nodes.Node, fmt: str) -> bool:
    return isinstance(node, nodes.raw) and fmt in str(node.get("format", "")).split()


def _in_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if _name(parent) in OUTPUT_PARENTS:
            return True
        parent = parent.parent
    return False


def _tables(raw: nodes.raw) -> list[nodes.table]:
    return [table_node(t) for t in parse_tables(raw.astext())]


def _replace(node: nodes.Node, new: list[nodes.Node]) -> None:
    node.replace_self(new if new else [])


def _unwrap(node: nodes.Element) -> None:
    node.replace_self(list(node.children) or [])


def convert_raw_outputs(doctree: nodes.document) -> None:
    """Raw HTML of notebook/gallery output: tables become tables; HTML with a plain
    text sibling makes way for it; gallery layout HTML goes."""
    raws = list(doctree.findall(nodes.raw))
    gallery = any(mark in raw.astext() for raw in raws for mark in GALLERY_MARKS)
    for raw in raws:
        text = raw.astext()
        if _is_raw(raw, "text") and _in_output(raw):
            _replace(raw, [nodes.literal_block(text, text)])
        elif not _is_raw(raw, "html"):
            if _in_output(raw):
                raw.parent.remove(raw)  # latex variants of an output
        elif _in_output(raw) or gallery or "rendered_html" in text:
            tables = _tables(raw)
            if tables:
                _replace(raw, list(tables))
            elif gallery or _has_plain_sibling(raw):
                raw.parent.remove(raw)


def _has_plain_sibling(raw: nodes.raw) -> bool:
    siblings = raw.parent.children if raw.parent is not None else []
    return any(s is not raw and (isinstance(s, nodes.literal_block) or _is_raw(s, "text"))
               for s in siblings)


def choose_mime_bundles(doctree: nodes.document) -> None:
    """jupyter-sphinx: a MIME bundle becomes its best representation."""
    # found through their parents: jupyter-sphinx's nodes do not always set ``parent``
    holders = [n for n in doctree.findall(nodes.Element)
               if any(_name(c) == "MimeBundleNode" for c in n.children)]
    for holder in holders:
        for index, bundle in enumerate(list(holder.children)):
            if _name(bundle) != "MimeBundleNode":
                continue
            ranked = sorted(bundle.children, key=_rank)
            if ranked and _rank(ranked[0]) < 9:
                holder.children[index] = ranked[0]
                ranked[0].parent = holder
            else:
                holder.children[index] = nodes.comment()


def _rank(node: nodes.Node) -> int:
    if isinstance(node, nodes.image) or node.next_node(nodes.image) is not None:
        return 0
    if isinstance(node, nodes.table):
        return 1
    if isinstance(node, (nodes.math_block, nodes.math)):
        return 2
    if isinstance(node, nodes.literal_block):
        return 3
    return 9


def nbsphinx_branches(doctree: nodes.document) -> None:
    """nbsphinx: an ``only html`` rich output followed by ``only latex`` plain output
    keeps the rich one when it now holds a table, else the plain one."""
    for only in list(doctree.findall(addnodes_only)):
        if only.get("expr") != "html" or only.parent is None:
            continue
        following = only.next_node(descend=False, siblings=True, ascend=False)
        if not (isinstance(following, nodes.Element) and _name(following) == "only"
                and following.get("expr") == "latex"):
            continue
        rich = only.next_node(nodes.table) is not None or only.next_node(nodes.image) is not None
        keep, drop = (only, following) if rich else (following, only)
        drop.parent.remove(drop)
        _unwrap(keep)


def addnodes_only(node: nodes.Node) -> bool:
    return _name(node) == "only"


def gallery_nodes(doctree: nodes.document) -> None:
    """sphinx-gallery: ``image-sg`` → image; thumbnails kept out of ``only:: html``."""
    for node in list(doctree.findall(lambda n: _name(n) == "imgsgnode")):
        uri = str(node.get("uri", "")).lstrip("/")
        image = nodes.image(uri=uri, alt=node.get("alt", ""), candidates={"*": uri})
        image.source, image.line = node.source, node.line
        _replace(node, [image])
    for only in list(doctree.findall(addnodes_only)):
        before = only.previous_sibling() if only.parent is not None else None
        if (only.get("expr") == "html" and isinstance(before, nodes.raw)
                and "sphx-glr-thumbcontainer" in before.astext()):
            _unwrap(only)


class Bridge(BridgeTransform):
    """See the module docstring."""

    extensions = ("nbsphinx", "jupyter_sphinx", "sphinx_gallery")
    default_priority = 40  # before Sphinx drops ``only`` branches (50)

    def bridge(self) -> None:
        doctree = self.document
        gallery_nodes(doctree)
        convert_raw_outputs(doctree)
        choose_mime_bundles(doctree)
        nbsphinx_branches(doctree)
        for wrapper in list(doctree.findall(lambda n: _name(n) in NBSPHINX_WRAPPERS)):
            _unwrap(wrapper)


__all__ = ["Bridge"]
