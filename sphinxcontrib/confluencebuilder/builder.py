"""The ``confluence`` builder: doctrees -> storage-format pages on disk (-> publisher).

Lifecycle: ``init`` resolves the editor; ``prepare_writing`` computes every page's
title and parent from the environment (before any write, so parallel workers agree);
``write_doc`` (possibly in a worker process) writes a body and its ``.meta.json``
through ``pages.write_page``; ``finish`` reads the metadata back from disk, writes
``scb-manifest.json`` and, with ``confluence_publish``, hands the directory to the
publisher.
"""

from __future__ import annotations

import datetime as _dt
import mimetypes
from collections.abc import Iterator, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.builders import Builder
from sphinx.util import logging
from sphinx.util.osutil import _last_modified_time

from . import generated, pages
from .errors import ConfluenceConfigError
from .generated import inventory
from .generated.chrome import Chrome, nav_order
from .startcheck import check_before_build, publish_after_build
from .titles import NO_TITLE, TitleOptions, compute_titles
from .translator import StorageTranslator, early_notices

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

CLOUD_HOSTS = ("atlassian.net", "atlassian.com")


def resolve_editor(config: Any) -> str:
    """``confluence_editor`` if set, else 'v2' on Cloud and 'v1' elsewhere."""
    editor = getattr(config, "confluence_editor", None)
    if editor:
        if editor not in ("v1", "v2") and not getattr(config, "confluence_adv_permit_editor",
                                                      False):
            raise ConfluenceConfigError(
                "confluence_editor", f"must be 'v1' or 'v2' (or unset), got {editor!r}"
            )
        return str(editor)
    if getattr(config, "confluence_cloud", None):
        return "v2"
    host = urlsplit(str(getattr(config, "confluence_server_url", None) or "")).hostname or ""
    if any(host == h or host.endswith("." + h) for h in CLOUD_HOSTS):
        return "v2"
    return "v1"


def publish_order(env: BuildEnvironment, root: str) -> tuple[list[str], dict[str, str | None]]:
    """Docnames parents-first (toctree depth-first from ``root``, then orphans sorted)
    and each document's parent docname (the first document whose toctree lists it)."""
    includes = env.toctree_includes
    order: list[str] = []
    parents: dict[str, str | None] = {}
    found = env.found_docs
    if root in found:
        parents[root] = None
        stack = [root]
        while stack:
            doc = stack.pop()
            order.append(doc)
            children = [c for c in includes.get(doc, ()) if c in found and c not in parents]
            for child in children:
                parents[child] = doc
            stack.extend(reversed(children))
    for doc in sorted(found - set(parents)):
        parents[doc] = None
        order.append(doc)
    return order, parents


def heading_of(env: BuildEnvironment, docname: str) -> str | None:
    node = env.titles.get(docname)
    if node is None:
        return None
    text = node.astext().strip()
    return None if not text or text == NO_TITLE else text


class ConfluenceBuilder(Builder):
    """Writes one Confluence storage-format page per document."""

    name = "confluence"
    format = "confluence_storage"
    epilog = "The Confluence pages are in %(outdir)s."
    allow_parallel = True
    default_translator_class = StorageTranslator
    supported_image_types = [
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/svg+xml",
        "image/x-ms-bmp",
    ]
    supported_remote_images = True
    #: sphinx.ext.linkcode adds its [source] links for builders of this format
    supported_linkcode = "confluence_storage"
    supported_data_uri_images = False

    current_docname: str | None = None
    #: documents this run writes (Sphinx's write set); a document outside it without a
    #: page on disk comes from a build of named files only (``sphinx-build ... index.rst``)
    writing: Set[str] = frozenset()

    def init(self) -> None:
        self.editor = resolve_editor(self.config)
        suffix = getattr(self.config, "confluence_file_suffix", None) or ".conf"
        if suffix.endswith("."):
            raise ConfluenceConfigError(
                "confluence_file_suffix", f"{suffix!r} must not end with a dot (e.g. '.conf')"
            )
        self.out_suffix = suffix
        extra = list(getattr(self.config, "confluence_additional_mime_types", None) or ())
        for media_type in extra:
            if mimetypes.guess_extension(str(media_type), strict=False) is None:
                logger.warning("confluence_additional_mime_types: unknown MIME type %r",
                               media_type, type="confluence", subtype="config")
        # an instance value: the extra types of this project only
        self.supported_image_types = [*type(self).supported_image_types,  # type: ignore[misc]
                                      *(m for m in extra if m not in self.supported_image_types)]
        self.titles: dict[str, str] = {}
        self.parents: dict[str, str | None] = {}
        self.order: list[str] = []
        self.secnumbers: dict[str, tuple[int, ...]] = {}
        #: docnames of the generated pages (genindex, domain indices, search)
        self.generated: list[str] = []
        self._layout_ready = False
        self._finished = False
        self.chrome = Chrome(self.config, self.confdir)
        # configuration, credentials and a connection probe, before any source is read
        self._connection = check_before_build(self)

    # -- which documents to write ---------------------------------------------------------

    def get_outdated_docs(self) -> Iterator[str]:
        for docname in self.env.found_docs:
            if docname not in self.env.all_docs:
                yield docname
                continue
            try:  # both files must exist (the suffix may have changed since)
                target_mtime = min(
                    _last_modified_time(pages.meta_path(self.outdir, docname)),
                    _last_modified_time(pages.body_path(self.outdir, docname, self.out_suffix)),
                )
            except OSError:
                target_mtime = 0
            try:
                if _last_modified_time(self.env.doc2path(docname)) > target_mtime:
                    yield docname
            except OSError:
                pass  # the source is gone

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        # internal references carry the target docname; the translator maps it to a title
        return docname

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    # -- writing --------------------------------------------------------------------------

    def compute_layout(self) -> None:
        """Order, parents and titles of every document (deterministic, from the env)."""
        root = self.config.root_doc
        self.order, self.parents = publish_order(self.env, root)
        self.secnumbers = {
            doc: tuple(nums[""]) for doc, nums in self.env.toc_secnumbers.items() if nums.get("")
        }
        headings: dict[str, str | None] = {doc: heading_of(self.env, doc) for doc in self.order}
        extra = generated.select(self)
        self.generated = [doc for doc, _heading in extra]
        for doc, heading in extra:
            self.order.append(doc)
            self.parents[doc] = root
            headings[doc] = heading
        self.titles = compute_titles(
            self.order, headings, self.secnumbers, TitleOptions.from_config(self.config)
        )
        # a document without a page hands its children to its own parent
        for doc in self.order:
            parent = self.parents.get(doc)
            while parent is not None and parent not in self.titles:
                parent = self.parents.get(parent)
            self.parents[doc] = parent
        self.layout_chrome()
        self._layout_ready = True

    def layout_chrome(self) -> None:
        """Prev/next sequence, titles and source suffixes for the page chrome."""
        navdocs = [d for d in self.order if d in self.titles and d not in self.generated]
        transform = getattr(self.config, "confluence_navdocs_transform", None)
        suffixes = {doc: Path(self.env.doc2path(doc)).suffix for doc in self.env.found_docs}
        self.chrome.set_layout(self.titles, nav_order(self, navdocs, transform), suffixes)

    def prepare_writing(self, docnames: Set[str]) -> None:
        self.writing = frozenset(docnames)
        if not self._layout_ready:  # usually done already in env-get-updated
            self.compute_layout()

    def write_doc_serialized(self, docname: str, doctree: nodes.document) -> None:
        # main process, before the document may go to a parallel worker
        early_notices(self, doctree)

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        self.current_docname = docname
        if docname not in self.titles:
            pages.remove_page(self.outdir, docname, self.out_suffix)
            return
        for image in doctree.findall(nodes.image):
            # images added after reading have no candidates: leave their URI alone
            image.setdefault("candidates", {"?": image.get("uri", "")})
        self.post_process_images(doctree)  # pick a file for each ``image.*`` glob
        visitor = cast(StorageTranslator, self.create_translator(doctree, self))
        doctree.walkabout(visitor)
        body = self.decorate(docname, visitor.astext())
        labels = set(visitor.labels) | set(
            getattr(self.config, "confluence_global_labels", None) or ()
        )
        attachments = tuple(
            pages.store_attachment(self.outdir, name, path)
            for name, path in visitor.attachments.items()
        )
        linked = set(visitor.links) | set(self.chrome.linked(docname))
        links = tuple(sorted(d for d in linked if d in self.titles))
        props = visitor.page_properties  # confluence_metadata
        meta = pages.PageMeta(
            docname=docname,
            title=self.titles[docname],
            parent=self.parents.get(docname),
            labels=tuple(sorted(labels)),
            attachments=attachments,
            links=links,
            link_titles={d: self.titles[d] for d in links},
            chrome=self.chrome.fingerprint(docname),
            guid=props.get("guid"),
            full_width=props.get("full_width"),
        )
        pages.write_page(self.outdir, self.out_suffix, body, meta)

    def decorate(self, docname: str, body: str) -> str:
        """A page body with the page chrome around it."""
        return self.chrome.decorate(docname, body)

    def _stale_page_names(self) -> list[str]:
        """Docnames with a page on disk that no longer get a page."""
        found = []
        for meta_file in self.outdir.rglob("*" + pages.META_SUFFIX):
            docname = meta_file.relative_to(self.outdir).as_posix()[: -len(pages.META_SUFFIX)]
            if docname not in self.titles:
                found.append(docname)
        return found

    def has_stale_pages(self) -> bool:
        return bool(self._stale_page_names())

    def _remove_stale_pages(self) -> None:
        """Drop pages of documents that were removed or no longer get a page."""
        for docname in self._stale_page_names():
            pages.remove_page(self.outdir, docname, self.out_suffix)

    def finish(self) -> None:
        self._finished = True
        if not self._layout_ready:
            self.compute_layout()
        self._remove_stale_pages()
        for docname in self.generated:
            if docname in self.titles:
                generated.write(self, docname, self.decorate)
        inventory.write(self, getattr(self, "anchor_map", None))
        metas: dict[str, pages.PageMeta] = {}
        for docname in self.order:
            if docname not in self.titles:
                continue
            meta = pages.read_meta(self.outdir, docname)
            if meta is None and docname not in self.writing:
                continue  # a partial build did not write it: not in the bundle
            if meta is None:
                logger.warning(
                    "page of %r is missing from %s; rebuild with -E",
                    docname,
                    self.outdir,
                    type="confluence",
                    subtype="build",
                )
                continue
            metas[docname] = meta
        info = {
            "project": self.config.project,
            "version": self.config.version,
            "release": self.config.release,
            "editor": self.editor,
            "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "root": self.config.root_doc,
        }
        if len(metas) < sum(1 for d in self.order if d in self.titles):
            info["partial"] = True
        pages.write_manifest(
            self.outdir, info=info, order=self.order, metas=metas, suffix=self.out_suffix,
            embed=bool(getattr(self.config, "confluence_manifest_data", False)),
        )
        if getattr(self.config, "confluence_publish", False):
            publish_after_build(self, self._connection)


def _stale_link_docs(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: documents whose page must be rewritten although their source
    did not change: their own title or parent changed, or a page they link to was
    renamed (links are made by title)."""
    builder = app.builder
    if not isinstance(builder, ConfluenceBuilder):
        return []
    builder.compute_layout()
    stale: list[str] = []
    for docname in builder.order:
        if docname not in builder.titles or docname in builder.generated:
            continue
        meta = pages.read_meta(builder.outdir, docname)
        if meta is None:
            continue
        if meta.title != builder.titles[docname] or meta.parent != builder.parents.get(docname):
            stale.append(docname)
        elif any(builder.titles.get(d) != t for d, t in meta.link_titles.items()):
            stale.append(docname)
        elif meta.chrome != builder.chrome.fingerprint(docname):
            stale.append(docname)  # header/footer, neighbours or source link changed
    if not stale and builder.has_stale_pages():
        # a page must go although no source changed; Sphinx ends a build with nothing
        # to read before finish(), so rewrite the root page to get there
        stale.append(app.config.root_doc)
    return stale


def _finish_if_skipped(app: Sphinx, exc: Exception | None) -> None:
    """``build-finished``: Sphinx 8.0 ends an update build with nothing out of date before
    ``finish()`` (8.1 and later run it anyway); run it here so that such a build still
    writes its manifest and publishes, as on the later releases."""
    builder = app.builder
    if exc is None and isinstance(builder, ConfluenceBuilder) and not builder._finished:
        builder.finish()


def register_builder_hooks(app: Sphinx) -> None:
    """Events the builder relies on (called from ``setup``)."""
    app.connect("env-get-updated", _stale_link_docs)
    app.connect("build-finished", _finish_if_skipped, priority=100)
