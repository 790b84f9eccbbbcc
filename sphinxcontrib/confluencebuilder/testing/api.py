"""REST dispatch for the emulator: routing, error bodies, paging helpers.

``dispatch(state, request, options)`` is the one entry point the HTTP shell calls. It
holds the state lock for the whole request, finds the handler for ``(api, method,
path)`` and renders :class:`~.state.EmulatorError` in the error shape of the API that
was called (v1 DC, v1 Cloud, or v2). Any other exception propagates to the shell.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from .protocol import ApiRequest, ApiResponse
from .state import EmulatorError, State

_JAVA_PREFIX = "com.atlassian.confluence.api.service.exceptions."
_V2_CODES = {400: "INVALID_REQUEST_PARAMETER", 401: "UNAUTHORIZED", 403: "PERMISSION_DENIED",
             404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 409: "CONFLICT"}


@dataclass
class ApiOptions:
    """Behaviour switches of the REST layer."""

    mode: str = "cloud"              # 'cloud' or 'dc'
    max_limit: int = 25              # cap on ``limit``: small values catch clients that ignore paging
    lenient_entities: bool = False   # accept XHTML named entities (&nbsp; ...) in storage bodies
    default_limit: int = 25
    #: serve ``PUT /content/{id}/move/{position}/{targetId}`` (Cloud documents it; whether
    #: a Data Center instance has it is not established, so DC tests can switch it off and
    #: leave only the ``movepage.action`` web action)
    rest_move: bool = True


Handler = Callable[["Ctx"], Any]


@dataclass
class Ctx:
    """What a handler gets: the state, the request, the options and the path match."""

    state: State
    req: ApiRequest
    opts: ApiOptions
    match: re.Match[str]

    @property
    def cloud(self) -> bool:
        return self.opts.mode == "cloud"

    def param(self, name: str) -> str:
        return unquote(self.match.group(name))

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.req.arg(name, default)

    def args(self, name: str) -> list[str]:
        """All values of a query parameter, comma lists split."""
        return [v.strip() for raw in self.req.query.get(name, []) for v in raw.split(",")
                if v.strip()]

    def json(self) -> Any:
        try:
            return self.req.json()
        except (ValueError, UnicodeDecodeError) as exc:
            raise EmulatorError(400, f"Could not parse the request body as JSON: {exc}") from exc

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise EmulatorError(400, "The request body must be a JSON object.")
        return data

    @staticmethod
    def obj(data: dict[str, Any], key: str) -> dict[str, Any]:
        """``data[key]`` when it is an object, ``{}`` when absent, else a 400."""
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise EmulatorError(400, f"'{key}' must be a JSON object")
        return value

    @staticmethod
    def text(data: dict[str, Any], key: str) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise EmulatorError(400, f"'{key}' must be a string")
        return value

    def expand(self) -> set[str]:
        return set(self.args("expand"))

    def int_arg(self, name: str, default: int) -> int:
        raw = self.arg(name)
        if raw in (None, ""):
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise EmulatorError(400, f"Invalid value for parameter {name}: {raw}") from exc

    def limit(self) -> int:
        return max(1, min(self.int_arg("limit", self.opts.default_limit), self.opts.max_limit))

    @property
    def site_path(self) -> str:
        """The API root relative to the site base (v1 ``next``), e.g. ``/rest/api``."""
        if self.req.api_root.startswith(self.req.base_url):
            return self.req.api_root[len(self.req.base_url):]
        return urlsplit(self.req.api_root).path

    def base_links(self) -> dict[str, str]:
        return {"base": self.req.base_url, "context": self.req.context_path,
                "self": self.req.api_root + self.req.path}

    def next_query(self, **changes: Any) -> str:
        query = {k: v[0] for k, v in self.req.query.items() if k not in changes}
        query.update({k: str(v) for k, v in changes.items() if v is not None})
        return urlencode(query)

    def v1_page(self, items: list[Any], render: Callable[[Any], Any], *,
                cursor: bool = False, total: bool = False) -> dict[str, Any]:
        """A v1 result page: ``start``/``limit`` (or an opaque ``cursor``) and ``next``."""
        limit = self.limit()
        start = self.cursor_start(items) if cursor and self.arg("cursor") else \
            self.int_arg("start", 0)
        chunk = items[start:start + limit]
        links = self.base_links()
        if start + limit < len(items):
            change = {"cursor": encode_cursor(chunk[-1])} if cursor else \
                {"start": start + limit}
            links["next"] = (f"{self.site_path}{self.req.path}?"
                             f"{self.next_query(limit=limit, **change)}")
        page: dict[str, Any] = {"results": [render(i) for i in chunk], "start": start,
                                "limit": limit, "size": len(chunk)}
        if total:
            page["totalSize"] = len(items)
        page["_links"] = links
        return page

    def cursor_start(self, items: list[Any]) -> int:
        """Where the page after the cursor's item starts; survives deletions in between."""
        cursor = self.arg("cursor")
        if not cursor:
            return 0
        last = decode_cursor(cursor)
        ids = [str(i.id) for i in items]
        if last in ids:
            return ids.index(last) + 1
        return next((n for n, i in enumerate(ids) if int(i) > int(last)), len(ids))

    def v2_page(self, items: list[Any], render: Callable[[Any], Any]) -> ApiResponse:
        """A v2 result page: opaque cursor, ``_links.next`` and a ``Link`` header."""
        limit = self.limit()
        start = self.cursor_start(items)
        chunk = items[start:start + limit]
        links: dict[str, str] = {"base": self.req.base_url}
        headers: dict[str, str] = {}
        if start + limit < len(items):
            root = urlsplit(self.req.api_root).path
            links["next"] = (f"{root}{self.req.path}?"
                             f"{self.next_query(limit=limit, cursor=encode_cursor(chunk[-1]))}")
            headers["Link"] = f'<{links["next"]}>; rel="next", <{self.req.base_url}>; rel="base"'
        body = {"results": [render(i) for i in chunk], "_links": links}
        return ApiResponse(200, body, headers)


def encode_cursor(last: Any) -> str:
    """An opaque cursor naming the last item served (like Cloud's ``contentOrderValue``)."""
    raw = json.dumps({"id": str(last.id), "contentOrder": "id"}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        last = json.loads(text)["id"]
        if not isinstance(last, str) or not last.isdigit():
            raise ValueError(last)
        return last
    except (ValueError, KeyError, TypeError) as exc:
        raise EmulatorError(400, f"Invalid cursor: {cursor}") from exc


def v1_error(err: EmulatorError, opts: ApiOptions) -> ApiResponse:
    reason = HTTPStatus(err.status).phrase
    if not err.exception:                       # framework-level answer (unknown path)
        return ApiResponse(err.status, {"statusCode": err.status, "message": err.message,
                                        "reason": reason})
    errors = [{"message": {"key": e, "args": []}} for e in err.errors]
    if opts.mode == "dc":
        data = {"authorized": err.status != 403, "valid": True,
                "allowedInReadOnlyMode": True, "errors": errors, "successful": False}
        body = {"statusCode": err.status, "data": data, "message": err.message,
                "reason": reason}
    else:
        data = {"authorized": True, "valid": True, "errors": errors, "successful": True}
        body = {"statusCode": err.status, "data": data,
                "message": f"{_JAVA_PREFIX}{err.exception}: {err.message}"}
    return ApiResponse(err.status, body)


def v2_error(err: EmulatorError) -> ApiResponse:
    code = _V2_CODES.get(err.status, HTTPStatus(err.status).phrase.upper().replace(" ", "_"))
    return ApiResponse(err.status, {"errors": [
        {"status": err.status, "code": code, "title": err.message, "detail": None}]})


_ROUTES: dict[str, list[tuple[str, re.Pattern[str], Handler]]] = {}


def _routes(api: str) -> list[tuple[str, re.Pattern[str], Handler]]:
    if not _ROUTES:
        from . import api_v1, api_v2
        for name, table in (("v1", api_v1.ROUTES), ("v2", api_v2.ROUTES)):
            _ROUTES[name] = [(m, re.compile(f"^{p}/?$"), h) for m, p, h in table]
    return _ROUTES.get(api, [])


def dispatch(state: State, request: ApiRequest, options: ApiOptions) -> ApiResponse:
    """Answer one authenticated, already-routed-to-this-API request."""
    method = request.method.upper()
    matched = False
    routes = [] if request.api == "v2" and options.mode == "dc" else _routes(request.api)
    with state.lock:
        for route_method, pattern, handler in routes:
            match = pattern.match(request.path)
            if match is None:
                continue
            matched = True
            if route_method != method:
                continue
            ctx = Ctx(state, request, options, match)
            try:
                result = handler(ctx)
            except EmulatorError as err:
                return v2_error(err) if request.api == "v2" else v1_error(err, options)
            return result if isinstance(result, ApiResponse) else ApiResponse(200, result)
    status = 405 if matched else 404
    message = (f"HTTP {status} {HTTPStatus(status).phrase}" if matched
               else f"null for uri: {request.api_root}{request.path}")
    unknown = EmulatorError(status, message, exception="")
    return v2_error(unknown) if request.api == "v2" else v1_error(unknown, options)
