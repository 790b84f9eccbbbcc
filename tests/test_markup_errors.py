"""Invalid markup input: a warning naming the document and line, never a traceback;
malformed options of the markup stop the build with a clear configuration error."""

from __future__ import annotations

import pytest
from markup_helpers import build, macros, project
from sphinx.errors import ConfigError
from sphinx.util.parallel import parallel_available

SERVERS = ("confluence_jira_servers = {'main': {'id': "
           "'d005bcc2-ca4e-4065-8ce8-49ff5ac5857d', 'name': 'Main Jira'}}\n")
OTHER_ID = "11111111-2222-4333-8444-555555555555"

CASES = {
    "unknown layout": (".. confluence_doc:: other\n   :card: embed\n   :layout: bogus\n",
                       "unknown layout 'bogus'; expected one of align-start"),
    "width out of range": (".. confluence_link:: https://example.com\n   :card: embed\n"
                           "   :width: 500\n", "width 500 is out of range"),
    "width not a number": (".. confluence_doc:: other\n   :card: embed\n   :width: wide\n",
                           "width 'wide' is not a whole number"),
    "layout without embed": (".. confluence_doc:: other\n   :layout: center\n",
                             ":layout: applies to embedded cards only"),
    "missing jira server": (".. jira:: project = X\n   :server: nope\n",
                            "Jira server 'nope' has no entry in confluence_jira_servers "
                            "(known: main)"),
    "conflicting id and name": (f".. jira_issue:: T-1\n   :server-id: {OTHER_ID}\n"
                                "   :server-name: Main Jira\n",
                                f":server-id: {OTHER_ID} conflicts with the id of server "
                                "'Main Jira'"),
    "server with server-id": (f".. jira_issue:: T-1\n   :server: main\n   :server-id: {OTHER_ID}"
                              "\n", ":server: conflicts with :server-id:/:server-name:"),
    "half a server pair": (".. jira_issue:: T-1\n   :server-name: Main Jira\n",
                           ":server-id: is required together with :server-name:"),
    "server id not a uuid": (".. jira_issue:: T-1\n   :server-id: 123\n   :server-name: J\n",
                             ":server-id: '123' is not a UUID"),
    "include of a document without excerpt": (".. confluence_excerpt_include:: !other\n",
                                              "document 'other' holds no confluence_excerpt"),
    "include of a missing document": (".. confluence_excerpt_include:: !nowhere\n",
                                      "document 'nowhere' does not exist"),
    "unknown status colour": (":confluence_status:`X <pink>`\n",
                              "unknown status colour 'pink'"),
    "unknown emoticon": (":confluence_emoticon:`grin`\n", "unknown emoticon 'grin'"),
    "missing pdf": (".. confluence_viewpdf:: missing.pdf\n", "file 'missing.pdf' not found"),
    "bad table width": (".. confluence_table_width:: wide\n",
                        "table width 'wide' is not a length"),
    "bad toc type": (".. confluence_toc::\n   :type: tree\n", "unknown toc type 'tree'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_input_warns_at_document_and_line(tmp_path, case):
    text, message = CASES[case]
    src = project(tmp_path, ".. toctree::\n\n   other\n\n" + text, SERVERS,
                  other="Other\n=====\n\nNo excerpt here.\n")
    result = build(src, tmp_path / "out")
    assert message in result.warnings
    assert "index.rst:8" in result.warnings  # the directive's or role's own line
    assert "Traceback" not in result.warnings
    assert (result.outdir / "index.conf").is_file()


def test_include_of_an_unknown_excerpt_name(tmp_path):
    src = project(tmp_path, ".. toctree::\n\n   other\n\n"
                  ".. confluence_excerpt_include:: !other\n   :name: missing\n",
                  other="Other\n=====\n\n.. confluence_excerpt::\n   :name: one\n\n   Text.\n")
    result = build(src, tmp_path / "out")
    assert "index.rst:8" in result.warnings
    assert "document 'other' has no excerpt named 'missing' (it has 'one')" in result.warnings


def test_per_page_editor_other_than_the_build_editor_warns(tmp_path):
    src = project(tmp_path, ".. confluence_metadata::\n   :editor: v2\n")
    result = build(src, tmp_path / "out", confluence_editor="v1")
    assert "index.rst:4" in result.warnings and "per-page editor (v2)" in result.warnings


def test_invalid_jira_server_skips_only_that_macro(tmp_path):
    src = project(tmp_path, ".. jira:: a\n   :server: nope\n\n.. jira:: b\n   :server: main\n",
                  SERVERS)
    result = build(src, tmp_path / "out")
    assert [m.find("{*}parameter").text for m in macros(result.tree(), "jira")] == ["b"]


@pytest.mark.parametrize(("conf", "message"), [
    ("confluence_jira_servers = {'x': {'id': 'abc', 'name': 'J'}}",
     "confluence_jira_servers: entry 'x': id 'abc' is not a UUID"),
    ("confluence_jira_servers = {'x': {'name': 'J'}}",
     "confluence_jira_servers: entry 'x' needs a string 'id' and a string 'name'"),
    (f"confluence_jira_servers = {{'a': {{'id': '{OTHER_ID}', 'name': 'J'}}, 'b': {{'id': "
     "'d005bcc2-ca4e-4065-8ce8-49ff5ac5857d', 'name': 'J'}}",
     "server name 'J' is given two different ids"),
    ("confluence_tab_macro = {'title-id': 'title'}", "confluence_tab_macro: needs a 'macro-name'"),
    ("confluence_mentions = {'a': 3}", "confluence_mentions: entry 'a' must map a name"),
    ("confluence_permit_raw_html = ' '", "confluence_permit_raw_html: is an empty macro name"),
])
def test_malformed_markup_options_stop_the_build(tmp_path, conf, message):
    src = project(tmp_path, "Text.\n", conf + "\n")
    with pytest.raises(ConfigError) as info:
        build(src, tmp_path / "out")
    assert message in str(info.value)


@pytest.mark.skipif(not parallel_available, reason="this platform cannot fork")
def test_excerpts_read_in_parallel_are_merged(tmp_path):
    """Documents read by different workers: includes still find the excerpts."""
    docs = {f"d{i}": f"D{i}\n==\n\n.. confluence_excerpt::\n   :name: e{i}\n\n   T{i}.\n"
            for i in range(8)}
    includes = "".join(f".. confluence_excerpt_include:: !d{i}\n   :name: e{i}\n\n"
                       for i in range(8))
    index = (".. toctree::\n\n" + "".join(f"   d{i}\n" for i in range(8)) + "\n" + includes
             + ".. confluence_excerpt_include:: !d3\n   :name: nope\n")
    src = project(tmp_path, index, **docs)
    result = build(src, tmp_path / "out", parallel=2)
    lines = [w for w in result.warnings.splitlines() if "confluence_excerpt_include" in w]
    assert len(lines) == 1 and "no excerpt named 'nope' (it has 'e3')" in lines[0]
    assert len(macros(result.tree(), "excerpt-include")) == 9


def test_markup_warnings_can_be_suppressed(tmp_path):
    src = project(tmp_path, ":confluence_status:`X <pink>`\n\n.. jira:: a\n   :server: nope\n",
                  "suppress_warnings = ['confluence.markup']\n")
    result = build(src, tmp_path / "out")
    assert result.warnings == ""
    assert macros(result.tree(), "status")


def test_include_of_a_missing_document_warns_once(tmp_path):
    src = project(tmp_path, ".. confluence_excerpt_include:: !missingdoc\n")
    result = build(src, tmp_path / "out")
    lines = [w for w in result.warnings.splitlines() if w.strip()]
    assert len(lines) == 1, lines
    assert "document 'missingdoc' does not exist" in lines[0]
    assert not macros(result.tree(), "excerpt-include")

