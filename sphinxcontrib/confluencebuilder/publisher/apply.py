"""Carry out a plan: pages level by level (parents first), then attachments, then cleanup.

Work runs on a bounded thread pool; results are taken in plan order on the calling
thread, so log lines and events come out ordered. The very first write runs alone:
when the space refuses writes it fails before anything else was sent. A step that
fails is not sent again here (the transport's retry policy has done that); a create
whose answer was lost is found again by its identity instead of being made twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from sphinx.util import logging

from ..errors import (
    ConfluenceConnectionError,
    ConfluencePermissionError,
    ConfluencePublishError,
)
from ..rest.base import ConfluenceClient, RemotePage
from ..titles import MAX_TITLE
from .attachments import Attachments, planned
from .identity import Identity, identity_of
from .journal import claiming, journal_value, pending, settled
from .order import MoveRefused, put_in_order
from .plan import AttachmentChange, PageChange, Plan
from .plantypes import PageDone
from .progress import Progress, bold
from .report import Report, left_behind_names, plan_line
from .schedule import Driver
from .settings import APPEARANCE_KEYS, IDENTITY_KEY, JOURNAL_KEY, PublishSettings

logger = logging.getLogger(__name__)

PageEvent = Callable[[str, str, dict[str, Any]], None]
AttachmentEvent = Callable[[str, str, str, dict[str, Any]], None]

#: error kinds after which a create may have landed although no answer said so (the
#: transport has already sent it again as often as its retry policy allows)
ANSWER_LOST = {"network", "timeout", "server", "rate-limit", "conflict", "bad-response"}


def _temporary_title(title: str, page_id: str) -> str:
    """``title (page id)``, the title shortened to stay within Confluence's limit."""
    suffix = f" ({page_id})"
    return title[:MAX_TITLE - len(suffix)] + suffix


def _answer_lost(exc: BaseException) -> bool:
    return isinstance(exc, ConfluenceConnectionError) and exc.kind in ANSWER_LOST


class Applier:
    def __init__(self, client: ConfluenceClient, settings: PublishSettings, plan: Plan, *,
                 on_page: PageEvent | None = None,
                 on_attachment: AttachmentEvent | None = None) -> None:
        self.client = client
        self.settings = settings
        self.plan = plan
        self.on_page = on_page
        self.on_attachment = on_attachment
        self.ids: dict[str, str] = {p.docname: p.page_id for p in plan.pages if p.page_id}
        self.done: dict[str, PageDone] = {}
        self.report = Report()
        self.gated = False
        self.files = Attachments(client, settings)
        #: new pages whose create records the files before their upload (journal.py)
        self.claiming = claiming(plan) if client.create_carries_properties else set()
        writing = sum(1 for p in plan.pages if p.action not in ("unchanged", "skip"))
        self.pages_progress = Progress("publishing pages", writing)
        self.files_progress = Progress("publishing attachments",
                                       len(plan.attachment_changes("upload")))

    # -- driver ----------------------------------------------------------------------

    def run(self) -> Report:
        start = time.monotonic()
        first = self.client.request_count
        report = self.report
        report.warnings.extend(self.plan.warnings)
        report.left_behind = left_behind_names(self.plan)
        for text in self.plan.warnings:
            logger.warning(text, type="confluence", subtype="publish")
        plan = self.plan
        logger.info(bold("confluence plan: ") + "%s", plan_line(plan))
        for stale in plan.vacate:
            self.gated = True
            self._vacate_stale(stale)
        for holder in plan.title_holders():
            self.gated = True
            self.guard(self._vacate_title, holder)
        with ThreadPoolExecutor(self.settings.concurrency, "scb-publish") as pool:
            try:
                Driver(self, pool).run()
            finally:
                self.pages_progress.close()
                self.files_progress.close()
            self._reorder(pool)
        for page in self.plan.pages:
            if not page.attachment_work:
                for att in page.attachments:
                    if att.action != "unchanged":
                        continue
                    report.attachments_unchanged.append(f"{page.docname}/{att.name}")
                    if att.attachment_id:   # (a v1 first publish records no ids)
                        self._emit_attachment(page.docname, att, att.attachment_id)
        self._settle_journal()
        self._cleanup()
        report.page_ids = dict(self.ids)
        report.requests = self.client.request_count - first
        report.seconds = time.monotonic() - start
        return report

    def _settle_journal(self) -> None:
        """Empty the journal once every page it names holds what it records."""
        docs = pending(self.plan, sorted(self.claiming))
        root_id = self.ids.get(self.plan.root_docname)
        if not docs or root_id is None or not settled(self.plan, docs, self.files.verified):
            return
        version = 1 if self.claiming else (self.plan.journal.version
                                           if self.plan.journal else None)
        self.client.set_property(root_id, JOURNAL_KEY, journal_value(self.settings.project, ()),
                                 version=version)

    @staticmethod
    def writes(kind: str, change: PageChange) -> bool:
        if kind == "attachments":
            return True
        return change.writes_page or change.labels_changed or change.appearance_changed

    def guard(self, step: Callable[[PageChange], PageDone], change: PageChange) -> PageDone:
        """Run one step; a refused write becomes a publish error that says what to ask
        for. Nothing is sent again here: the transport's retry policy has done that."""
        try:
            return step(change)
        except ConfluencePermissionError as exc:
            raise ConfluencePublishError(
                f"not allowed to write in space {self.plan.space.key!r} ({exc.message}); "
                f"stopped at {change.docname!r}",
                hint="Ask a space administrator for permission to add and edit pages, "
                     "or check the user or token used for publishing.",
                options=("confluence_space_key", "confluence_server_user")) from exc

    def fail(self, failures: list[BaseException]) -> None:
        """Stop the publish: a publish error (already worded for the user) as it is, a
        connection failure wrapped with what to do next."""
        first = failures[0]
        if isinstance(first, ConfluencePublishError):
            raise first
        text = first.message if isinstance(first, ConfluenceConnectionError) else str(first)
        hint = getattr(first, "hint", "")
        raise ConfluencePublishError(
            f"publishing stopped: {len(failures)} step(s) failed; first: {text}",
            hint=(hint + "\n" if hint else "") + "Run the publish again once the cause is "
                 "fixed: what was already published is recognised and only what is missing "
                 "is written.") from first

    # -- pages -----------------------------------------------------------------------

    def _parent_of(self, change: PageChange) -> str | None:
        if change.keep_parent:
            return change.old_parent_id
        parent = self.ids[change.parent_doc] if change.parent_doc is not None \
            else change.parent_id
        return self.settings.parent_for(change.docname, parent)

    def _identity(self, change: PageChange, version: int,
                  attachments: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
        if attachments is None:
            attachments = {a.name: {"sha256": a.sha256, "id": a.attachment_id or ""}
                           for a in change.attachments if a.action == "unchanged"}
        return Identity(project=self.settings.project, docname=change.docname,
                        hash=change.hash, version=version, labels=change.labels,
                        appearance=change.appearance, title=change.title,
                        attachments=attachments).to_value()

    def page_step(self, change: PageChange) -> PageDone:
        client, settings = self.client, self.settings
        if not (change.writes_page or change.labels_changed or change.appearance_changed):
            return PageDone(change, change.page_id or "", change.version or 0, change.url,
                            identity_version=change.identity_version)
        parent_id = self._parent_of(change)
        created = fresh = False
        identity_version = change.identity_version
        if change.action == "create":
            page, fresh = self._create(change, parent_id)
            created = page.version == 1
            # a create of this call wrote the identity property (and the appearance) at
            # version 1 (v2, files to upload: not yet); a page found again after a
            # failed create is re-read when written
            identity_version = None
            if fresh:
                carried = self.client.create_carries_properties or not change.attachment_work
                identity_version = 1 if carried else 0
            if fresh and change.docname in self.claiming:
                self.files.claim(change.docname, planned(change))
        elif change.writes_page:
            page = self._update(change, parent_id)
        else:
            page = RemotePage(change.page_id or "", change.title, self.plan.space.key,
                              change.old_parent_id, change.version or 0, url=change.url)
        if change.labels_changed and not fresh:
            # a create found again (its answer lost) may lack the labels it carried or
            # that Data Center and v2 add after the create
            self._labels(page.id, change)
        if change.appearance_changed and change.appearance is not None and not fresh:
            for key in APPEARANCE_KEYS:
                client.set_property(page.id, key, change.appearance)
        if not change.attachment_work:
            if not created:
                identity_version = client.set_property(
                    page.id, IDENTITY_KEY, self._identity(change, page.version),
                    version=identity_version)
            if not settings.watch:
                client.unwatch(page.id)
        return PageDone(change, page.id, page.version, page.url,
                        identity_version=identity_version)

    def _create(self, change: PageChange, parent_id: str | None) -> tuple[RemotePage, bool]:
        """The new page, and whether this call created it (False: found again)."""
        props: dict[str, Any] = {}
        if change.docname in self.claiming or not change.attachment_work:
            props[IDENTITY_KEY] = self._identity(change, 1, planned(change))
        elif self.client.create_carries_properties:
            props[IDENTITY_KEY] = self._identity(change, 1, {})
        # else (v2, files to upload): the identity follows the upload, ids known
        if change.docname == self.plan.root_docname and self.claiming:
            props[JOURNAL_KEY] = journal_value(self.settings.project, self.claiming)
        if change.appearance_changed and change.appearance is not None:
            props.update(dict.fromkeys(APPEARANCE_KEYS, change.appearance))

        def create() -> RemotePage:
            return self.client.create_page(
                self.plan.space, change.title, change.body, parent_id, properties=props,
                labels=change.labels, version_message=self.settings.version_comment)
        try:
            return create(), True
        except ConfluenceConnectionError as exc:
            exists = exc.kind == "bad-request" and "already exists" in exc.message.lower()
            if not (_answer_lost(exc) or exists):
                raise
            # the create may have landed (its answer lost, or an earlier attempt of this
            # step made it): take the page back when it carries our identity
            found = self.client.find_page_by_title(self.plan.space, change.title,
                                                   properties=(IDENTITY_KEY,))
            ident = identity_of(found) if found is not None else None
            if (found is not None and ident is not None and ident.docname == change.docname
                    and ident.project == self.settings.project):
                return found, False
            if found is not None and IDENTITY_KEY not in props and \
                    self._our_copy(found, change.body, parent_id):
                return found, False     # a v2 create without its identity yet
            if not exists or found is not None:
                raise exc
            # no current page holds the title: an archived one does (titles stay taken)
            archived = self.client.find_page_by_title(
                self.plan.space, change.title, properties=(IDENTITY_KEY,), status="archived")
            if archived is None:
                raise exc
            self._clear_archived(change, archived)
            return create(), True

    def _our_copy(self, found: RemotePage, body: str, parent_id: str | None) -> bool:
        """Whether a page found by title is the create of an earlier attempt that had
        no identity to carry: version 1, our parent, exactly our body."""
        if found.version != 1 or found.parent_id != parent_id:
            return False
        full = self.client.get_page(found.id, body=True)
        return full.body is not None and full.body.strip() == body.strip()

    def _clear_archived(self, change: PageChange, archived: RemotePage) -> None:
        """Move an archived page of ours that holds the document's title to the trash
        (Confluence offers no REST call to restore an archived page); refuse for any
        other page."""
        ident = identity_of(archived)
        where = f"id {archived.id}{', ' + archived.url if archived.url else ''}"
        if ident is None or ident.project != self.settings.project:
            raise ConfluencePublishError(
                f"document {change.docname!r} cannot be published as {change.title!r}: the "
                f"archived page {archived.title!r} ({where}) holds that title and was not "
                "published by this project; it is left alone",
                hint="Confluence keeps the titles of archived pages taken. Restore that page "
                     "and rename or move it, delete it, or give the document another title "
                     "(confluence_title_overrides, confluence_publish_prefix or "
                     "confluence_publish_postfix).",
                options=("confluence_title_overrides", "confluence_publish_prefix",
                         "confluence_publish_postfix"))
        self.client.delete_page(archived.id)
        logger.info("confluence: page %r (%s) of this project (document %r) was archived; "
                    "moved it to the trash so that %r can be published again",
                    archived.title, where, ident.docname, change.docname)

    def _update(self, change: PageChange, parent_id: str | None) -> RemotePage:
        """One update; the transport's retry policy re-reads the version on a 409 and
        retries 5xx, 429 and drops, so no retry here (retries never multiply)."""
        current = RemotePage(change.page_id or "", change.title, self.plan.space.key,
                             change.old_parent_id, change.version or 0)
        return self.client.update_page(current, change.title, change.body, parent_id,
                                       version_message=self.settings.version_comment,
                                       minor_edit=self.settings.minor_edit)

    def _vacate_title(self, change: PageChange) -> PageDone:
        """Give the page a temporary title so another page of ours can take its own."""
        temporary = _temporary_title(change.title, change.page_id or "")
        current = self.client.get_page(change.page_id or "")
        page = self.client.update_page(current, temporary, change.body, current.parent_id,
                                       version_message=self.settings.version_comment,
                                       minor_edit=True)
        return PageDone(change, page.id, page.version)

    def _vacate_stale(self, page: RemotePage) -> None:
        """Give a stale page of ours (its document is gone) a temporary title so a page
        of this plan can take its title; cleanup, when on, removes it afterwards."""
        current = self.client.get_page(page.id, body=True)
        moved = self.client.update_page(current, _temporary_title(current.title, current.id),
                                        current.body or "", current.parent_id,
                                        version_message=self.settings.version_comment,
                                        minor_edit=True)
        ident = identity_of(page)
        if ident is not None:   # still recognisably ours for a later cleanup
            value = replace(ident, version=moved.version, title=moved.title).to_value()
            self.client.set_property(page.id, IDENTITY_KEY, value,
                                     version=page.property_versions.get(IDENTITY_KEY))

    def _labels(self, page_id: str, change: PageChange) -> None:
        client = self.client
        wanted = set(change.labels)
        if change.replace_labels:
            present = set(client.get_labels(page_id))
            for label in sorted(present - wanted):
                client.remove_label(page_id, label)
        else:
            for label in change.remove_labels:
                client.remove_label(page_id, label)
        if wanted:
            client.add_labels(page_id, tuple(sorted(wanted)))

    def record_page(self, change: PageChange, done: PageDone, count: int, total: int) -> None:
        report = self.report
        self.ids[change.docname] = done.page_id
        self.done[change.docname] = done
        if done.url:
            report.page_urls[change.docname] = done.url
        if change.docname == self.plan.root_docname:
            report.url = done.url
        bucket = {"create": report.created, "update": report.updated, "move": report.moved,
                  "unchanged": report.unchanged, "skip": report.skipped}[change.action]
        bucket.append(change.docname)
        if change.action == "update" and "moved" in change.reasons:
            report.moved.append(change.docname)
        if change.action not in ("unchanged", "skip"):
            why = f" ({', '.join(change.reasons)})" if change.reasons else ""
            self.pages_progress.step(f"{change.action} {change.title}{why}")
        if self.on_page is not None:
            self.on_page(change.docname, done.page_id,
                         {"title": change.title, "action": change.action,
                          "new": change.action == "create"})

    # -- sibling order ---------------------------------------------------------------

    def _reorder(self, pool: ThreadPoolExecutor) -> None:
        """Put our pages in toctree order under each parent the plan marked (parents
        in parallel, the moves under one parent one after the other)."""
        changes = {p.docname: p for p in self.plan.pages}
        groups: dict[str, tuple[list[str], set[str]]] = {}
        for reorder in self.plan.reorders:
            for doc in reorder.children:
                if doc not in self.ids:
                    continue
                parent = self._parent_of(changes[doc])
                if parent is None:
                    continue
                docs, movable = groups.setdefault(parent, ([], set()))
                docs.append(doc)
                if doc in reorder.movable:
                    movable.add(doc)
        refused = threading.Event()
        futures = [(parent, pool.submit(put_in_order, self.client, parent, docs, self.ids,
                                        movable, refused))
                   for parent, (docs, movable) in groups.items() if len(docs) > 1]
        said = False
        for parent, future in futures:
            try:
                moved = future.result()
            except MoveRefused as exc:
                if not said:    # once: the server lacks the move, not this parent
                    said = True
                    self._warn(f"this server refused the REST page move ({exc.failure.status}"
                               f" to PUT .../content/{{id}}/move/...), so the pages keep the "
                               "order they have instead of the toctree order; reorder them "
                               "in Confluence (drag them in the page tree), or publish to a "
                               "server that serves this REST endpoint")
                continue
            except ConfluenceConnectionError as exc:
                # the pages are published; only their order could not be set: say so
                self._warn(f"the children of page {parent} could not be put in toctree "
                           f"order ({exc.message}); they keep the order they have")
                continue
            # pages created by this publish take their place as they are made: only a
            # page that was already there and moved among its siblings is news
            self.report.reordered.extend(d for d in moved if d not in self.report.created)

    def _warn(self, text: str) -> None:
        logger.warning(text, type="confluence", subtype="publish")
        self.report.warnings.append(text)

    # -- attachments -----------------------------------------------------------------

    def attachment_step(self, change: PageChange) -> PageDone:
        def identity(version: int, recorded: dict[str, dict[str, str]]) -> dict[str, Any]:
            return self._identity(change, version, recorded)
        return self.files.step(change, self.done.get(change.docname),
                               self.ids[change.docname], identity)

    def record_attachments(self, change: PageChange, done: PageDone) -> None:
        for att, att_id in done.attachments:
            key = f"{change.docname}/{att.name}"
            if att.action == "upload":
                self.report.uploaded.append(key)
                self.files_progress.step(key)
            else:
                self.report.attachments_unchanged.append(key)
            self._emit_attachment(change.docname, att, att_id)
        self.report.attachments_deleted.extend(f"{change.docname}/{n}" for n in done.deleted)

    def _emit_attachment(self, docname: str, att: AttachmentChange, att_id: str) -> None:
        if self.on_attachment is not None:
            self.on_attachment(docname, att.name, att_id,
                               {"hash": att.sha256, "type": att.media_type})

    # -- cleanup ---------------------------------------------------------------------

    def _cleanup(self) -> None:
        removals = self.plan.removals
        if not removals:
            return
        try:
            self._remove(removals)
        except ConfluencePermissionError as exc:
            raise ConfluencePublishError(
                f"not allowed to remove pages in space {self.plan.space.key!r} "
                f"({exc.message})",
                hint="Ask a space administrator for delete (or archive) permission, or turn "
                     "off confluence_cleanup_purge / confluence_cleanup_archive.",
                options=("confluence_cleanup_purge", "confluence_cleanup_archive")) from exc

    def _remove(self, removals: tuple[Any, ...]) -> None:
        if removals[0].mode == "archive" and self.settings.bulk_archiving:
            self.client.archive_pages([r.page_id for r in removals])
        elif removals[0].mode == "archive":
            for removal in removals:  # one request a page (bulk archiving needs Premium)
                self.client.archive_pages([removal.page_id])
        else:
            for removal in removals:
                try:
                    self.client.delete_page(removal.page_id)
                except ConfluenceConnectionError as exc:
                    if exc.kind != "not-found":
                        raise
        progress = Progress("cleaning up", len(removals))
        for removal in removals:
            progress.step(f"{'archived' if removal.mode == 'archive' else 'deleted'} "
                          f"{removal.title!r} (id {removal.page_id})")
            self.report.removed.append(removal.page_id)
        progress.close()

