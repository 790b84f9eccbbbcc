"""REST API v1 client (Data Center, and Cloud's ``/wiki/rest/api``).

Also the base of the v2 client: on Cloud, attachment uploads, label writes, CQL search,
archiving and watches still only exist in v1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from sphinx.util import logging

from ..errors import (
    ConfluenceBadResponseError,
    ConfluenceConflictError,
    ConfluenceNotFoundError,
    ConfluencePublishError,
)
from . import shape
from .base import NewAttachment, RemoteAttachment, RemotePage, Space
from .common import (
    CONFLICT_RETRIES,
    PAGE_LIMIT,
    Pager,
    attachment_size,
    cql_quote,
    expand_properties,
    next_link,
    page_fields,
    results_of,
    with_changes,
    write_property,
)
from .order import MOVE_POSITIONS, in_position_order, position_of
from .shape import segment as _seg
from .transport import Reply, Transport

logger = logging.getLogger(__name__)

ARCHIVE_POLLS = 60


class V1Client:
    """The ConfluenceClient protocol over REST API v1."""

    api_mode = "v1"
    #: a create carries its content properties in the same request (``metadata``)
    create_carries_properties = True

    def __init__(self, transport: Transport, base_url: str | None = None) -> None:
        self.transport = transport
        self.settings = transport.settings
        #: site base URL, e.g. https://x.atlassian.net/wiki/ (or the gateway's)
        self.base_url = base_url or self.settings.server_url
        self.v1_root = self.settings.api_root("v1", self.base_url)
        #: (page id, property key) -> property id, as last seen (v2 writes need the id)
        self._property_ids: dict[tuple[str, str], str] = {}

    @property
    def request_count(self) -> int:
        return self.transport.request_count

    # -- plumbing ----------------------------------------------------------------------

    def _v1(self, path: str) -> str:
        return self.v1_root + path.lstrip("/")

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        return self.transport.request(method, url, **kwargs).data

    def _paged_v1(self, path: str, params: dict[str, Any], subject: str = ""
                  ) -> Iterator[dict[str, Any]]:
        url: str | None = self._v1(path)
        query: dict[str, Any] | None = {"limit": PAGE_LIMIT, **params}
        seen = 0
        pager = Pager(self._v1(path))
        while url:
            pager.visit(url, query)
            data = self._call("GET", url, params=query, subject=subject) or {}
            results = results_of(data, url, "Confluence", ("confluence_server_url",))
            pager.progress(results)
            yield from results
            seen += len(results)
            nxt = next_link(data)
            if nxt:
                base = data["_links"].get("base")
                base = (base if isinstance(base, str) and base else self.base_url).rstrip("/")
                url, query = (nxt if urlsplit(nxt).scheme else base + nxt), None
            elif results and isinstance(data.get("totalSize"), int) and \
                    data["totalSize"] > seen and query is not None:
                query = {**query, "start": seen}
            else:
                url = None

    def _remember_property(self, page_id: str, data: Any) -> None:
        if isinstance(data, dict) and data.get("id") is not None and \
                isinstance(data.get("key"), str):
            self._property_ids[(page_id, data["key"])] = str(data["id"])

    def _site_url(self, webui: Any) -> str:
        webui = shape.text(webui, "_links.webui")
        return urljoin(self.base_url, webui.lstrip("/")) if webui else ""

    def _delete(self, url: str, subject: str, **kwargs: Any) -> None:
        """A DELETE where an answer of 404 (already gone) is success too."""
        try:
            self._call("DELETE", url, allow_empty=True, subject=subject, **kwargs)
        except ConfluenceNotFoundError:
            pass

    def _page(self, data: dict[str, Any], properties: tuple[str, ...] = (),
              space_key: str = "") -> RemotePage:
        fields = page_fields(data)
        ancestors = shape.items(data.get("ancestors"), "ancestors")
        meta = shape.obj(data.get("metadata"), "metadata")
        found_props = shape.obj(meta.get("properties"), "metadata.properties")
        props: dict[str, Any] = {}
        versions: dict[str, int] = {}
        for key in properties:
            found = found_props.get(key)
            if isinstance(found, dict) and "value" in found:
                props[key] = found["value"]
                self._remember_property(fields["id"], found)
                number = shape.obj(found.get("version"), "property version").get("number")
                if number is not None:
                    versions[key] = shape.number(number, "property version.number")
        labels = None
        if meta.get("labels") is not None:
            labels = tuple(shape.text(lb.get("name"), "label name") for lb in shape.items(
                shape.obj(meta["labels"], "metadata.labels").get("results"), "labels"))
        space = shape.text(shape.obj(data.get("space"), "space").get("key"), "space.key")
        return RemotePage(
            **fields, space_key=space or space_key,
            parent_id=shape.content_id(ancestors[-1].get("id"), "ancestor id")
            if ancestors else None,
            properties=props, labels=labels,
            url=self._site_url(shape.obj(data.get("_links"), "_links").get("webui")),
            property_versions=versions,
            position=position_of(shape.obj(data.get("extensions"), "extensions")
                                 .get("position")))

    # -- instance ----------------------------------------------------------------------

    def current_user(self) -> dict[str, Any]:
        return self._call("GET", self._v1("user/current")) or {}

    def server_info(self) -> dict[str, Any]:
        if self.settings.cloud:
            return {"type": "cloud", "version": "", "api_mode": self.api_mode}
        url = self.base_url + "rest/applinks/1.0/manifest"
        try:
            data = self._call("GET", url)
        except (ConfluenceBadResponseError, ConfluenceNotFoundError):
            data = None  # the manifest is optional; the REST API is what matters
        version = data.get("version", "") if isinstance(data, dict) else ""
        return {"type": "dc", "version": version, "api_mode": self.api_mode}

    def get_space(self, key: str) -> Space:
        data = self._call("GET", self._v1(f"space/{quote(key, safe='~')}"),
                          params={"expand": "homepage"}, subject=f"space {key!r}")
        if not isinstance(data, dict) or not {"id", "key", "name"} <= set(data):
            raise ConfluenceBadResponseError("the space answer lacks id/key/name; "
                                             "confluence_server_url may not be Confluence",
                                             options=("confluence_server_url",))
        home = shape.obj(data.get("homepage"), "homepage").get("id")
        return Space(shape.content_id(data["id"], "space id"),
                     shape.text(data["key"], "space key"), shape.text(data["name"], "name"),
                     shape.opt_id(home, "homepage id"))

    # -- pages -------------------------------------------------------------------------

    def _expand(self, properties: tuple[str, ...], body: bool = False) -> str:
        parts = ["version", "ancestors", "space", *expand_properties(properties)]
        if body:
            parts.append("body.storage")
        return ",".join(parts)

    def get_page(self, page_id: str, *, body: bool = False,
                 properties: tuple[str, ...] = ()) -> RemotePage:
        data = self._call("GET", self._v1(f"content/{_seg(page_id)}"), subject=f"page {page_id}",
                          params={"status": "current",
                                  "expand": self._expand(properties, body)})
        return self._page(data, properties)

    def find_page_by_title(self, space: Space, title: str, *,
                           properties: tuple[str, ...] = (),
                           status: str = "current") -> RemotePage | None:
        if self.settings.page_search_mode == "search":  # CQL only (slow title listing)
            return self._find_case_insensitive(space, title, properties, status)
        data = self._call("GET", self._v1("content"), subject=f"space {space.key!r}", params={
            "type": "page", "spaceKey": space.key, "title": title, "status": status,
            "expand": self._expand(properties)}) or {}
        for item in results_of(data, self._v1("content"), "Confluence",
                               ("confluence_server_url",)):
            if item.get("title") == title:
                return self._page(item, properties, space.key)
        return self._find_case_insensitive(space, title, properties, status)

    def _find_case_insensitive(self, space: Space, title: str, properties: tuple[str, ...],
                               status: str = "current") -> RemotePage | None:
        cql = f"space={cql_quote(space.key)} and type=page and title~{cql_quote(title)}"
        params = {"cql": cql, "expand": self._expand(properties)}
        if status != "current":
            params["cqlcontext"] = json.dumps({"contentStatuses": [status]})
        found = None
        for item in self._paged_v1("content/search", params):
            if item.get("title") == title:
                return self._page(item, properties, space.key)
            if found is None and str(item.get("title", "")).lower() == title.lower():
                found = item
        return None if found is None else self._page(found, properties, space.key)

    def list_pages(self, space: Space, *, ancestor_id: str | None = None,
                   properties: tuple[str, ...] = ()) -> list[RemotePage]:
        cql = f"space={cql_quote(space.key)} and type=page"
        if ancestor_id:
            cql += f" and ancestor={shape.content_id(ancestor_id)}"
        items = self._paged_v1("content/search", {"cql": cql,
                                                  "expand": self._expand(properties)},
                               subject=f"space {space.key!r}")
        return [self._page(item, properties, space.key) for item in items]

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

        def recover() -> Reply | None:
            found = self.find_page_by_title(space, title)
            if found is None or found.title != title or found.parent_id != parent_id:
                return None
            logger.info("confluence: page %r was created by an attempt that failed; using it",
                        title)
            return Reply(200, {"id": found.id, "title": found.title, "status": found.status,
                               "space": {"key": space.key}, "version": {"number": found.version},
                               "ancestors": [{"id": parent_id}] if parent_id else []})

        data = self._call("POST", self._v1("content"), json=payload, recover=recover,
                          subject=f"page {title!r}")
        page = self._page(data, (), space.key)
        if labels and not self.settings.cloud:
            self.add_labels(page.id, labels)  # Data Center ignores labels on create
        return with_changes(page, properties=dict(properties or {}),
                     labels=tuple(labels) if labels else page.labels)

    def update_page(self, page: RemotePage, title: str, body: str, parent_id: str | None, *,
                    version_message: str = "", minor_edit: bool = True) -> RemotePage:
        """Write version ``page.version + 1`` (re-reading the version on a 409, at most
        CONFLICT_RETRIES times). ``parent_id`` None keeps the page where it is."""
        version = page.version
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                return self._update(page, version + 1, title, body, parent_id,
                                    version_message, minor_edit)
            except ConfluenceConflictError:
                if attempt == CONFLICT_RETRIES:
                    raise
                current = self.get_page(page.id)
                logger.info("confluence: page %s changed meanwhile (version %s); retrying",
                            page.id, current.version)
                version = current.version
        raise AssertionError("unreachable")  # pragma: no cover

    def _update(self, page: RemotePage, number: int, title: str, body: str,
                parent_id: str | None, message: str, minor: bool) -> RemotePage:
        payload: dict[str, Any] = {
            "id": page.id, "type": "page", "title": title, "status": "current",
            "space": {"key": page.space_key} if page.space_key else None,
            "body": {"storage": {"value": body, "representation": "storage"}},
            "version": {"number": number, "message": message, "minorEdit": minor}}
        if payload["space"] is None:
            del payload["space"]
        if parent_id:
            payload["ancestors"] = [{"id": parent_id}]
        data = self._call("PUT", self._v1(f"content/{_seg(page.id)}"), json=payload,
                          subject=f"page {page.id}", allow_empty=True)
        if not data:
            return with_changes(page, title=title, version=number, parent_id=parent_id or
                         page.parent_id, body=body)
        return with_changes(self._page(data, (), page.space_key), properties=page.properties)

    def list_children(self, page_id: str) -> list[RemotePage]:
        items = self._paged_v1(f"content/{_seg(page_id)}/child/page", {"expand": "version"},
                               subject=f"page {page_id}")
        return in_position_order([with_changes(self._page(item), parent_id=page_id)
                                  for item in items])

    def move_page(self, page_id: str, position: str, target_id: str) -> None:
        """The documented REST move, ``PUT content/{id}/move/{position}/{targetId}``
        (no new page version). A server without it answers 404 or 405: the error goes
        to the caller (no undocumented fallback)."""
        if position not in MOVE_POSITIONS:
            raise ValueError(f"position must be before, after or append, not {position!r}")
        self._call("PUT", self._v1(f"content/{_seg(page_id)}/move/{position}/"
                                   f"{_seg(target_id)}"),
                   allow_empty=True, subject=f"page {page_id}")

    def delete_page(self, page_id: str, *, purge: bool = False) -> None:
        self._delete(self._v1(f"content/{_seg(page_id)}"), f"page {page_id}")
        if purge:
            self._delete(self._v1(f"content/{_seg(page_id)}"), f"page {page_id}",
                         params={"status": "trashed"})

    def archive_pages(self, page_ids: list[str]) -> None:
        if not page_ids:
            return
        data = self._call("POST", self._v1("content/archive"), idempotent=True,
                          json={"pages": [{"id": pid} for pid in page_ids]})
        task = shape.obj(data, "archive answer").get("id")
        if task is None:
            return
        for _ in range(ARCHIVE_POLLS):
            status = shape.obj(self._call("GET", self._v1(f"longtask/{_seg(task, 'a task id')}")),
                               "task answer")
            if status.get("finished"):
                if status.get("successful") is False:
                    raise ConfluencePublishError(f"archiving pages failed: "
                                                 f"{json.dumps(status.get('messages'))[:300]}")
                return
            self.transport.sleep(0.5)
        raise ConfluencePublishError(f"archiving pages did not finish (task {task})")

    # -- properties and labels ---------------------------------------------------------

    def get_property(self, page_id: str, key: str) -> Any | None:
        data = self._property(page_id, key)
        return data.get("value") if data else None

    def _property(self, page_id: str, key: str) -> dict[str, Any] | None:
        url = self._v1(f"content/{_seg(page_id)}/property/{quote(key, safe='')}")
        reply = self.transport.request("GET", url,
                                       allow_status=(404,), subject=f"page {page_id}")
        return reply.data if reply.status == 200 and isinstance(reply.data, dict) else None

    def set_property(self, page_id: str, key: str, value: Any, *,
                     version: int | None = None) -> int:
        def write(number: int, current: dict[str, Any] | None) -> Any:
            if number == 0:
                return self._call("POST", self._v1(f"content/{_seg(page_id)}/property"),
                                  json={"key": key, "value": value}, idempotent=True,
                                  subject=f"page {page_id}")
            return self._call("PUT", self._v1(f"content/{_seg(page_id)}/property/"
                                              f"{quote(key, safe='')}"),
                              json={"key": key, "value": value,
                                    "version": {"number": number + 1, "minorEdit": True}},
                              subject=f"page {page_id}")

        return write_property(lambda: self._property(page_id, key), write,
                              guess=version, version=version)

    def get_labels(self, page_id: str) -> tuple[str, ...]:
        return tuple(shape.text(item.get("name"), "label name") for item in
                     self._paged_v1(f"content/{_seg(page_id)}/label", {},
                                    subject=f"page {page_id}"))

    def add_labels(self, page_id: str, labels: tuple[str, ...]) -> None:
        if labels:
            self._call("POST", self._v1(f"content/{_seg(page_id)}/label"), idempotent=True,
                       json=[{"prefix": "global", "name": n} for n in labels],
                       subject=f"page {page_id}")

    def remove_label(self, page_id: str, label: str) -> None:
        self._delete(self._v1(f"content/{_seg(page_id)}/label/{quote(label, safe='')}"),
                     f"page {page_id}")

    # -- attachments -------------------------------------------------------------------

    def _attachment(self, data: dict[str, Any], page_id: str) -> RemoteAttachment:
        data = shape.obj(data, "attachment")
        meta = shape.obj(data.get("metadata"), "metadata")
        ext = shape.obj(data.get("extensions"), "extensions")
        return RemoteAttachment(
            id=shape.content_id(data.get("id"), "an attachment id"),
            name=shape.text(data.get("title"), "title"), page_id=page_id,
            version=shape.number(shape.obj(data.get("version"), "version").get("number"),
                                 "version.number", 1),
            media_type=shape.text(meta.get("mediaType") or ext.get("mediaType"), "mediaType"),
            comment=shape.text(meta.get("comment") or ext.get("comment"), "comment"),
            size=attachment_size(ext.get("fileSize")))

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]:
        items = self._paged_v1(f"content/{_seg(page_id)}/child/attachment", {"expand": "version"},
                               subject=f"page {page_id}")
        return [self._attachment(item, page_id) for item in items]

    def _attachment_named(self, page_id: str, name: str) -> RemoteAttachment | None:
        for att in self.list_attachments(page_id):
            if att.name == name:
                return att
        return None

    def upload_attachment(self, page_id: str, name: str, data: bytes, media_type: str, *,
                          comment: str = "", existing: RemoteAttachment | None = None,
                          minor_edit: bool = True) -> RemoteAttachment:
        files = {"file": (name, data, media_type)}
        form = {"comment": comment, "minorEdit": "true" if minor_edit else "false"}
        path = f"content/{_seg(page_id)}/child/attachment"
        if existing is not None:
            path += f"/{_seg(existing.id)}/data"

        def recover() -> Reply | None:
            found = self._attachment_named(page_id, name)
            if found is None or (existing is not None and found.version <= existing.version):
                return None
            return Reply(200, {"id": found.id, "title": found.name,
                               "version": {"number": found.version},
                               "metadata": {"mediaType": found.media_type,
                                            "comment": found.comment},
                               "extensions": {"fileSize": found.size}})

        reply = self._call("POST", self._v1(path), files=files, data=form, recover=recover,
                           subject=f"attachment {name!r} of page {page_id}")
        if isinstance(reply, dict) and "results" in reply:
            found = shape.items(reply["results"], "results")
            reply = found[0] if found else None
        item = reply
        return self._attachment(item, page_id)

    def upload_attachments(self, page_id: str, files: Sequence[NewAttachment], *,
                           minor_edit: bool = True) -> list[RemoteAttachment]:
        """New attachments in one multipart ``POST content/{id}/child/attachment``, a
        ``file`` and a ``comment`` part per file (paired in order). A lost answer is
        recovered by listing what landed; files not stored go in a further request,
        as long as each request stores something."""
        path = self._v1(f"content/{_seg(page_id)}/child/attachment")
        stored: dict[str, RemoteAttachment] = {}
        pending = list(files)
        while pending:
            reply = self._call(
                "POST", path, subject=f"{len(pending)} attachment(s) of page {page_id}",
                files=[("file", (f.name, f.data, f.media_type)) for f in pending],
                data=[*(("comment", f.comment) for f in pending),
                      ("minorEdit", "true" if minor_edit else "false")],
                recover=lambda batch=tuple(pending): self._landed(page_id, batch))
            items = shape.items(shape.obj(reply, "upload answer").get("results"), "results")
            fresh = 0
            for item in items:
                att = self._attachment(item, page_id)
                fresh += att.name.casefold() not in stored
                stored[att.name.casefold()] = att
            pending = [f for f in pending if f.name.casefold() not in stored]
            if pending and not fresh:
                raise ConfluenceBadResponseError(
                    f"uploading to page {page_id}: the server stored none of "
                    f"{', '.join(repr(f.name) for f in pending[:5])}",
                    hint="The server answered the upload without the attachments. Check "
                         "confluence_server_url and any proxy in between.",
                    options=("confluence_server_url",))
        return [stored[f.name.casefold()] for f in files]

    def _landed(self, page_id: str, files: tuple[NewAttachment, ...]) -> Reply | None:
        """Before an upload is sent again: its files already there (name and comment)."""
        def squeeze(text: str) -> str:   # servers may wrap a long comment in lines
            return "".join(text.split())

        wanted = {f.name.casefold(): squeeze(f.comment) for f in files}
        found = [a for a in self.list_attachments(page_id)
                 if wanted.get(a.name.casefold()) == squeeze(a.comment)]
        if not found:
            return None
        return Reply(200, {"results": [
            {"id": a.id, "title": a.name, "version": {"number": a.version},
             "metadata": {"mediaType": a.media_type, "comment": a.comment},
             "extensions": {"fileSize": a.size}} for a in found]})

    def delete_attachment(self, attachment_id: str) -> None:
        self._delete(self._v1(f"content/{_seg(attachment_id)}"), f"attachment {attachment_id}")

    def unwatch(self, content_id: str) -> None:
        self._delete(self._v1(f"user/watch/content/{_seg(content_id)}"), f"page {content_id}")

    def inline_comment_statuses(self, page_id: str) -> list[str]:
        """Resolution status of every inline comment of a page ('open', 'resolved' ...)."""
        items = self._paged_v1(f"content/{_seg(page_id)}/child/comment",
                               {"location": "inline", "expand": "extensions.resolution"},
                               subject=f"page {page_id}")
        return [str(((i.get("extensions") or {}).get("resolution") or {}).get("status")
                    or "open") for i in items]

    def set_homepage(self, space: Space, page_id: str) -> None:
        # the v1 space update is the one way to set it, on Data Center and on Cloud
        self._call("PUT", self._v1(f"space/{quote(space.key, safe='~')}"),
                   json={"name": space.name, "homepage": {"id": page_id}},
                   subject=f"space {space.key!r}")
