"""Page views are honest and inert: hostile storage renders as text, unknown storage as a
labelled placeholder; earlier versions and their differences are shown."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import requests
from view_helpers import (
    absolute,
    body_of,
    by_class,
    check_export,
    get_page,
    parse_html,
    publish_project,
    text_of,
)

from sphinxcontrib.confluencebuilder.testing.export import export_space

HOSTILE = """\
<p>Hi <script>alert(1)</script> there</p>
<p><a href="javascript:alert(2)">js</a> <a href=" JaVa&#x09;Script:alert(3)">tab</a>
<a href="data:text/html,&lt;script&gt;alert(4)&lt;/script&gt;">data</a>
<a href="vbscript:msgbox(5)">vb</a> <a href="https://example.com/ok">fine</a></p>
<p onclick="alert(6)" style="color: red; background: url(javascript:alert(7))">styled</p>
<img src="x" onerror="alert(8)"/>
<iframe src="javascript:alert(9)"></iframe>
<ac:image><ri:url ri:value="javascript:alert(10)"/></ac:image>
<ac:link><ri:page ri:content-title="&quot;&gt;&lt;script&gt;alert(11)&lt;/script&gt;"/></ac:link>
<ac:structured-macro ac:name="code"><ac:parameter ac:name="title">&lt;/div&gt;&lt;script&gt;\
alert(12)&lt;/script&gt;</ac:parameter><ac:plain-text-body><![CDATA[</code></pre><script>alert(13)\
</script>]]></ac:plain-text-body></ac:structured-macro>
<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">red" onmouseover="alert(14)\
</ac:parameter><ac:parameter ac:name="title">x</ac:parameter></ac:structured-macro>
<ac:structured-macro ac:name="panel"><ac:parameter ac:name="bgColor">red; background: \
url(javascript:alert(15))</ac:parameter><ac:rich-text-body><p>p</p></ac:rich-text-body>\
</ac:structured-macro>
<svg><script>alert(16)</script></svg>
<style>body { display: none }</style>
<table><tbody><tr><td style="width: expression(alert(17))">cell</td></tr></tbody></table>
<ac:structured-macro ac:name="mystery-macro"><ac:parameter ac:name="colour">blue</ac:parameter>\
<ac:rich-text-body><p>kept body</p></ac:rich-text-body></ac:structured-macro>
<marquee>old school</marquee>
<p><ac:link><ri:blog-post ri:content-title="News" ri:posting-day="2026/01/01"/><ac:plain-text-link-body><![CDATA[the news]]></ac:plain-text-link-body></ac:link></p>
<object data="evil.swf"></object><form action="https://evil.example"><input name="q"/></form>
"""

_BAD_URL = re.compile(r"^(javascript|data|vbscript):", re.I)
_FORBIDDEN = {"script", "iframe", "object", "embed", "svg", "form", "input", "base", "marquee"}


def _post_page(server, title: str, body: str) -> str:
    rsp = requests.post(server.url + "rest/api/content", auth=(server.user, server.api_token),
                        json={"type": "page", "title": title, "space": {"key": "DOCS"},
                              "body": {"storage": {"value": body,
                                                   "representation": "storage"}}}, timeout=30)
    assert rsp.status_code == 200, rsp.text
    return rsp.json()["id"]


def assert_inert(root) -> None:
    """Nothing in the document can run script or leave the page on its own."""
    styles = list(root.iter("style"))
    assert len(styles) == 1, "only the view's own style sheet"
    for el in root.iter():
        assert el.tag not in _FORBIDDEN, el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            squeezed = re.sub(r"[\x00-\x20]+", "", value)
            if name in ("href", "src", "action", "data"):
                assert not _BAD_URL.match(squeezed), (el.tag, name, value)
            if name == "style":
                assert "url(" not in value and "expression" not in value, value


def test_hostile_storage_renders_inert(confluence_emulator):
    server = confluence_emulator
    page_id = _post_page(server, 'Evil <script>alert("title")</script>', HOSTILE)
    requests.post(f"{server.url}rest/api/content/{page_id}/label",
                  auth=(server.user, server.api_token), timeout=30,
                  json=[{"prefix": "global", "name": "<script>x</script>"}])
    rsp, root = get_page(f"{server.url}pages/viewpage.action?pageId={page_id}")
    assert "script-src 'none'" in rsp.headers["Content-Security-Policy"]
    assert_inert(root)
    body = body_of(root)
    text = text_of(body)
    # what was markup is shown as text, never dropped silently
    assert "alert(1)" in text and "alert(13)" in text and "alert(12)" in text
    assert 'Evil <script>alert("title")</script>' in text_of(root.find(".//title"))
    links = {text_of(a): a.get("href") for a in body.iter("a")}
    assert links["fine"] == "https://example.com/ok"
    assert links["js"] is None and links["tab"] is None and links["vb"] is None
    assert links["data"] is None
    styled = next(p for p in body.iter("p") if text_of(p) == "styled")
    assert styled.get("style") == "color: red"
    macros = {el.get("data-macro"): text_of(el) for el in by_class(body, "placeholder")}
    assert "kept body" in macros["mystery-macro"] and "colour=blue" in macros["mystery-macro"]
    for tag in ("<script>", "<svg>", "<style>", "<marquee>", "<iframe>", "<object>", "<form>"):
        assert tag in macros, f"{tag} is shown as a placeholder"
    assert "old school" in macros["<marquee>"]
    assert "the news" in macros["ri:blog-post"]


def test_builder_page_with_javascript_link_and_html_macro_is_inert(tmp_path,
                                                                   confluence_emulator):
    src = tmp_path / "views"
    shutil.copytree(Path(__file__).parent / "roots" / "test-views", src)
    publish_project(src, tmp_path / "out", confluence_emulator)
    page = confluence_emulator.state.find_pages("DOCS", "Views Home")[0]
    assert "javascript:alert(1)" in page.body and "<script>" in page.body
    _, root = get_page(f"{confluence_emulator.url}spaces/DOCS/pages/{page.id}/Views+Home")
    assert_inert(root)
    link = next(a for a in body_of(root).iter("a") if text_of(a) == "javascript link")
    assert link.get("href") is None and "unsafe-link" in link.get("class")
    assert '<script>alert("owned")</script>' in text_of(body_of(root))


def test_hostile_attachment_is_served_sandboxed(confluence_emulator):
    server = confluence_emulator
    page_id = _post_page(server, "With file", "<p>file</p>")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    rsp = requests.post(f"{server.url}rest/api/content/{page_id}/child/attachment",
                        auth=(server.user, server.api_token), timeout=30,
                        headers={"X-Atlassian-Token": "no-check"},
                        files={"file": ("evil.svg", svg, "image/svg+xml")})
    assert rsp.status_code == 200, rsp.text
    got = requests.get(f"{server.url}download/attachments/{page_id}/evil.svg", timeout=30)
    assert got.content == svg and got.headers["Content-Type"] == "image/svg+xml"
    assert got.headers["Content-Security-Policy"].startswith("sandbox")
    assert got.headers["X-Content-Type-Options"] == "nosniff"


def test_unparsable_body_is_shown_not_dropped(confluence_emulator):
    server = confluence_emulator
    home = server.state.spaces["DOCS"].homepage_id
    page = server.state.create_page("DOCS", "Broken", "<p>unclosed <b>tag</p>", home)
    _, root = get_page(f"{server.url}pages/viewpage.action?pageId={page.id}")
    holder = by_class(body_of(root), "placeholder")[0]
    assert "does not parse" in text_of(holder) and "<p>unclosed <b>tag</p>" in text_of(holder)


def test_previous_version_and_diff(tmp_path, confluence_emulator):
    server = confluence_emulator
    src = tmp_path / "views"
    shutil.copytree(Path(__file__).parent / "roots" / "test-views", src)
    publish_project(src, tmp_path / "out", server)
    guide = src / "guide.rst"
    guide.write_text(guide.read_text().replace("Intro text of the guide.",
                                               "Rewritten introduction."), "utf-8")
    publish_project(src, tmp_path / "out", server)
    page = server.state.find_pages("DOCS", "Guide Page")[0]
    assert page.version.number == 2
    url = f"{server.url}spaces/DOCS/pages/{page.id}/Guide+Page"
    _, root = get_page(url)
    assert "Version 2" in text_of(by_class(root, "byline")[0])
    assert "Rewritten introduction." in text_of(body_of(root))
    previous = by_class(root, "previous-version", "a")[0].get("href")
    _, old = get_page(absolute(url, previous))
    assert "Intro text of the guide." in text_of(body_of(old))
    assert "old version (1)" in text_of(by_class(old, "old-version")[0])
    diff_href = by_class(root, "version-diff", "a")[0].get("href")
    _, diff = get_page(absolute(url, diff_href))
    removed = " ".join(text_of(r) for r in by_class(diff, "removed", "tr"))
    added = " ".join(text_of(r) for r in by_class(diff, "added", "tr"))
    assert "Intro text of the guide." in removed and "Rewritten introduction." in added
    assert "The details section." not in removed + added
    missing = requests.get(f"{server.url}pages/viewpage.action?pageId={page.id}"
                           "&pageVersion=9", timeout=30)
    assert missing.status_code == 404
    # the static export has the earlier version and the changes too, linked from disk
    export_space(server.state, "DOCS", tmp_path / "site")
    check_export(tmp_path / "site")
    exported = parse_html((tmp_path / "site" / "pages" / f"{page.id}.html").read_text("utf-8"))
    assert by_class(exported, "previous-version", "a")[0].get("href") == f"{page.id}-v1.html"
    old_page = (tmp_path / "site" / "pages" / f"{page.id}-v1.html").read_text("utf-8")
    assert "Intro text of the guide." in old_page
    changes = (tmp_path / "site" / "pages" / f"{page.id}-diff-1-2.html").read_text("utf-8")
    assert "Rewritten introduction." in changes


def test_parse_html_helper_sees_the_document():
    root = parse_html("<html><body><p>a<br/>b</p></body></html>")
    assert text_of(root) == "ab" and root.find(".//p/br") is not None
