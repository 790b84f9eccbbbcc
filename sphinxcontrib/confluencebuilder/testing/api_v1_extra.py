"""REST API v1 handlers around pages: attachments, labels, properties, CQL search, users,
watches and archiving."""

from __future__ import annotations

import json
import mimetypes
import re
from email import policy
from email.parser import BytesParser
from typing import Any

from .api import Ctx
from .api_v1 import ID, content_json, label_json, property_json, user_json
from .protocol import ApiResponse
from .state import Content, EmulatorError

# -- attachments -------------------------------------------------------------------------


def _multipart(ctx: Ctx) -> tuple[list[tuple[str, bytes, str]], dict[str, list[str]]]:
    """(files as (name, data, media type), text fields by name, each in the order sent)
    of a multipart/form-data body."""
    token = ctx.req.headers.get("x-atlassian-token", "").lower()
    if token not in ("no-check", "nocheck"):
        raise _Xsrf()
    ctype = ctx.req.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        raise EmulatorError(415, "Attachments must be sent as multipart/form-data")
    msg = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + ctx.req.body)
    files: list[tuple[str, bytes, str]] = []
    fields: dict[str, list[str]] = {}
    for part in msg.iter_parts() if msg.is_multipart() else []:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            media = part.get_content_type()
            if media in ("application/octet-stream", "text/plain") and "content-type" not in part:
                media = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            files.append((filename, data, media))
        else:
            name = str(part.get_param("name", header="content-disposition") or "")
            fields.setdefault(name, []).append(data.decode("utf-8", "replace"))
    if not files:
        raise EmulatorError(400, "No file was found in the multipart request")
    return files, fields


class _Xsrf(Exception):
    pass


def _xsrf_guard(handler: Any) -> Any:
    def wrapped(ctx: Ctx) -> Any:
        try:
            return handler(ctx)
        except _Xsrf:
            return ApiResponse(403, b"XSRF check failed", content_type="text/plain")
    return wrapped


def _attachments_of(ctx: Ctx, page: Content) -> list[Content]:
    items = ctx.state.children(page.id, "attachment")
    name, media = ctx.arg("filename"), ctx.arg("mediaType")
    return [a for a in items if (name is None or a.title == name)
            and (media is None or a.media_type == media)]


def get_attachments(ctx: Ctx) -> Any:
    page = ctx.state.get_content(ctx.param("id"), None)
    expand = ctx.expand()
    return ctx.v1_page(_attachments_of(ctx, page), lambda a: content_json(ctx, a, expand))


def get_comments(ctx: Ctx) -> Any:
    page = ctx.state.get_content(ctx.param("id"), None)
    location = ctx.arg("location")
    items = page.inline_comments if location in (None, "inline") else []
    return ctx.v1_page(list(items), lambda c: {
        "id": c[0], "type": "comment", "status": "current",
        "extensions": {"location": "inline", "resolution": {"status": c[1]}}})


def _comments(files: list[Any], fields: dict[str, list[str]]) -> list[str]:
    """One comment per file: Confluence pairs the ``comment`` parts with the ``file``
    parts in order, and takes either none or one for every file."""
    comments = fields.get("comment", [])
    if not comments:
        return [""] * len(files)
    if len(comments) != len(files):
        raise EmulatorError(400, f"{len(files)} file(s) but {len(comments)} comment(s): give "
                            "a comment for every file, in the same order, or none")
    return comments


def _minor(fields: dict[str, list[str]]) -> bool:
    return fields.get("minorEdit", [""])[0] == "true"


def _store(ctx: Ctx, upsert: bool) -> Any:
    """One or several files of a multipart body; all stored, or none (a name that is
    taken, or sent twice, refuses the whole request)."""
    page = ctx.state.get_content(ctx.param("id"), ("current", "draft"))
    files, fields = _multipart(ctx)
    comments = _comments(files, fields)
    names = [name for name, _data, _media in files]
    for filename in names:
        if names.count(filename) > 1:
            raise EmulatorError(400, f"The file name {filename} is given more than once")
        if not upsert and ctx.state.attachment_named(page, filename) is not None:
            raise EmulatorError(400, "Cannot add a new attachment with same file name as an "
                                f"existing attachment: {filename}")
    stored = []
    for (filename, data, media), comment in zip(files, comments, strict=True):
        stored.append(ctx.state.attach(
            page, filename, data, media, by=ctx.req.user, comment=comment,
            minor_edit=_minor(fields), existing=ctx.state.attachment_named(page, filename)))
    expand = ctx.expand() | {"version", "container"}
    return ctx.v1_page(stored, lambda a: content_json(ctx, a, expand))


@_xsrf_guard
def post_attachment(ctx: Ctx) -> Any:
    return _store(ctx, upsert=False)


@_xsrf_guard
def put_attachment(ctx: Ctx) -> Any:
    if not ctx.cloud:
        return ApiResponse(405, None)
    return _store(ctx, upsert=True)


@_xsrf_guard
def post_attachment_data(ctx: Ctx) -> Any:
    page = ctx.state.get_content(ctx.param("id"), ("current", "draft"))
    att = ctx.state.get_content(ctx.param("att"), None)
    if att.type != "attachment" or att.parent_id != page.id:
        raise EmulatorError(404, f"No attachment found with id: {ctx.param('att')}")
    files, fields = _multipart(ctx)
    _name, data, media = files[0]
    ctx.state.attach(page, att.title, data, media, by=ctx.req.user,
                     comment=fields.get("comment", [""])[0],
                     minor_edit=_minor(fields), existing=att)
    return content_json(ctx, att, ctx.expand() | {"version", "container"})


# -- labels and properties ---------------------------------------------------------------

def get_labels(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    prefix = ctx.arg("prefix")
    labels = [lb for lb in item.labels if prefix is None or lb.prefix == prefix]
    return ctx.v1_page(labels, label_json)


def post_labels(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    data = ctx.json()
    entries = data if isinstance(data, list) else [data]
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip() or " " in name.strip():
            raise EmulatorError(400, f"Invalid label name: {name!r}")
        ctx.state.add_label(item, name.strip(), entry.get("prefix") or "global")
    return ctx.v1_page(item.labels, label_json)


def delete_label(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    name = ctx.match.groupdict().get("name") or ctx.arg("name")
    ctx.state.writable_space(item.space_key)
    item.labels = [lb for lb in item.labels if lb.name != name]
    return ApiResponse(204, None)


def _property(ctx: Ctx, item: Content) -> Any:
    key = ctx.param("key")
    if key not in item.properties:
        raise EmulatorError(404, f"Cannot find property '{key}' on content {item.id}")
    return item.properties[key]


def list_properties(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    return ctx.v1_page(list(item.properties.values()), lambda p: property_json(ctx, item, p))


def post_property(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    data = ctx.json_object()
    if not isinstance(data.get("key"), str) or not data["key"]:
        raise EmulatorError(400, "A content property needs a key")
    prop = ctx.state.set_property(item, data["key"], data.get("value"), version=None,
                                  by=ctx.req.user, create_only=True)
    return property_json(ctx, item, prop)


def get_property(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    return property_json(ctx, item, _property(ctx, item))


def put_property(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    data = ctx.json_object()
    number = ctx.obj(data, "version").get("number")
    prop = ctx.state.set_property(item, ctx.param("key"), data.get("value"), version=number,
                                  by=ctx.req.user)
    return property_json(ctx, item, prop)


def delete_property(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    ctx.state.writable_space(item.space_key)
    del item.properties[_property(ctx, item).key]
    return ApiResponse(204, None)


# -- CQL search --------------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>!=|=|~|\(|\)|,)'
                    r'|(?P<word>[^\s=~!(),"]+))')
_FIELDS = {"space", "type", "title", "ancestor", "parent", "id", "label"}


def parse_cql(cql: str) -> list[tuple[str, str, list[str]]]:
    """``field op value`` clauses joined by ``and``; anything else is a 400 like the real one."""
    tokens: list[tuple[str, str]] = []
    pos, text = 0, cql.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise EmulatorError(400, f"Could not parse cql : {cql}")
        kind = m.lastgroup or ""
        raw = m.group(kind)
        tokens.append((kind, re.sub(r"\\(.)", r"\1", raw[1:-1]) if kind == "str" else raw))
        pos = m.end()
    clauses: list[tuple[str, str, list[str]]] = []
    i = 0

    def take() -> tuple[str, str]:
        nonlocal i
        if i >= len(tokens):
            raise EmulatorError(400, f"Could not parse cql : {cql}")
        i += 1
        return tokens[i - 1]

    def fail() -> EmulatorError:
        return EmulatorError(400, f"Could not parse cql : {cql}")

    def value() -> str:
        kind, val = take()
        if kind == "op":
            raise fail()
        return val
    while True:
        kind, field = take()
        kind_op, op = take()
        if kind != "word" or field.lower() not in _FIELDS or kind_op == "str":
            raise fail()
        op = op.lower()
        if op == "in":
            if take()[1] != "(":
                raise fail()
            values = [value()]
            while (sep := take()[1]) == ",":
                values.append(value())
            if sep != ")":
                raise fail()
        elif op in ("=", "~", "!="):
            values = [value()]
        else:
            raise fail()
        clauses.append((field.lower(), op, values))
        if i == len(tokens):
            return clauses
        kind, word = take()
        if kind != "word" or word.lower() != "and":
            raise fail()


def _matches(ctx: Ctx, item: Content, clause: tuple[str, str, list[str]]) -> bool:
    field, op, values = clause
    if field == "title" and op == "~":
        return any(v.lower() in item.title.lower() for v in values)
    if field == "ancestor":
        have = [a.id for a in ctx.state.ancestors(item)]
    elif field == "label":
        have = [lb.name for lb in item.labels]
    else:
        have = [{"space": item.space_key, "type": item.type, "title": item.title,
                 "parent": item.parent_id or "", "id": item.id}[field]]
    hit = any(v in have for v in values)
    return not hit if op == "!=" else hit


def _search_items(ctx: Ctx) -> list[Content]:
    cql = ctx.arg("cql")
    if not cql:
        raise EmulatorError(400, "The cql parameter is required")
    clauses = parse_cql(cql)
    statuses: tuple[str, ...] = ("current",)
    if ctx.arg("cqlcontext"):
        try:
            statuses = tuple(json.loads(ctx.arg("cqlcontext") or "{}").get(
                "contentStatuses", statuses))
        except (ValueError, AttributeError) as exc:
            raise EmulatorError(400, f"Could not parse cqlcontext: {exc}") from exc
    found = [c for kind in ("page", "attachment")
             for c in ctx.state.find_pages(None, None, statuses, kind)]
    if any(field == "parent" and op == "=" for field, op, _ in clauses):
        found.sort(key=lambda c: (c.position, int(c.id)))      # children in their order
    else:
        found.sort(key=lambda c: int(c.id))
    return [c for c in found if all(_matches(ctx, c, cl) for cl in clauses)]


def content_search(ctx: Ctx) -> Any:
    expand = ctx.expand()
    return ctx.v1_page(_search_items(ctx), lambda c: content_json(ctx, c, expand),
                       cursor=ctx.cloud, total=not ctx.cloud)


def site_search(ctx: Ctx) -> Any:
    expand = ctx.expand()

    def render(item: Content) -> dict[str, Any]:
        content = content_json(ctx, item, expand)
        return {"content": content, "title": item.title, "excerpt": "",
                "url": content["_links"]["webui"], "entityType": "content",
                "lastModified": item.version.when,
                "resultGlobalContainer": {"title": ctx.state.spaces[item.space_key].name,
                                          "displayUrl": f"/spaces/{item.space_key}"}}
    page = ctx.v1_page(_search_items(ctx), render, cursor=ctx.cloud, total=True)
    page["cqlQuery"] = ctx.arg("cql")
    return page


# -- users, watches, archive -------------------------------------------------------------

def current_user(ctx: Ctx) -> Any:
    return user_json(ctx, ctx.req.user)


def get_user(ctx: Ctx) -> Any:
    name = ctx.arg("accountId") or ctx.arg("key") or ctx.arg("username")
    if ctx.state.find_user(name) is None:
        raise EmulatorError(404, f"No user found with identifier: {name}")
    return user_json(ctx, name)


def watch(ctx: Ctx) -> Any:
    item = ctx.state.get_content(ctx.param("id"), None)
    who = ctx.arg("accountId") or ctx.arg("key") or ctx.arg("username") or ctx.req.user
    if who is None:
        raise EmulatorError(403, "Anonymous users cannot watch content")
    if ctx.req.method == "GET":
        return {"watching": who in item.watchers}
    if ctx.req.method == "POST":
        item.watchers.add(who)
    else:
        item.watchers.discard(who)
    return ApiResponse(204, None)


def archive(ctx: Ctx) -> Any:
    if not ctx.cloud:
        raise EmulatorError(404, f"null for uri: {ctx.req.api_root}{ctx.req.path}",
                            exception="")
    data = ctx.json_object()
    entries = data.get("pages")
    if not isinstance(entries, list) or not entries or not all(
            isinstance(p, dict) for p in entries):
        raise EmulatorError(400, "The request must name the pages to archive")
    pages = [ctx.state.get_content(p.get("id"), ("current",)) for p in entries]
    task = ctx.state.archive(pages, ctx.req.user)
    return ApiResponse(202, {"id": task, "links": {"status": f"{ctx.site_path}/longtask/{task}"}})


def longtask(ctx: Ctx) -> Any:
    task = ctx.state.longtasks.get(ctx.param("task"))
    if task is None:
        raise EmulatorError(404, f"No long running task found with id: {ctx.param('task')}")
    return {"id": task["id"], "name": {"key": "com.atlassian.confluence.pages.archive",
                                       "args": []},
            "elapsedTime": 0, "percentageComplete": 100, "successful": task["successful"],
            "finished": task["finished"], "messages": [], "status": "COMPLETED",
            "_links": {"self": f"{ctx.req.api_root}/longtask/{task['id']}"}}


ATT = rf"/content/{ID}/child/attachment"
ROUTES: list[tuple[str, str, Any]] = [
    ("GET", ATT, get_attachments),
    ("GET", rf"/content/{ID}/child/comment", get_comments),
    ("POST", ATT, post_attachment),
    ("PUT", ATT, put_attachment),
    ("POST", rf"{ATT}/(?P<att>(?:att)?\d+)/data", post_attachment_data),
    ("GET", rf"/content/{ID}/label", get_labels),
    ("POST", rf"/content/{ID}/label", post_labels),
    ("DELETE", rf"/content/{ID}/label", delete_label),
    ("DELETE", rf"/content/{ID}/label/(?P<name>[^/]+)", delete_label),
    ("GET", rf"/content/{ID}/property", list_properties),
    ("POST", rf"/content/{ID}/property", post_property),
    ("GET", rf"/content/{ID}/property/(?P<key>[^/]+)", get_property),
    ("PUT", rf"/content/{ID}/property/(?P<key>[^/]+)", put_property),
    ("DELETE", rf"/content/{ID}/property/(?P<key>[^/]+)", delete_property),
    ("GET", r"/content/search", content_search),
    ("GET", r"/search", site_search),
    ("GET", r"/user/current", current_user),
    ("GET", r"/user", get_user),
    ("GET", rf"/user/watch/content/{ID}", watch),
    ("POST", rf"/user/watch/content/{ID}", watch),
    ("DELETE", rf"/user/watch/content/{ID}", watch),
    ("POST", r"/content/archive", archive),
    ("GET", r"/longtask/(?P<task>\d+)", longtask),
]
