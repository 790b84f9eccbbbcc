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

from ..errors import ConfluencePublishError, ConfluenceTrampleError
from ..pages import Page
from ..rest.base import RemotePage, Space
from .cleanup import Removal, cleanup_scope, left_behind, plan_removals
from .identity import Identity, RemoteIndex, content_hash, identity_of, trample_error
from .names import attachment_names, rename_references
from .order import plan_reorders
from .plantypes import (  # re-exported: the plan's values are imported from here
    PAGE_WRITES,
    AttachmentAction,
    AttachmentChange,
    PageAction,
    PageChange,
    Placement,
    Plan,
)
from .settings import IDENTITY_KEY, PublishSettings

__all__ = ["PAGE_WRITES", "AttachmentChange", "PageChange", "Placement", "Plan", "make_plan",
           "title_matches"]


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
        action: AttachmentAction
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


@dataclass
class _Planning:
    """What every step of :func:`make_plan` reads, and what it has decided so far."""

    index: RemoteIndex
    settings: PublishSettings
    placement: Placement
    root: str
    outdir: str
    #: every document of the bundle, published now or left out (allow/deny list, orphans)
    documents: set[str]
    #: the documents published now
    current: set[str]
    adoptable: Collection[str]
    page_ids: Mapping[str, str]
    above_base: set[str | None]
    warnings: list[str] = field(default_factory=list)
    changes: dict[str, PageChange] = field(default_factory=dict)
    matched: set[str] = field(default_factory=set)

    @property
    def homepage(self) -> str | None:
        return self.placement.space.homepage_id


def make_plan(pages: Sequence[Page], *, root: str, outdir: str, remote: Sequence[RemotePage],
              placement: Placement, settings: PublishSettings,
              adoptable: Collection[str] = (),
              page_ids: Mapping[str, str] | None = None) -> Plan:
    """``adoptable``: ids of unclaimed pages holding exactly our body at version 1 (a
    create of ours whose identity property was never written); they are taken back.
    ``page_ids``: docname -> the page id a document must be written to (the
    ``confluence-publish-override-pageid`` event), taking precedence over matching."""
    index = RemoteIndex(remote, settings.project)
    documents = {p.docname for p in pages}
    pages = [p for p in pages if settings.selected(p.docname)
             and (settings.publish_orphan or p.parent is not None or p.docname == root)]
    base = placement.base_parent_id
    ctx = _Planning(index=index, settings=settings, placement=placement, root=root,
                    outdir=outdir, documents=documents, current={p.docname for p in pages},
                    adoptable=adoptable, page_ids=page_ids or {},
                    above_base={base, *index.ancestors(base)} - {None})
    parents = _parents(pages, root, settings, placement, index)
    for page in pages:
        ctx.changes[page.docname] = _page_change(ctx, page, *parents[page.docname])
    vacate = _vacate(ctx)
    removals, left = _cleanup(ctx)
    return Plan(space=placement.space, base_parent_id=base, root_docname=root,
                pages=tuple(ctx.changes.values()), removals=removals,
                warnings=tuple(ctx.warnings), dryrun=settings.dryrun,
                reorders=plan_reorders(ctx.changes.values(), onlynew=settings.onlynew),
                vacate=tuple(vacate), left_behind=left)


def _find(ctx: _Planning, doc: str, title: str) -> tuple[RemotePage | None, str | None]:
    """The page a document is written to and how it was found (None: a create)."""
    found: RemotePage | None = None
    how: str | None = None
    if doc in ctx.page_ids:
        found, how = _override(ctx.page_ids[doc], doc, ctx.index, ctx.placement.space), "override"
    elif doc == ctx.root and ctx.placement.root_page is not None:
        found, how = ctx.placement.root_page, "root"
    else:
        match = ctx.index.find(doc, title, ctx.documents)
        if match is not None:
            found, how = match.page, match.how
    if found is None:
        return None, None
    if found.id == ctx.homepage:
        raise trample_error(doc, title, found, homepage=True)
    if found.id in ctx.above_base:
        raise ConfluencePublishError(
            f"document {doc!r} ({title!r}) matches page id {found.id}, which is the parent "
            "page or one of its ancestors; a page cannot be placed under itself",
            hint="Point confluence_parent_page at a page outside this documentation, or "
                 "give the document another title.",
            options=("confluence_parent_page",))
    if how == "title" and found.id in ctx.adoptable:
        how = "recovered"
    if how == "title" and not ctx.settings.trample:
        raise trample_error(doc, title, found)
    if found.id in ctx.matched:
        raise ConfluencePublishError(f"two documents map to page id {found.id} "
                                     f"({found.title!r}); the second is {doc!r}")
    ctx.matched.add(found.id)
    return found, how


def _page_change(ctx: _Planning, page: Page, parent_doc: str | None,
                 parent_id: str | None) -> PageChange:
    """Decide what happens to one document's page."""
    settings, doc, title = ctx.settings, page.docname, page.title
    level = 0 if parent_doc is None else ctx.changes[parent_doc].level + 1
    found, how = _find(ctx, doc, title)
    recorded = identity_of(found) if found is not None and how != "title" else None
    if recorded is not None and recorded.project != settings.project:
        recorded = None
    parent_key = parent_doc if parent_doc is not None else f"id:{parent_id}"
    labels = tuple(sorted(set(page.meta.labels) | set(settings.global_labels)))
    body = rename_references(page.body, attachment_names(page))
    appearance = _appearance(settings.full_width if page.meta.full_width is None
                             else page.meta.full_width)
    digest = content_hash(title=title, body=body, parent=parent_key, labels=labels,
                          appearance=appearance)
    keep_parent = doc == ctx.root and ctx.placement.root_page is not None
    action, reasons = _action(ctx, page, found, how, recorded, digest,
                              None if keep_parent else (parent_doc, parent_id))
    rec_labels = set(recorded.labels) if recorded else set()
    return PageChange(
        docname=doc, title=title, action=action, level=level, parent_doc=parent_doc,
        parent_id=parent_id, keep_parent=keep_parent,
        page_id=found.id if found else None, version=found.version if found else None,
        old_parent_id=found.parent_id if found else None, reasons=tuple(reasons),
        old_title=found.title if found else "", found_by=how, hash=digest, labels=labels,
        remove_labels=tuple(sorted(rec_labels - set(labels))),
        replace_labels=not settings.append_labels,
        labels_changed=_labels_changed(action, labels, rec_labels, settings),
        appearance=appearance,
        appearance_changed=(appearance is not None and action != "skip"
                            and (recorded is None or recorded.appearance != appearance
                                 or settings.force)),
        attachments=() if action == "skip" else _attachments(
            page, found, recorded, ctx.outdir, settings, settings.force),
        recorded=recorded, body=body, url=found.url if found else "",
        position=found.position if found else None,
        identity_version=found.property_versions.get(IDENTITY_KEY) if found else None)


def _action(ctx: _Planning, page: Page, found: RemotePage | None, how: str | None,
            recorded: Identity | None, digest: str,
            parent: tuple[str | None, str | None] | None) -> tuple[PageAction, list[str]]:
    """What happens to the page and why; ``parent`` (document, page id) is where it
    belongs, None when it keeps the parent it has (the root under a root page)."""
    if found is None:
        return "create", []
    if ctx.settings.onlynew:
        return "skip", []
    reasons = _reasons(ctx, page.docname, page.title, found, how, recorded, digest)
    if parent is not None and _moved(ctx, page.docname, found, *parent):
        reasons.append("moved")
    action: PageAction = "unchanged" if not reasons else \
        "move" if reasons == ["moved"] else "update"
    return action, reasons


def _labels_changed(action: PageAction, labels: tuple[str, ...], recorded: set[str],
                    settings: PublishSettings) -> bool:
    """Whether the page's labels are written: a create with labels, or labels that
    differ from the recorded ones (any update when labels are replaced, not added)."""
    if action == "create":
        return bool(labels)
    if action == "skip":
        return False
    return (set(labels) != recorded or settings.force
            or not settings.append_labels and action != "unchanged")


def _appearance(full_width: bool | None) -> str | None:
    return None if full_width is None else ("full-width" if full_width else "default")


_TAKEN_BY = {"title": "taken over", "root": "publish root", "recovered": "recovered",
             "override": "page id override"}


def _reasons(ctx: _Planning, doc: str, title: str, found: RemotePage, how: str | None,
             recorded: Identity | None, digest: str) -> list[str]:
    """Why an existing page is written (empty: it is unchanged), moves aside."""
    reasons: list[str] = []
    if how in _TAKEN_BY and recorded is None:
        reasons.append(_TAKEN_BY[how])
    if how == "renamed":
        reasons.append("renamed document")
    if recorded is not None and recorded.version != found.version:
        reasons.append("edited by hand")
        ctx.warnings.append(f"page {found.title!r} (id {found.id}) was edited in Confluence "
                            f"since the last publish (version {recorded.version} -> "
                            f"{found.version}); it is overwritten by {doc!r}")
    if recorded is None or recorded.hash != digest:
        reasons.append("content")
    if found.title != title:
        reasons.append("title")
        _check_new_title(ctx, doc, title, found)
    if ctx.settings.force:
        reasons.append("forced")
    return reasons


def _check_new_title(ctx: _Planning, doc: str, title: str, found: RemotePage) -> None:
    """Refuse a retitle onto a title a page that is not ours holds."""
    holder = ctx.index.by_title.get(title.casefold())
    if holder is None or holder.id == found.id or ctx.index.is_ours(holder):
        return
    where = f"page {holder.title!r} (id {holder.id}{', ' + holder.url if holder.url else ''})"
    raise ConfluenceTrampleError(
        f"document {doc!r} changes its page's title to {title!r}, which {where} holds; "
        "that page was not published by this project and is left alone",
        hint="Rename, move or delete that page, or give the document another title "
             "(confluence_title_overrides, confluence_publish_prefix or "
             "confluence_publish_postfix).",
        options=("confluence_title_overrides", "confluence_publish_prefix",
                 "confluence_publish_postfix"))


def _moved(ctx: _Planning, doc: str, found: RemotePage, parent_doc: str | None,
           parent_id: str | None) -> bool:
    if parent_doc is not None:
        want = ctx.changes[parent_doc].page_id
        return want is None or ctx.settings.parent_for(doc, want) != found.parent_id
    return ctx.settings.parent_for(doc, parent_id) != found.parent_id


def _vacate(ctx: _Planning) -> list[RemotePage]:
    """Stale pages of ours holding a title a page of this plan takes (renamed away)."""
    vacate: list[RemotePage] = []
    by_page = {c.page_id: c for c in ctx.changes.values() if c.page_id}
    for change in ctx.changes.values():
        holder = ctx.index.by_title.get(change.title.casefold())
        if (not change.writes_page or holder is None
                or change.old_title.casefold() == change.title.casefold()):
            continue
        if holder.id in ctx.matched:
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
        _check_stale_holder(ctx, change, holder)
        vacate.append(holder)   # a page of ours whose document is gone
    return vacate


def _check_stale_holder(ctx: _Planning, change: PageChange, holder: RemotePage) -> None:
    """Refuse to rename a title holder away unless it is a stale page of this project."""
    settings = ctx.settings
    ident = identity_of(holder)
    if ident is not None and ident.project == settings.project and \
            ident.docname in ctx.documents and ident.docname not in ctx.current:
        raise ConfluencePublishError(
            f"document {change.docname!r} takes the title {change.title!r}, which the "
            f"page of document {ident.docname!r} (id {holder.id}) holds; that document "
            "is left out of this publish, so its page keeps its title",
            hint="Publish that document too (confluence_publish_allowlist / "
                 "confluence_publish_denylist), or give the document another title.",
            options=("confluence_publish_allowlist", "confluence_publish_denylist",
                     "confluence_title_overrides"))
    placed = {ctx.homepage, settings.publish_root, ctx.placement.orphan_parent_id,
              *ctx.above_base}
    if ident is None or ident.project != settings.project or ident.docname in ctx.current \
            or holder.id in placed:
        raise ConfluencePublishError(
            f"document {change.docname!r} takes the title {change.title!r}, which page "
            f"{holder.title!r} (id {holder.id}) holds; that page is not a stale page of "
            "this project (it was not published by it, it also claims a document "
            "published now: a copy made in Confluence?, or it is the homepage or a "
            "configured placement page) and is left alone",
            hint="Rename or delete that page, or give the document another title.",
            options=("confluence_title_overrides",))


def _cleanup(ctx: _Planning) -> tuple[tuple[Removal, ...], tuple[RemotePage, ...]]:
    """Removals (cleanup on) or the pages left behind (cleanup off)."""
    settings, base = ctx.settings, ctx.placement.base_parent_id
    root_change = ctx.changes.get(ctx.root)
    scope_id, known = cleanup_scope(settings, base_parent_id=base,
                                    root_page_id=root_change.page_id if root_change else None)
    if not known:
        return (), ()
    protected = {ctx.homepage, base, settings.publish_root, ctx.placement.orphan_parent_id,
                 *ctx.above_base}
    if settings.cleanup:
        removals, extra = plan_removals(ctx.index, settings, scope_id=scope_id,
                                        kept_ids=ctx.matched, protected=protected,
                                        current=ctx.current)
        ctx.warnings.extend(extra)
        return removals, ()
    return (), left_behind(ctx.index, scope_id=scope_id, kept_ids=ctx.matched,
                           protected=protected, current=ctx.current)
