"""Page views of the emulator: pages published by the real builder, served as HTML at
Confluence's page URLs, parsed and checked construct by construct."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from view_helpers import (
    absolute,
    body_of,
    by_class,
    copy_root,
    get_page,
    publish_project,
    text_of,
)

from sphinxcontrib.confluencebuilder.rest.ratelimit import forget_limiter
from sphinxcontrib.confluencebuilder.testing import ConfluenceEmulator


def _start(mode: str, **kwargs: Any) -> ConfluenceEmulator:
    return ConfluenceEmulator(mode=mode, max_limit=250, **kwargs).start()


def _stop(server: ConfluenceEmulator) -> None:
    origin = server.origin
    server.stop()
    forget_limiter(origin)
    assert not server.errors, server.errors


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConfluenceEmulator]:
    """test-views published to a Cloud emulator (the v2 editor's storage)."""
    tmp = tmp_path_factory.mktemp("views")
    server = _start("cloud")
    src = copy_root(Path(__file__).parent / "roots", "views", tmp)
    publish_project(src, tmp / "out", server)
    yield server
    _stop(server)


@pytest.fixture(scope="module")
def markup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConfluenceEmulator]:
    """test-markup (the Confluence macros of the markup package), published to Cloud."""
    tmp = tmp_path_factory.mktemp("markup")
    server = _start("cloud")
    src = copy_root(Path(__file__).parent / "roots", "markup", tmp)
    publish_project(src, tmp / "out", server, suppress_warnings=["confluence.markup"])
    yield server
    _stop(server)


def page_url(server: ConfluenceEmulator, title: str) -> str:
    page = server.state.find_pages(server.space_key, title)[0]
    return f"{server.origin}/wiki/spaces/{server.space_key}/pages/{page.id}/{title.replace(' ', '+')}"


# -- URLs ------------------------------------------------------------------------------

def test_every_confluence_page_url_answers_the_page(views):
    page = views.state.find_pages("DOCS", "Views Home")[0]
    site = views.origin + "/wiki"
    for url in (page_url(views, "Views Home"), f"{site}/display/DOCS/Views+Home",
                f"{site}/pages/viewpage.action?pageId={page.id}",
                f"{site}/spaces/DOCS/pages/{page.id}"):
        _, root = get_page(url)
        assert text_of(by_class(root, "page-title")[0]) == "Views Home", url
    # at localhost as well as at 127.0.0.1
    local = page_url(views, "Views Home").replace("127.0.0.1", "localhost")
    _, root = get_page(local)
    assert "Views Home" in text_of(root.find(".//title"))


def test_space_home_shows_the_page_tree_and_unknown_pages_are_404(views):
    _, root = get_page(views.home_url)
    assert views.home_url.endswith("/wiki/spaces/DOCS/overview")
    tree = by_class(root, "page-tree")[0]
    titles = [text_of(a) for a in tree.iter("a")]
    assert "Views Home" in titles and "Guide Page" in titles
    guide = next(a for a in tree.iter("a") if text_of(a) == "Guide Page")
    assert requests.get(absolute(views.home_url, guide.get("href")), timeout=30).ok
    site = views.origin + "/wiki"
    for missing in (f"{site}/spaces/DOCS/pages/999999/Nope", f"{site}/display/DOCS/Nope",
                    f"{site}/pages/viewpage.action?pageId=1", f"{site}/spaces/NOPE/overview"):
        rsp = requests.get(missing, timeout=30)
        assert rsp.status_code == 404 and "text/html" in rsp.headers["Content-Type"], missing
    for root in (site + "/", views.origin + "/"):
        assert requests.get(root, timeout=30, allow_redirects=False).headers[
            "Location"] == "/wiki/spaces/DOCS/overview"


def test_data_center_urls_under_the_context_path(tmp_path):
    server = _start("dc", context_path="/confluence")
    try:
        src = copy_root(Path(__file__).parent / "roots", "views", tmp_path)
        publish_project(src, tmp_path / "out", server)
        assert server.home_url == f"{server.origin}/confluence/display/DOCS"
        _, root = get_page(server.home_url)
        link = next(a for a in by_class(root, "page-tree")[0].iter("a")
                    if text_of(a) == "Guide Page")
        assert link.get("href") == "/confluence/display/DOCS/Guide+Page"
        _, guide = get_page(absolute(server.home_url, link.get("href")))
        assert "The details section." in text_of(body_of(guide))
        # the v1 editor's admonitions and table widths
        _, home = get_page(f"{server.origin}/confluence/display/DOCS/Views+Home")
        assert by_class(body_of(home), "admonition-info")
        cols = list(body_of(home).iter("col"))
        assert [c.get("style") for c in cols] == ["width: 20%", "width: 80%"]
        # the v1 editor's code macro carries title and collapse itself
        titled = next(b for b in by_class(body_of(home), "code-block")
                      if by_class(b, "code-title"))
        assert text_of(by_class(titled, "code-title")[0]) == "example.py"
        folded = next(d for d in by_class(body_of(home), "code-collapse", "details"))
        assert "folded: true" in text_of(folded)
    finally:
        _stop(server)


# -- constructs of test-views ------------------------------------------------------------

def test_headings_lists_paragraph_line_breaks(views):
    _, root = get_page(page_url(views, "Views Home"))
    body = body_of(root)
    headings = [text_of(h) for h in body.iter("h2")]
    assert headings == ["Lists", "Tables", "Code", "Admonitions", "Media", "Unsafe"]
    assert all(h.get("id") for h in body.iter("h2"))
    para = next(p for p in body.iter("p") if "paragraph whose source" in text_of(p))
    assert para.find("br") is None  # the builder joins the source's soft line breaks
    bullets = next(ul for ul in body.iter("ul") if "first bullet" in text_of(ul))
    assert [text_of(li.find("p")) for li in bullets.findall("li")] == [
        "first bullet", "second bullet"]
    nested = bullets.find("li/ol")
    assert nested is not None and [text_of(li) for li in nested] == ["nested one", "nested two"]


def test_tables_keep_spans_and_widths(views):
    _, root = get_page(page_url(views, "Views Home"))
    tables = list(body_of(root).iter("table"))
    spans = tables[0]
    assert [td.get("colspan") for td in spans.iter("td") if td.get("colspan")] == ["2"]
    assert [td.get("rowspan") for td in spans.iter("td") if td.get("rowspan")] == ["2"]
    assert [text_of(th) for th in spans.iter("th")] == ["Head A", "Head B"]
    widths = [float(c.get("style").removeprefix("width: ").removesuffix("px"))
              for c in tables[1].iter("col")]     # the Cloud editor's widths are pixels
    assert len(widths) == 2 and widths[1] == pytest.approx(4 * widths[0])


def test_code_blocks_language_title_line_numbers_collapse(views):
    _, root = get_page(page_url(views, "Views Home"))
    blocks = by_class(body_of(root), "code-block")
    python = next(b for b in blocks if b.get("data-language") == "python")
    numbers = [text_of(s) for s in by_class(python, "ln")]
    assert numbers == ["7", "8"]
    assert 'second = "<b>not bold</b>"' in text_of(python)   # escaped, not markup
    assert python.find(".//b") is None
    titled = [b for b in blocks if by_class(b, "code-title")] + [
        p for p in body_of(root).iter("p") if text_of(p) == "example.py"]
    assert titled, "the caption is shown with the block"
    yaml = next(b for b in blocks if b.get("data-language") == "yaml")
    assert "folded: true" in text_of(yaml)
    folded = [d for d in body_of(root).iter("details") if "folded: true" in text_of(d)]
    assert folded, "a collapsed block is closed until opened"


def test_admonitions_status_labels(views):
    _, root = get_page(page_url(views, "Views Home"))
    body = body_of(root)
    boxes = {text_of(b) for b in by_class(body, "admonition")} | {
        text_of(b) for b in by_class(body, "panel")}
    assert any("A note body." in b for b in boxes)
    assert any("A warning body." in b for b in boxes)
    status = by_class(body, "status")[0]
    assert text_of(status) == "READY" and "status-green" in status.get("class")
    assert [text_of(li) for li in by_class(root, "label", "li")] == ["preview", "review"]


def test_images_and_files_are_served_from_attachments(views):
    _, root = get_page(page_url(views, "Views Home"))
    img = next(body_of(root).iter("img"))
    assert img.get("alt") == "A red pixel" and img.get("width") == "40"
    rsp = requests.get(absolute(views.url, img.get("src")), timeout=30)
    src = Path(__file__).parent / "roots" / "test-views" / "pic.png"
    assert rsp.status_code == 200 and rsp.headers["Content-Type"] == "image/png"
    assert hashlib.sha256(rsp.content).digest() == hashlib.sha256(src.read_bytes()).digest()
    link = next(a for a in body_of(root).iter("a") if text_of(a) == "data file")
    rsp = requests.get(absolute(views.url, link.get("href")), timeout=30)
    assert rsp.status_code == 200 and rsp.headers["Content-Type"].startswith("text/csv")
    assert rsp.content == b"name,value\nalpha,1\n"
    names = [text_of(a) for a in by_class(root, "attachments", "section")[0].iter("a")]
    assert {"data.csv", "pic.png"} <= set(names)


def test_links_between_pages_and_to_anchors_work(views):
    url = page_url(views, "Views Home")
    _, root = get_page(url)
    link = next(a for a in body_of(root).iter("a") if text_of(a) == "Details"
                and "#" in a.get("href", ""))
    target = absolute(url, link.get("href"))
    _, guide = get_page(target.split("#")[0])
    assert text_of(by_class(guide, "page-title")[0]) == "Guide Page"
    ids = {el.get("id") for el in guide.iter() if el.get("id")}
    assert urlsplit(target).fragment in ids
    # the toc's links on a page point at its own headings
    _, markup_root = get_page(page_url(views, "Views Home"))
    breadcrumbs = by_class(guide, "breadcrumbs")[0]
    assert [text_of(a) for a in breadcrumbs.iter("a")] == ["Views Home"]
    assert markup_root is not None


# -- the macros of test-markup -----------------------------------------------------------

def test_markup_macros(markup):
    _, root = get_page(page_url(markup, "Markup"))
    body = body_of(root)
    expands = {text_of(d.find("summary")): d for d in by_class(body, "expand", "details")}
    assert "Hidden until expanded." in text_of(expands["More details"])
    panel = next(p for p in by_class(body, "panel") if "Inside the panel." in text_of(p))
    assert text_of(by_class(panel, "panel-title")[0]) == "Panel title"
    assert "border-style: dashed" in panel.get("style")
    assert "Reusable text." in text_of(by_class(body, "excerpt")[0])
    assert "Shared text." in text_of(by_class(body, "excerpt-include")[0])
    statuses = {text_of(s): s.get("class") for s in by_class(body, "status")}
    assert "status-green" in statuses["DONE"] and "status-subtle" in statuses["WIP"]
    heading_ids = {h.get("id") for h in body.iter("h2")}
    toc_targets = {a.get("href")[1:] for a in by_class(body, "toc")[0].iter("a")}
    assert toc_targets == heading_ids and len(toc_targets) == 2


def test_unresolvable_macros_are_labelled_placeholders(markup):
    _, root = get_page(page_url(markup, "Markup"))
    body = body_of(root)
    macros = {}
    for el in by_class(body, "placeholder"):
        macros.setdefault(el.get("data-macro"), []).append(text_of(el))
    assert any("TEST-1" in t for t in macros["jira"])
    assert any("TEST-2" in t for t in macros["jira"])
    assert any('project = "TEST"' in t for t in macros["jira"])
    assert any("mathblock" in t for t in macros["mathblock"])
    assert any("OTHERSPACE" in t for t in macros["excerpt-include"])
    assert "<b>bold html</b>" in macros["html"][0] and body.find(".//pre/b") is None
    pdf = next(a for a in by_class(body, "placeholder") if a.get("data-macro") == "viewpdf")
    rsp = requests.get(absolute(markup.url, pdf.find(".//a").get("href")), timeout=30)
    assert rsp.headers["Content-Type"] == "application/pdf"


def test_newline_inside_paragraph_text_shows_as_a_line_break(views):
    # Confluence 7+ and Cloud show a newline inside paragraph text as a line break; the
    # preview shows the same (pages written by other tools, or by hand, carry them)
    home = views.state.spaces["DOCS"].homepage_id
    page = views.state.create_page("DOCS", "Wrapped", "<p>first half\nsecond half</p>", home)
    _, root = get_page(f"{views.url}pages/viewpage.action?pageId={page.id}")
    para = next(p for p in body_of(root).iter("p") if "first half" in text_of(p))
    assert para.find("br") is not None
