"""Options of the markup whose effect the mini project does not show on its own:
each one changes the written page (or the published one), in both editors."""

from __future__ import annotations

import pytest
from markup_helpers import build, macros, params, project
from publish_helpers import current_pages
from storage_helpers import NS

AC = f"{{{NS['ac']}}}"
LATEX = ("confluence_latex_macro = {'block-macro': 'mathblock', 'inline-macro': "
         "'mathinline'}\n")


@pytest.fixture(params=["v1", "v2"])
def editor(request):
    return request.param


def test_expand_without_title_has_no_title_parameter(tmp_path, editor):
    src = project(tmp_path, ".. confluence_expand::\n\n   Body.\n")
    (expand,) = macros(build(src, tmp_path / "o", confluence_editor=editor).tree(), "expand")
    assert params(expand) == {}


def test_excerpt_hidden_flag_and_inline_output(tmp_path, editor):
    src = project(tmp_path, ".. confluence_excerpt::\n   :hidden:\n"
                            "   :atlassian-macro-output-type: inline\n\n   Secret.\n")
    result = build(src, tmp_path / "o", confluence_editor=editor)
    (excerpt,) = macros(result.tree(), "excerpt")
    assert params(excerpt) == {"hidden": "true", "atlassian-macro-output-type": "INLINE"}
    html = build(src, tmp_path / "h", "html")
    assert "Secret." not in (html.outdir / "index.html").read_text("utf-8")


def test_doc_card_without_card_option_is_a_plain_link(tmp_path):
    src = project(tmp_path, ".. toctree::\n\n   other\n\n.. confluence_doc:: other\n",
                  other="Other\n=====\n\nText.\n")
    body = build(src, tmp_path / "o", confluence_editor="v2").body()
    assert body.endswith('<p><ac:link><ri:page ri:content-title="Other"/>'
                         '<ac:plain-text-link-body><![CDATA[Other]]>'
                         '</ac:plain-text-link-body></ac:link></p>')


def test_link_card_embed_layout_and_width(tmp_path):
    src = project(tmp_path, ".. confluence_link:: https://example.com\n   :card: embed\n"
                            "   :layout: wrap-left\n   :width: 30\n")
    body = build(src, tmp_path / "o", confluence_editor="v2").body()
    assert ('<a href="https://example.com" data-card-appearance="embed" '
            'data-layout="wrap-left" data-width="30">https://example.com</a>') in body


def test_jira_maximum_issues_old_spelling(tmp_path, editor):
    src = project(tmp_path, ".. jira:: project = A\n   :maximum_issues: 5\n   :count: true\n")
    (jira,) = macros(build(src, tmp_path / "o", confluence_editor=editor).tree(), "jira")
    assert params(jira) == {"jqlQuery": "project = A", "count": "true", "maximumIssues": "5"}


def test_table_width_unset_and_a_tables_own_width(tmp_path):
    table = ".. list-table::\n{}\n   * - a\n\n"
    text = (".. confluence_table_width:: 70%\n\n" + table.format("")
            + table.format("   :width: 40%\n") + ".. confluence_table_width:: unset\n\n"
            + table.format(""))
    src = project(tmp_path, text)
    tables = build(src, tmp_path / "o", confluence_editor="v1").tree().findall(".//x:table", NS)
    assert [t.get("style") for t in tables] == ["width: 70%;", "width: 40%;", None]


def test_latex_without_align_is_not_wrapped(tmp_path, editor):
    src = project(tmp_path, ".. confluence_latex::\n\n   x+y\n", LATEX)
    body = build(src, tmp_path / "o", confluence_editor=editor).body()
    assert '<ac:structured-macro ac:name="mathblock"><ac:plain-text-body><![CDATA[x+y]]>' \
        in body and "<div" not in body


def test_toc_without_options_is_a_bare_macro(tmp_path, editor):
    src = project(tmp_path, ".. confluence_toc::\n")
    (toc,) = macros(build(src, tmp_path / "o", confluence_editor=editor).tree(), "toc")
    assert params(toc) == {}


def test_mention_names_not_in_the_mapping_are_used_as_given(tmp_path, editor):
    src = project(tmp_path, ":confluence_mention:`carol`\n",
                  "confluence_mentions = {'alice': 'abc'}\n")
    assert '<ri:user ri:username="carol"/>' in build(
        src, tmp_path / "o", confluence_editor=editor).body()


def test_per_page_full_width_overrides_the_option(confluence_emulator_factory, tmp_path):
    server = confluence_emulator_factory(mode="cloud")
    src = project(tmp_path, ".. confluence_metadata::\n   :full-width: false\n\n"
                            ".. toctree::\n\n   other\n",
                  other="Other\n=====\n\nText.\n")
    build(src, tmp_path / "o", confluence_publish=True, confluence_full_width=True,
          confluence_server_url=server.url, confluence_space_key="DOCS",
          confluence_server_user=server.user, confluence_api_token=server.api_token)
    pages = current_pages(server.state)
    key = "content-appearance-published"
    assert pages["Index"].properties[key].value == "default"
    assert pages["Other"].properties[key].value == "full-width"
