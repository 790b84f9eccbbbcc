"""A page's attachments: delete what went, upload what is new or changed, and keep the
page's identity property true about them.

All new files of a page go in one multipart request (a few, when they are many or
large). On a first publish over v1 a page's create may already record the files the
page is about to get (a *claim*, see :mod:`.journal`): when the upload stores exactly
those, no property write follows it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from sphinx.util import logging

from ..errors import ConfluenceConnectionError
from ..rest.base import ConfluenceClient, NewAttachment, RemoteAttachment
from .identity import attachment_comment, comment_hash
from .plantypes import AttachmentChange, PageChange, PageDone
from .settings import IDENTITY_KEY, PublishSettings

logger = logging.getLogger(__name__)

#: name -> {"sha256": ..., "id": ...}: the attachments an identity property records
Recorded = dict[str, dict[str, str]]
#: (page version, attachments) -> the identity property's value
IdentityOf = Callable[[int, Recorded], dict[str, Any]]

#: most files, and bytes, of one upload request
BATCH_FILES = 50
BATCH_BYTES = 16 * 1024 * 1024


def planned(change: PageChange) -> Recorded:
    """What a page's identity records before its uploads: every file to be uploaded or
    kept, by hash (ids known only for kept ones)."""
    return {a.name: {"sha256": a.sha256, "id": a.attachment_id or ""}
            for a in change.attachments if a.action in ("upload", "unchanged")}


def same_files(one: Mapping[str, Mapping[str, str]],
               other: Mapping[str, Mapping[str, str]]) -> bool:
    return {k: v.get("sha256") for k, v in one.items()} == \
        {k: v.get("sha256") for k, v in other.items()}


class Attachments:
    """The attachment step of the applier, and the claims of pages created this run."""

    def __init__(self, client: ConfluenceClient, settings: PublishSettings) -> None:
        self.client = client
        self.settings = settings
        #: docname -> the attachments the identity property of a page created by this
        #: publish records before they are uploaded (see journal.py)
        self.claims: dict[str, Recorded] = {}
        #: documents whose attachment step finished (what their page records is true)
        self.verified: set[str] = set()
        self._lock = threading.Lock()

    def claim(self, docname: str, recorded: Recorded) -> None:
        with self._lock:
            self.claims[docname] = recorded

    def step(self, change: PageChange, base: PageDone | None, page_id: str,
             identity: IdentityOf) -> PageDone:
        """Delete, keep and upload the page's files; then the identity property (unless
        the create's claim already says it) and the unwatch."""
        client = self.client
        version = base.version if base else (change.version or 0)
        identity_version = base.identity_version if base else change.identity_version
        remote: dict[str, RemoteAttachment] = {}
        if change.action != "create" or (base and base.version != 1):
            remote = {a.name.casefold(): a for a in client.list_attachments(page_id)}
        done = PageDone(change, page_id, version, base.url if base else change.url)
        results: dict[str, tuple[AttachmentChange, str]] = {}
        new: list[AttachmentChange] = []
        for att in change.attachments:
            existing = remote.get(att.name.casefold())
            if att.action == "delete":
                if existing is not None and comment_hash(existing.comment) is not None:
                    client.delete_attachment(existing.id)
                    done.deleted.append(att.name)
            elif att.action == "unchanged" or (
                    existing is not None and comment_hash(existing.comment) == att.sha256
                    and self.settings.asset_override is not True and not self.settings.force):
                att_id = (existing.id if existing is not None else att.attachment_id) or ""
                results[att.name] = (replace(att, action="unchanged"), att_id)
            elif existing is None:
                new.append(att)
            else:
                results[att.name] = (att, self._upload_one(page_id, att, existing).id)
        for att, stored in zip(new, self._upload_new(page_id, new), strict=True):
            results[att.name] = (att, stored.id)
        done.attachments.extend(results[a.name] for a in change.attachments
                                if a.name in results)
        recorded = {a.name: {"sha256": a.sha256, "id": att_id}
                    for a, att_id in done.attachments}
        with self._lock:
            claim = self.claims.pop(change.docname, None)
        if claim is not None and same_files(claim, recorded):
            done.identity_version = identity_version
        else:
            done.identity_version = client.set_property(
                page_id, IDENTITY_KEY, identity(version, recorded), version=identity_version)
        if not self.settings.watch:
            client.unwatch(page_id)
        with self._lock:
            self.verified.add(change.docname)
        return done

    # -- uploads ---------------------------------------------------------------------

    def _upload_one(self, page_id: str, att: AttachmentChange,
                    existing: RemoteAttachment) -> RemoteAttachment:
        """A new version of an attachment the page has. When the upload fails, it may
        still have landed (its answer lost after the transport's retries): found by
        name and hash it counts as done; anything else, the failure stands (nothing is
        sent again here: retries are the transport's)."""
        try:
            return self.client.upload_attachment(
                page_id, att.name, Path(att.path).read_bytes(), att.media_type,
                comment=attachment_comment(att.sha256), existing=existing,
                minor_edit=self.settings.minor_edit)
        except ConfluenceConnectionError:
            found = self._present(page_id).get(att.name.casefold())
            if found is None or comment_hash(found.comment) != att.sha256:
                raise
            return found

    def _upload_new(self, page_id: str, new: list[AttachmentChange]
                    ) -> list[RemoteAttachment]:
        """Files the page does not have, a batch per request, in the order given."""
        out: list[RemoteAttachment] = []
        for batch in _batches(new):
            files = [NewAttachment(a.name, Path(a.path).read_bytes(), a.media_type,
                                   attachment_comment(a.sha256)) for a in batch]
            try:
                out.extend(self.client.upload_attachments(
                    page_id, files, minor_edit=self.settings.minor_edit))
            except ConfluenceConnectionError as exc:
                out.extend(self._resume(page_id, batch, exc))
        return out

    def _resume(self, page_id: str, batch: list[AttachmentChange],
                failure: ConfluenceConnectionError) -> list[RemoteAttachment]:
        """After a failed upload of several files: when every file landed with the right
        content (the answer was lost), the upload is done; otherwise the failure stands
        and the next publish uploads what is missing (nothing is sent again here)."""
        present = self._present(page_id)
        found = [present.get(a.name.casefold()) for a in batch]
        if any(f is None or comment_hash(f.comment) != a.sha256
               for a, f in zip(batch, found, strict=True)):
            raise failure
        return [f for f in found if f is not None]

    def _present(self, page_id: str) -> dict[str, RemoteAttachment]:
        return {a.name.casefold(): a for a in self.client.list_attachments(page_id)}


def _batches(new: list[AttachmentChange]) -> list[list[AttachmentChange]]:
    out: list[list[AttachmentChange]] = []
    size = 0
    for att in new:
        if not out or len(out[-1]) >= BATCH_FILES or size + att.size > BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(att)
        size += att.size
    return out
