"""Which stale pages cleanup removes, and when it refuses.

Only pages carrying this project's identity property are ever candidates, and only
when nothing suggests a person's copy or edit (the claim is unique, the version and
title are the ones our last write recorded). Cleanup
refuses (before anything is written) when a candidate holds pages that are not ours,
or when more pages would go than ``confluence_cleanup_max_deletes`` allows;
``confluence_cleanup_force`` lifts the limit and keeps (with a warning) the pages that
hold foreign ones, so a page we did not publish is never deleted, archived or moved.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sphinx.util import logging

from ..errors import ConfluenceCleanupRefused
from ..rest.base import RemotePage
from .identity import RemoteIndex, identity_of
from .settings import PublishSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Removal:
    page_id: str
    title: str
    docname: str
    #: 'delete' or 'archive'
    mode: str


def cleanup_scope(settings: PublishSettings, *, base_parent_id: str | None,
                  root_page_id: str | None) -> tuple[str | None, bool]:
    """(page id whose descendants are candidates, scope known). None id = whole space.

    ``scope known`` is False when cleanup-from-root is asked for but the root page does
    not exist yet (nothing to clean then)."""
    if settings.cleanup_from_root:
        return root_page_id, root_page_id is not None
    if settings.publish_root:
        return settings.publish_root, True
    return base_parent_id, True


def _not_ours_to_remove(page: RemotePage, index: RemoteIndex, current: Collection[str]
                        ) -> str:
    """Why a page carrying our identity is still not a cleanup candidate ('' if it is).

    Confluence's "Copy page" copies content properties, so a person's copy carries our
    identity too: a document claimed by two pages, or a page whose version or title is
    not the one our last write recorded (edited, renamed or copied since), is left
    alone. (The content hash itself cannot be checked here: Confluence re-serialises
    the storage format it stores.)"""
    ident = identity_of(page)
    if ident is None:
        return "it carries no identity"
    if ident.docname in current:
        return f"it also claims document {ident.docname!r}, which is still published (a copy?)"
    claimants = index.ours.get(ident.docname, [])
    if len(claimants) > 1:
        others = ", ".join(p.id for p in claimants if p.id != page.id)
        return (f"document {ident.docname!r} is claimed by more than one page (also id "
                f"{others}): a copy made in Confluence carries the claim along, and which "
                "page is the person's cannot be told")
    if ident.version and ident.version != page.version:
        return (f"it changed since our last publish (version {ident.version} recorded, "
                f"{page.version} found): someone edited it, or it is a copy")
    if ident.title and ident.title != page.title:
        return (f"its title changed since our last publish ({ident.title!r} recorded): "
                "someone renamed it, or it is a copy")
    return ""


def left_behind(index: RemoteIndex, *, scope_id: str | None, kept_ids: Collection[str],
                protected: Collection[str | None], current: Collection[str] = ()
                ) -> tuple[RemotePage, ...]:
    """Pages of ours in the cleanup scope whose document is gone (cleanup is off)."""
    found = []
    for page in index.descendants(scope_id):
        if page.id in kept_ids or page.id in protected or not index.is_ours(page):
            continue
        ident = identity_of(page)
        if ident is not None and ident.docname not in current:
            found.append(page)
    return tuple(found)


def within_reach(index: RemoteIndex, page: RemotePage, scope_id: str | None,
                 mode: str) -> bool:
    """Non-aggressive confluence_cleanup_search_mode: a page is looked at only when every
    page between it and the cleanup scope was published by this project."""
    if mode.endswith("-aggressive"):
        return True
    chain = index.ancestors(page.id)
    if scope_id is None:
        chain = chain[:-1]  # the top of the space's page tree (its homepage)
    for ancestor in chain:
        if ancestor == scope_id:
            return True
        holder = index.by_id.get(ancestor)
        if holder is None or not index.is_ours(holder):
            return False
    return True


def plan_removals(index: RemoteIndex, settings: PublishSettings, *, scope_id: str | None,
                  kept_ids: Collection[str], protected: Collection[str | None],
                  current: Collection[str] = ()
                  ) -> tuple[tuple[Removal, ...], tuple[str, ...]]:
    """Removals (children before parents) and warnings; raises ConfluenceCleanupRefused.

    A page that may be a person's copy (see :func:`_not_ours_to_remove`) is left alone,
    and a warning (shown in the plan) says why."""
    mode = "archive" if settings.cleanup_archive else "delete"
    candidates: dict[str, RemotePage] = {}
    warnings: list[str] = []
    for page in index.descendants(scope_id):
        if page.id in kept_ids or page.id in protected or not index.is_ours(page) or \
                not within_reach(index, page, scope_id, settings.cleanup_search_mode):
            continue
        why = _not_ours_to_remove(page, index, current)
        if why:
            warnings.append(f"page {page.title!r} (id {page.id}) is not cleaned up: {why}")
            continue
        candidates[page.id] = page
    warnings.extend(_keep_holders(index, settings, candidates, kept_ids))
    limit = settings.cleanup_max_deletes
    if limit > 0 and len(candidates) > limit and not settings.cleanup_force:
        raise ConfluenceCleanupRefused(
            f"cleanup refused: it would {mode} {len(candidates)} pages, more than "
            f"confluence_cleanup_max_deletes = {limit}",
            hint="Check the scope (confluence_parent_page, confluence_cleanup_from_root), "
                 "then raise confluence_cleanup_max_deletes or set "
                 "confluence_cleanup_force = True.",
            options=("confluence_cleanup_max_deletes", "confluence_cleanup_force"))
    depth = {pid: len(index.ancestors(pid)) for pid in candidates}
    ordered = sorted(candidates.values(), key=lambda p: (-depth[p.id], p.id))
    removals = []
    for page in ordered:
        ident = identity_of(page)
        removals.append(Removal(page.id, page.title, ident.docname if ident else "", mode))
    return tuple(removals), tuple(warnings)


def _keep_holders(index: RemoteIndex, settings: PublishSettings,
                  candidates: dict[str, RemotePage], kept_ids: Collection[str]) -> list[str]:
    """Stale pages holding pages we did not publish: refused, or (cleanup force) kept
    with their ancestors, taken out of ``candidates``; returns the warnings."""
    warnings: list[str] = []
    holding: dict[str, list[RemotePage]] = {}
    for page in candidates.values():
        foreign = [d for d in index.descendants(page.id)
                   if d.id not in candidates and d.id not in kept_ids]
        if foreign:
            holding[page.id] = foreign
    if holding:
        lines = [f"{candidates[pid].title!r} (id {pid}) holds "
                 + ", ".join(f"{f.title!r} (id {f.id})" for f in pages[:5])
                 for pid, pages in holding.items()]
        if not settings.cleanup_force:
            raise ConfluenceCleanupRefused(
                "cleanup refused: stale pages of this project hold pages it did not publish: "
                + "; ".join(lines),
                hint="Move those pages elsewhere first, or set confluence_cleanup_force = True "
                     "to clean up the rest and keep these stale pages.",
                options=("confluence_cleanup_force",))
        for pid in holding:
            # keep the stale page and everything above it that leads to a foreign page
            chain = [pid, *index.ancestors(pid)]
            for keep in chain:
                if candidates.pop(keep, None) is not None:
                    warnings.append(f"cleanup keeps stale page {index.by_id[keep].title!r} "
                                    f"(id {keep}): it holds pages not published by this "
                                    "project")
    return warnings
