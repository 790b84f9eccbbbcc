"""The plan: every write a publish will make, decided before the first one.

``make_plan`` is pure: it takes the pages read from disk, the remote listing (one
call, with our identity property) and the resolved placement, and returns a
:class:`Plan` of creates, updates, moves, unchanged pages, attachment changes and
removals. It raises (and nothing has been written yet) on trample, cycles and refused
cleanup.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfluencePublishError, ConfluenceTrampleError
from ..pages import Page
from ..rest.base import RemotePage, Space
from .cleanup import Removal, cleanup_scope, left_behind, plan_removals
from .identity import Identity, RemoteIndex, content_hash, identity_of, trample_error
from .names import attachment_names, rename_references
from .order import Reorder, plan_reorders
from .settings import IDENTITY_KEY, PublishSettings

PAGE_WRITES = ("create", "update", "move")


@dataclass(frozen=True)
class AttachmentChange:
    docname: str
    name: str
    sha256: str
    media_type: str
    size: int
    #: absolute path of the file to upload ('' for deletions)
    path: str
    #: 'upload', 'unchanged' or 'delete'
    action: str
    #: id recorded at our last publish, if any
    attachment_id: str | None = None


@dataclass(frozen=True)
class PageChange:
    docname: str
    title: str
    #: 'create', 'update', 'move', 'unchanged' or 'skip' (left alone: only-new)
    action: str
    #: depth below the root document (0 = no parent among the published documents)
    level: int
    #: parent document when the parent is one of the pages published now
    parent_doc: str | None
    #: fixed parent page id when ``parent_doc`` is None (None: space root)
    parent_id: str | None
    #: leave the page where it is (the configured publish root)
    keep_parent: bool = False
    page_id: str | None = None
    version: int | None = None
    old_parent_id: str | None = None
    old_title: str = ""
    reasons: tuple[str, ...] = ()
    found_by: str | None = None
    hash: str = ""
    labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    replace_labels: bool = False
    labels_changed: bool = False
    appearance: str | None = None
    appearance_changed: bool = False
    attachments: tuple[AttachmentChange, ...] = ()
    recorded: Identity | None = None
    #: version of the page's identity property when the listing told it (saves a read)
    identity_version: int | None = None
    body: str = field(default="", repr=False)
    url: str = ""
    #: the page's place among its siblings when the listing told it
    position: int | None = None

    @property
    def writes_page(self) -> bool:
        return self.action in PAGE_WRITES

    @property
    def attachment_work(self) -> bool:
        return any(a.action != "unchanged" for a in self.attachments)


@dataclass(frozen=True)
class Plan:
    space: Space
    base_parent_id: str | None
    root_docname: str
    pages: tuple[PageChange, ...]
    removals: tuple[Removal, ...] = ()
    warnings: tuple[str, ...] = ()
    dryrun: bool = False
    #: parents whose children are put in toctree order once the pages exist
    reorders: tuple[Reorder, ...] = ()
    #: stale pages of ours (document gone) holding a title a page of this plan takes:
    #: renamed out of the way first
    vacate: tuple[RemotePage, ...] = ()
    #: pages of ours whose document is gone, kept because cleanup is off
    left_behind: tuple[RemotePage, ...] = ()

    def of(self, action: str) -> list[PageChange]:
        return [p for p in self.pages if p.action == action]

    @property
    def creates(self) -> list[PageChange]:
        return self.of("create")

    @property
    def updates(self) -> list[PageChange]:
        return self.of("update")

    @property
    def moves(self) -> list[PageChange]:
        return [p for p in self.pages if p.action == "move"
                or (p.action == "update" and "moved" in p.reasons)]

    @property
    def unchanged(self) -> list[PageChange]:
        return self.of("unchanged")

    def attachment_changes(self, action: str) -> list[AttachmentChange]:
        return [a for p in self.pages for a in p.attachments if a.action == action]

    @property
    def writes(self) -> bool:
        return bool(self.removals or self.reorders) or any(p.writes_page or p.attachment_work
                                          or p.labels_changed or p.appearance_changed
                                          for p in self.pages)

    def title_holders(self) -> list[PageChange]:
        """Pages of ours that hold a title another page of this plan takes, while they
        change title themselves (a swap or a rotation of titles): they are renamed out of
        the way first."""
        holders = {p.old_title.casefold(): p for p in self.pages
                   if p.page_id and p.writes_page and p.old_title
                   and p.old_title.casefold() != p.title.casefold()}
        out = []
        for page in self.pages:
            holder = holders.get(page.title.casefold())
            if page.writes_page and holder is not None and holder is not page:
                out.append(holder)
        return out

    def to_json(self) -> dict[str, Any]:
        def page(p: PageChange) -> dict[str, Any]:
            return {"docname": p.docname, "title": p.title, "action": p.action,
                    "reasons": list(p.reasons), "page_id": p.page_id,
                    "parent": p.parent_doc, "parent_id": p.parent_id,
                    "old_parent_id": p.old_parent_id, "found_by": p.found_by,
                    "labels": list(p.labels),
                    "attachments": [{"name": a.name, "action": a.action, "sha256": a.sha256}
                                    for a in p.attachments]}
        return {
            "spec": "scb-plan/1",
            "space": self.space.key,
            "parent_id": self.base_parent_id,
            "root": self.root_docname,
            "summary": {k: len(v) for k, v in (
                ("create", self.creates), ("update", self.updates), ("move", self.moves),
                ("unchanged", self.unchanged))}
            | {"upload": len(self.attachment_changes("upload")),
               "delete_attachment": len(self.attachment_changes("delete")),
               "remove": len(self.removals), "reorder": len(self.reorders)},
            "pages": [page(p) for p in self.pages],
            "reorders": [{"parent": r.parent_doc, "parent_id": r.parent_id,
                          "children": list(r.children), "reason": r.reason}
                         for r in self.reorders],
            "removals": [{"page_id": r.page_id, "title": r.title, "docname": r.docname,
                          "mode": r.mode} for r in self.removals],
            "vacate": [{"page_id": p.id, "title": p.title} for p in self.vacate],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Placement:
    """Where things go, resolved by the publisher's preflight."""

    space: Space
    #: parent of the root document's page (None: space root)
    base_parent_id: str | None
    #: the configured publish root page (its content is replaced by the root document)
    root_page: RemotePage | None = None
    #: parent of orphan documents (None: space root)
    orphan_parent_id: str | None = None


def _parents(pages: Sequence[Page], root: str, settings: PublishSettings,
             placement: Placement, index: RemoteIndex) -> dict[str, tuple[str | None, str | None]]:
    """docname -> (parent docname, fixed parent id)."""
    published = {p.docname for p in pages}
    top = placement.root_page.id if placement.root_page else placement.base_parent_id
    out: dict[str, tuple[str | None, str | None]] = {}
    for page in pages:
        doc = page.docname
        if doc == root:
            out[doc] = (None, placement.base_parent_id)
        elif page.parent is None:
            out[doc] = (None, placement.orphan_parent_id)
        elif not settings.page_hierarchy:
            out[doc] = (None, top)
        elif page.parent in published:
            out[doc] = (page.parent, None)
        else:
            remote = index.ours.get(page.parent)
            out[doc] = (None, remote[0].id if remote else top)
    return out


def _attachments(page: Page, remote: RemotePage | None, recorded: Identity | None,
                 outdir: str, settings: PublishSettings, force: bool
                 ) -> tuple[AttachmentChange, ...]:
    names = attachment_names(page)
    known = recorded.attachments if recorded is not None and remote is not None else {}
    changes: list[AttachmentChange] = []
    wanted: set[str] = set()
    for att in page.meta.attachments:
        name = names[att.name]
        if name in wanted:
            continue
        wanted.add(name)
        entry = known.get(name, {})
        same = entry.get("sha256") == att.sha256
        if settings.asset_override is False and remote is not None:
            action = "unchanged"
        elif same and not force and settings.asset_override is not True:
            action = "unchanged"
        else:
            action = "upload"
        changes.append(AttachmentChange(page.docname, name, att.sha256, att.media_type,
                                        att.size, f"{outdir}/{att.path}", action,
                                        entry.get("id")))
    for name, entry in sorted(known.items()):
        if name not in wanted:
            changes.append(AttachmentChange(page.docname, name, str(entry.get("sha256", "")),
                                            "", 0, "", "delete", entry.get("id")))
    return tuple(changes)


def title_matches(pages: Sequence[Page], remote: Sequence[RemotePage],
                  settings: PublishSettings) -> list[tuple[Page, RemotePage]]:
    """Documents whose page would be found by title only (candidates for adoption)."""
    index = RemoteIndex(remote, settings.project)
    current = {p.docname for p in pages}
    out = []
    for page in pages:
        match = index.find(page.docname, page.title, current)
        if match is not None and match.how == "title" and identity_of(match.page) is None:
            out.append((page, match.page))
    return out


def _override(page_id: str, docname: str, index: RemoteIndex, space: Space) -> RemotePage:
    page = index.by_id.get(page_id)
    if page is None:
        raise ConfluencePublishError(
            f"the confluence-publish-override-pageid event gave page id {page_id} for "
            f"document {docname!r}, but space {space.key!r} has no such page (or the "
            "publishing user cannot see it)",
            hint="Return the id of an existing page of the space, or None to let the "
                 "publisher choose.")
    return page


def make_plan(pages: Sequence[Page], *, root: str, outdir: str, remote: Sequence[RemotePage],
              placement: Placement, settings: PublishSettings,
              adoptable: Collection[str] = (),
              page_ids: Mapping[str, str] | None = None) -> Plan:
    """``adoptable``: ids of unclaimed pages holding exactly our body at version 1 (a
    create of ours whose identity property was never written); they are taken back.
    ``page_ids``: docname -> the page id a document must be written to (the
    ``confluence-publish-override-pageid`` event), taking precedence over matching."""

    index = RemoteIndex(remote, settings.project)
    #: every document of the bundle, published now or left out (allow/deny list, orphans)
    documents = {p.docname for p in pages}
    pages = [p for p in pages if settings.selected(p.docname)
             and (settings.publish_orphan or p.parent is not None or p.docname == root)]
    current = {p.docname for p in pages}
    homepage = placement.space.homepage_id
    base = placement.base_parent_id
    above_base = {base, *index.ancestors(base)} - {None}
    parents = _parents(pages, root, settings, placement, index)
    appearance = None if settings.full_width is None else (
        "full-width" if settings.full_width else "default")
    warnings: list[str] = []
    changes: dict[str, PageChange] = {}
    matched: set[str] = set()
    for page in pages:
        doc, title = page.docname, page.title
        parent_doc, parent_id = parents[doc]
        level = 0 if parent_doc is None else changes[parent_doc].level + 1
        found = None
        how = None
        if page_ids and doc in page_ids:
            found, how = _override(page_ids[doc], doc, index, placement.space), "override"
        elif doc == root and placement.root_page is not None:
            found, how = placement.root_page, "root"
        else:
            match = index.find(doc, title, documents)
            if match is not None:
                found, how = match.page, match.how
        if found is not None and found.id == homepage:
            raise trample_error(doc, title, found, homepage=True)
        if found is not None and found.id in above_base:
            raise ConfluencePublishError(
                f"document {doc!r} ({title!r}) matches page id {found.id}, which is the parent "
                "page or one of its ancestors; a page cannot be placed under itself",
                hint="Point confluence_parent_page at a page outside this documentation, or "
                     "give the document another title.",
                options=("confluence_parent_page",))
        if found is not None and how == "title" and found.id in adoptable:
            how = "recovered"
        if found is not None and how == "title" and not settings.trample:
            raise trample_error(doc, title, found)
        if found is not None and found.id in matched:
            raise ConfluencePublishError(f"two documents map to page id {found.id} "
                                         f"({found.title!r}); the second is {doc!r}")
        if found is not None:
            matched.add(found.id)
        recorded = identity_of(found) if found is not None and how != "title" else None
        if recorded is not None and recorded.project != settings.project:
            recorded = None
        parent_key = parent_doc if parent_doc is not None else f"id:{parent_id}"
        labels = tuple(sorted(set(page.meta.labels) | set(settings.global_labels)))
        body = rename_references(page.body, attachment_names(page))
        page_appearance = appearance if page.meta.full_width is None else (
            "full-width" if page.meta.full_width else "default")
        digest = content_hash(title=title, body=body, parent=parent_key, labels=labels,
                              appearance=page_appearance)
        keep_parent = doc == root and placement.root_page is not None
        reasons: list[str] = []
        if found is None:
            action = "create"
        elif settings.onlynew:
            action = "skip"
        else:
            if how in ("title", "root", "recovered", "override") and recorded is None:
                reasons.append({"title": "taken over", "root": "publish root",
                                "recovered": "recovered", "override": "page id override"}[how])
            if how == "renamed":
                reasons.append("renamed document")
            if recorded is not None and recorded.version != found.version:
                reasons.append("edited by hand")
                warnings.append(f"page {found.title!r} (id {found.id}) was edited in Confluence "
                                f"since the last publish (version {recorded.version} -> "
                                f"{found.version}); it is overwritten by {doc!r}")
            if recorded is None or recorded.hash != digest:
                reasons.append("content")
            if found.title != title:
                reasons.append("title")
                holder = index.by_title.get(title.casefold())
                if holder is not None and holder.id != found.id and not index.is_ours(holder):
                    where = (f"page {holder.title!r} (id {holder.id}"
                             f"{', ' + holder.url if holder.url else ''})")
                    raise ConfluenceTrampleError(
                        f"document {doc!r} changes its page's title to {title!r}, which "
                        f"{where} holds; that page was not published by this project and "
                        "is left alone",
                        hint="Rename, move or delete that page, or give the document another "
                             "title (confluence_title_overrides, confluence_publish_prefix or "
                             "confluence_publish_postfix).",
                        options=("confluence_title_overrides", "confluence_publish_prefix",
                                 "confluence_publish_postfix"))
            if settings.force:
                reasons.append("forced")
            moved = False
            if not keep_parent:
                if parent_doc is not None:
                    want = changes[parent_doc].page_id
                    moved = want is None or settings.parent_for(doc, want) != found.parent_id
                else:
                    moved = settings.parent_for(doc, parent_id) != found.parent_id
            if moved:
                reasons.append("moved")
            if not reasons:
                action = "unchanged"
            elif reasons == ["moved"]:
                action = "move"
            else:
                action = "update"
        rec_labels = set(recorded.labels) if recorded else set()
        labels_changed = action == "create" and bool(labels)
        if action not in ("create", "skip"):
            labels_changed = (set(labels) != rec_labels or settings.force
                              or not settings.append_labels and action != "unchanged")
        changes[doc] = PageChange(
            docname=doc, title=title, action=action, level=level, parent_doc=parent_doc,
            parent_id=parent_id, keep_parent=keep_parent,
            page_id=found.id if found else None, version=found.version if found else None,
            old_parent_id=found.parent_id if found else None, reasons=tuple(reasons),
            old_title=found.title if found else "",
            found_by=how, hash=digest, labels=labels,
            remove_labels=tuple(sorted(rec_labels - set(labels))),
            replace_labels=not settings.append_labels,
            labels_changed=labels_changed,
            appearance=page_appearance,
            appearance_changed=(page_appearance is not None and action != "skip"
                                and (recorded is None or recorded.appearance != page_appearance
                                     or settings.force)),
            attachments=() if action == "skip" else _attachments(
                page, found, recorded, outdir, settings, settings.force),
            recorded=recorded, body=body, url=found.url if found else "",
            position=found.position if found else None,
            identity_version=found.property_versions.get(IDENTITY_KEY) if found else None)
    vacate: list[RemotePage] = []
    by_page = {c.page_id: c for c in changes.values() if c.page_id}
    for change in changes.values():
        holder = index.by_title.get(change.title.casefold())
        if (not change.writes_page or holder is None
                or change.old_title.casefold() == change.title.casefold()):
            continue
        if holder.id in matched:
            other = by_page.get(holder.id)
            if other is not None and other.action == "skip":
                raise ConfluencePublishError(
                    f"document {change.docname!r} takes the title {change.title!r}, which "
                    f"the page of document {other.docname!r} still holds; only-new leaves "
                    "that page (and its title) as it is",
                    hint="Publish once without confluence_publish_onlynew, or give the "
                         "document another title.",
                    options=("confluence_publish_onlynew", "confluence_title_overrides"))
            continue
        ident = identity_of(holder)
        if ident is not None and ident.project == settings.project and \
                ident.docname in documents and ident.docname not in current:
            raise ConfluencePublishError(
                f"document {change.docname!r} takes the title {change.title!r}, which the "
                f"page of document {ident.docname!r} (id {holder.id}) holds; that document "
                "is left out of this publish, so its page keeps its title",
                hint="Publish that document too (confluence_publish_allowlist / "
                     "confluence_publish_denylist), or give the document another title.",
                options=("confluence_publish_allowlist", "confluence_publish_denylist",
                         "confluence_title_overrides"))
        placed = {homepage, settings.publish_root, placement.orphan_parent_id, *above_base}
        if ident is None or ident.project != settings.project or ident.docname in current \
                or holder.id in placed:
            raise ConfluencePublishError(
                f"document {change.docname!r} takes the title {change.title!r}, which page "
                f"{holder.title!r} (id {holder.id}) holds; that page is not a stale page of "
                "this project (it was not published by it, it also claims a document "
                "published now: a copy made in Confluence?, or it is the homepage or a "
                "configured placement page) and is left alone",
                hint="Rename or delete that page, or give the document another title.",
                options=("confluence_title_overrides",))
        vacate.append(holder)   # a page of ours whose document is gone
    removals: tuple[Removal, ...] = ()
    left: tuple[RemotePage, ...] = ()
    root_change = changes.get(root)
    scope_id, known = cleanup_scope(settings, base_parent_id=base,
                                    root_page_id=root_change.page_id if root_change else None)
    protected = {homepage, base, settings.publish_root, placement.orphan_parent_id, *above_base}
    if settings.cleanup and known:
        removals, extra = plan_removals(index, settings, scope_id=scope_id,
                                        kept_ids=matched, protected=protected,
                                        current=current)
        warnings.extend(extra)
    elif known:
        left = left_behind(index, scope_id=scope_id, kept_ids=matched, protected=protected,
                           current=current)
    return Plan(space=placement.space, base_parent_id=base, root_docname=root,
                pages=tuple(changes.values()), removals=removals, warnings=tuple(warnings),
                dryrun=settings.dryrun,
                reorders=plan_reorders(changes.values(), onlynew=settings.onlynew),
                vacate=tuple(vacate), left_behind=left)

