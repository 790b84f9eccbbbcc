"""REST API v2 client (Confluence Cloud ``/wiki/api/v2``).

Content CRUD, properties, attachment reads and deletes use v2. Like the real Cloud,
some operations only exist in v1 and are inherited from :class:`V1Client`: attachment
uploads, label writes, archiving, watches and the current user.

``list_pages`` (the cheapest real approach): one cursor-paged walk of
``GET /spaces/{id}/pages`` (id, title, parentId and version come with each page; the
subtree below ``ancestor_id`` is cut out locally from the parent links). v2 cannot
embed content properties in a listing, so when properties are asked for they come from
one paged v1 CQL search with ``expand=metadata.properties.<key>``; only when that v1
call is refused (410 Gone, or a scoped token without v1 scopes) does it fall back to one
``GET /pages/{id}/properties?key=`` per page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from sphinx.util import logging

from ..errors import (
    ConfluenceAuthError,
    ConfluenceBadResponseError,
    ConfluenceGoneError,
    ConfluenceNotFoundError,
    ConfluencePermissionError,
)
from . import shape
from .base import RemoteAttachment, RemotePage, Space
from .common import (
    PAGE_LIMIT,
    Pager,
    cql_quote,
    next_link,
    page_fields,
    results_of,
    with_changes,
    write_property,
)
from .order import in_position_order, position_of
from .shape import segment as _seg
from .transport import Reply, Transport
from .v1 import V1Client

logger = logging.getLogger(__name__)

_V1_REFUSED = (ConfluenceGoneError, ConfluenceAuthError, ConfluencePermissionError)


class V2Client(V1Client):
    """The ConfluenceClient protocol over REST API v2 (with v1 where Cloud needs it)."""

    api_mode = "v2"
    #: a v2 create takes no properties: each is one more request after it
    create_carries_properties = False

    def __init__(self, transport: Transport, base_url: str | None = None) -> None:
        super().__init__(transport, base_url)
        self.v2_root = self.settings.api_root("v2", self.base_url)
        self._space_keys: dict[str, str] = {}

    def _v2(self, path: str) -> str:
        return self.v2_root + path.lstrip("/")

    def _paged_v2(self, path: str, params: dict[str, Any], subject: str = ""
                  ) -> Iterator[dict[str, Any]]:
        url: str | None = self._v2(path)
        query: dict[str, Any] | None = {"limit": PAGE_LIMIT, **params}
        parts = urlsplit(self.v2_root)
        origin = f"{parts.scheme}://{parts.netloc}/"
        pager = Pager(self._v2(path))
        while url:
            pager.visit(url, query)
            data = self._call("GET", url, params=query, subject=subject) or {}
            results = results_of(data, url, "Confluence Cloud",
                                 ("confluence_server_url", "confluence_api_mode"))
            pager.progress(results)
            yield from results
            nxt = next_link(data)
            url, query = (urljoin(origin, nxt), None) if nxt else (None, None)

    def _space_key(self, space_id: Any) -> str:
        sid = shape.opt_id(space_id, "spaceId") or ""
        if sid and sid not in self._space_keys:
            data = shape.obj(self._call("GET", self._v2(f"spaces/{_seg(sid)}"),
                                        subject=f"space {sid}"), "space")
            self._space_keys[sid] = shape.text(data.get("key"), "space key")
        return self._space_keys.get(sid, "")

    def _page2(self, data: dict[str, Any],
               properties: tuple[dict[str, Any], dict[str, int]] | None = None
               ) -> RemotePage:
        fields = page_fields(data)
        return RemotePage(
            **fields, space_key=self._space_key(data.get("spaceId")),
            parent_id=shape.opt_id(data.get("parentId"), "parentId"),
            properties=dict(properties[0]) if properties else {},
            property_versions=dict(properties[1]) if properties else {},
            url=self._site_url(shape.obj(data.get("_links"), "_links").get("webui")),
            position=position_of(data.get("position", data.get("childPosition"))))

    # -- spaces and pages --------------------------------------------------------------

    def get_space(self, key: str) -> Space:
        data = self._call("GET", self._v2("spaces"), params={"keys": key, "limit": 1},
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
                "permissions.", options=("confluence_space_key", *self.settings.
                                         credential_options), status=200,
                url=self._v2("spaces"))
        space = match[0]
        sid = shape.content_id(space.get("id"), "space id")
        self._space_keys[sid] = key
        return Space(sid, key, shape.text(space.get("name"), "space name"),
                     shape.opt_id(space.get("homepageId"), "homepageId"))

    def _properties(self, page_id: str, keys: tuple[str, ...]
                    ) -> tuple[dict[str, Any], dict[str, int]]:
        """(key -> value, key -> version) of the named properties of a page."""
        found: dict[str, Any] = {}
        versions: dict[str, int] = {}
        for key in keys:
            item = self._property2(page_id, key)
            if item is not None:
                found[key] = item.get("value")
                number = shape.obj(item.get("version"), "property version").get("number")
                if number is not None:
                    versions[key] = shape.number(number, "property version.number")
        return found, versions

    def get_page(self, page_id: str, *, body: bool = False,
                 properties: tuple[str, ...] = ()) -> RemotePage:
        params = {"body-format": "storage"} if body else None
        data = self._call("GET", self._v2(f"pages/{_seg(page_id)}"), params=params,
                          subject=f"page {page_id}")
        return self._page2(data, self._properties(page_id, properties))

    def find_page_by_title(self, space: Space, title: str, *,
                           properties: tuple[str, ...] = (),
                           status: str = "current") -> RemotePage | None:
        self._space_keys.setdefault(space.id, space.key)
        for item in self._paged_v2("pages", {"space-id": space.id, "title": title,
                                             "status": status},
                                   subject=f"space {space.key!r}"):
            if item.get("title") == title:
                return self._page2(item, self._properties(shape.content_id(item.get("id")),
                                                          properties))
        try:
            found = self._find_case_insensitive(space, title, (), status)
        except _V1_REFUSED:
            found = next((p for p in self._space_pages(space, status)
                          if p.title.lower() == title.lower()), None)
        if found is None:
            return None
        values, versions = self._properties(found.id, properties)
        return with_changes(found, properties=values, property_versions=versions)

    def _space_pages(self, space: Space, status: str = "current") -> list[RemotePage]:
        self._space_keys.setdefault(space.id, space.key)
        return [self._page2(item) for item in
                self._paged_v2(f"spaces/{_seg(space.id)}/pages", {"status": status},
                               subject=f"space {space.key!r}")]

    def list_pages(self, space: Space, *, ancestor_id: str | None = None,
                   properties: tuple[str, ...] = ()) -> list[RemotePage]:
        pages = self._space_pages(space)
        if ancestor_id:
            pages = _descendants(pages, ancestor_id)
        if not properties or not pages:
            return pages
        try:
            bulk = {p.id: p for p in
                    super().list_pages(space, ancestor_id=ancestor_id, properties=properties)}
        except _V1_REFUSED:
            logger.info("confluence: v1 search refused; reading properties page by page")
            out = []
            for page in pages:
                values, versions = self._properties(page.id, properties)
                out.append(with_changes(page, properties=values, property_versions=versions))
            return out
        return [with_changes(p, properties=bulk[p.id].properties,
                      property_versions=bulk[p.id].property_versions)
                if p.id in bulk else p for p in pages]

    def create_page(self, space: Space, title: str, body: str, parent_id: str | None, *,
                    properties: dict[str, Any] | None = None, labels: tuple[str, ...] = (),
                    version_message: str = "") -> RemotePage:
        self._space_keys.setdefault(space.id, space.key)
        payload: dict[str, Any] = {"spaceId": space.id, "status": "current", "title": title,
                                   "body": {"representation": "storage", "value": body}}
        if parent_id:
            payload["parentId"] = parent_id
        # v2 creates take no version message (Data Center ignores it on v1 as well)

        def recover() -> Reply | None:
            for item in self._paged_v2("pages", {"space-id": space.id, "title": title}):
                if item.get("title") == title and str(item.get("parentId") or "") == \
                        str(parent_id or ""):
                    return Reply(200, item)
            return None

        data = self._call("POST", self._v2("pages"), json=payload, recover=recover,
                          params=None if parent_id else {"root-level": "true"},
                          subject=f"page {title!r}")
        page = self._page2(data)
        # v2 creates take no properties: each is one POST on the new page (version 0:
        # a page this call just made has none; a recovered create may, and is re-read)
        for key, value in (properties or {}).items():
            self._first_property(page.id, key, value)
        if labels:
            self.add_labels(page.id, labels)
        return with_changes(page, properties=dict(properties or {}),
                     labels=tuple(labels) if labels else None)

    def _update(self, page: RemotePage, number: int, title: str, body: str,
                parent_id: str | None, message: str, minor: bool) -> RemotePage:
        payload: dict[str, Any] = {
            "id": page.id, "status": "current", "title": title,
            "body": {"representation": "storage", "value": body},
            "version": {"number": number, "message": message, "minorEdit": minor}}
        if parent_id:
            payload["parentId"] = parent_id
        space_id = next((sid for sid, key in self._space_keys.items()
                         if key == page.space_key), None)
        if space_id:
            payload["spaceId"] = space_id
        data = self._call("PUT", self._v2(f"pages/{_seg(page.id)}"), json=payload,
                          subject=f"page {page.id}")
        return with_changes(self._page2(data), properties=page.properties)

    def list_children(self, page_id: str) -> list[RemotePage]:
        """``/pages/{id}/direct-children`` (folders and other types left out), sorted by
        ``childPosition``: the cursor order of that listing is not the tree order.
        The page move itself is v1's (Cloud has no v2 move)."""
        items = self._paged_v2(f"pages/{_seg(page_id)}/direct-children", {},
                               subject=f"page {page_id}")
        return in_position_order([
            with_changes(self._page2(item), parent_id=page_id,
                  position=position_of(item.get("childPosition")))
            for item in items if item.get("type", "page") == "page"])

    def delete_page(self, page_id: str, *, purge: bool = False) -> None:
        url = self._v2(f"pages/{_seg(page_id)}")
        self._delete(url, f"page {page_id}")
        if purge:
            self._delete(url, f"page {page_id}", params={"purge": "true"})

    # -- properties, labels, attachments ------------------------------------------------

    def _property2(self, page_id: str, key: str) -> dict[str, Any] | None:
        for item in self._paged_v2(f"pages/{_seg(page_id)}/properties", {"key": key},
                                   subject=f"page {page_id}"):
            if item.get("key") == key:
                self._remember_property(page_id, item)
                return item
        return None

    def get_property(self, page_id: str, key: str) -> Any | None:
        try:
            item = self._property2(page_id, key)
        except ConfluenceNotFoundError:
            return None
        return item.get("value") if item else None

    def set_property(self, page_id: str, key: str, value: Any, *,
                     version: int | None = None) -> int:
        if version == 0:    # the first property of a page: maybe one just created
            return self._first_property(page_id, key, value)
        return self._write_property(page_id, key, value, version=version)

    def _write_property(self, page_id: str, key: str, value: Any, *,
                        version: int | None = None) -> int:
        # v2 writes address a property by its id: guess only when the id is known
        # (or the property is known to be absent), else read it first
        known_id = self._property_ids.get((page_id, key))
        guess = version if version == 0 or known_id is not None else None

        def write(number: int, current: dict[str, Any] | None) -> Any:
            if number == 0:
                data = self._call("POST", self._v2(f"pages/{_seg(page_id)}/properties"),
                                  idempotent=True, json={"key": key, "value": value},
                                  subject=f"page {page_id}")
            else:
                prop_id = known_id if current is None else current.get("id")
                data = self._call("PUT", self._v2(f"pages/{_seg(page_id)}/properties/"
                                                  f"{_seg(prop_id)}"),
                                  json={"key": key, "value": value,
                                        "version": {"number": number + 1,
                                                    "minorEdit": True}},
                                  subject=f"page {page_id}")
            self._remember_property(page_id, data)
            return data

        return write_property(lambda: self._property2(page_id, key), write,
                              guess=guess, version=version)

    def get_labels(self, page_id: str) -> tuple[str, ...]:
        return tuple(shape.text(item.get("name"), "label name") for item in
                     self._paged_v2(f"pages/{_seg(page_id)}/labels", {}, subject=f"page {page_id}"))

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]:
        return [self._attachment({**item, "extensions": {
            "mediaType": item.get("mediaType"), "comment": item.get("comment"),
            "fileSize": item.get("fileSize")}, "metadata": None}, page_id)
            for item in self._paged_v2(f"pages/{_seg(page_id)}/attachments", {},
                                       subject=f"page {page_id}")]

    def _first_property(self, page_id: str, key: str, value: Any) -> int:
        """A property of a page just created; Cloud may not show the page to the
        property API at once: a 404 is tried again after ``cloud_prop_delay`` seconds
        (0: confluence_adv_disable_cloud_prop_delay, no second try)."""
        try:
            return self._write_property(page_id, key, value, version=0)
        except ConfluenceNotFoundError:
            delay = self.settings.cloud_prop_delay
            if not (self.settings.cloud and delay > 0):
                raise
            self.transport.sleep(delay)
            return self._write_property(page_id, key, value, version=0)

    def inline_comment_statuses(self, page_id: str) -> list[str]:
        return [str(i.get("resolutionStatus") or "open") for i in
                self._paged_v2(f"pages/{_seg(page_id)}/inline-comments", {},
                               subject=f"page {page_id}")]

    def delete_attachment(self, attachment_id: str) -> None:
        self._delete(self._v2(f"attachments/{_seg(attachment_id)}"), f"attachment {attachment_id}")


def _descendants(pages: list[RemotePage], ancestor_id: str) -> list[RemotePage]:
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


__all__ = ["V2Client", "cql_quote"]
