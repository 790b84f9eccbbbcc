"""The values of a plan: page and attachment changes, the plan, the placement.

Kept apart from :mod:`.plan` (which decides them) so the modules that read a plan
(apply, report, schedule, order) need not import the planning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..rest.base import RemotePage, Space
from .cleanup import Removal
from .identity import Identity
from .order import Reorder

#: what the plan does with a page: write it ('create', 'update', 'move'), leave it as it
#: is ('unchanged'), or leave it alone although it differs ('skip': only-new, comments)
PageAction = Literal["create", "update", "move", "unchanged", "skip"]
#: what the plan does with an attachment
AttachmentAction = Literal["upload", "unchanged", "delete"]
PAGE_WRITES: tuple[PageAction, ...] = ("create", "update", "move")


@dataclass(frozen=True)
class AttachmentChange:
    docname: str
    name: str
    sha256: str
    media_type: str
    size: int
    #: absolute path of the file to upload ('' for deletions)
    path: str
    action: AttachmentAction
    #: id recorded at our last publish, if any
    attachment_id: str | None = None


@dataclass(frozen=True)
class PageChange:
    docname: str
    title: str
    action: PageAction
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
class Journal:
    """The journal property found on the root document's page (see :mod:`.journal`)."""

    page_id: str
    #: version of the journal property
    version: int | None
    #: documents whose recorded attachments a stopped publish may not have uploaded
    unconfirmed: tuple[str, ...] = ()


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
    #: the journal of a publish that did not finish, when the root page holds one
    journal: Journal | None = None

    def of(self, action: PageAction) -> list[PageChange]:
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

    def attachment_changes(self, action: AttachmentAction) -> list[AttachmentChange]:
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


@dataclass
class PageDone:
    """What one step of applying a plan made (a page, and its attachments)."""

    change: PageChange
    page_id: str
    version: int
    url: str = ""
    attachments: list[tuple[AttachmentChange, str]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    #: version of the page's identity property after this step, when known
    identity_version: int | None = None
