"""REST API v1 handlers (``/rest/api`` on DC, ``/wiki/rest/api`` on Cloud): content and spaces.

Attachments, labels, properties, search, users, watches and archiving live in
:mod:`.api_v1_extra`; both modules contribute to :data:`ROUTES`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, quote_plus

from .api import Ctx
from .protocol import ApiResponse
from .state import Content, EmulatorError, Space, User, Version
from .xhtml import validate_storage

ID = r"(?P<id>(?:att)?\d+)"


# -- rendering ---------------------------------------------------------------------------

def user_json(ctx: Ctx, account_id: str | None) -> dict[str, Any]:
    picture = {"path": "/images/icons/profilepics/default.svg", "width": 48, "height": 48,
               "isDefault": True}
    user = ctx.state.find_user(account_id)
    if user is None and account_id is not None:    # authenticated but never registered
        user = User(account_id, account_id, "", account_id)
    if user is None:
        return {"type": "anonymous", "profilePicture": picture, "displayName": "Anonymous",
                "_links": {"base": ctx.req.base_url, "context": ctx.req.context_path,
                           "self": f"{ctx.req.api_root}/user/anonymous"}}
    if ctx.cloud:
        return {"type": "known", "accountId": user.account_id, "accountType": "atlassian",
                "email": user.email, "publicName": user.display_name,
                "profilePicture": picture, "displayName": user.display_name,
                "isExternalCollaborator": False,
                "_expandable": {"operations": "", "personalSpace": ""},
                "_links": {"self": f"{ctx.req.api_root}/user?accountId={user.account_id}"}}
    return {"type": "known", "username": user.username, "userKey": user.account_id,
            "profilePicture": picture, "displayName": user.display_name,
            "_links": {"base": ctx.req.base_url, "context": ctx.req.context_path,
                       "self": f"{ctx.req.api_root}/user?key={user.account_id}"},
            "_expandable": {"status": ""}}


def version_json(ctx: Ctx, version: Version) -> dict[str, Any]:
    return {"by": user_json(ctx, version.by), "when": version.when,
            "message": version.message, "number": version.number,
            "minorEdit": version.minor_edit}


def space_operations(space: Space) -> list[dict[str, str]]:
    """What the current user may do in the space (every visitor may read; a read-only
    space grants nothing more)."""
    allowed = [("read", "space")]
    if not space.read_only:
        allowed += [("create", "page"), ("create", "blogpost"), ("create", "attachment"),
                    ("update", "page"), ("delete", "page"), ("archive", "page")]
    return [{"operation": op, "targetType": target} for op, target in allowed]


def space_json(ctx: Ctx, space: Space, expand: set[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": space.id, "key": space.key, "name": space.name,
                           "type": space.type, "status": space.status}
    webui = f"/spaces/{space.key}" if ctx.cloud else f"/display/{space.key}"
    out["_links"] = {"webui": webui, "self": f"{ctx.req.api_root}/space/{space.key}"}
    expandable = {"description": "", "icon": "", "metadata": "",
                  "homepage": f"{ctx.site_path}/content/{space.homepage_id}"}
    if expand and "homepage" in expand and space.homepage_id in ctx.state.content:
        out["homepage"] = content_json(ctx, ctx.state.content[space.homepage_id], set())
        del expandable["homepage"]
    if expand and "operations" in expand:
        out["operations"] = space_operations(space)
    out["_expandable"] = expandable
    return out


def content_id(ctx: Ctx, item: Content) -> str:
    return f"att{item.id}" if item.type == "attachment" and ctx.cloud else item.id


def download_link(item: Content) -> str:
    when = datetime.strptime(item.version.when, "%Y-%m-%dT%H:%M:%S.%fZ")
    stamp = int(when.replace(tzinfo=timezone.utc).timestamp() * 1000)
    return (f"/download/attachments/{item.parent_id}/{quote(item.title)}"
            f"?version={item.version.number}&modificationDate={stamp}&api=v2")


def content_links(ctx: Ctx, item: Content) -> dict[str, str]:
    cid = content_id(ctx, item)
    links = {"self": f"{ctx.req.api_root}/content/{cid}", "tinyui": f"/x/{item.id}"}
    if item.type == "attachment":
        links["webui"] = (f"/pages/viewpageattachments.action?pageId={item.parent_id}"
                          f"&preview=/{item.parent_id}/{cid}/{quote(item.title)}")
        links["download"] = download_link(item)
    elif ctx.cloud:
        links["webui"] = f"/spaces/{item.space_key}/pages/{item.id}/{quote_plus(item.title)}"
        links["edit"] = f"/pages/resumedraft.action?draftId={item.id}"
    else:
        links["webui"] = (f"/display/{item.space_key}/{quote_plus(item.title)}"
                          if item.status == "current"
                          else f"/pages/viewpage.action?pageId={item.id}")
        links["edit"] = f"/pages/resumedraft.action?draftId={item.id}"
    return links


def _sub_list(ctx: Ctx, results: list[Any], path: str) -> dict[str, Any]:
    return {"results": results, "start": 0, "limit": max(len(results), 25),
            "size": len(results), "_links": {"self": f"{ctx.req.api_root}{path}"}}


def label_json(label: Any) -> dict[str, str]:
    return {"prefix": label.prefix, "name": label.name, "id": label.id, "label": label.name}


def property_json(ctx: Ctx, item: Content, prop: Any) -> dict[str, Any]:
    return {"id": prop.id, "key": prop.key, "value": prop.value,
            "version": {"when": prop.version.when, "message": prop.version.message,
                        "number": prop.version.number, "minorEdit": prop.version.minor_edit},
            "_links": {"self": f"{ctx.req.api_root}/content/{item.id}/property/{prop.key}"},
            "_expandable": {"content": f"{ctx.site_path}/content/{item.id}"}}


def history_json(ctx: Ctx, item: Content) -> dict[str, Any]:
    return {"latest": item.status == "current", "createdBy": user_json(ctx, item.created.by),
            "createdDate": item.created.when, "lastUpdated": version_json(ctx, item.version),
            "_links": {"self": f"{ctx.req.api_root}/content/{content_id(ctx, item)}/history"}}


def content_json(ctx: Ctx, item: Content, expand: set[str]) -> dict[str, Any]:
    """A v1 content object with the requested expansions."""
    cid = content_id(ctx, item)
    out: dict[str, Any] = {"id": cid, "type": item.type, "status": item.status,
                           "title": item.title}
    expandable: dict[str, str] = {}
    state = ctx.state

    def put(name: str, value: Any, link: str = "") -> None:
        if name in expand or any(e.startswith(name + ".") for e in expand):
            out[name] = value()
        else:
            expandable[name] = link
    put("space", lambda: space_json(ctx, state.spaces[item.space_key]),
        f"{ctx.site_path}/space/{item.space_key}")
    put("history", lambda: history_json(ctx, item), f"{ctx.site_path}/content/{cid}/history")
    put("version", lambda: version_json(ctx, item.version))
    if item.type == "page":
        out["extensions"] = {"position": item.position}
        put("ancestors", lambda: [content_json(ctx, a, set()) for a in state.ancestors(item)])
        put("children", lambda: {kind: _sub_list(
            ctx, [content_json(ctx, c, set()) for c in state.children(item.id, kind)],
            f"/content/{cid}/child/{kind}")
            for kind in ("page", "attachment") if f"children.{kind}" in expand},
            f"{ctx.site_path}/content/{cid}/child")
        put("body", lambda: {"storage": {"value": item.body, "representation": "storage",
                                         "_expandable": {"content": ""}}}
            if "body.storage" in expand else {})
    else:
        out["metadata"] = {"mediaType": item.media_type, "comment": item.comment}
        out["extensions"] = {"mediaType": item.media_type, "fileSize": len(item.data),
                             "comment": item.comment}
        put("container", lambda: content_json(ctx, state.content[str(item.parent_id)], set()),
            f"{ctx.site_path}/content/{item.parent_id}")
    if any(e.startswith("metadata.") for e in expand):
        meta = out.setdefault("metadata", {})
        if "metadata.labels" in expand:
            meta["labels"] = _sub_list(ctx, [label_json(lb) for lb in item.labels],
                                       f"/content/{cid}/label")
        for name in expand:
            if name.startswith("metadata.properties."):
                key = name.split(".", 2)[2]
                prop = item.properties.get(key) or item.properties.get(key.replace("_", "-"))
                if prop is not None:
                    meta.setdefault("properties", {})[prop.key] = property_json(ctx, item, prop)
    elif item.type == "page":
        expandable["metadata"] = ""
    out["_links"] = {**content_links(ctx, item), "base": ctx.req.base_url,
                     "context": ctx.req.context_path}
    out["_expandable"] = expandable
    return out


# -- content ----------------------------------------------------------------------------

_WRITE_EXPAND = {"version", "ancestors", "body.storage", "space"}


def statuses(ctx: Ctx, default: tuple[str, ...] = ("current",)) -> tuple[str, ...] | None:
    wanted = tuple(ctx.args("status")) or default
    return None if "any" in wanted else wanted


def get_content_list(ctx: Ctx) -> Any:
    kind = ctx.arg("type", "page") or "page"
    space_key, title = ctx.arg("spaceKey"), ctx.arg("title")
    if space_key is not None:
        ctx.state.get_space(space_key)
    wanted = statuses(ctx) or ("current", "archived", "draft", "trashed")
    items = ctx.state.find_pages(space_key, title, wanted, kind)
    expand = ctx.expand()
    return ctx.v1_page(items, lambda c: content_json(ctx, c, expand))


def _storage_body(ctx: Ctx, data: dict[str, Any]) -> str | None:
    body = data.get("body")
    if body is None:
        return None
    storage = body.get("storage") if isinstance(body, dict) else None
    if not isinstance(storage, dict) or not isinstance(storage.get("value"), str):
        raise EmulatorError(400, "Only the storage representation is supported in body.")
    if storage.get("representation", "storage") != "storage":
        raise EmulatorError(400, f"Unsupported representation: {storage.get('representation')}")
    validate_storage(storage["value"], lenient=ctx.opts.lenient_entities)
    return str(storage["value"])


def _parent(data: dict[str, Any]) -> str | None:
    ancestors = data.get("ancestors")
    if not ancestors:
        return None
    if not isinstance(ancestors, list) or not isinstance(ancestors[-1], dict) \
            or "id" not in ancestors[-1]:
        raise EmulatorError(400, "ancestors must be a list of objects with an id")
    return str(ancestors[-1]["id"])


def post_content(ctx: Ctx) -> Any:
    data = ctx.json_object()
    if data.get("type", "page") != "page":
        raise EmulatorError(400, f"Unsupported content type: {data.get('type')}")
    space_key = ctx.obj(data, "space").get("key")
    if not isinstance(space_key, str) or not space_key:
        raise EmulatorError(400, "A space key is required to create content.")
    ctx.state.writable_space(space_key)
    body = _storage_body(ctx, data) or ""
    title = ctx.text(data, "title") or ""
    message = "" if not ctx.cloud else str(ctx.obj(data, "version").get("message", ""))
    status = ctx.text(data, "status") or "current"
    if status not in ("current", "draft"):
        raise EmulatorError(400, f"Invalid status for new content: {status}")
    metadata = ctx.obj(data, "metadata")
    labels = metadata.get("labels") or []
    if isinstance(labels, dict):
        labels = labels.get("results", [])
    if not isinstance(labels, list) or not all(
            isinstance(lb, dict) and isinstance(lb.get("name"), str) for lb in labels):
        raise EmulatorError(400, "metadata.labels must be a list of {prefix, name} objects")
    page = ctx.state.create_page(space_key, title, body, _parent(data), by=ctx.req.user,
                                 status=status, message=message)
    if ctx.cloud:                       # DC ignores labels on create, like the real one
        for label in labels:
            ctx.state.add_label(page, label["name"], label.get("prefix") or "global")
    for key, prop in ctx.obj(metadata, "properties").items():
        value = prop.get("value") if isinstance(prop, dict) else prop
        ctx.state.set_property(page, key, value, version=1, by=ctx.req.user)
    return content_json(ctx, page, _WRITE_EXPAND)


def get_content(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), statuses(ctx))
    return content_json(ctx, item, ctx.expand())


def put_content(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), ("current", "archived", "draft", "trashed"))
    data = ctx.json_object()
    if item.type != "page":
        raise EmulatorError(400, "Only pages can be updated through this endpoint.")
    space_key = ctx.obj(data, "space").get("key")
    if space_key is not None and space_key != item.space_key:
        msg = "You can't change an existing page's space."
        raise EmulatorError(400, msg, errors=[msg])
    version = ctx.obj(data, "version")
    body = _storage_body(ctx, data)
    ctx.state.update_page(item, version=version.get("number"), by=ctx.req.user,
                          title=ctx.text(data, "title"), body=body, parent_id=_parent(data),
                          status=ctx.text(data, "status"),
                          message=str(version.get("message", "")),
                          minor_edit=bool(version.get("minorEdit", False)))
    return content_json(ctx, item, _WRITE_EXPAND)


def delete_content(ctx: Ctx) -> Any:
    if ctx.arg("status") == "trashed":
        item = ctx.state.get_content(ctx.param("id"), ("trashed",))
        ctx.state.purge(item)
    else:
        item = ctx.state.get_content(ctx.param("id"), ("current", "archived", "draft"))
        ctx.state.trash(item)
    return ApiResponse(204, None)


def get_history(ctx: Ctx) -> Any:
    return history_json(ctx, ctx.state.get_content(ctx.param("id"), None))


def child_pages(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    expand = ctx.expand()
    return ctx.v1_page(ctx.state.children(item.id), lambda c: content_json(ctx, c, expand))


def descendant_pages(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    expand = ctx.expand()
    return ctx.v1_page(ctx.state.descendants(item.id), lambda c: content_json(ctx, c, expand))


def move_content(ctx: Ctx) -> Any:
    """``PUT /content/{pageId}/move/{position}/{targetId}``: ``before`` / ``after`` a
    sibling, or ``append`` as the last child of the target. No new version."""
    if not ctx.opts.rest_move:      # an instance without the REST move (see ApiOptions)
        raise EmulatorError(404, f"null for uri: {ctx.req.api_root}{ctx.req.path}",
                            exception="")
    position = ctx.param("position")
    if position not in ("before", "after", "append"):
        raise EmulatorError(400, f"Invalid position: {position}. Valid values are 'before', "
                            "'after' and 'append'.")
    page = ctx.state.get_content(ctx.param("id"), ("current",))
    target = ctx.state.get_content(ctx.param("target"), ("current",))
    ctx.state.move_page(page, target, position)
    return {"pageId": page.id}


# -- spaces -----------------------------------------------------------------------------

def get_space(ctx: Ctx) -> Any:
    return space_json(ctx, ctx.state.get_space(ctx.param("key")), ctx.expand())


def put_space(ctx: Ctx) -> Any:
    space = ctx.state.writable_space(ctx.param("key"))
    data = ctx.json_object()
    if isinstance(data.get("name"), str) and data["name"].strip():
        space.name = data["name"]
    home = data.get("homepage")
    if isinstance(home, dict) and "id" in home:
        page = ctx.state.get_content(home["id"], ("current",))
        if page.space_key != space.key or page.type != "page":
            raise EmulatorError(400, "The homepage must be a page of the same space.")
        space.homepage_id = page.id
    return space_json(ctx, space, ctx.expand())


def list_spaces(ctx: Ctx) -> Any:
    keys = ctx.args("spaceKey")
    spaces = [s for s in ctx.state.spaces.values()
              if not s.hidden and (not keys or s.key in keys)]
    expand = ctx.expand()
    return ctx.v1_page(spaces, lambda s: space_json(ctx, s, expand))


def space_content(ctx: Ctx) -> Any:
    space = ctx.state.get_space(ctx.param("key"))
    expand = ctx.expand()
    pages = ctx.state.find_pages(space.key)
    if ctx.arg("depth") == "root":
        pages = [p for p in pages if p.parent_id is None]
    return ctx.v1_page(pages, lambda c: content_json(ctx, c, expand))


def _routes() -> list[tuple[str, str, Any]]:
    from . import api_v1_extra
    return [
        ("GET", r"/content", get_content_list),
        ("POST", r"/content", post_content),
        ("GET", rf"/content/{ID}", get_content),
        ("PUT", rf"/content/{ID}", put_content),
        ("DELETE", rf"/content/{ID}", delete_content),
        ("GET", rf"/content/{ID}/history", get_history),
        ("GET", rf"/content/{ID}/child/page", child_pages),
        ("GET", rf"/content/{ID}/descendant/page", descendant_pages),
        ("PUT", rf"/content/{ID}/move/(?P<position>[^/]+)/(?P<target>\d+)", move_content),
        ("GET", r"/space", list_spaces),
        ("GET", r"/space/(?P<key>[^/]+)", get_space),
        ("PUT", r"/space/(?P<key>[^/]+)", put_space),
        ("GET", r"/space/(?P<key>[^/]+)/content/page", space_content),
        *api_v1_extra.ROUTES,
    ]


ROUTES = _routes()
