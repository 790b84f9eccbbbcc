"""The markup mini project builds with every builder without a warning, and
publishes to the emulator (strict storage validation) in both editors."""

from __future__ import annotations

import pytest
from markup_helpers import build, copy_root
from publish_helpers import current_pages, writes
from sphinx.errors import SphinxError


@pytest.mark.parametrize("builder", ["html", "text", "latex", "man", "linkcheck"])
def test_other_builders_build_without_warnings(tmp_path, builder):
    result = build(copy_root("markup", tmp_path), tmp_path / "out", builder)
    assert result.warnings == ""
    assert result.app.statuscode == 0


def test_html_shows_the_content_of_the_markup(tmp_path):
    result = build(copy_root("markup", tmp_path), tmp_path / "out", "html")
    html = (result.outdir / "index.html").read_text("utf-8")
    for text in ("More details", "Inside the panel.", "Reusable text.", "<b>bold html</b>",
                 "Collapsed container text.", "https://example.com/page", "DONE", "gone",
                 'href="other.html"'):
        assert text in html, text
    assert "Shared text." in (result.outdir / "other.html").read_text("utf-8")


@pytest.mark.parametrize(("mode", "editor"), [("cloud", "v2"), ("dc", "v1")])
def test_publishes_every_page_to_the_emulator(confluence_emulator_factory, tmp_path, mode,
                                              editor):
    server = confluence_emulator_factory(mode=mode)
    auth = ({"confluence_server_user": server.user, "confluence_api_token": server.api_token}
            if mode == "cloud" else {"confluence_publish_token": server.pat})
    src = copy_root("markup", tmp_path)
    result = build(src, tmp_path / "out", confluence_publish=True, confluence_editor=editor,
                   confluence_server_url=server.url, confluence_space_key="DOCS", **auth)
    assert result.warnings == "" and result.app.statuscode == 0
    pages = current_pages(server.state)
    assert {"Markup", "Other"} <= set(pages)
    index = pages["Markup"]
    assert sorted(label.name for label in index.labels) == ["alpha", "beta"]
    assert index.properties["content-appearance-published"].value == "full-width"
    assert 'ac:name="jira"' in index.body and 'ac:name="excerpt-include"' in index.body
    atts = server.state.children(index.id, "attachment")
    # objects.inv: the intersphinx inventory (confluence_publish_intersphinx)
    assert sorted(a.title for a in atts) == ["doc.pdf", "objects.inv"]


def test_override_pageid_event_chooses_the_page_and_sees_the_guid(confluence_emulator_factory,
                                                                   tmp_path):
    server = confluence_emulator_factory(mode="cloud")
    home = server.state.spaces["DOCS"].homepage_id
    existing = server.state.create_page("DOCS", "Hand made", "<p>old</p>", home)
    asked: dict[str, dict] = {}

    def override(app, docname, meta):
        asked[docname] = dict(meta)
        return existing.id if docname == "other" else None

    build(copy_root("markup", tmp_path), tmp_path / "out", confluence_publish=True,
          confluence_server_url=server.url, confluence_space_key="DOCS",
          confluence_server_user=server.user, confluence_api_token=server.api_token,
          events={"confluence-publish-override-pageid": override})
    assert asked == {"index": {"guid": "1234-guid", "title": "Markup"},
                     "other": {"guid": None, "title": "Other"}}
    pages = current_pages(server.state)
    assert "Hand made" not in pages and pages["Other"].id == existing.id
    assert "Shared text." in pages["Other"].body


def test_override_pageid_event_with_a_missing_page_stops_before_writing(
        confluence_emulator_factory, tmp_path):
    server = confluence_emulator_factory(mode="cloud")
    with pytest.raises(SphinxError) as info:
        build(copy_root("markup", tmp_path), tmp_path / "out", confluence_publish=True,
              confluence_server_url=server.url, confluence_space_key="DOCS",
              confluence_server_user=server.user, confluence_api_token=server.api_token,
              events={"confluence-publish-override-pageid": lambda app, d, m: "424242"})
    assert "gave page id 424242 for document 'index'" in str(info.value)
    assert writes(server) == []
