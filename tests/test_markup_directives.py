"""Every directive of Confluence-native markup, in both editors: macro name,
parameters and body in the written page (mini project ``roots/test-markup``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from markup_helpers import build, copy_root, macros, params, rich_body, text_of
from storage_helpers import NS

AC = f"{{{NS['ac']}}}"
RI = f"{{{NS['ri']}}}"
SERVER_ID = "d005bcc2-ca4e-4065-8ce8-49ff5ac5857d"


@pytest.fixture(scope="module", params=["v1", "v2"])
def built(request: Any, tmp_path_factory: Any) -> Any:
    tmp = tmp_path_factory.mktemp(f"markup-{request.param}")
    result = build(copy_root("markup", tmp), tmp / "out", confluence_editor=request.param)
    assert result.warnings == ""
    result.editor = request.param  # type: ignore[attr-defined]
    return result


def test_expand(built):
    (expand,) = [m for m in macros(built.tree(), "expand") if params(m).get("title")]
    assert params(expand) == {"title": "More details"}
    assert text_of(rich_body(expand)).strip() == "Hidden until expanded."


def test_panel_every_option(built):
    (panel,) = [m for m in macros(built.tree(), "panel") if params(m).get("title")]
    assert params(panel) == {
        "title": "Panel title", "bgColor": "#eeeeee", "borderColor": "#ff0000",
        "borderStyle": "dashed", "borderWidth": "2", "titleBGColor": "#0000ff",
        "titleColor": "#ffffff"}
    assert text_of(rich_body(panel)).strip() == "Inside the panel."


def test_excerpt(built):
    (excerpt,) = macros(built.tree(), "excerpt")
    assert params(excerpt) == {"name": "intro", "hidden": "false",
                               "atlassian-macro-output-type": "BLOCK"}
    assert text_of(rich_body(excerpt)).strip() == "Reusable text."
    (shared,) = macros(built.tree("other"), "excerpt")
    assert params(shared) == {"name": "shared"}


def test_excerpt_include_local_document_and_other_space(built):
    local, remote = macros(built.tree(), "excerpt-include")
    assert params(local)["name"] == "shared" and params(local)["nopanel"] == "true"
    page = local.find(f"ac:parameter[@{AC}name='']/ac:link/ri:page", NS)
    assert page is not None and page.get(f"{RI}content-title") == "Other"
    page = remote.find(f"ac:parameter[@{AC}name='']/ac:link/ri:page", NS)
    assert page.get(f"{RI}content-title") == "Some Page"
    assert page.get(f"{RI}space-key") == "OTHERSPACE"
    assert "name" not in params(remote)


def test_html_macro(built):
    (html,) = macros(built.tree(), "html")
    assert html.find("ac:plain-text-body", NS).text == "<b>bold html</b>"
    assert "<![CDATA[<b>bold html</b>]]>" in built.body()


def test_latex_directive_is_math_with_alignment(built):
    (block,) = macros(built.tree(), "mathblock")
    assert block.find("ac:plain-text-body", NS).text == "\\mathfrak{H}\\text{ello world!}"
    assert '<div style="text-align: left;"><ac:structured-macro ac:name="mathblock">' \
        in built.body()


def test_newline_between_paragraphs(built):
    assert "<p>Line one</p><br/><p>Line two</p>" in built.body()


def test_toc_every_option(built):
    (toc,) = macros(built.tree(), "toc")
    assert params(toc) == {
        "maxLevel": "3", "minLevel": "1", "type": "flat", "separator": "braces",
        "outline": "true", "printable": "false", "absoluteUrl": "true", "indent": "10px",
        "style": "square", "include": ".*", "exclude": "Skip.*"}


def test_viewpdf_attaches_the_pdf(built):
    (pdf,) = macros(built.tree(), "viewpdf")
    att = pdf.find(f"ac:parameter[@{AC}name='name']/ri:attachment", NS)
    assert att.get(f"{RI}filename") == "doc.pdf"
    meta = json.loads((built.outdir / "index.meta.json").read_text("utf-8"))
    assert [a["name"] for a in meta["attachments"]] == ["doc.pdf"]


def test_metadata_goes_to_the_page_metadata_not_the_body(built):
    meta = json.loads((built.outdir / "index.meta.json").read_text("utf-8"))
    assert meta["labels"] == ["alpha", "beta"]
    assert meta["guid"] == "1234-guid" and meta["full_width"] is True
    assert "1234-guid" not in built.body()


def test_doc_card(built):
    body = built.body()
    if built.editor == "v2":
        link = ('<ac:link ac:card-appearance="embed" ac:layout="center" ac:width="50">'
                '<ri:page ri:content-title="Other"/></ac:link>')
        assert link in body
    else:  # no smart links on v1: an ordinary link in a panel
        panels = [m for m in macros(built.tree(), "panel") if not params(m)]
        page = panels[0].find("ac:rich-text-body/x:p/ac:link/ri:page", NS)
        assert page.get(f"{RI}content-title") == "Other"


def test_link_card(built):
    body = built.body()
    if built.editor == "v2":
        assert ('<a href="https://example.com/page" data-card-appearance="block">'
                'https://example.com/page</a>') in body
    else:
        panels = [m for m in macros(built.tree(), "panel") if not params(m)]
        link = panels[1].find("ac:rich-text-body/x:p/x:a", NS)
        assert link.get("href") == "https://example.com/page"


def test_jira_table_and_issue(built):
    table, issue = [m for m in macros(built.tree(), "jira") if "showSummary" not in params(m)]
    assert params(table) == {"jqlQuery": 'project = "TEST"', "columns": "key,summary",
                             "count": "false", "maximumIssues": "10", "server": "Main Jira",
                             "serverId": SERVER_ID}
    assert params(issue) == {"key": "TEST-1", "server": "Main Jira", "serverId": SERVER_ID}


def test_table_width_applies_to_following_tables(built):
    table = built.tree().find(".//x:table", NS)
    if built.editor == "v2":
        assert table.get("data-table-width") == "600"
    else:
        assert table.get("style") == "width: 600px;"


def test_collapse_class_on_a_container(built):
    (expand,) = [m for m in macros(built.tree(), "expand")
                 if not params(m) and not macros(m, "code")]
    assert text_of(rich_body(expand)).strip() == "Collapsed container text."


def test_collapse_theme_and_strike_class_hints(built):
    (code,) = macros(built.tree(), "code")
    assert params(code)["theme"] == "Midnight"
    assert "themed = True" in text_of(code)
    if built.editor == "v1":
        assert params(code)["collapse"] == "true"
    else:  # the Cloud editor ignores the code macro's collapse: an expand around it
        assert any(macros(m, "code") for m in macros(built.tree(), "expand"))
    assert "<s>struck through</s>" in built.body()
