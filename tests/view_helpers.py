"""Helpers for the page-view tests: publish a project for real, fetch and parse HTML."""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import requests
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

_VOID = {"br", "hr", "img", "col", "meta", "link", "input", "area", "base", "source", "wbr"}


class _TreeBuilder(HTMLParser):
    """HTML to an ElementTree (the stdlib parser, so tests need nothing extra)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in _VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_html(text: str) -> ET.Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def text_of(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def by_class(root: ET.Element, cls: str, tag: str = "*") -> list[ET.Element]:
    return [el for el in root.iter(tag) if cls in el.get("class", "").split()]


def body_of(root: ET.Element) -> ET.Element:
    found = by_class(root, "page-body")
    assert found, "no page body in the document"
    return found[0]


def get_page(url: str) -> tuple[requests.Response, ET.Element]:
    rsp = requests.get(url, timeout=30)
    assert rsp.status_code == 200, (url, rsp.status_code, rsp.text[:300])
    assert rsp.headers["Content-Type"].startswith("text/html")
    return rsp, parse_html(rsp.text)


def absolute(base: str, href: str) -> str:
    return urljoin(base, href)


def publish_project(src: Path, out: Path, server: Any, **overrides: Any) -> None:
    """Build ``src`` with ``-b confluence`` and publish it to ``server`` (the real builder
    and publisher), failing on any warning."""
    status, warning = io.StringIO(), io.StringIO()
    settings = dict(confluence_publish=True, confluence_server_url=server.url,
                    confluence_space_key=server.space_key)
    if server.mode == "cloud":
        settings.update(confluence_cloud=True, confluence_server_user=server.user,
                        confluence_api_token=server.api_token)
    else:
        settings.update(confluence_publish_token=server.pat)
    settings.update(overrides)
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "confluence",
                     confoverrides=settings, status=status, warning=warning, freshenv=True)
        app.build()
    assert app.statuscode == 0, warning.getvalue()


def copy_root(rootdir: Path, name: str, tmp_path: Path) -> Path:
    src = tmp_path / name
    shutil.copytree(rootdir / f"test-{name}", src)
    return src


def check_export(folder: Path) -> dict[str, int]:
    """Every local link and image of every exported file resolves to a file on disk (and
    an anchor to an id in it); no link needs a server. Returns what was checked."""
    seen = {"pages": 0, "links": 0, "images": 0}
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            root = parse_html(path.read_text("utf-8"))
            ids[path] = {el.get("id") for el in root.iter() if el.get("id")}
        return ids[path]

    for page in sorted(folder.rglob("*.html")):
        seen["pages"] += 1
        root = parse_html(page.read_text("utf-8"))
        for el in root.iter():
            ref = el.get("href") if el.tag == "a" else el.get("src") if el.tag == "img" else None
            if ref is None or urlsplit(ref).scheme in ("http", "https", "mailto"):
                continue
            assert not ref.startswith("/"), f"{page}: {ref} needs a server"
            parts = urlsplit(ref)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.name}: {ref} is missing"
            assert folder.resolve() in target.parents, f"{ref} leaves the export"
            if parts.fragment and target.suffix == ".html":
                assert unquote(parts.fragment) in ids_of(target), f"{page.name}: {ref}"
            seen["images" if el.tag == "img" else "links"] += 1
    return seen
