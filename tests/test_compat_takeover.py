"""Taking over pages the existing extension published: links to its anchors keep working.

The space first holds ``roots/test-compat`` as the existing extension published it (its
anchor and link naming, bodies abridged from its real output), plus a page the team wrote
by hand with deep links into the documentation. We then publish the same project with
``confluence_publish_trample = True`` (the documented first step of a migration) and
resolve every anchor link of every page in the emulator: each must land on an anchor
macro of its target page.
"""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import current_pages
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace
from storage_helpers import NS, parse_storage

from sphinxcontrib.confluencebuilder.publishglue import register

ROOT = Path(__file__).parent / "roots" / "test-compat"
AC, RI, X = (f"{{{NS[k]}}}" for k in ("ac", "ri", "x"))


def _anchor(name: str) -> str:
    return (f'<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">{name}'
            "</ac:parameter></ac:structured-macro>")


def _link(title: str, anchor: str, text: str) -> str:
    return (f'<ac:link ac:anchor="{anchor}"><ri:page ri:content-title="{title}" />'
            f"<ac:link-body>{text}</ac:link-body></ac:link>")


def old_pages(editor: str) -> dict[str, str]:
    """Title -> body, as the existing extension wrote them (and a team's own page)."""
    dash = "-" if editor == "v2" else ""
    two, other = f"Section{dash}Two", f"Other{dash}Section"
    guide = "".join((
        "<p>A first paragraph.</p><h2>", _anchor("my-label"), _anchor(two),
        _anchor(f"UserGuide-{two}"), "Section Two</h2>",
        _anchor("term-Widget"), "<p>Widget</p>", _anchor("mod.func"), "<p>mod.func</p>",
        _anchor("hook-pytest_foo"), "<p>pytest_foo</p>", _anchor("cit2002"), "<p>[CIT2002]</p>",
    ))
    other_page = "".join(("<h2>", _anchor("other-label"), _anchor(other),
                          _anchor(f"OtherPage-{other}"), "Other Section</h2>",
                          "<p>Back to ", _link("User Guide", two, "Section Two"), "</p>"))
    bookmarks = "<p>" + ", ".join(
        _link(title, anchor, anchor) for title, anchor in (
            ("User Guide", two), ("User Guide", f"UserGuide-{two}"), ("User Guide", "my-label"),
            ("User Guide", "term-Widget"), ("User Guide", "mod.func"),
            ("User Guide", "hook-pytest_foo"), ("User Guide", "cit2002"),
            ("Other Page", other), ("Other Page", f"OtherPage-{other}"),
            ("Other Page", "other-label"),
        )) + "</p>"
    return {"User Guide": guide, "Other Page": other_page, "Team Bookmarks": bookmarks}


def anchor_links(page_title: str, root: ET.Element) -> list[tuple[str, str]]:
    """(target page title, anchor) of every anchor link of a page."""
    out = []
    for elem in root.iter():
        if elem.tag == AC + "link" and elem.get(AC + "anchor"):
            target = elem.find(RI + "page")
            title = target.get(RI + "content-title") if target is not None else page_title
            out.append((title, elem.get(AC + "anchor", "")))
        elif elem.tag == X + "a" and elem.get("href", "").startswith("#"):
            out.append((page_title, elem.get("href", "")[1:]))
    return out


def anchor_names(root: ET.Element) -> set[str]:
    return {m.findtext("ac:parameter", namespaces=NS) or ""
            for m in root.iter(AC + "structured-macro") if m.get(AC + "name") == "anchor"}


def unresolved(server: Any) -> tuple[list[tuple[str, str, str]], int]:
    """Anchor links of the space that do not land on an anchor, and how many there are."""
    pages = current_pages(server.state, server.space_key)
    parsed = {title: parse_storage(content.body) for title, content in pages.items()}
    broken, total = [], 0
    for title, root in parsed.items():
        for target, anchor in anchor_links(title, root):
            total += 1
            if target not in parsed or anchor not in anchor_names(parsed[target]):
                broken.append((title, target, anchor))
    return broken, total


def credentials(server: Any) -> dict[str, str]:
    if server.mode == "dc":
        return {"confluence_publish_token": server.pat}
    return {"confluence_server_user": server.user, "confluence_api_token": server.api_token}


@pytest.mark.parametrize(("editor", "mode"), [("v1", "dc"), ("v2", "cloud")])
def test_links_to_old_anchors_resolve_after_our_publish(
        confluence_emulator_factory: Any, tmp_path: Path, editor: str, mode: str) -> None:
    server = confluence_emulator_factory(mode=mode)
    home = server.state.spaces[server.space_key].homepage_id
    for title, body in old_pages(editor).items():
        server.state.create_page(server.space_key, title, body, home)
    before, total_before = unresolved(server)
    assert not before and total_before >= 11  # the old space is consistent

    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"),
                     "confluence", status=io.StringIO(), warning=io.StringIO(),
                     freshenv=True, confoverrides={
                         "confluence_editor": editor, "confluence_publish": True,
                         "confluence_publish_trample": True, "confluence_space_key": server.space_key,
                         "confluence_server_url": server.url, **credentials(server)})
        register(app)
        app.build()
    assert app.statuscode == 0, app._warning.getvalue()

    pages = current_pages(server.state, server.space_key)
    assert pages["User Guide"].version.number == 2  # taken over, not duplicated
    assert "wrapped across several lines" in pages["User Guide"].body  # our body now
    broken, total = unresolved(server)
    assert not broken, broken
    # the team's bookmarks, the old links, and the links of our new pages all resolve
    assert total > total_before
