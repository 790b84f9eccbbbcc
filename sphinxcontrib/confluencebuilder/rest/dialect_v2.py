"""The v2 dialect: REST API v2 requests and answers (Confluence Cloud ``/wiki/api/v2``).

Content CRUD, properties (:mod:`.properties_v2`), attachment reads and deletes use
v2. What Cloud serves only through v1 (attachment uploads, label writes, archiving,
watches, the page move, the homepage, the current user) is handed to the v1 dialect
this one holds (``self.v1``): composition, one explicit method per call.

``list_pages`` (the cheapest real approach): one cursor-paged walk of
``GET /spaces/{id}/pages`` (id, title, parentId and version come with each page; the
subtree below ``ancestor_id`` is cut out locally from the parent links). v2 cannot
embed content properties in a listing, so when properties are asked for they come from
one paged v1 CQL search with ``expand=metadata.properties.<key>``; only when that v1
call is refused (410 Gone, or a scoped token without v1 scopes) does it fall back to one
``GET /pages/{id}/properties?key=`` per page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sphinx.util import logging

from ..errors import (
    ConfluenceAuthError,
    ConfluenceBadResponseError,
    ConfluenceGoneError,
    ConfluenceNotFoundError,
    ConfluencePermissionError,
)
from . import answers, shape
from .base import ApiMode, NewAttachment, RemoteAttachment, RemotePage, Space
from .common import with_changes
from .dialect_v1 import V1Dialect
from .order import in_position_order, position_of
from .properties_v2 import V2Properties
from .retrypolicy import Resend
from .shape import segment
from .transport import Reply

logger = logging.getLogger(__name__)

#: what a v1 call on Cloud may meet where v2 has a (slower) way of its own
V1_REFUSED = (ConfluenceGoneError, ConfluenceAuthError, ConfluencePermissionError)


class V2Dialect:
    """Builds REST API v2 requests (v1 ones through ``v1`` where Cloud needs them)."""

    api_mode: ApiMode = "v2"
    #: a v2 create takes no properties: each is one more request after it
    create_carries_properties = False

    def __init__(self, v1: V1Dialect) -> None:
        self.v1 = v1
        self.wire = v1.wire
        self.settings = v1.settings
        self.root = self.settings.api_root("v2", self.wire.base_url)
        self.property_ids = v1.property_ids
        self.properties = V2Properties(self.wire, self.root, self.property_ids)
        #: space id -> key (v2 answers name a page's space by id only)
        self.space_keys: dict[str, str] = {}

    def url(self, path: str) -> str:
        """The v2 URL of an API path (``pages/123``)."""
        return self.root + path.lstrip("/")

    def _space_key(self, space_id: Any) -> str:
        sid = shape.opt_id(space_id, "spaceId") or ""
        if sid and sid not in self.space_keys:
            data = shape.obj(self.wire.call("GET", self.url(f"spaces/{segment(sid)}"),
                                            subject=f"space {sid}"), "space")
            self.space_keys[sid] = shape.text(data.get("key"), "space key")
        return self.space_keys.get(sid, "")

    def page(self, data: dict[str, Any],
             properties: tuple[dict[str, Any], dict[str, int]] | None = None) -> RemotePage:
        return answers.v2_page(data, self.wire.base_url, self._space_key, properties)

    # -- what Cloud serves through v1 only ---------------------------------------------

    def current_user(self) -> dict[str, Any]:
        return self.v1.current_user()

    def server_info(self) -> dict[str, Any]:
        return {**self.v1.server_info(), "api_mode": self.api_mode}

    def set_homepage(self, space: Space, page_id: str) -> None:
        self.v1.set_homepage(space, page_id)

    def move_page(self, page_id: str, position: str, target_id: str) -> None:
        self.v1.move_page(page_id, position, target_id)  # Cloud has no v2 move

    def archive_pages(self, page_ids: list[str]) -> None:
        self.v1.archive_pages(page_ids)

    def unwatch(self, content_id: str) -> None:
        self.v1.unwatch(content_id)

    def add_labels(self, page_id: str, labels: tuple[str, ...]) -> None:
        self.v1.add_labels(page_id, labels)

    def remove_label(self, page_id: str, label: str) -> None:
        self.v1.remove_label(page_id, label)

    def upload_attachment(self, page_id: str, name: str, data: bytes, media_type: str, *,
                          comment: str = "", existing: RemoteAttachment | None = None,
                          minor_edit: bool = True) -> RemoteAttachment:
        return self.v1.attachments.upload(
            page_id, NewAttachment(name, data, media_type, comment), existing=existing,
            minor_edit=minor_edit, listing=self.list_attachments)

    def upload_attachments(self, page_id: str, files: Sequence[NewAttachment], *,
                           minor_edit: bool = True) -> list[RemoteAttachment]:
        return self.v1.attachments.upload_several(page_id, files, minor_edit=minor_edit,
                                                  listing=self.list_attachments)

    # -- spaces and pages --------------------------------------------------------------

    def get_space(self, key: str) -> Space:
        data = self.wire.call("GET", self.url("spaces"), params={"keys": key, "limit": 1},
                              subject=f"space {key!r}")
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise ConfluenceBadResponseError("the spaces answer has no 'results'; "
                                             "confluence_server_url may not be Confluence Cloud",
                                             options=("confluence_server_url",
                                                      "confluence_api_mode"))
        match = [s for s in shape.items(results, "results") if s.get("key") == key]
        if len(match) != 1:
            raise ConfluenceNotFoundError(
                f"space {key!r} was not found, or the account cannot see it",
                hint="Check the key (case-sensitive; not the space name) and the account's "
                "permissions.", options=("confluence_space_key",
                                         *self.settings.credential_options), status=200,
                url=self.url("spaces"))
        space = match[0]
        sid = shape.content_id(space.get("id"), "space id")
        self.space_keys[sid] = key
        return Space(sid, key, shape.text(space.get("name"), "space name"),
                     shape.opt_id(space.get("homepageId"), "homepageId"))

    def get_page(self, page_id: str, *, body: bool = False,
                 properties: tuple[str, ...] = ()) -> RemotePage:
        params = {"body-format": "storage"} if body else None
        data = self.wire.call("GET", self.url(f"pages/{segment(page_id)}"), params=params,
                              subject=f"page {page_id}")
        return self.page(data, self.properties.of_page(page_id, properties))

    def find_page_by_title(self, space: Space, title: str, *,
                           properties: tuple[str, ...] = (),
                           status: str = "current") -> RemotePage | None:
        self.space_keys.setdefault(space.id, space.key)
        for item in self.wire.paged_v2(self.url("pages"), {"space-id": space.id,
                                                           "title": title, "status": status},
                                       subject=f"space {space.key!r}"):
            if item.get("title") == title:
                return self.page(item, self.properties.of_page(shape.content_id(item.get("id")),
                                                        properties))
        try:
            found = self.v1.find_case_insensitive(space, title, (), status)
        except V1_REFUSED:
            found = next((p for p in self._space_pages(space, status)
                          if p.title.lower() == title.lower()), None)
        if found is None:
            return None
        values, versions = self.properties.of_page(found.id, properties)
        return with_changes(found, properties=values, property_versions=versions)

    def _space_pages(self, space: Space, status: str = "current") -> list[RemotePage]:
        self.space_keys.setdefault(space.id, space.key)
        return [self.page(item) for item in
                self.wire.paged_v2(self.url(f"spaces/{segment(space.id)}/pages"),
                                   {"status": status}, subject=f"space {space.key!r}")]

    def list_pages(self, space: Space, *, ancestor_id: str | None = None,
                   properties: tuple[str, ...] = ()) -> list[RemotePage]:
        pages = self._space_pages(space)
        if ancestor_id:
            pages = _descendants(pages, ancestor_id)
        if not properties or not pages:
            return pages
        try:
            bulk = {p.id: p for p in self.v1.list_pages(space, ancestor_id=ancestor_id,
                                                        properties=properties)}
        except V1_REFUSED:
            logger.info("confluence: v1 search refused; reading properties page by page")
            out = []
            for page in pages:
                values, versions = self.properties.of_page(page.id, properties)
                out.append(with_changes(page, properties=values, property_versions=versions))
            return out
        return [with_changes(p, properties=bulk[p.id].properties,
                             property_versions=bulk[p.id].property_versions)
                if p.id in bulk else p for p in pages]

    def create_page(self, space: Space, title: str, body: str, parent_id: str | None, *,
                    properties: dict[str, Any] | None = None, labels: tuple[str, ...] = (),
                    version_message: str = "") -> RemotePage:
        self.space_keys.setdefault(space.id, space.key)
        payload: dict[str, Any] = {"spaceId": space.id, "status": "current", "title": title,
                                   "body": {"representation": "storage", "value": body}}
        if parent_id:
            payload["parentId"] = parent_id
        # v2 creates take no version message (Data Center ignores it on v1 as well)
        data = self.wire.call("POST", self.url("pages"), json=payload,
                              recover=lambda: self._created(space, title, parent_id),
                              params=None if parent_id else {"root-level": "true"},
                              subject=f"page {title!r}")
        page = self.page(data)
        # v2 creates take no properties: each is one POST on the new page (version 0:
        # a page this call just made has none; a recovered create may, and is re-read)
        for key, value in (properties or {}).items():
            self.properties.set(page.id, key, value, version=0)
        if labels:
            self.add_labels(page.id, labels)
        return with_changes(page, properties=dict(properties or {}),
                            labels=tuple(labels) if labels else None)

    def _created(self, space: Space, title: str, parent_id: str | None) -> Reply | None:
        """Before sending a create again: the page if an earlier attempt made it."""
        for item in self.wire.paged_v2(self.url("pages"), {"space-id": space.id,
                                                           "title": title}):
            if item.get("title") == title and str(item.get("parentId") or "") == \
                    str(parent_id or ""):
                return Reply(200, item)
        return None

    def update_page(self, page: RemotePage, title: str, body: str, parent_id: str | None,
                    message: str, minor: bool) -> RemotePage:
        """Write ``page`` at the version after its own (``parent_id`` None: it stays); a
        stale version is re-read by the transport's retry policy (Wire.write_versioned)."""
        url = self.url(f"pages/{segment(page.id)}")
        space_id = next((sid for sid, key in self.space_keys.items()
                         if key == page.space_key), None)

        def build(number: int) -> Resend:
            payload: dict[str, Any] = {
                "id": page.id, "status": "current", "title": title,
                "body": {"representation": "storage", "value": body},
                "version": {"number": number, "message": message, "minorEdit": minor}}
            if parent_id:
                payload["parentId"] = parent_id
            if space_id:
                payload["spaceId"] = space_id
            return Resend("PUT", url, payload)

        data, _ = self.wire.write_versioned(
            build, page.version + 1, lambda: self.get_page(page.id).version,
            subject=f"page {page.id}")
        return with_changes(self.page(data), properties=page.properties)

    def list_children(self, page_id: str) -> list[RemotePage]:
        """``/pages/{id}/direct-children`` (folders and other types left out), sorted by
        ``childPosition``: the cursor order of that listing is not the tree order."""
        items = self.wire.paged_v2(self.url(f"pages/{segment(page_id)}/direct-children"), {},
                                   subject=f"page {page_id}")
        return in_position_order([
            with_changes(self.page(item), parent_id=page_id,
                         position=position_of(item.get("childPosition")))
            for item in items if item.get("type", "page") == "page"])

    def delete_page(self, page_id: str, *, purge: bool = False) -> None:
        url = self.url(f"pages/{segment(page_id)}")
        self.wire.delete(url, f"page {page_id}")
        if purge:
            self.wire.delete(url, f"page {page_id}", params={"purge": "true"})

    def inline_comment_statuses(self, page_id: str) -> list[str]:
        return [str(i.get("resolutionStatus") or "open") for i in
                self.wire.paged_v2(self.url(f"pages/{segment(page_id)}/inline-comments"), {},
                                   subject=f"page {page_id}")]

    # -- properties (see properties_v2), labels, attachments ----------------------------

    def get_property(self, page_id: str, key: str) -> Any | None:
        return self.properties.get(page_id, key)

    def set_property(self, page_id: str, key: str, value: Any, *,
                     version: int | None = None) -> int:
        return self.properties.set(page_id, key, value, version=version)

    def get_labels(self, page_id: str) -> tuple[str, ...]:
        return tuple(shape.text(item.get("name"), "label name") for item in
                     self.wire.paged_v2(self.url(f"pages/{segment(page_id)}/labels"), {},
                                        subject=f"page {page_id}"))

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]:
        return [answers.v2_attachment(item, page_id) for item in
                self.wire.paged_v2(self.url(f"pages/{segment(page_id)}/attachments"), {},
                                   subject=f"page {page_id}")]

    def delete_attachment(self, attachment_id: str) -> None:
        self.wire.delete(self.url(f"attachments/{segment(attachment_id)}"),
                         f"attachment {attachment_id}")


def _descendants(pages: list[RemotePage], ancestor_id: str) -> list[RemotePage]:
    """The pages below ``ancestor_id``, by the parent links of a whole-space listing."""
    children: dict[str | None, list[RemotePage]] = {}
    for page in pages:
        children.setdefault(page.parent_id, []).append(page)
    out: list[RemotePage] = []
    stack = list(children.get(ancestor_id, []))
    while stack:
        page = stack.pop(0)
        out.append(page)
        stack.extend(children.get(page.id, []))
    return out


__all__ = ["V1_REFUSED", "V2Dialect"]
