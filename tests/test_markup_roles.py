"""Every role of Confluence-native markup, class hints and the options that feed
them, in both editors."""

from __future__ import annotations

import pytest
from markup_helpers import build, macros, params, project, rich_body, text_of
from storage_helpers import NS

AC = f"{{{NS['ac']}}}"
RI = f"{{{NS['ri']}}}"
ACCOUNT = "5b10ac8d82e05b22cc7d4ef5:0c1f2a8e-8c6b-4c1a-9d1f-1e2b3c4d5e6f"
USERKEY = "b9aaf35e80441f415c3a3d3c53695d0e"

ROLES = f"""\
.. toctree::

   other

A :confluence_doc:`other` doc, a :confluence_link:`https://example.com/x` link.

:confluence_emoticon:`tick` and :confluence_emoticon:`thumbs-up`.

Ask :confluence_mention:`alice`, :confluence_mention:`{USERKEY}` or :confluence_mention:`bob`.

:confluence_status:`DONE <green>`, :confluence_status:`WIP [yellow]`, :confluence_status:`PLAIN`.

:confluence_strike:`gone` and :strike:`custom`.

See :jira:`TEST-2` and :confluence_latex:`$x^2$ wide`.
"""
CONF = f"""\
confluence_mentions = {{'alice': '{ACCOUNT}'}}
confluence_latex_macro = {{'block-macro': 'mathblock', 'inline-macro': 'mathinline',
                          'inline-macro-param': 'body'}}
rst_prolog = '.. role:: strike\\n   :class: strike\\n'
"""


@pytest.fixture(params=["v1", "v2"])
def roles(request, tmp_path):
    src = project(tmp_path, ROLES, CONF, other="Other\n=====\n\nText.\n")
    result = build(src, tmp_path / "out", confluence_editor=request.param)
    assert result.warnings == ""
    result.editor = request.param
    return result


def test_doc_role_is_an_inline_smart_link(roles):
    link = roles.tree().findall(".//x:p/ac:link/ri:page/..", NS)[-1]  # after the toctree's
    assert link.find("ri:page", NS).get(f"{RI}content-title") == "Other"
    assert link.find("ac:plain-text-link-body", NS).text == "Other"
    expected = "inline" if roles.editor == "v2" else None
    assert link.get(f"{AC}card-appearance") == expected


def test_link_role(roles):
    anchor = [a for a in roles.tree().iter(f"{{{NS['x']}}}a")][0]
    assert anchor.get("href") == "https://example.com/x"
    assert anchor.text == "https://example.com/x"
    expected = "inline" if roles.editor == "v2" else None
    assert anchor.get("data-card-appearance") == expected


def test_emoticon_role(roles):
    names = [e.get(f"{AC}name") for e in roles.tree().iter(f"{AC}emoticon")]
    assert names == ["tick", "thumbs-up"]


def test_mention_role_alias_userkey_and_username(roles):
    users = [dict(u.attrib) for u in roles.tree().iter(f"{RI}user")]
    assert users == [{f"{RI}account-id": ACCOUNT}, {f"{RI}userkey": USERKEY},
                     {f"{RI}username": "bob"}]


def test_status_role_colour_subtle_and_plain(roles):
    found = [params(m) for m in macros(roles.tree(), "status")]
    assert found == [{"colour": "Green", "title": "DONE"},
                     {"colour": "Yellow", "title": "WIP", "subtle": "true"},
                     {"title": "PLAIN"}]


def test_strike_role_and_strike_class_hint(roles):
    assert "<s>gone</s>" in roles.body() and "<s>custom</s>" in roles.body()


def test_jira_role_single_issue_without_summary(roles):
    (issue,) = macros(roles.tree(), "jira")
    assert params(issue) == {"key": "TEST-2", "showSummary": "false"}


def test_latex_role_is_inline_math(roles):
    (math,) = macros(roles.tree(), "mathinline")
    assert params(math) == {"body": "x^2\\text{ wide}"}


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_html_macro_option_renames_the_macro(tmp_path, editor):
    src = project(tmp_path, ".. confluence_html::\n\n   <i>x</i>\n",
                  "confluence_html_macro = 'html-bobswift'\n")
    result = build(src, tmp_path / "out", confluence_editor=editor)
    (macro,) = macros(result.tree(), "html-bobswift")
    assert macro.find("ac:plain-text-body", NS).text == "<i>x</i>"


@pytest.mark.parametrize("editor", ["v1", "v2"])
@pytest.mark.parametrize(("permit", "expected"), [
    (True, '<p>before</p><b class="x">raw</b>'),
    ("html", '<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA['
             '<b class="x">raw</b>]]></ac:plain-text-body></ac:structured-macro>'),
])
def test_permit_raw_html(tmp_path, editor, permit, expected):
    src = project(tmp_path, 'before\n\n.. raw:: html\n\n   <b class="x">raw</b>\n',
                  f"confluence_permit_raw_html = {permit!r}\n")
    result = build(src, tmp_path / "out", confluence_editor=editor)
    assert expected in result.body() and result.warnings == ""


def test_raw_html_not_permitted_is_dropped_with_a_warning(tmp_path):
    src = project(tmp_path, ".. raw:: html\n\n   <b>raw</b>\n")
    result = build(src, tmp_path / "out")
    assert "raw" not in result.body()
    assert "index.rst:4" in result.warnings and "confluence_permit_raw_html" in result.warnings


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_collapse_container_with_nested_content(tmp_path, editor):
    src = project(tmp_path, ".. container:: collapse other\n\n   * item\n")
    result = build(src, tmp_path / "out", confluence_editor=editor)
    (expand,) = macros(result.tree(), "expand")
    assert text_of(rich_body(expand).find("x:ul", NS)).strip() == "item"


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_code_block_collapse_and_theme_class_hints(tmp_path, editor):
    src = project(tmp_path, ".. code-block:: python\n   :class: collapse confluence-theme-midnight"
                            "\n\n   x = 1\n")
    result = build(src, tmp_path / "out", confluence_editor=editor)
    (code,) = macros(result.tree(), "code")
    assert params(code)["theme"] == "Midnight"
    if editor == "v1":
        assert params(code)["collapse"] == "true"
    else:
        assert macros(result.tree(), "expand")
