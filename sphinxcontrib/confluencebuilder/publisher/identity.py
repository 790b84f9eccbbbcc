"""Which remote page belongs to which document.

Every page we publish carries the content property ``IDENTITY_KEY`` whose value names
the project and the docname, the hash of what we published, the page version our
write produced, and the attachments we uploaded. A document's page is found by that
property first and by title second; a page found by title that is not ours is only
taken over with ``confluence_publish_trample``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfluenceTrampleError
from ..rest.base import RemotePage
from .settings import IDENTITY_KEY

#: version of the property layout
SPEC = 1
#: the comment prefix of attachments we upload (followed by the file's sha256)
ATTACHMENT_TAG = "scb-sha256:"

INVALID_NAME_CHARS = '\\/":?*|<>'


@dataclass(frozen=True)
class Identity:
    """The decoded identity property of a remote page."""

    project: str
    docname: str
    hash: str = ""
    version: int = 0
    labels: tuple[str, ...] = ()
    appearance: str | None = None
    #: attachment name -> {"sha256": ..., "id": ...}
    attachments: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: the page title our write produced ('' in values written before it was recorded)
    title: str = ""

    def to_value(self) -> dict[str, Any]:
        return {
            "spec": SPEC,
            "project": self.project,
            "docname": self.docname,
            "hash": self.hash,
            "version": self.version,
            "labels": sorted(self.labels),
            "appearance": self.appearance,
            "title": self.title,
            "attachments": {k: dict(v) for k, v in sorted(self.attachments.items())},
        }

    @classmethod
    def from_value(cls, value: Any) -> Identity | None:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return None
        if not isinstance(value, Mapping) or "docname" not in value:
            return None
        labels = value.get("labels") or ()
        atts = value.get("attachments") or {}
        if not isinstance(labels, (list, tuple)) or not all(isinstance(x, str) for x in labels) \
                or not isinstance(atts, Mapping) or not all(
                    isinstance(v, Mapping) and all(isinstance(x, str) for x in v.values())
                    for v in atts.values()):
            return None     # not a value we wrote (labels and attachments hold strings)
        try:
            return cls(
                project=str(value.get("project", "")),
                docname=str(value["docname"]),
                hash=str(value.get("hash", "")),
                version=int(value.get("version", 0) or 0),
                labels=tuple(value.get("labels") or ()),
                appearance=value.get("appearance"),
                title=str(value.get("title") or ""),
                attachments={str(k): dict(v) for k, v in atts.items() if isinstance(v, Mapping)},
            )
        except (TypeError, ValueError, AttributeError, OverflowError):
            return None     # not a value we wrote: the page is not ours


def identity_of(page: RemotePage) -> Identity | None:
    return Identity.from_value(page.properties.get(IDENTITY_KEY))


def content_hash(*, title: str, body: str, parent: str | None, labels: Iterable[str],
                 appearance: str | None) -> str:
    """Hash of everything a page write publishes (attachments are tracked one by one)."""
    data = json.dumps({"title": title, "parent": parent, "labels": sorted(set(labels)),
                       "appearance": appearance,
                       "body": hashlib.sha256(body.encode("utf-8")).hexdigest()},
                      sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def attachment_comment(sha256: str) -> str:
    return ATTACHMENT_TAG + sha256


def comment_hash(comment: str) -> str | None:
    """The sha256 recorded in an attachment comment we wrote, else None."""
    text = "".join(comment.split())
    at = text.find(ATTACHMENT_TAG)
    if at < 0:
        return None
    digest = text[at + len(ATTACHMENT_TAG):at + len(ATTACHMENT_TAG) + 64]
    return digest if len(digest) == 64 else None


def safe_attachment_name(name: str) -> str:
    cleaned = "".join("_" if ch in INVALID_NAME_CHARS or ord(ch) < 32 else ch for ch in name)
    return cleaned.strip() or "attachment"


@dataclass(frozen=True)
class Match:
    page: RemotePage
    #: 'property', 'title' or 'root' (the configured publish root)
    how: str


class RemoteIndex:
    """The remote pages of a space, indexed for matching and tree walks."""

    def __init__(self, pages: Iterable[RemotePage], project: str) -> None:
        self.project = project
        self.by_id: dict[str, RemotePage] = {}
        self.by_title: dict[str, RemotePage] = {}
        self.children: dict[str | None, list[RemotePage]] = {}
        self.ours: dict[str, list[RemotePage]] = {}
        for page in pages:
            self.add(page)

    def add(self, page: RemotePage) -> None:
        self.by_id[page.id] = page
        self.by_title[page.title.casefold()] = page
        self.children.setdefault(page.parent_id, []).append(page)
        ident = identity_of(page)
        if ident is not None and ident.project == self.project:
            self.ours.setdefault(ident.docname, []).append(page)

    def is_ours(self, page: RemotePage) -> bool:
        ident = identity_of(page)
        return ident is not None and ident.project == self.project

    def ancestors(self, page_id: str | None) -> list[str]:
        """Ids above ``page_id`` (nearest first), as far as the listing knows."""
        chain: list[str] = []
        seen = {page_id}
        current = self.by_id.get(page_id) if page_id else None
        while current is not None and current.parent_id and current.parent_id not in seen:
            chain.append(current.parent_id)
            seen.add(current.parent_id)
            current = self.by_id.get(current.parent_id)
        return chain

    def descendants(self, page_id: str | None) -> list[RemotePage]:
        """Every page below ``page_id`` (None: every page of the space), parents first."""
        if page_id is None:
            return list(self.by_id.values())
        out: list[RemotePage] = []
        stack = list(reversed(self.children.get(page_id, [])))
        seen: set[str] = set()
        while stack:
            page = stack.pop()
            if page.id in seen:
                continue
            seen.add(page.id)
            out.append(page)
            stack.extend(reversed(self.children.get(page.id, [])))
        return out

    def find(self, docname: str, title: str, current: Collection[str]) -> Match | None:
        """Our page for ``docname`` (oldest if several claim it), else a same-titled page.

        A same-titled page of ours whose document no longer exists is a renamed
        document: it is reused (keeping its history) rather than deleted and re-created.
        """
        claimed = self.ours.get(docname)
        if claimed:
            return Match(min(claimed, key=lambda p: (len(p.id), p.id)), "property")
        page = self.by_title.get(title.casefold())
        if page is None:
            return None
        ident = identity_of(page)
        if ident is not None and ident.project == self.project:
            if ident.docname in current:
                return None  # the title moves between two of our documents
            return Match(page, "renamed")
        return Match(page, "title")


def trample_error(docname: str, title: str, page: RemotePage, *, homepage: bool = False
                  ) -> ConfluenceTrampleError:
    where = f"page {page.title!r} (id {page.id}{', ' + page.url if page.url else ''})"
    if homepage:
        return ConfluenceTrampleError(
            f"document {docname!r} has the title {title!r}, which is the space homepage "
            f"{where}; the homepage is never overwritten",
            hint="Give the document another title (confluence_title_overrides, "
                 "confluence_publish_prefix or confluence_publish_postfix).",
            options=("confluence_title_overrides", "confluence_publish_prefix"))
    return ConfluenceTrampleError(
        f"document {docname!r} would overwrite {where}, which was not published by this "
        "project",
        hint="Rename or move that page, delete it, give the document another title "
             "(confluence_publish_prefix / confluence_title_overrides), or allow taking it "
             "over with confluence_publish_trample = True.",
        options=("confluence_publish_trample", "confluence_publish_prefix",
                 "confluence_title_overrides"))
