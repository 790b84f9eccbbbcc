"""The v1 dialect: REST API v1 requests and answers (Data Center, and Cloud's
``/wiki/rest/api``).

The v2 dialect holds one of these for what Cloud still serves only through v1
(attachment uploads, label writes, CQL search, archiving, watches, the current user);
the attachment calls live in :mod:`.attachments_v1`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from sphinx.util import logging

from ..errors import ConfluenceBadResponseError, ConfluenceNotFoundError, ConfluencePublishError
from . import answers, shape
from .attachments_v1 import V1Attachments
from .base import ApiMode, NewAttachment, RemoteAttachment, RemotePage, Space
from .common import cql_quote, expand_properties, results_of, with_changes
from .order import MOVE_POSITIONS, in_position_order
from .retrypolicy import Resend
from .shape import segment
from .transport import Reply
from .wire import Wire

logger = logging.getLogger(__name__)

ARCHIVE_POLLS = 60


class V1Dialect:
    """Builds REST API v1 requests, sends them through ``wire``, reads the answers."""

    api_mode: ApiMode = "v1"
    #: a create carries its content properties in the same request (``metadata``)
    create_carries_properties = True

    def __init__(self, wire: Wire, property_ids: answers.PropertyIds | None = None) -> None:
        self.wire = wire
        self.settings = wire.settings
        self.root = self.settings.api_root("v1", wire.base_url)
        #: property ids as last seen (shared with a v2 dialect that delegates to this one)
        self.property_ids = property_ids or answers.PropertyIds()
        self.attachments = V1Attachments(wire, self.root)

    def url(self, path: str) -> str:
        """The v1 URL of an API path (``content/123``)."""
        return self.root + path.lstrip("/")

    def page(self, data: dict[str, Any], properties: tuple[str, ...] = (),
             space_key: str = "") -> RemotePage:
        return answers.v1_page(data, self.wire.base_url, self.property_ids, properties,
                               space_key)

    # -- instance ----------------------------------------------------------------------

    def current_user(self) -> dict[str, Any]:
        data = self.wire.call("GET", self.url("user/current"))
        return data if isinstance(data, dict) else {}

    def server_info(self) -> dict[str, Any]:
        if self.settings.cloud:
            return {"type": "cloud", "version": "", "api_mode": self.api_mode}
        url = self.wire.base_url + "rest/applinks/1.0/manifest"
        try:
            data = self.wire.call("GET", url)
        except (ConfluenceBadResponseError, ConfluenceNotFoundError):
            data = None  # the manifest is optional; the REST API is what matters
        version = data.get("version", "") if isinstance(data, dict) else ""
        return {"type": "dc", "version": version, "api_mode": self.api_mode}

    def get_space(self, key: str) -> Space:
        data = self.wire.call("GET", self.url(f"space/{quote(key, safe='~')}"),
                              params={"expand": "homepage"}, subject=f"space {key!r}")
        if not isinstance(data, dict) or not {"id", "key", "name"} <= set(data):
            raise ConfluenceBadResponseError("the space answer lacks id/key/name; "
                                             "confluence_server_url may not be Confluence",
                                             options=("confluence_server_url",))
        home = shape.obj(data.get("homepage"), "homepage").get("id")
        return Space(shape.content_id(data["id"], "space id"),
                     shape.text(data["key"], "space key"), shape.text(data["name"], "name"),
                     shape.opt_id(home, "homepage id"))

    def set_homepage(self, space: Space, page_id: str) -> None:
        # the v1 space update is the one way to set it, on Data Center and on Cloud
        self.wire.call("PUT", self.url(f"space/{quote(space.key, safe='~')}"),
                       json={"name": space.name, "homepage": {"id": page_id}},
                       subject=f"space {space.key!r}")

    # -- pages -------------------------------------------------------------------------

    @staticmethod
    def expand(properties: tuple[str, ...], body: bool = False) -> str:
        parts = ["version", "ancestors", "space", *expand_properties(properties)]
        if body:
            parts.append("body.storage")
        return ",".join(parts)

    def get_page(self, page_id: str, *, body: bool = False,
                 properties: tuple[str, ...] = ()) -> RemotePage:
        data = self.wire.call("GET", self.url(f"content/{segment(page_id)}"),
                              subject=f"page {page_id}",
                              params={"status": "current",
                                      "expand": self.expand(properties, body)})
        return self.page(data, properties)

    def find_page_by_title(self, space: Space, title: str, *,
                           properties: tuple[str, ...] = (),
                           status: str = "current") -> RemotePage | None:
        if self.settings.page_search_mode == "search":  # CQL only (slow title listing)
            return self.find_case_insensitive(space, title, properties, status)
        data = self.wire.call("GET", self.url("content"), subject=f"space {space.key!r}",
                              params={"type": "page", "spaceKey": space.key, "title": title,
                                      "status": status,
                                      "expand": self.expand(properties)}) or {}
        for item in results_of(data, self.url("content"), "Confluence",
                               ("confluence_server_url",)):
            if item.get("title") == title:
                return self.page(item, properties, space.key)
        return self.find_case_insensitive(space, title, properties, status)

    def find_case_insensitive(self, space: Space, title: str, properties: tuple[str, ...],
                              status: str = "current") -> RemotePage | None:
        """A CQL title search: the exact title first, else a case-insensitive match."""
        cql = f"space={cql_quote(space.key)} and type=page and title~{cql_quote(title)}"
        params = {"cql": cql, "expand": self.expand(properties)}
        if status != "current":
            params["cqlcontext"] = json.dumps({"contentStatuses": [status]})
        found = None
        for item in self.wire.paged_v1(self.url("content/search"), params):
            if item.get("title") == title:
                return self.page(item, properties, space.key)
            if found is None and str(item.get("title", "")).lower() == title.lower():
                found = item
        return None if found is None else self.page(found, properties, space.key)

    def list_pages(self, space: Space, *, ancestor_id: str | None = None,
                   properties: tuple[str, ...] = ()) -> list[RemotePage]:
        cql = f"space={cql_quote(space.key)} and type=page"
        if ancestor_id:
            cql += f" and ancestor={shape.content_id(ancestor_id)}"
        items = self.wire.paged_v1(self.url("content/search"),
                                   {"cql": cql, "expand": self.expand(properties)},
                                   subject=f"space {space.key!r}")
        return [self.page(item, properties, space.key) for item in items]

    def create_page(self, space: Space, title: str, body: str, parent_id: str | None, *,
                    properties: dict[str, Any] | None = None, labels: tuple[str, ...] = (),
                    version_message: str = "") -> RemotePage:
        payload: dict[str, Any] = {
            "type": "page", "title": title, "space": {"key": space.key},
            "body": {"storage": {"value": body, "representation": "storage"}},
            "version": {"number": 1, "message": version_message}}
        if parent_id:
            payload["ancestors"] = [{"id": parent_id}]
        meta: dict[str, Any] = {}
        if properties:
            meta["properties"] = {k: {"value": v} for k, v in properties.items()}
        if labels and self.settings.cloud:
            meta["labels"] = [{"prefix": "global", "name": n} for n in labels]
        if meta:
            payload["metadata"] = meta
        data = self.wire.call("POST", self.url("content"), json=payload,
                              recover=lambda: self._created(space, title, parent_id),
                              subject=f"page {title!r}")
        page = self.page(data, (), space.key)
        if labels and not self.settings.cloud:
            self.add_labels(page.id, labels)  # Data Center ignores labels on create
        return with_changes(page, properties=dict(properties or {}),
                            labels=tuple(labels) if labels else page.labels)

    def _created(self, space: Space, title: str, parent_id: str | None) -> Reply | None:
        """Before sending a create again: the page if an earlier attempt made it."""
        found = self.find_page_by_title(space, title)
        if found is None or found.title != title or found.parent_id != parent_id:
            return None
        logger.info("confluence: page %r was created by an attempt that failed; using it",
                    title)
        return Reply(200, {"id": found.id, "title": found.title, "status": found.status,
                           "space": {"key": space.key}, "version": {"number": found.version},
                           "ancestors": [{"id": parent_id}] if parent_id else []})

    def update_page(self, page: RemotePage, title: str, body: str, parent_id: str | None,
                    message: str, minor: bool) -> RemotePage:
        """Write ``page`` at the version after its own (``parent_id`` None: it stays); a
        stale version is re-read by the transport's retry policy (Wire.write_versioned)."""
        url = self.url(f"content/{segment(page.id)}")

        def build(number: int) -> Resend:
            payload: dict[str, Any] = {
                "id": page.id, "type": "page", "title": title, "status": "current",
                "body": {"storage": {"value": body, "representation": "storage"}},
                "version": {"number": number, "message": message, "minorEdit": minor}}
            if page.space_key:
                payload["space"] = {"key": page.space_key}
            if parent_id:
                payload["ancestors"] = [{"id": parent_id}]
            return Resend("PUT", url, payload)

        data, number = self.wire.write_versioned(
            build, page.version + 1, lambda: self.get_page(page.id).version,
            subject=f"page {page.id}", allow_empty=True)
        if not data:
            return with_changes(page, title=title, version=number, body=body,
                                parent_id=parent_id or page.parent_id)
        return with_changes(self.page(data, (), page.space_key), properties=page.properties)

    def list_children(self, page_id: str) -> list[RemotePage]:
        items = self.wire.paged_v1(self.url(f"content/{segment(page_id)}/child/page"),
                                   {"expand": "version"}, subject=f"page {page_id}")
        return in_position_order([with_changes(self.page(item), parent_id=page_id)
                                  for item in items])

    def move_page(self, page_id: str, position: str, target_id: str) -> None:
        """The documented REST move, ``PUT content/{id}/move/{position}/{targetId}``
        (no new page version). A server without it answers 404 or 405: the error goes
        to the caller (no undocumented fallback)."""
        if position not in MOVE_POSITIONS:
            raise ValueError(f"position must be before, after or append, not {position!r}")
        self.wire.call("PUT", self.url(f"content/{segment(page_id)}/move/{position}/"
                                       f"{segment(target_id)}"),
                       allow_empty=True, subject=f"page {page_id}")

    def delete_page(self, page_id: str, *, purge: bool = False) -> None:
        url = self.url(f"content/{segment(page_id)}")
        self.wire.delete(url, f"page {page_id}")
        if purge:
            self.wire.delete(url, f"page {page_id}", params={"status": "trashed"})

    def archive_pages(self, page_ids: list[str]) -> None:
        if not page_ids:
            return
        data = self.wire.call("POST", self.url("content/archive"), idempotent=True,
                              json={"pages": [{"id": pid} for pid in page_ids]})
        task = shape.obj(data, "archive answer").get("id")
        if task is None:
            return
        for _ in range(ARCHIVE_POLLS):
            status = shape.obj(self.wire.call(
                "GET", self.url(f"longtask/{segment(task, 'a task id')}")), "task answer")
            if status.get("finished"):
                if status.get("successful") is False:
                    raise ConfluencePublishError(f"archiving pages failed: "
                                                 f"{json.dumps(status.get('messages'))[:300]}")
                return
            self.wire.sleep(0.5)
        raise ConfluencePublishError(f"archiving pages did not finish (task {task})")

    def unwatch(self, content_id: str) -> None:
        self.wire.delete(self.url(f"user/watch/content/{segment(content_id)}"),
                         f"page {content_id}")

    def inline_comment_statuses(self, page_id: str) -> list[str]:
        """Resolution status of every inline comment of a page ('open', 'resolved' ...)."""
        items = self.wire.paged_v1(self.url(f"content/{segment(page_id)}/child/comment"),
                                   {"location": "inline", "expand": "extensions.resolution"},
                                   subject=f"page {page_id}")
        return [str(((i.get("extensions") or {}).get("resolution") or {}).get("status")
                    or "open") for i in items]

    # -- properties and labels ---------------------------------------------------------

    def get_property(self, page_id: str, key: str) -> Any | None:
        data = self.read_property(page_id, key)
        return data.get("value") if data else None

    def read_property(self, page_id: str, key: str) -> dict[str, Any] | None:
        """One property answer (None when the page has no such property)."""
        url = self.url(f"content/{segment(page_id)}/property/{quote(key, safe='')}")
        reply = self.wire.reply("GET", url, allow_status=(404,), subject=f"page {page_id}")
        return reply.data if reply.status == 200 and isinstance(reply.data, dict) else None

    def set_property(self, page_id: str, key: str, value: Any, *,
                     version: int | None = None) -> int:
        base = self.url(f"content/{segment(page_id)}/property")

        def build(number: int, current: dict[str, Any] | None) -> Resend:
            if number == 0:
                return Resend("POST", base, {"key": key, "value": value})
            return Resend("PUT", f"{base}/{quote(key, safe='')}", {
                "key": key, "value": value,
                "version": {"number": number + 1, "minorEdit": True}})

        written, _ = self.wire.write_property(lambda: self.read_property(page_id, key),
                                              build, guess=version, subject=f"page {page_id}")
        return written

    def get_labels(self, page_id: str) -> tuple[str, ...]:
        return tuple(shape.text(item.get("name"), "label name") for item in
                     self.wire.paged_v1(self.url(f"content/{segment(page_id)}/label"), {},
                                        subject=f"page {page_id}"))

    def add_labels(self, page_id: str, labels: tuple[str, ...]) -> None:
        if labels:
            self.wire.call("POST", self.url(f"content/{segment(page_id)}/label"),
                           idempotent=True,
                           json=[{"prefix": "global", "name": n} for n in labels],
                           subject=f"page {page_id}")

    def remove_label(self, page_id: str, label: str) -> None:
        self.wire.delete(self.url(f"content/{segment(page_id)}/label/{quote(label, safe='')}"),
                         f"page {page_id}")

    # -- attachments (see attachments_v1) ------------------------------------------------

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]:
        return self.attachments.list_attachments(page_id)

    def upload_attachment(self, page_id: str, name: str, data: bytes, media_type: str, *,
                          comment: str = "", existing: RemoteAttachment | None = None,
                          minor_edit: bool = True) -> RemoteAttachment:
        return self.attachments.upload(page_id, NewAttachment(name, data, media_type, comment),
                                       existing=existing, minor_edit=minor_edit)

    def upload_attachments(self, page_id: str, files: Sequence[NewAttachment], *,
                           minor_edit: bool = True) -> list[RemoteAttachment]:
        return self.attachments.upload_several(page_id, files, minor_edit=minor_edit)

    def delete_attachment(self, attachment_id: str) -> None:
        self.attachments.delete(attachment_id)


__all__ = ["ARCHIVE_POLLS", "V1Dialect"]
