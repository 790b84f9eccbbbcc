"""Cloud REST API v2 handlers (``/wiki/api/v2``): spaces, pages, properties, attachments.

All ids are strings, lists are cursor-paged (``_links.next`` plus a ``Link`` header), creates
answer 200 and deletes 204, errors are ``{"errors": [{status, code, title, detail}]}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, quote_plus

from .api import Ctx
from .api_v1 import download_link
from .api_v1 import space_operations as v1_space_operations
from .protocol import ApiResponse
from .state import Content, EmulatorError, Property, Space, Version
from .xhtml import validate_storage

PID = r"(?P<id>\d+)"
_ANY = ("current", "archived", "draft", "trashed")


def version_json(version: Version) -> dict[str, Any]:
    return {"createdAt": version.when, "message": version.message, "number": version.number,
            "minorEdit": version.minor_edit, "authorId": version.by}


def space_json(space: Space) -> dict[str, Any]:
    return {"id": str(space.id), "key": space.key, "name": space.name, "type": space.type,
            "status": space.status, "authorId": space.author, "createdAt": space.created,
            "homepageId": space.homepage_id, "description": None, "icon": None,
            "_links": {"webui": f"/spaces/{space.key}"}}


def page_json(ctx: Ctx, page: Content, with_body: bool) -> dict[str, Any]:
    space = ctx.state.spaces[page.space_key]
    body = {"storage": {"representation": "storage", "value": page.body}} if with_body else {}
    return {"id": page.id, "status": page.status, "title": page.title,
            "spaceId": str(space.id), "parentId": page.parent_id,
            "parentType": "page" if page.parent_id else None, "position": page.position,
            "authorId": page.created.by, "ownerId": page.created.by, "lastOwnerId": None,
            "createdAt": page.created.when, "version": version_json(page.version),
            "body": body,
            "_links": {"webui": f"/spaces/{page.space_key}/pages/{page.id}/"
                                f"{quote_plus(page.title)}",
                       "editui": f"/pages/resumedraft.action?draftId={page.id}",
                       "tinyui": f"/x/{page.id}"}}


def attachment_json(att: Content) -> dict[str, Any]:
    webui = (f"/pages/viewpageattachments.action?pageId={att.parent_id}"
             f"&preview=/{att.parent_id}/att{att.id}/{quote(att.title)}")
    return {"id": f"att{att.id}", "status": att.status, "title": att.title,
            "createdAt": att.created.when, "pageId": att.parent_id, "mediaType": att.media_type,
            "mediaTypeDescription": "", "comment": att.comment, "fileId": f"file-{att.id}",
            "fileSize": len(att.data), "webuiLink": webui, "downloadLink": download_link(att),
            "version": version_json(att.version),
            "_links": {"webui": webui, "download": download_link(att)}}


def property_json(prop: Property) -> dict[str, Any]:
    return {"id": prop.id, "key": prop.key, "value": prop.value,
            "version": version_json(prop.version)}


def _page(ctx: Ctx, statuses: tuple[str, ...] = _ANY) -> Content:
    item = ctx.state.get_content(ctx.param("id"), statuses)
    if item.type != "page":
        raise EmulatorError(404, f"No page found with id: {item.id}")
    return item


def _with_body(ctx: Ctx) -> bool:
    """Only the storage body is kept; other formats (view, atlas_doc_format) come back empty."""
    return ctx.arg("body-format") == "storage"


# -- spaces ------------------------------------------------------------------------------

def list_spaces(ctx: Ctx) -> Any:
    keys, ids = ctx.args("keys"), ctx.args("ids")
    spaces = [s for s in ctx.state.spaces.values() if not s.hidden
              and (not keys or s.key in keys) and (not ids or str(s.id) in ids)]
    return ctx.v2_page(spaces, space_json)


def get_space(ctx: Ctx) -> Any:
    space = ctx.state.space_by_id(ctx.param("space"))
    if space is None:
        raise EmulatorError(404, f"No space found with id: {ctx.param('space')}")
    return space_json(space)


# -- pages -------------------------------------------------------------------------------

def _list_pages(ctx: Ctx, space_keys: list[str] | None) -> Any:
    with_body = _with_body(ctx)
    title, ids = ctx.arg("title"), ctx.args("id")
    statuses = tuple(ctx.args("status")) or ("current",)
    pages = [p for p in ctx.state.find_pages(None, title, statuses)
             if (space_keys is None or p.space_key in space_keys)
             and (not ids or p.id in ids)]
    if ctx.arg("depth") == "root":
        pages = [p for p in pages if p.parent_id is None]
    return ctx.v2_page(pages, lambda p: page_json(ctx, p, with_body))


def list_pages(ctx: Ctx) -> Any:
    space_ids = ctx.args("space-id")
    keys = None
    if space_ids:
        keys = [s.key for s in (ctx.state.space_by_id(i) for i in space_ids) if s is not None]
    return _list_pages(ctx, keys)


def space_operations(ctx: Ctx) -> Any:
    space = ctx.state.space_by_id(ctx.param("space"))
    if space is None:
        raise EmulatorError(404, f"No space found with id: {ctx.param('space')}")
    return {"operations": v1_space_operations(space),
            "_links": {"base": ctx.req.base_url}}


def space_pages(ctx: Ctx) -> Any:
    space = ctx.state.space_by_id(ctx.param("space"))
    if space is None:
        raise EmulatorError(404, f"No space found with id: {ctx.param('space')}")
    return _list_pages(ctx, [space.key])


def _body_value(ctx: Ctx, data: dict[str, Any]) -> str | None:
    body = data.get("body")
    if body is None:
        return None
    if isinstance(body, dict) and isinstance(body.get("storage"), dict):   # nested form
        body = {"representation": "storage", **body["storage"]}
    if not isinstance(body, dict) or body.get("representation") != "storage" \
            or not isinstance(body.get("value"), str):
        raise EmulatorError(400, "body must be {representation: 'storage', value: <string>} "
                            "or {storage: {representation: 'storage', value: <string>}}")
    validate_storage(body["value"], lenient=ctx.opts.lenient_entities)
    return str(body["value"])


def create_page(ctx: Ctx) -> Any:
    data = ctx.json_object()
    space = ctx.state.space_by_id(str(data.get("spaceId", "")))
    if space is None:
        raise EmulatorError(404 if data.get("spaceId") else 400,
                            f"No space found with id: {data.get('spaceId')}")
    parent = data.get("parentId")
    if parent is None and ctx.arg("root-level") != "true":
        parent = space.homepage_id
    status = ctx.text(data, "status") or "current"
    if status not in ("current", "draft"):
        raise EmulatorError(400, f"Invalid status for a new page: {status}")
    page = ctx.state.create_page(space.key, ctx.text(data, "title") or "",
                                 _body_value(ctx, data) or "",
                                 None if parent is None else str(parent),
                                 by=ctx.req.user, status=status)
    return page_json(ctx, page, True)


def get_page(ctx: Ctx) -> Any:
    return page_json(ctx, _page(ctx), _with_body(ctx))


def update_page(ctx: Ctx) -> Any:
    page = _page(ctx)
    data = ctx.json_object()
    space_id = data.get("spaceId")
    if space_id is not None and str(space_id) != str(ctx.state.spaces[page.space_key].id):
        raise EmulatorError(400, "You can't change an existing page's space.")
    version = ctx.obj(data, "version")
    parent = data.get("parentId")
    ctx.state.update_page(page, version=version.get("number"), by=ctx.req.user,
                          title=ctx.text(data, "title"), body=_body_value(ctx, data),
                          parent_id=None if parent is None else str(parent),
                          status=ctx.text(data, "status"),
                          message=str(version.get("message", "")),
                          minor_edit=bool(version.get("minorEdit", False)))
    return page_json(ctx, page, True)


def delete_page(ctx: Ctx) -> Any:
    item = _page(ctx)
    _delete(ctx, item)
    return ApiResponse(204, None)


def _delete(ctx: Ctx, item: Content) -> None:
    if ctx.arg("purge") == "true":
        if item.status != "trashed":
            raise EmulatorError(400, "Only trashed content can be purged.")
        ctx.state.purge(item)
    elif item.status == "trashed":
        raise EmulatorError(404, f"No content found with id: {item.id}")
    else:
        ctx.state.trash(item)


def children(ctx: Ctx) -> Any:
    page = _page(ctx)
    return ctx.v2_page(ctx.state.children(page.id), lambda c: {
        "id": c.id, "status": c.status, "title": c.title, "type": "page",
        "spaceId": str(ctx.state.spaces[c.space_key].id), "childPosition": c.position})


def ancestors(ctx: Ctx) -> Any:
    page = _page(ctx)
    return ctx.v2_page(ctx.state.ancestors(page), lambda a: {"id": a.id, "type": "page"})


def labels(ctx: Ctx) -> Any:
    page = _page(ctx)
    prefix = ctx.arg("prefix")
    return ctx.v2_page([lb for lb in page.labels if prefix is None or lb.prefix == prefix],
                       lambda lb: {"id": lb.id, "name": lb.name, "prefix": lb.prefix})


def comments(ctx: Ctx) -> Any:
    page = _page(ctx)
    items = page.inline_comments if ctx.req.path.endswith("/inline-comments") else []
    wanted = ctx.arg("resolution-status")
    if wanted:
        items = [c for c in items if c[1] in wanted.split(",")]
    return ctx.v2_page(list(items), lambda c: {"id": c[0], "pageId": page.id,
                                               "resolutionStatus": c[1], "status": "current"})


# -- properties --------------------------------------------------------------------------

def list_properties(ctx: Ctx) -> Any:
    page = _page(ctx)
    key = ctx.arg("key")
    props = [p for p in page.properties.values() if key is None or p.key == key]
    return ctx.v2_page(props, property_json)


def create_property(ctx: Ctx) -> Any:
    page = _page(ctx)
    data = ctx.json_object()
    if not isinstance(data.get("key"), str) or not data["key"]:
        raise EmulatorError(400, "A content property needs a key")
    return property_json(ctx.state.set_property(page, data["key"], data.get("value"),
                                                version=None, by=ctx.req.user,
                                                create_only=True))


def _prop(ctx: Ctx, page: Content) -> Property:
    for prop in page.properties.values():
        if prop.id == ctx.param("prop"):
            return prop
    raise EmulatorError(404, f"No content property found with id: {ctx.param('prop')}")


def get_property(ctx: Ctx) -> Any:
    return property_json(_prop(ctx, _page(ctx)))


def update_property(ctx: Ctx) -> Any:
    page = _page(ctx)
    prop = _prop(ctx, page)
    data = ctx.json_object()
    number = ctx.obj(data, "version").get("number")
    if number is None:
        raise EmulatorError(400, "A version number is required to update a content property")
    key = data.get("key", prop.key)
    if key != prop.key:
        raise EmulatorError(400, "The key of a content property cannot be changed")
    return property_json(ctx.state.set_property(page, prop.key, data.get("value"),
                                                version=number, by=ctx.req.user))


def delete_property(ctx: Ctx) -> Any:
    page = _page(ctx)
    ctx.state.writable_space(page.space_key)
    del page.properties[_prop(ctx, page).key]
    return ApiResponse(204, None)


# -- attachments -------------------------------------------------------------------------

def page_attachments(ctx: Ctx) -> Any:
    page = _page(ctx)
    name, media = ctx.arg("filename"), ctx.arg("mediaType")
    atts = [a for a in ctx.state.children(page.id, "attachment")
            if (name is None or a.title == name) and (media is None or a.media_type == media)]
    return ctx.v2_page(atts, attachment_json)


def _attachment(ctx: Ctx) -> Content:
    att = ctx.state.get_content(ctx.param("att"), _ANY)
    if att.type != "attachment":
        raise EmulatorError(404, f"No attachment found with id: {ctx.param('att')}")
    return att


def get_attachment(ctx: Ctx) -> Any:
    return attachment_json(_attachment(ctx))


def delete_attachment(ctx: Ctx) -> Any:
    _delete(ctx, _attachment(ctx))
    return ApiResponse(204, None)


P = rf"/pages/{PID}"
ROUTES: list[tuple[str, str, Any]] = [
    ("GET", r"/spaces", list_spaces),
    ("GET", r"/spaces/(?P<space>\d+)", get_space),
    ("GET", r"/spaces/(?P<space>\d+)/pages", space_pages),
    ("GET", r"/spaces/(?P<space>\d+)/operations", space_operations),
    ("GET", r"/pages", list_pages),
    ("POST", r"/pages", create_page),
    ("GET", P, get_page),
    ("PUT", P, update_page),
    ("DELETE", P, delete_page),
    ("GET", rf"{P}/children", children),
    ("GET", rf"{P}/direct-children", children),
    ("GET", rf"{P}/ancestors", ancestors),
    ("GET", rf"{P}/labels", labels),
    ("GET", rf"{P}/inline-comments", comments),
    ("GET", rf"{P}/footer-comments", comments),
    ("GET", rf"{P}/properties", list_properties),
    ("POST", rf"{P}/properties", create_property),
    ("GET", rf"{P}/properties/(?P<prop>\d+)", get_property),
    ("PUT", rf"{P}/properties/(?P<prop>\d+)", update_property),
    ("DELETE", rf"{P}/properties/(?P<prop>\d+)", delete_property),
    ("GET", rf"{P}/attachments", page_attachments),
    ("GET", r"/attachments/(?P<att>(?:att)?\d+)", get_attachment),
    ("DELETE", r"/attachments/(?P<att>(?:att)?\d+)", delete_attachment),
]
