"""Static export of a space's page views: HTML files that open from disk.

``export_space(state, "DOCS", folder)`` writes

* ``index.html``: the page tree of the space (start here);
* ``pages/<id>.html``: each current page as the emulator shows it, and
  ``pages/<id>-v<N>.html`` / ``pages/<id>-diff-<A>-<B>.html`` for its earlier versions
  and the changes between consecutive versions;
* ``attachments/<page id>/<name>``: the attachments the pages show and link.

Every link is relative, the style sheet is inline and there is no script, so the
folder is self-contained: CI can upload it as an artifact for a pull-request review.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .page_html import body_at, diff_document, document, page_document, sidebar, tree_html
from .render import esc
from .state import Content, State

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(att: Content) -> str:
    """An attachment's name on disk: its own when that is plain, else made plain (no
    separators, no leading dot) and prefixed with its id, so two never collide."""
    safe = _UNSAFE.sub("_", att.title).lstrip(".")
    return safe if safe == att.title else f"{att.id}-{safe}"


@dataclass(frozen=True)
class FileLinker:
    """Relative links between exported files; ``up`` is the way from the current file
    to the export root (``"../"`` from a page, ``""`` from ``index.html``)."""

    state: State
    up: str

    def _pages(self) -> str:
        return "" if self.up else "pages/"

    def page(self, page: Content, anchor: str = "") -> str:
        return f"{self._pages()}{page.id}.html" + (f"#{quote(anchor, safe='')}" if anchor else "")

    def attachment(self, page: Content, filename: str) -> str:
        att = self.state.attachment_named(page, filename)
        name = file_name(att) if att is not None else "missing"
        return f"{self.up}attachments/{page.id}/{quote(name)}"

    def version(self, page: Content, number: int) -> str:
        if number == page.version.number:
            return self.page(page)
        return f"{self._pages()}{page.id}-v{number}.html"

    def diff(self, page: Content, old: int, new: int) -> str:
        return f"{self._pages()}{page.id}-diff-{old}-{new}.html"

    def home(self, space_key: str) -> str:
        return f"{self.up}index.html"


def export_space(state: State, space_key: str, folder: str | Path) -> Path:
    """Write the space's pages, versions, diffs and attachments; returns ``index.html``."""
    root = Path(folder)
    (root / "pages").mkdir(parents=True, exist_ok=True)
    with state.lock:
        space = state.get_space(space_key)
        linker = FileLinker(state, "../")
        for page in state.find_pages(space_key, statuses=("current",)):
            _write_page(state, page, linker, root)
        index = root / "index.html"
        top = FileLinker(state, "")
        main = (f'<h1 class="page-title">{esc(space.name)}</h1><div class="byline">'
                f"Space {esc(space.key)}: every page of the space, as published.</div>"
                f"{tree_html(state, space, top, None)}")
        index.write_text(document(f"{space.name} - pages", sidebar(state, space, top, None),
                                  main), "utf-8")
    return index


def _write_page(state: State, page: Content, linker: FileLinker, root: Path) -> None:
    pages = root / "pages"
    (pages / linker.page(page)).write_text(page_document(state, page, linker), "utf-8")
    last = page.version.number
    for number in range(1, last):
        if body_at(page, number) is None:
            continue
        (pages / linker.version(page, number)).write_text(
            page_document(state, page, linker, number), "utf-8")
        if body_at(page, number + 1) is not None:
            (pages / linker.diff(page, number, number + 1)).write_text(
                diff_document(state, page, linker, number, number + 1), "utf-8")
    atts = state.children(page.id, "attachment")
    if atts:
        folder = root / "attachments" / page.id
        folder.mkdir(parents=True, exist_ok=True)
        for att in atts:
            (folder / file_name(att)).write_bytes(att.data)


def export_problem(folder: str | None) -> str | None:
    """Why ``folder`` cannot take an export (checked before any work), or None."""
    if folder is None:
        return None
    path = Path(folder)
    if path.exists() and not path.is_dir():
        return f"--export {folder!r} is a file; give a directory (it is created if missing)"
    parent = path.resolve().parent
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent if not path.exists() else path, os.W_OK):
        return f"--export {folder!r} is not writable"
    return None
