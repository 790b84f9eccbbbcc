"""Where a request lands, per mode (API roots, Cloud gateway, anonymous endpoints), and
whether its body is acceptable before it reaches the REST handlers.

Cloud: ``/wiki/rest/api``, ``/wiki/api/v2``, the gateway ``/ex/confluence/<cloudId>`` with and
without ``/wiki``, and ``/_edge/tenant_info``. DC: ``[context]/rest/api`` and
``[context]/rest/applinks/1.0/manifest``; no v2.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from . import faults
from .actions import MOVE_ACTION
from .faults import html_page
from .protocol import ApiResponse

DC_VERSION = ("8.5.4", "8804")
_GATEWAY = re.compile(r"^/ex/confluence/(?P<cid>[^/]+)(?P<wiki>/wiki)?(?P<root>/rest/api|/api/v2)"
                      r"(?P<sub>/.*)?$")
_SITE = re.compile(r"^/wiki(?P<root>/rest/api|/api/v2)(?P<sub>/.*)?$")
_ID_SEGMENT = re.compile(r"/(\d+|[0-9a-f-]{36})(?=/|$)")


@dataclass(frozen=True)
class Route:
    kind: str                 # 'api', 'tenant', 'manifest', 'action', 'missing'
    api: str = ""             # 'v1' or 'v2'
    sub: str = ""             # path below the API root
    base_url: str = ""        # absolute site root clients see
    context: str = ""         # '/wiki', '/confluence' or ''
    api_root: str = ""        # absolute URL of the API root used
    gateway: bool = False

    @property
    def v1_content(self) -> bool:
        return self.api == "v1" and self.sub.startswith("/content")


TOKEN_PATHS = ("/oauth/token", "/rest/oauth2/latest/token")


def resolve(path: str, mode: str, origin: str, context: str, cloud_id: str) -> Route:
    if path in (TOKEN_PATHS[0], context + TOKEN_PATHS[1]):
        return Route("token")  # the OAuth 2.0 token endpoint (testing/oauth.py)
    if mode == "cloud":
        if path == "/_edge/tenant_info":
            return Route("tenant")
        m = _GATEWAY.match(path)
        if m and m.group("cid") == cloud_id:
            prefix = f"{origin}/ex/confluence/{cloud_id}"
            return Route("api", _api(m.group("root")), m.group("sub") or "", prefix + "/wiki",
                         "/wiki", prefix + (m.group("wiki") or "") + m.group("root"), True)
        if path == "/wiki" + MOVE_ACTION:
            return Route("action", base_url=origin + "/wiki", context="/wiki")
        m = _SITE.match(path)
        if m:
            return Route("api", _api(m.group("root")), m.group("sub") or "", origin + "/wiki",
                         "/wiki", origin + "/wiki" + m.group("root"))
        return Route("missing")
    if path == f"{context}/rest/applinks/1.0/manifest":
        return Route("manifest")
    if path == context + MOVE_ACTION:
        return Route("action", base_url=origin + context, context=context)
    root = f"{context}/rest/api"
    if path == root or path.startswith(root + "/"):
        return Route("api", "v1", path[len(root):], origin + context, context, origin + root)
    return Route("missing")


def _api(root: str) -> str:
    return "v1" if root == "/rest/api" else "v2"


def endpoint_name(method: str, path: str, route: Route) -> str:
    """A stable counter key: ids replaced by ``{id}``, API calls named by API and sub-path."""
    if route.kind == "api":
        return f"{method} {route.api} {_ID_SEGMENT.sub('/{id}', route.sub) or '/'}"
    return f"{method} {_ID_SEGMENT.sub('/{id}', path)}"


def not_found(mode: str, path: str) -> ApiResponse:
    if mode == "cloud":
        return html_page(404, "Page Not Found", "We can't find that page. It may have been "
                         "moved or deleted.")
    return html_page(404, "HTTP Status 404 – Not Found", f"Nothing is served at {path}.")


def manifest(site: str, accept: str, server_id: str | None = None) -> ApiResponse:
    """The anonymous DC applinks manifest: XML by default, JSON on request."""
    version, build = DC_VERSION
    server_id = server_id or str(uuid.uuid5(uuid.NAMESPACE_URL, site))
    fields = {"id": server_id, "name": "Confluence", "icon": f"{site}/images/icons/favicon.png",
              "typeId": "confluence", "version": version, "buildNumber": build,
              "applinksVersion": "9.1.7", "publicSignup": False, "url": site}
    if "json" in accept:
        body = dict(fields, inboundAuthenticationTypes=[
            "com.atlassian.applinks.api.auth.types.OAuthAuthenticationProvider"])
        return ApiResponse(200, json.dumps(body).encode())
    xml = "".join(f"<{k}>{str(v).lower() if isinstance(v, bool) else v}</{k}>"
                  for k, v in fields.items())
    text = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><manifest>{xml}</manifest>'
    return ApiResponse(200, text.encode(), {}, "application/xml;charset=UTF-8")


def is_page_update(route: Route) -> bool:
    parts = route.sub.strip("/").split("/")
    return len(parts) == 2 and parts[0] == ("content" if route.api == "v1" else "pages") \
        and parts[1].isdigit()


def is_property_update(route: Route) -> bool:
    """``PUT content/{id}/property/{key}`` (v1) or ``PUT pages/{id}/properties/{pid}``."""
    parts = route.sub.strip("/").split("/")
    kind = ("content", "property") if route.api == "v1" else ("pages", "properties")
    return len(parts) == 4 and (parts[0], parts[2]) == kind and parts[1].isdigit()


def still_v1(sub: str) -> bool:
    """v1 content paths Cloud still serves once page endpoints are gone: attachment upload,
    labels, CQL search, archiving and page moves (none of them has a v2 replacement)."""
    path = sub.rstrip("/")
    return ("/child/attachment" in path or path.endswith("/label")
            or path.startswith(("/content/search", "/content/archive"))
            or "/move/" in path)


def bad_request(route: Route, mode: str, message: str) -> ApiResponse:
    if route.api == "v2":
        return faults.v2_error(400, "INVALID_REQUEST_PARAMETER", message)
    prefix = "com.atlassian.confluence.api.service.exceptions.BadRequestException: "
    return faults.v1_error(400, (prefix if mode == "cloud" else "") + message, mode)


def body_problem(method: str, headers: dict[str, str], body: bytes, route: Route,
                  mode: str) -> ApiResponse | None:
    """400 for malformed JSON or multipart bodies, 403 for uploads missing the XSRF header."""
    ctype = headers.get("content-type", "").lower()
    if "json" in ctype and body.strip():
        try:
            json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
            return bad_request(route, mode, f"Unexpected character in JSON body at [line: "
                                f"{line}, column: {col}]: {getattr(exc, 'msg', exc)}")
    if ctype.startswith("multipart/form-data"):
        if headers.get("x-atlassian-token", "").lower() not in ("no-check", "nocheck"):
            return ApiResponse(403, b"XSRF check failed", {}, "text/plain;charset=UTF-8")
        original = headers.get("content-type", "")
        at = ctype.find("boundary=")
        boundary = original[at + 9:].split(";")[0].strip().strip('"') if at >= 0 else ""
        if not boundary or not body.rstrip().endswith(b"--" + boundary.encode() + b"--"):
            return bad_request(route, mode, "Unable to parse the multipart request: missing "
                                "or unterminated boundary")
    return None
