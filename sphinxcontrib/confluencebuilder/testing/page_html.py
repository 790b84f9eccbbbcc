"""Whole HTML documents of the page views: a page (any version), a diff, the chrome.

The chrome is Confluence's reading layout cut to what a reviewer needs: the space
name, a sidebar with the space's page tree (the current page marked), breadcrumbs,
the title, a byline with the version, links to the previous version and to the
difference from it, the body, labels and the page's attachments. The style sheet is
inline and there is no script at all, so a document works the same from the emulator
and from a folder on disk.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from typing import TYPE_CHECKING

from .page_css import CSS
from .render import esc
from .render_macros import render_body

if TYPE_CHECKING:
    from .render import Linker
    from .state import Content, Space, State

#: no script, plugin, base or form, whatever a page body smuggles in
CSP = ("script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
       "frame-src 'none'")
_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|li|tr|table|ul|ol|pre|blockquote|div|"
                        r"ac:structured-macro|ac:parameter|ac:plain-text-body)>|<br\s*/>)")


def body_at(page: Content, number: int) -> str | None:
    """The body of version ``number`` (None when it was not kept, e.g. an old snapshot)."""
    return page.body if number == page.version.number else page.history.get(str(number))


def when(stamp: str) -> str:
    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return stamp
    return moment.strftime("%d %b %Y %H:%M UTC")


def document(title: str, sidebar: str, main: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}"/>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            f'<nav class="sidebar">{sidebar}</nav><main class="content">{main}</main>'
            "</body></html>\n")


def _tree(state: State, space: Space) -> dict[str | None, list[Content]]:
    """The current pages of ``space`` by parent id (None: the top), in their order, the
    home page first at the top; one pass over the site, not one per page."""
    kids: dict[str | None, list[Content]] = {}
    for item in state.content.values():
        if item.type == "page" and item.status == "current" and item.space_key == space.key:
            kids.setdefault(item.parent_id, []).append(item)
    for pages in kids.values():
        pages.sort(key=lambda p: (p.id != space.homepage_id, p.position, int(p.id)))
    return kids


def tree_html(state: State, space: Space, linker: Linker, current: str | None) -> str:
    kids = _tree(state, space)

    def branch(parent: str | None) -> str:
        items = []
        for p in kids.get(parent, []):
            mark = ' class="current" aria-current="page"' if p.id == current else ""
            items.append(f'<li><a href="{esc(linker.page(p))}"{mark}>{esc(p.title)}</a>'
                         f"{branch(p.id)}</li>")
        return f"<ul>{''.join(items)}</ul>" if items else ""
    return f'<div class="page-tree">{branch(None)}</div>'


def sidebar(state: State, space: Space, linker: Linker, current: str | None) -> str:
    return (f'<a class="space-name" href="{esc(linker.home(space.key))}">{esc(space.name)}</a>'
            f'<div class="space-key">Space {esc(space.key)}</div>'
            f"{tree_html(state, space, linker, current)}")


def _byline(state: State, page: Content, linker: Linker, number: int) -> str:
    version = next((v for v in page.versions if v.number == number), page.version)
    user = state.find_user(version.by)
    who = user.display_name if user is not None else "anonymous"
    parts = [f'<span class="version">Version {number}</span>',
             f"updated by {esc(who)} on {esc(when(version.when))}"]
    if version.message:
        parts.append(f'<q class="version-message">{esc(version.message)}</q>')
    if number > 1:
        parts.append(f'<a class="previous-version" href="{esc(linker.version(page, number - 1))}"'
                     f">previous version ({number - 1})</a>")
        parts.append(f'<a class="version-diff" href="{esc(linker.diff(page, number - 1, number))}"'
                     f">changes from version {number - 1}</a>")
    return f'<div class="byline">{" &#183; ".join(parts)}</div>'


def _labels(page: Content) -> str:
    if not page.labels:
        return ""
    items = "".join(f'<li class="label">{esc(lb.name)}</li>' for lb in page.labels)
    return f'<section class="labels"><h2>Labels</h2><ul>{items}</ul></section>'


def _attachments(state: State, page: Content, linker: Linker) -> str:
    atts = state.children(page.id, "attachment")
    if not atts:
        return ""
    items = "".join(f'<li><a href="{esc(linker.attachment(page, a.title))}">{esc(a.title)}'
                    f'</a> <span class="meta">{esc(a.media_type)}, {len(a.data)} bytes</span>'
                    "</li>" for a in atts)
    return f'<section class="attachments"><h2>Attachments</h2><ul>{items}</ul></section>'


def breadcrumbs(state: State, page: Content, linker: Linker) -> str:
    chain = "".join(f'<li><a href="{esc(linker.page(a))}">{esc(a.title)}</a></li>'
                    for a in state.ancestors(page))
    return f'<ol class="breadcrumbs">{chain}</ol>' if chain else ""


def page_document(state: State, page: Content, linker: Linker, number: int | None = None
                  ) -> str:
    """A page as a reader sees it; ``number`` picks an older version."""
    space = state.spaces[page.space_key]
    current = page.version.number
    number = current if number is None else number
    body = body_at(page, number)
    if body is None:
        content = f'<p class="missing">The body of version {number} was not kept.</p>'
    else:
        content, _ = render_body(state, page, linker, body)
    if not content.strip() and page.id == space.homepage_id:
        content = ('<p class="empty">This space home has no content of its own. Pages in '
                   f"this space:</p>{tree_html(state, space, linker, None)}")
    banner = ""
    if number != current:
        banner = (f'<div class="old-version">You are viewing an old version ({number}) of '
                  f'this page. <a href="{esc(linker.page(page))}">View the current version'
                  f"</a>.</div>")
    main = (f"{breadcrumbs(state, page, linker)}{banner}"
            f'<h1 class="page-title">{esc(page.title)}</h1>'
            f"{_byline(state, page, linker, number)}"
            f'<div class="page-body">{content}</div>'
            f"{_labels(page)}{_attachments(state, page, linker)}")
    title = f"{page.title} - {space.name}" + (f" (v. {number})" if number != current else "")
    return document(title, sidebar(state, space, linker, page.id), main)


def _lines(body: str) -> list[str]:
    return [line for line in _BLOCK_END.sub(r"\1\n", body).split("\n") if line.strip()]


def diff_document(state: State, page: Content, linker: Linker, old: int, new: int) -> str:
    """What changed in the storage of ``page`` between two versions, line by line."""
    space = state.spaces[page.space_key]
    before, after = body_at(page, old), body_at(page, new)
    rows = []
    if before is None or after is None:
        rows.append('<tr><td class="missing">The body of one of these versions was not '
                    "kept.</td></tr>")
    else:
        for line in list(difflib.unified_diff(_lines(before), _lines(after), lineterm="",
                                              n=2))[2:]:
            kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
            rows.append(f'<tr class="{kind}"><td><code>{esc(line)}</code></td></tr>')
        if not rows:
            rows.append('<tr class="same"><td>No changes to the page body.</td></tr>')
    main = (f'<h1 class="page-title">{esc(page.title)}</h1><div class="byline">'
            f'Changes from <a href="{esc(linker.version(page, old))}">version {old}</a> to '
            f'<a href="{esc(linker.version(page, new))}">version {new}</a> (storage format)'
            f'</div><table class="diff">{"".join(rows)}</table>')
    return document(f"{page.title} - changes {old} to {new}",
                    sidebar(state, space, linker, page.id), main)
