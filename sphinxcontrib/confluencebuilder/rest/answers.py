"""Answers of either API read into the client's values (``RemotePage``,
``RemoteAttachment``), each field checked by :mod:`.shape`.

Pure functions, no requests: the dialects build the requests, send them through their
wire and read what comes back with these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from . import shape
from .base import RemoteAttachment, RemotePage
from .common import attachment_size, page_fields
from .order import position_of


class PropertyIds:
    """(page id, property key) -> property id, as last seen in any answer: v2 writes
    address a property by its id, and a v1 listing may be the one that told it."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], str] = {}

    def remember(self, page_id: str, data: Any) -> None:
        """Note the id of the property ``data`` (an answer about one property)."""
        if isinstance(data, dict) and data.get("id") is not None and \
                isinstance(data.get("key"), str):
            self._ids[(page_id, data["key"])] = str(data["id"])

    def get(self, page_id: str, key: str) -> str | None:
        return self._ids.get((page_id, key))


def site_url(base_url: str, webui: Any) -> str:
    """The absolute web-UI address of a ``_links.webui`` path ('' when absent)."""
    path = shape.text(webui, "_links.webui")
    return urljoin(base_url, path.lstrip("/")) if path else ""


def property_version(item: dict[str, Any]) -> int | None:
    """The version number of one property answer (None when it has none)."""
    number = shape.obj(item.get("version"), "property version").get("number")
    return None if number is None else shape.number(number, "property version.number")


def v1_page(data: dict[str, Any], base_url: str, ids: PropertyIds,
            properties: tuple[str, ...] = (), space_key: str = "") -> RemotePage:
    """A v1 content answer (with the expansions the v1 dialect asks for)."""
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
            ids.remember(fields["id"], found)
            number = property_version(found)
            if number is not None:
                versions[key] = number
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
        url=site_url(base_url, shape.obj(data.get("_links"), "_links").get("webui")),
        property_versions=versions,
        position=position_of(shape.obj(data.get("extensions"), "extensions")
                             .get("position")))


def v2_page(data: dict[str, Any], base_url: str, space_key: Callable[[Any], str],
            properties: tuple[dict[str, Any], dict[str, int]] | None = None) -> RemotePage:
    """A v2 page answer; ``space_key`` turns its ``spaceId`` into the key (v2 names a
    space by id only); ``properties`` are (key -> value, key -> version) read apart
    (v2 cannot embed them)."""
    fields = page_fields(data)
    return RemotePage(
        **fields, space_key=space_key(data.get("spaceId")),
        parent_id=shape.opt_id(data.get("parentId"), "parentId"),
        properties=dict(properties[0]) if properties else {},
        property_versions=dict(properties[1]) if properties else {},
        url=site_url(base_url, shape.obj(data.get("_links"), "_links").get("webui")),
        position=position_of(data.get("position", data.get("childPosition"))))


def v1_attachment(data: Any, page_id: str) -> RemoteAttachment:
    """A v1 attachment answer (media type and comment in ``metadata`` or
    ``extensions``)."""
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


def v2_attachment(item: dict[str, Any], page_id: str) -> RemoteAttachment:
    """A v2 attachment answer (its fields at the top level)."""
    return v1_attachment({**item, "extensions": {
        "mediaType": item.get("mediaType"), "comment": item.get("comment"),
        "fileSize": item.get("fileSize")}, "metadata": None}, page_id)


def v1_attachment_answer(att: RemoteAttachment) -> dict[str, Any]:
    """``att`` spelled as a v1 attachment answer (what a recovered upload returns)."""
    return {"id": att.id, "title": att.name, "version": {"number": att.version},
            "metadata": {"mediaType": att.media_type, "comment": att.comment},
            "extensions": {"fileSize": att.size}}


__all__ = ["PropertyIds", "property_version", "site_url", "v1_attachment",
           "v1_attachment_answer", "v2_attachment", "v2_page", "v1_page"]
