"""The emulator's page views: the URLs Confluence uses for pages, answered with HTML.

Below the site root (``/wiki`` on Cloud, the context path on Data Center):

* ``/spaces/KEY`` and ``/spaces/KEY/overview``, ``/display/KEY``: the space home;
* ``/spaces/KEY/pages/ID[/Title]``, ``/display/KEY/Title``,
  ``/pages/viewpage.action?pageId=ID[&pageVersion=N]``: a page (an older version);
* ``/pages/diffpagesbyversion.action?pageId=ID&originalVersion=A&revisedVersion=B``:
  what changed between two versions;
* ``/download/attachments/ID/NAME``: an attachment, with its media type;
* the site root: a redirect to the home of the emulator's space.

The views need no login (the emulator is a local preview) and change nothing. Every
answer carries a content security policy that forbids script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, quote_plus, unquote, unquote_plus

from .page_html import CSP, diff_document, page_document
from .protocol import ApiResponse
from .render import esc
from .state import Content, State

_HTML = "text/html;charset=UTF-8"
_PAGE = re.compile(r"^/spaces/(?P<key>[^/]+)/pages/(?P<id>\d+)(?:/[^/]*)?/?$")
_HOME = re.compile(r"^/(?:spaces/(?P<key>[^/]+)(?:/overview)?|display/(?P<dkey>[^/]+))/?$")
_DISPLAY = re.compile(r"^/display/(?P<key>[^/]+)/(?P<title>[^/]+)/?$")
_DOWNLOAD = re.compile(r"^/download/attachments/(?P<id>\d+)/(?P<name>[^/]+)$")
#: answers an attachment may not turn into a page that runs script (an SVG, an HTML file)
ATTACHMENT_HEADERS = {"X-Content-Type-Options": "nosniff",
                      "Content-Security-Policy": "sandbox; default-src 'none'; "
                      "img-src 'self' data:; style-src 'unsafe-inline'"}
PAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": CSP,
                "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True)
class LiveLinker:
    """Absolute paths on the running emulator (no host: they work at 127.0.0.1 and at
    localhost alike)."""

    site: str            # '/wiki', '/confluence' or ''
    cloud: bool

    def page(self, page: Content, anchor: str = "") -> str:
        if self.cloud:
            url = f"{self.site}/spaces/{quote(page.space_key)}/pages/{page.id}/{quote_plus(page.title)}"
        else:
            url = f"{self.site}/display/{quote(page.space_key)}/{quote_plus(page.title)}"
        return url + (f"#{quote(anchor, safe='')}" if anchor else "")

    def attachment(self, page: Content, filename: str) -> str:
        return f"{self.site}/download/attachments/{page.id}/{quote(filename, safe='')}"

    def version(self, page: Content, number: int) -> str:
        if number == page.version.number:
            return self.page(page)
        return f"{self.site}/pages/viewpage.action?pageId={page.id}&pageVersion={number}"

    def diff(self, page: Content, old: int, new: int) -> str:
        return (f"{self.site}/pages/diffpagesbyversion.action?pageId={page.id}"
                f"&originalVersion={old}&revisedVersion={new}")

    def home(self, space_key: str) -> str:
        if self.cloud:
            return f"{self.site}/spaces/{quote(space_key)}/overview"
        return f"{self.site}/display/{quote(space_key)}"


def home_url(origin: str, site: str, cloud: bool, space_key: str) -> str:
    """The absolute URL of a space's home view (what ``sandbox`` and ``demo`` print)."""
    return origin + LiveLinker(site, cloud).home(space_key)


def answer(state: State, method: str, path: str, query: str, *, site: str, cloud: bool,
           space_key: str) -> ApiResponse | None:
    """The view at ``path`` (a path on the server), or None when it is not a view."""
    linker = LiveLinker(site, cloud)
    if method in ("GET", "HEAD") and path == "/" and cloud:   # the bare origin
        return ApiResponse(302, b"", {"Location": linker.home(space_key)}, _HTML)
    if method not in ("GET", "HEAD") or not (path == site or path.startswith(site + "/")):
        return None
    sub = path[len(site):] or "/"
    args = {k: v[0] for k, v in parse_qs(query).items()}
    with state.lock:
        if sub == "/":
            return ApiResponse(302, b"", {"Location": linker.home(space_key)}, _HTML)
        m = _DOWNLOAD.match(sub)
        if m:
            return _download(state, m.group("id"), unquote(m.group("name")))
        page, error = _find(state, sub, args)
        if error:
            return _not_found(error)
        if page is None:
            return None
        if sub == "/pages/diffpagesbyversion.action":
            return _diff(state, page, linker, args)
        number = _int(args.get("pageVersion"))
        if number is not None and not 1 <= number <= page.version.number:
            return _not_found(f"Page {page.title} has no version {number}.")
        return _html(page_document(state, page, linker, number))


def _find(state: State, sub: str, args: dict[str, str]) -> tuple[Content | None, str]:
    """The page a view URL names; an error text when it names one that is not there."""
    if sub in ("/pages/viewpage.action", "/pages/diffpagesbyversion.action"):
        return _by_id(state, args.get("pageId", ""))
    m = _PAGE.match(sub)
    if m:
        return _by_id(state, m.group("id"))
    m = _HOME.match(sub)
    if m:
        key = m.group("key") or m.group("dkey")
        space = state.spaces.get(unquote(key))
        if space is None or space.hidden or space.homepage_id is None:
            return None, f"There is no space with key {unquote(key)}."
        return _by_id(state, space.homepage_id)
    m = _DISPLAY.match(sub)
    if m:
        key, title = unquote(m.group("key")), unquote_plus(m.group("title"))
        found = state.find_pages(key, title)
        return (found[0], "") if found else (None, f"No page titled {title} in space {key}.")
    return None, ""


def _by_id(state: State, page_id: str) -> tuple[Content | None, str]:
    page = state.content.get(page_id)
    if (page is None or page.type != "page" or page.status not in ("current", "archived")
            or state.spaces[page.space_key].hidden):
        return None, f"There is no page with id {page_id or '(none)'}."
    return page, ""


def _diff(state: State, page: Content, linker: LiveLinker, args: dict[str, str]
          ) -> ApiResponse:
    last = page.version.number
    new = _int(args.get("revisedVersion")) or last
    old = _int(args.get("originalVersion")) or max(new - 1, 1)
    if not (1 <= old <= last and 1 <= new <= last):
        return _not_found(f"Page {page.title} has versions 1 to {last}.")
    return _html(diff_document(state, page, linker, old, new))


def _download(state: State, page_id: str, name: str) -> ApiResponse:
    att = state.download(page_id, name)
    if att is None or att.status != "current":
        return _not_found(f"No attachment {name} on page {page_id}.")
    media = att.media_type or "application/octet-stream"
    return ApiResponse(200, att.data, dict(ATTACHMENT_HEADERS), media)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _html(text: str, status: int = 200) -> ApiResponse:
    return ApiResponse(status, text.encode("utf-8"), dict(PAGE_HEADERS), _HTML)


def _not_found(message: str) -> ApiResponse:
    return _html("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>Page not "
                 f"found</title></head><body><h1>Page not found</h1><p>{esc(message)}</p>"
                 "</body></html>\n", 404)
