"""The ``singleconfluence`` builder: the whole toctree as one Confluence page.

Like Sphinx's ``singlehtml``: the root document's toctrees are replaced by the documents
they list (recursively), every element id is made unique across documents (an id a
document shares with an earlier one becomes ``<docname>-<id>``), and references between
documents become in-page anchor links. Images and downloads of every document end up as
attachments of the one page. With ``singleconfluence_toctree`` the toctrees are kept as
lists of in-page links in front of the documents they pull in.

The page is named after the root document's title (a root document without one is an
error) and is written, recorded and published like any page of the ``confluence``
builder; every build writes it again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import SphinxError
from sphinx.util import logging

from .builder import ConfluenceBuilder, heading_of
from .titles import TitleOptions, compute_titles

logger = logging.getLogger(__name__)

#: id given to the first element of each inlined document (``document-<docname>``)
DOC_ANCHOR = "document-{}"


class SingleConfluenceError(SphinxError):
    category = "singleconfluence"


class SingleConfluenceBuilder(ConfluenceBuilder):
    """Writes the root document with every document of its toctree inlined."""

    name = "singleconfluence"
    allow_parallel = False

    # -- which documents --------------------------------------------------------------

    def get_outdated_docs(self) -> Iterator[str]:
        yield from self.env.found_docs  # the one page depends on every document

    def compute_layout(self) -> None:
        root = self.config.root_doc
        heading = heading_of(self.env, root) if root in self.env.titles else None
        if not heading and not (self.config.confluence_title_overrides or {}).get(root):
            raise SingleConfluenceError(
                f"the root document {root!r} has no title; the single page is named after "
                "it. Add a heading to it or a confluence_title_overrides entry.")
        self.order = [root]
        self.parents = {root: None}
        self.secnumbers = {}
        self.titles = compute_titles([root], {root: heading}, {}, TitleOptions.from_config(
            self.config))
        self.generated = []
        self.layout_chrome()
        self._layout_ready = True

    # -- writing ----------------------------------------------------------------------

    def write_documents(self, docnames: Set[str]) -> None:
        root = self.config.root_doc
        self.prepare_writing({root})
        doctree = self.assemble_doctree()
        self.write_doc_serialized(root, doctree)
        self.write_doc(root, doctree)

    def _write_serial(self, docnames: Sequence[str]) -> None:
        # Sphinx 8.0 has no write_documents hook (8.1 added it): its write() calls this
        self.write_documents(set(docnames))

    def assemble_doctree(self) -> nodes.document:
        """The root doctree with every toctree document inlined and references fixed."""
        root = self.config.root_doc
        keep = bool(getattr(self.config, "singleconfluence_toctree", False))
        tree = self.env.get_doctree(root).deepcopy()
        included = [root]
        _inline(self, tree, root, included, keep)
        tree["docname"] = root
        self.env.resolve_references(tree, root, self)
        mapping, starts = _unique_ids(tree, root)
        _fix_references(tree, root, mapping, starts)
        self.anchor_map = mapping
        secnumbers, fignumbers = _merge_numbers(self.env, mapping)
        self.env.toc_secnumbers = {root: secnumbers}
        self.env.toc_fignumbers = {root: fignumbers}
        return tree


def _inline(builder: Any, tree: nodes.Element, docname: str, included: list[str],
            keep: bool) -> None:
    """Replace each toctree of ``tree`` by the documents it lists (each once)."""
    for toctree in list(tree.findall(addnodes.toctree)):
        new: list[nodes.Node] = []
        if keep:
            links = _toctree_links(builder, toctree)
            if links is not None:
                new.append(links)
        for child in toctree.get("includefiles", ()):
            child = str(child)
            if child in included or child not in builder.env.found_docs:
                continue
            included.append(child)
            subtree = builder.env.get_doctree(child).deepcopy()
            _inline(builder, subtree, child, included, keep)
            start = addnodes.start_of_file(docname=child)
            start += nodes.target("", "", ids=[DOC_ANCHOR.format(child)])
            start.extend(subtree.children)
            new.append(start)
        toctree.parent.replace(toctree, new)


def _toctree_links(builder: Any, toctree: addnodes.toctree) -> nodes.bullet_list | None:
    """A toctree as a list of links to the inlined documents (singleconfluence_toctree)."""
    items = nodes.bullet_list()
    for title, ref in toctree.get("entries", ()):
        if ref not in builder.env.found_docs:
            continue
        heading = builder.env.titles.get(ref)
        text = title or (heading.astext() if heading is not None else ref)
        ref_node = nodes.reference("", text, internal=True, refuri=ref)
        items += nodes.list_item("", addnodes.compact_paragraph("", "", ref_node))
    return items if items.children else None


def _owner_walk(node: nodes.Element, docname: str) -> Iterator[tuple[nodes.Element, str]]:
    """Every element with the document it comes from (its nearest start_of_file)."""
    if isinstance(node, addnodes.start_of_file):
        docname = node["docname"]
    yield node, docname
    for child in node.children:
        if isinstance(child, nodes.Element):
            yield from _owner_walk(child, docname)


def _unique_ids(tree: nodes.document, root: str
                ) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """Rename ids a document shares with an earlier one; return (doc, old id) -> new id
    and each document's start anchor."""
    used: set[str] = set()
    mapping: dict[tuple[str, str], str] = {}
    for node, doc in _owner_walk(tree, root):
        ids = node.get("ids", ())
        if not ids:
            continue
        new_ids = []
        for ident in ids:
            new = ident
            if new in used:
                new = base = f"{doc.replace('/', '-')}-{ident}"
                count = 1
                while new in used:
                    count += 1
                    new = f"{base}-{count}"
            used.add(new)
            mapping.setdefault((doc, ident), new)
            new_ids.append(new)
        node["ids"] = new_ids
    starts = {doc: new for (doc, ident), new in mapping.items()
              if ident == DOC_ANCHOR.format(doc)}
    return mapping, starts


def _merge_numbers(env: Any, mapping: dict[tuple[str, str], str]
                   ) -> tuple[dict[str, tuple[int, ...]], dict[str, dict[str, tuple[int, ...]]]]:
    """Section and figure/table numbers of every document under the ids on the page."""
    secnumbers: dict[str, tuple[int, ...]] = {}
    fignumbers: dict[str, dict[str, tuple[int, ...]]] = {}
    for (doc, ident), new in mapping.items():
        number = env.toc_secnumbers.get(doc, {}).get("#" + ident)
        if number:
            secnumbers["#" + new] = number
        for figtype, numbers in env.toc_fignumbers.get(doc, {}).items():
            if ident in numbers:
                fignumbers.setdefault(figtype, {})[new] = numbers[ident]
    return secnumbers, fignumbers


def _fix_references(tree: nodes.document, root: str, mapping: dict[tuple[str, str], str],
                    starts: dict[str, str]) -> None:
    """References within and between the inlined documents become in-page anchors."""
    for node, doc in _owner_walk(tree, root):
        if not isinstance(node, nodes.reference):
            continue
        if "refid" in node:
            node["refid"] = mapping.get((doc, node["refid"]), node["refid"])
            continue
        if not (node.get("internal") or "refdocname" in node) or "refuri" not in node:
            continue
        target, _, anchor = node["refuri"].partition("#")
        target = target or doc
        if target != root and target not in starts:
            continue  # a document that is not on the page: the translator warns
        if anchor:
            node["refid"] = mapping.get((target, anchor), anchor)
        elif target != root:
            node["refid"] = starts[target]
        else:
            node["refid"] = ""
        del node["refuri"]
